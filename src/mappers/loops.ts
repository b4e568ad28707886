// An editable form of a mapping (per level: temporal factors, spatial factors per mesh axis and
// the temporal order) and the single-step edits that local search and repair apply to it.
import type { Architecture } from '../arch/types.js';
import type { Mapping } from '../mapping/types.js';
import { DIMENSIONS, unitFactors, type DataSpace, type Dimension, type Factors } from '../workload/layer.js';
import { primeFactors } from '../workload/primes.js';
import { levelMapping, mappingSlots, slotFactors, type Slot } from './space.js';

export interface LevelLoops {
  temporal: Factors;
  x: Factors;
  y: Factors;
  permutation: Dimension[];
  keep: Record<DataSpace, boolean>;
}

export function toLoops(mapping: Mapping): LevelLoops[] {
  return mapping.levels.map((level) => {
    const x = unitFactors();
    const y = unitFactors();
    level.spatialPermutation.forEach((dimension, position) => {
      (position < level.split ? x : y)[dimension] = level.spatial[dimension];
    });
    return { temporal: { ...level.temporal }, x, y, permutation: [...level.permutation], keep: { ...level.keep } };
  });
}

export function fromLoops(loops: LevelLoops[]): Mapping {
  return { levels: loops.map((level) => levelMapping(level.temporal, level.x, level.y, level.permutation, level.keep)) };
}

function cloneLoops(loops: LevelLoops[]): LevelLoops[] {
  return loops.map((level) => ({
    temporal: { ...level.temporal },
    x: { ...level.x },
    y: { ...level.y },
    permutation: [...level.permutation],
    keep: level.keep,
  }));
}

export { slotFactors };

/**
 * Moves one copy of `prime` of `dimension` from slot `from` to slot `to`; undefined when the source
 * lacks that prime or the target axis conflicts (a dimension takes one mesh axis per level).
 */
export function moveFactor(loops: LevelLoops[], dimension: Dimension, prime: number, from: Slot, to: Slot): LevelLoops[] | undefined {
  const source = slotFactors(loops[from.level], from.kind);
  if (source[dimension] % prime !== 0) return undefined;
  const target = loops[to.level];
  if (to.kind === 'spatialX' && target.y[dimension] > 1) return undefined;
  if (to.kind === 'spatialY' && target.x[dimension] > 1) return undefined;

  const next = cloneLoops(loops);
  slotFactors(next[from.level], from.kind)[dimension] /= prime;
  slotFactors(next[to.level], to.kind)[dimension] *= prime;
  return next;
}

/** Every single-prime move between slots of the architecture. */
export function factorMoves(arch: Architecture, loops: LevelLoops[]): LevelLoops[][] {
  const slots = mappingSlots(arch);
  const result: LevelLoops[][] = [];
  for (const from of slots) {
    const factors = slotFactors(loops[from.level], from.kind);
    for (const dimension of DIMENSIONS) {
      if (factors[dimension] === 1) continue;
      for (const prime of new Set(primeFactors(factors[dimension]))) {
        for (const to of slots) {
          if (to === from) continue;
          const moved = moveFactor(loops, dimension, prime, from, to);
          if (moved !== undefined) result.push(moved);
        }
      }
    }
  }
  return result;
}

/** Exchanges of one prime between two slots in opposite directions, for capacity-tight tiles. */
export function factorSwaps(arch: Architecture, loops: LevelLoops[]): LevelLoops[][] {
  const slots = mappingSlots(arch);
  const result: LevelLoops[][] = [];
  for (let a = 0; a < slots.length; a++) {
    for (let b = a + 1; b < slots.length; b++) {
      for (const first of DIMENSIONS) {
        const fromA = slotFactors(loops[slots[a].level], slots[a].kind)[first];
        if (fromA === 1) continue;
        for (const second of DIMENSIONS) {
          if (second === first) continue;
          const fromB = slotFactors(loops[slots[b].level], slots[b].kind)[second];
          if (fromB === 1) continue;
          const p = primeFactors(fromA)[0];
          const q = primeFactors(fromB)[0];
          const half = moveFactor(loops, first, p, slots[a], slots[b]);
          const swapped = half && moveFactor(half, second, q, slots[b], slots[a]);
          if (swapped !== undefined) result.push(swapped);
        }
      }
    }
  }
  return result;
}

/** Orders that move one loop with bound > 1 innermost or outermost at one level, keeping the rest in order. */
export function orderMoves(loops: LevelLoops[]): LevelLoops[][] {
  const result: LevelLoops[][] = [];
  loops.forEach((level, index) => {
    const active = level.permutation.filter((dimension) => level.temporal[dimension] > 1);
    if (active.length < 2) return;
    for (const dimension of active) {
      if (active[0] !== dimension) {
        const innermost = cloneLoops(loops);
        innermost[index].permutation = [dimension, ...level.permutation.filter((other) => other !== dimension)];
        result.push(innermost);
      }
      if (active[active.length - 1] !== dimension) {
        const outermost = cloneLoops(loops);
        outermost[index].permutation = [...level.permutation.filter((other) => other !== dimension), dimension];
        result.push(outermost);
      }
    }
  });
  return result;
}
