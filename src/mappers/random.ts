// The random mapper: draws mappings uniformly from the CoSA map space (each dimension's ordered
// split over the slots, and each level's loop order), keeps the valid ones and returns the best by
// the objective. It is the baseline CoSA is compared with.
import type { Architecture } from '../arch/types.js';
import { conformMapping, constraintViolation } from '../mapping/constraints-check.js';
import type { ResolvedConstraints } from '../mapping/constraints-resolve.js';
import { evaluate } from '../model/evaluate.js';
import type { Evaluation } from '../model/types.js';
import type { Mapping } from '../mapping/types.js';
import { DIMENSIONS, type Dimension, type Layer } from '../workload/layer.js';
import { drawRuleChoice, groupRules, type GroupRule } from './constrained-space.js';
import { infeasibilityReason } from './feasibility.js';
import { isBetter, mappingSlots, placementToMapping, precheckMapping, primeGroups, type PrimeGroup, type Slot } from './space.js';
import type { KeepPattern, MapperSettings, ScheduleResult } from './types.js';

/** Draws between clock checks; a draw without evaluation takes about a microsecond. */
const CHECK_EVERY = 64;

/** A seeded pseudo-random generator (mulberry32) returning floats in [0, 1). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` identical items split over `parts` ordered parts, uniformly over all such splits
 * (stars and bars: choose the bar positions among count + parts - 1 places).
 */
export function randomComposition(count: number, parts: number, rng: () => number): number[] {
  const places = Array.from({ length: count + parts - 1 }, (_, index) => index);
  for (let k = 0; k < parts - 1; k++) {
    const pick = k + Math.floor(rng() * (places.length - k));
    [places[k], places[pick]] = [places[pick], places[k]];
  }
  const bars = places.slice(0, parts - 1).sort((a, b) => a - b);

  const split: number[] = [];
  let previous = -1;
  for (const bar of bars) {
    split.push(bar - previous - 1);
    previous = bar;
  }
  split.push(count + parts - 1 - previous - 1);
  return split;
}

/**
 * Returns the dimensions in a uniformly random order. Without groups, G has no loop, so it is left
 * out of the shuffle and put outermost. The shuffle then draws from `rng` exactly as a shuffle of
 * seven dimensions does, so seeded results stored for ungrouped layers stay reproducible.
 */
export function shuffledDimensions(rng: () => number, withGroups: boolean): Dimension[] {
  const order = DIMENSIONS.filter((dimension) => withGroups || dimension !== 'G');
  for (let k = order.length - 1; k > 0; k--) {
    const pick = Math.floor(rng() * (k + 1));
    [order[k], order[pick]] = [order[pick], order[k]];
  }
  return withGroups ? order : [...order, 'G'];
}

/** A layer's mapspace constraints with the placement rule of each prime group. */
export interface ConstrainedDraws {
  constraints: ResolvedConstraints;
  rules: GroupRule[];
}

export function constrainedDraws(slots: Slot[], groups: PrimeGroup[], constraints: ResolvedConstraints | undefined): ConstrainedDraws | undefined {
  return constraints === undefined ? undefined : { constraints, rules: groupRules(slots, groups, constraints) };
}

/**
 * Draws one mapping uniformly from the map space, or from the part of it that `space` allows.
 * Returns undefined when the pre-check rejects the draw or it breaks a constraint. Without `space`
 * a draw takes the same numbers from `rng` as before constraints existed, so seeded results stay reproducible.
 */
export function drawMapping(
  arch: Architecture,
  layer: Layer,
  keep: KeepPattern,
  slots: Slot[],
  groups: PrimeGroup[],
  rng: () => number,
  space?: ConstrainedDraws,
): Mapping | undefined {
  const placement: number[][] = [];
  for (const [g, group] of groups.entries()) {
    const choice = space === undefined ? randomComposition(group.count, slots.length, rng) : drawRuleChoice(space.rules[g], slots.length, rng);
    if (choice === undefined) return undefined;
    placement.push(choice);
  }
  const permutations = arch.levels.map(() => shuffledDimensions(rng, layer.G > 1));
  const drawn = placementToMapping(slots, groups, placement, permutations, keep);
  if (drawn === undefined) return undefined;
  const mapping = space === undefined ? drawn : conformMapping(space.constraints, drawn);
  if (space !== undefined && constraintViolation(space.constraints, arch, mapping) !== undefined) return undefined;
  if (precheckMapping(arch, layer, mapping) !== undefined) return undefined;
  return mapping;
}

/**
 * Samples until `settings.samples` draws (when given) or `settings.timeLimitS` seconds. The status
 * is 'sampled' when the sample budget ran out first (the best of that many draws, proven nothing) and 'time_limit'
 * when the clock stopped it; 'no_incumbent' when no draw was valid.
 */
export async function randomMapper(arch: Architecture, layer: Layer, keep: KeepPattern, settings: MapperSettings, constraints?: ResolvedConstraints): Promise<ScheduleResult> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const reason = infeasibilityReason(arch, layer, keep);
  if (reason !== undefined) return { status: 'infeasible', reason, solveSeconds: elapsed() };

  const rng = createRng(settings.seed ?? 1);
  const slots = mappingSlots(arch);
  const groups = primeGroups(layer);
  const space = constrainedDraws(slots, groups, constraints);
  const maxSamples = settings.samples ?? Infinity;
  const deadline = started + settings.timeLimitS * 1000;

  let best: { mapping: Mapping; evaluation: Evaluation } | undefined;
  let drawn = 0;
  let timedOut = false;
  while (drawn < maxSamples) {
    if (drawn % CHECK_EVERY === 0 && performance.now() >= deadline) {
      timedOut = true;
      break;
    }
    drawn++;

    const mapping = drawMapping(arch, layer, keep, slots, groups, rng, space);
    if (mapping === undefined) continue;

    const result = evaluate(arch, layer, mapping);
    if (result.ok && isBetter(result, best?.evaluation, settings.objective)) best = { mapping, evaluation: result };
  }

  if (best === undefined) {
    const met = constraints === undefined ? '' : ' and met the mapspace constraints';
    return { status: 'no_incumbent', reason: `none of ${drawn} random mappings was valid${met}`, solveSeconds: elapsed() };
  }
  return { status: timedOut ? 'time_limit' : 'sampled', mapping: best.mapping, evaluation: best.evaluation, solveSeconds: elapsed() };
}
