// Polishes a mapping with the exact cost model: a first-improvement local search over single
// prime-factor moves, loop-order changes and, when those stall, prime swaps between slots. It
// also repairs a mapping that the cost model rejects by moving factors outward.
import type { Architecture } from '../arch/types.js';
import { conformMapping, constraintViolation } from '../mapping/constraints-check.js';
import type { ResolvedConstraints } from '../mapping/constraints-resolve.js';
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

/**
 * Returns the mapping built from `loops`, with its loop orders made to meet `constraints`, or
 * undefined when it breaks one of them. Without constraints every mapping is accepted.
 */
export function constrainedMapping(arch: Architecture, loops: LevelLoops[], constraints: ResolvedConstraints | undefined): Mapping | undefined {
  const mapping = fromLoops(loops);
  if (constraints === undefined) return mapping;
  const conformed = conformMapping(constraints, mapping);
  return constraintViolation(constraints, arch, conformed) === undefined ? conformed : undefined;
}

/** Improves `start` by first-improvement local search; every candidate it evaluates meets `constraints`. */
export function refineMapping(
  arch: Architecture,
  layer: Layer,
  start: Scored,
  objective: Objective,
  budget: SearchBudget,
  constraints?: ResolvedConstraints,
): SearchResult {
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
      const mapping = constrainedMapping(arch, candidate, constraints);
      if (mapping === undefined || precheckMapping(arch, layer, mapping) !== undefined) continue;
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
 * every loop at the outermost level. Returns undefined when even that is invalid. Each step takes
 * the first of its moves whose result meets `constraints`, so a valid start stays valid.
 */
export function repairMapping(arch: Architecture, layer: Layer, mapping: Mapping, constraints?: ResolvedConstraints): Scored | undefined {
  let loops = toLoops(mapping);
  for (let step = 0; step < 200; step++) {
    const current = constrainedMapping(arch, loops, constraints) ?? fromLoops(loops);
    const violation = precheckMapping(arch, layer, current);
    if (violation === undefined) {
      const result = evaluate(arch, layer, current);
      if (result.ok) return { mapping: current, evaluation: result };
      break;
    }

    const moves = violation.kind === 'fanout' ? narrowFanout(loops, violation.level, violation.axis ?? 'X') : shrinkTile(loops, violation.level);
    const next = moves.find((candidate) => candidate !== undefined && constrainedMapping(arch, candidate, constraints) !== undefined);
    if (next === undefined) break;
    loops = next;
  }

  const outermost = constrainedMapping(arch, toLoops(outermostMapping(arch, layer, mapping.levels.map((level) => level.keep))), constraints);
  if (outermost === undefined) return undefined;
  const result = evaluate(arch, layer, outermost);
  return result.ok ? { mapping: outermost, evaluation: result } : undefined;
}

/** Moves of the largest prime of each spatial loop on the axis to the level's temporal loops, largest loop first. */
function narrowFanout(loops: LevelLoops[], level: number, axis: 'X' | 'Y'): (LevelLoops[] | undefined)[] {
  const factors = axis === 'X' ? loops[level].x : loops[level].y;
  const dimensions = DIMENSIONS.filter((dimension) => factors[dimension] > 1);
  // A stable sort keeps R S P Q C K N G order among equal factors.
  dimensions.sort((a, b) => factors[b] - factors[a]);
  return dimensions.map((dimension) => {
    const prime = Math.max(...primeFactors(factors[dimension]));
    return moveFactor(loops, dimension, prime, { level, kind: axis === 'X' ? 'spatialX' : 'spatialY' }, { level, kind: 'temporal' });
  });
}

/**
 * Moves of a prime of a dimension relevant to the level's kept tiles, from that level or below,
 * to the temporal loops one level up, largest prime first.
 */
function shrinkTile(loops: LevelLoops[], level: number): (LevelLoops[] | undefined)[] {
  if (level + 1 >= loops.length) return [];
  const relevant = DIMENSIONS.filter((dimension) => DATA_SPACES.some((dataSpace) => loops[level].keep[dataSpace] && isRelevant(dataSpace, dimension)));

  const candidates: { dimension: Dimension; prime: number; from: { level: number; kind: 'temporal' | 'spatialX' | 'spatialY' } }[] = [];
  for (let inner = level; inner >= 0; inner--) {
    for (const kind of ['temporal', 'spatialX', 'spatialY'] as const) {
      const factors = slotFactors(loops[inner], kind);
      for (const dimension of relevant) {
        if (factors[dimension] === 1) continue;
        candidates.push({ dimension, prime: Math.max(...primeFactors(factors[dimension])), from: { level: inner, kind } });
      }
    }
  }
  // A stable sort keeps the search order among equal primes: the level itself, then the levels below it.
  candidates.sort((a, b) => b.prime - a.prime);
  return candidates.map((best) => moveFactor(loops, best.dimension, best.prime, best.from, { level: level + 1, kind: 'temporal' }));
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
