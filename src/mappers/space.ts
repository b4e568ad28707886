// The map space every mapper searches: each prime factor of each layer dimension is placed at one
// slot (a storage level's temporal loops, or its spatial fan-out on X or Y), and each level orders
// its temporal loops. Helpers here turn a placement into a Mapping and pre-check tile sizes.
import { fanout, type Architecture } from '../arch/types.js';
import type { LevelMapping, Mapping } from '../mapping/types.js';
import { checkFanout } from '../mapping/validate.js';
import type { Evaluation } from '../model/types.js';
import { primeFactorCounts } from '../workload/primes.js';
import {
  DATA_SPACES,
  DIMENSIONS,
  isRelevant,
  unitFactors,
  type DataSpace,
  type Dimension,
  type Factors,
  type Layer,
} from '../workload/layer.js';
import type { KeepPattern, Objective } from './types.js';

export type SlotKind = 'temporal' | 'spatialX' | 'spatialY';

export interface Slot {
  level: number;
  kind: SlotKind;
}

/** `count` copies of `prime` in the factorization of `dimension`. */
export interface PrimeGroup {
  dimension: Dimension;
  prime: number;
  count: number;
}

/** Copies of each group's prime per slot: placement[group][slot]. */
export type Placement = number[][];

/** Temporal slots at every level, spatial slots only where the level fans out on that axis. */
export function mappingSlots(arch: Architecture): Slot[] {
  const slots: Slot[] = [];
  arch.levels.forEach((_, level) => {
    slots.push({ level, kind: 'temporal' });
    const { x, y } = fanout(arch, level);
    if (x > 1) slots.push({ level, kind: 'spatialX' });
    if (y > 1) slots.push({ level, kind: 'spatialY' });
  });
  return slots;
}

export function primeGroups(layer: Layer): PrimeGroup[] {
  const groups: PrimeGroup[] = [];
  for (const dimension of DIMENSIONS) {
    for (const [prime, count] of primeFactorCounts(layer[dimension])) groups.push({ dimension, prime, count });
  }
  return groups;
}

/** Temporal permutation (innermost first) with the loops irrelevant to `reused` innermost, so its tile stays resident across them. */
export function blockPermutation(reused: DataSpace | undefined): Dimension[] {
  if (reused === undefined) return [...DIMENSIONS];
  const inner = DIMENSIONS.filter((dimension) => !isRelevant(reused, dimension));
  const outer = DIMENSIONS.filter((dimension) => isRelevant(reused, dimension));
  return [...inner, ...outer];
}

/**
 * Builds the mapping of a placement, or returns undefined when a dimension has spatial factors on
 * both X and Y of one level (a dimension takes one axis per level). `permutations[level]` orders
 * that level's temporal loops, innermost first.
 */
export function placementToMapping(
  slots: Slot[],
  groups: PrimeGroup[],
  placement: Placement,
  permutations: Dimension[][],
  keep: KeepPattern,
): Mapping | undefined {
  const levels: { temporal: Factors; x: Factors; y: Factors }[] = keep.map(() => ({ temporal: unitFactors(), x: unitFactors(), y: unitFactors() }));
  groups.forEach((group, g) => {
    slots.forEach((slot, s) => {
      const copies = placement[g][s];
      if (copies === 0) return;
      const target = levels[slot.level];
      slotFactors(target, slot.kind)[group.dimension] *= group.prime ** copies;
    });
  });

  const mapped: LevelMapping[] = [];
  for (let level = 0; level < levels.length; level++) {
    const { temporal, x, y } = levels[level];
    if (DIMENSIONS.some((dimension) => x[dimension] > 1 && y[dimension] > 1)) return undefined;
    mapped.push(levelMapping(temporal, x, y, permutations[level], keep[level]));
  }
  return { levels: mapped };
}

/** One level's loops; spatial dimensions are listed X first, then unit ones, then Y. */
export function levelMapping(temporal: Factors, x: Factors, y: Factors, permutation: Dimension[], keep: Record<DataSpace, boolean>): LevelMapping {
  const onX = DIMENSIONS.filter((dimension) => x[dimension] > 1);
  const onY = DIMENSIONS.filter((dimension) => y[dimension] > 1);
  const unit = DIMENSIONS.filter((dimension) => x[dimension] === 1 && y[dimension] === 1);
  const spatial = unitFactors();
  for (const dimension of DIMENSIONS) spatial[dimension] = x[dimension] * y[dimension];
  return {
    temporal,
    permutation: [...permutation],
    spatial,
    spatialPermutation: [...onX, ...unit, ...onY],
    split: onX.length + unit.length,
    keep: { ...keep },
  };
}

/** Products of all temporal and spatial factors at levels 0..index, per dimension. */
export function cumulativeFactors(mapping: Mapping): Factors[] {
  const result: Factors[] = [];
  let running = unitFactors();
  for (const level of mapping.levels) {
    running = { ...running };
    for (const dimension of DIMENSIONS) running[dimension] *= level.temporal[dimension] * level.spatial[dimension];
    result.push(running);
  }
  return result;
}

/** Words of `dataSpace` in a tile spanning `extent`; Inputs use the bounding box of the sliding window. */
export function tileWords(layer: Layer, dataSpace: DataSpace, extent: Factors): number {
  switch (dataSpace) {
    case 'Weights':
      return extent.G * extent.R * extent.S * extent.C * extent.K;
    case 'Outputs':
      return extent.G * extent.P * extent.Q * extent.K * extent.N;
    case 'Inputs': {
      const width = (extent.P - 1) * layer.Wstride + (extent.R - 1) * layer.Wdilation + 1;
      const height = (extent.Q - 1) * layer.Hstride + (extent.S - 1) * layer.Hdilation + 1;
      return extent.N * extent.G * extent.C * width * height;
    }
  }
}

export interface Violation {
  kind: 'capacity' | 'fanout';
  level: number;
  /** The mesh axis of a fan-out violation. */
  axis?: 'X' | 'Y';
  reason: string;
}

/**
 * A fast pre-check of capacity (the kept tiles of a level must fit its entries together) and
 * fan-out; returns the first violation or undefined. The cost model remains the judge.
 */
export function precheckMapping(arch: Architecture, layer: Layer, mapping: Mapping): Violation | undefined {
  const extents = cumulativeFactors(mapping);
  for (let index = 0; index < arch.levels.length; index++) {
    const level = arch.levels[index];
    if (level.entries === undefined) continue;
    let words = 0;
    for (const dataSpace of DATA_SPACES) {
      if (mapping.levels[index].keep[dataSpace]) words += tileWords(layer, dataSpace, extents[index]);
    }
    if (words > level.entries) {
      return { kind: 'capacity', level: index, reason: `${level.name}: kept tiles need ${words} words but it holds ${level.entries}` };
    }
  }
  const fanoutViolation = checkFanout(arch, mapping)[0];
  if (fanoutViolation === undefined) return undefined;
  return { kind: 'fanout', level: fanoutViolation.levelIndex, axis: fanoutViolation.axis, reason: fanoutViolation.reason };
}

/** The figures an objective compares: cycles and energy in pJ. */
export type ScoredFigures = Pick<Evaluation, 'cycles' | 'energy_pJ'>;

/** The value a mapper minimizes: cycles, energy in pJ, or their product. */
export function objectiveScore(evaluation: ScoredFigures, objective: Objective): number {
  switch (objective) {
    case 'latency':
      return evaluation.cycles;
    case 'energy':
      return evaluation.energy_pJ;
    case 'edp':
      return evaluation.cycles * evaluation.energy_pJ;
  }
}

/**
 * Orders evaluations by the objective, breaking ties by the other quantity so that, for example,
 * the lower energy decides between two latency-optimal mappings.
 */
export function isBetter(candidate: ScoredFigures, incumbent: ScoredFigures | undefined, objective: Objective): boolean {
  if (incumbent === undefined) return true;
  const a = objectiveScore(candidate, objective);
  const b = objectiveScore(incumbent, objective);
  if (a !== b) return a < b * (1 - 1e-12);
  const tieA = objective === 'latency' ? candidate.energy_pJ : candidate.cycles;
  const tieB = objective === 'latency' ? incumbent.energy_pJ : incumbent.cycles;
  return tieA < tieB;
}

/** Returns the factors of one slot kind (temporal, spatial X or spatial Y) of a level's loops. */
export function slotFactors(level: { temporal: Factors; x: Factors; y: Factors }, kind: Slot['kind']): Factors {
  if (kind === 'temporal') return level.temporal;
  if (kind === 'spatialX') return level.x;
  return level.y;
}
