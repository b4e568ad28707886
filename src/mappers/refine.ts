// Polishes a mapping with the exact cost model: a first-improvement local search over single
// prime-factor moves, loop-order changes and, when those stall, prime swaps between slots. It
// also repairs a mapping that the cost model rejects by moving factors outward.
import type { Architecture } from '../arch/types.js';
import type { Mapping } from '../mapping/types.js';
import { evaluate } from '../model/evaluate.js';
import type { Evaluation } from '../model/types.js';
import { DATA_SPACES, DIMENSIONS, isRelevant, layerFactors, unitFactors, type Dimension, type Layer } from '../workload/layer.js';
import { primeFactors } from '../workload/primes.js';
import { factorMoves, factorSwaps, fromLoops, moveFactor, orderMoves, slotFactors, toLoops, type LevelLoops } from './loops.js';
import { blockPermutation, isBetter, levelMapping, precheckMapping } from './space.js';
import type { KeepPattern, Objective } from './types.js';

export interface Scored {
  mapping: Mapping;
  evaluation: Evaluation;
}

export interface SearchBudget {
  /** Wall-clock seconds. */
  seconds: number;
  /** Cost-model evaluations. */
  evaluations: number;
}

export interface SearchResult extends Scored {
  evaluations: number;
  /** True when the clock stopped the search before its evaluation budget ran out or it converged. */
  timedOut: boolean;
}

export function refineMapping(arch: Architecture, layer: Layer, start: Scored, objective: Objective, budget: SearchBudget): SearchResult {
  const deadline = performance.now() + budget.seconds * 1000;
  let best = start;
  let evaluations = 0;
  let timedOut = false;
  const exhausted = () => {
    if (evaluations >= budget.evaluations) return true;
    timedOut = performance.now() >= deadline;
    return timedOut;
  };

  const tryCandidates = (candidates: LevelLoops[][]): boolean => {
    for (const candidate of candidates) {
      if (exhausted()) return false;
      const mapping = fromLoops(candidate);
      if (precheckMapping(arch, layer, mapping) !== undefined) continue;
      evaluations++;
      const result = evaluate(arch, layer, mapping);
      if (result.ok && isBetter(result, best.evaluation, objective)) {
        best = { mapping, evaluation: result };
        return true;
      }
    }
    return false;
  };

  while (!exhausted()) {
    const loops = toLoops(best.mapping);
    if (tryCandidates(orderMoves(loops))) continue;
    if (tryCandidates(factorMoves(arch, loops))) continue;
    if (tryCandidates(factorSwaps(arch, loops))) continue;
    break;
  }
  return { ...best, evaluations, timedOut };
}

/**
 * Makes a mapping valid. While the pre-check finds an overfull level, it moves the largest prime
 * of a dimension relevant to that level's tiles, from that level or below, to the temporal loops
 * one level up. An over-wide fan-out becomes temporal loops of the same level. The fallback runs
 * every loop at the outermost level. Returns undefined when even that is invalid.
 */
export function repairMapping(arch: Architecture, layer: Layer, mapping: Mapping): Scored | undefined {
  let loops = toLoops(mapping);
  for (let step = 0; step < 200; step++) {
    const current = fromLoops(loops);
    const violation = precheckMapping(arch, layer, current);
    if (violation === undefined) {
      const result = evaluate(arch, layer, current);
      if (result.ok) return { mapping: current, evaluation: result };
      break;
    }

    const next = violation.kind === 'fanout' ? narrowFanout(loops, violation.level, violation.axis ?? 'X') : shrinkTile(loops, violation.level);
    if (next === undefined) break;
    loops = next;
  }

  const outermost = outermostMapping(arch, layer, mapping.levels.map((level) => level.keep));
  const result = evaluate(arch, layer, outermost);
  return result.ok ? { mapping: outermost, evaluation: result } : undefined;
}

function narrowFanout(loops: LevelLoops[], level: number, axis: 'X' | 'Y'): LevelLoops[] | undefined {
  const factors = axis === 'X' ? loops[level].x : loops[level].y;
  const dimension = largestFactorDimension(factors, DIMENSIONS);
  if (dimension === undefined) return undefined;
  const prime = Math.max(...primeFactors(factors[dimension]));
  return moveFactor(loops, dimension, prime, { level, kind: axis === 'X' ? 'spatialX' : 'spatialY' }, { level, kind: 'temporal' });
}

function shrinkTile(loops: LevelLoops[], level: number): LevelLoops[] | undefined {
  if (level + 1 >= loops.length) return undefined;
  const relevant = DIMENSIONS.filter((dimension) => DATA_SPACES.some((dataSpace) => loops[level].keep[dataSpace] && isRelevant(dataSpace, dimension)));

  let best: { dimension: Dimension; prime: number; from: { level: number; kind: 'temporal' | 'spatialX' | 'spatialY' } } | undefined;
  for (let inner = level; inner >= 0; inner--) {
    for (const kind of ['temporal', 'spatialX', 'spatialY'] as const) {
      const factors = slotFactors(loops[inner], kind);
      for (const dimension of relevant) {
        if (factors[dimension] === 1) continue;
        const prime = Math.max(...primeFactors(factors[dimension]));
        if (best === undefined || prime > best.prime) best = { dimension, prime, from: { level: inner, kind } };
      }
    }
  }
  if (best === undefined) return undefined;
  return moveFactor(loops, best.dimension, best.prime, best.from, { level: level + 1, kind: 'temporal' });
}

function largestFactorDimension(factors: Record<Dimension, number>, dimensions: readonly Dimension[]): Dimension | undefined {
  let best: Dimension | undefined;
  for (const dimension of dimensions) {
    if (factors[dimension] > 1 && (best === undefined || factors[dimension] > factors[best])) best = dimension;
  }
  return best;
}

/** Builds the mapping with every loop temporal at the outermost level, valid whenever that level fits whole tensors. */
export function outermostMapping(arch: Architecture, layer: Layer, keep: KeepPattern): Mapping {
  const top = arch.levels.length - 1;
  return {
    levels: keep.map((levelKeep, index) => {
      const temporal = index === top ? layerFactors(layer) : unitFactors();
      return levelMapping(temporal, unitFactors(), unitFactors(), blockPermutation(undefined), levelKeep);
    }),
  };
}
