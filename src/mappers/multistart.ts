// Starting points for the local search besides the solver's mapping. CoSA's objective is a
// log-space proxy of the cost model, so its optimum can sit in a basin that single-factor moves
// cannot leave (a 4x energy loss on an Eyeriss layer); a few of the best random draws, each
// polished, reach other basins. Every budget counts draws and evaluations, never seconds, so the
// same inputs give the same mapping on an idle and on a loaded machine.
import type { Architecture } from '../arch/types.js';
import type { ResolvedConstraints } from '../mapping/constraints-resolve.js';
import { evaluate } from '../model/evaluate.js';
import type { Layer } from '../workload/layer.js';
import { constrainedDraws, createRng, drawMapping } from './random.js';
import { refineMapping, type Scored } from './refine.js';
import { isBetter, mappingSlots, primeGroups } from './space.js';
import type { KeepPattern, Objective } from './types.js';

export interface MultiStartBudget {
  /** Random draws, valid or not. */
  samples: number;
  /** How many of the best draws seed a local search. */
  starts: number;
  /** Cost-model evaluations of the local search from the solver's mapping. */
  firstEvaluations: number;
  /** Cost-model evaluations of the local search from each random draw. */
  evaluationsPerStart: number;
  /** Wall-clock safety stop in seconds (the mapper's time limit); the counts above stop first in practice. */
  seconds: number;
  seed: number;
}

/** Draws between clock checks. */
const CHECK_EVERY = 64;

export interface Draws {
  /** The best valid draws by the objective, best first. */
  best: Scored[];
  /** True when the deadline stopped the draws before `samples`. */
  timedOut: boolean;
}

/**
 * Returns the best `count` valid random draws by the objective, drawing until `samples` or the
 * deadline (performance.now() ms). Every draw meets `constraints`.
 */
export function bestDraws(
  arch: Architecture,
  layer: Layer,
  keep: KeepPattern,
  objective: Objective,
  samples: number,
  count: number,
  seed: number,
  deadline = Infinity,
  constraints?: ResolvedConstraints,
): Draws {
  const rng = createRng(seed);
  const slots = mappingSlots(arch);
  const groups = primeGroups(layer);
  const space = constrainedDraws(slots, groups, constraints);
  const kept: Scored[] = [];
  for (let drawn = 0; drawn < samples; drawn++) {
    if (drawn % CHECK_EVERY === 0 && performance.now() >= deadline) return { best: kept, timedOut: true };
    const mapping = drawMapping(arch, layer, keep, slots, groups, rng, space);
    if (mapping === undefined) continue;
    const result = evaluate(arch, layer, mapping);
    if (!result.ok) continue;
    if (kept.length === count && !isBetter(result, kept[count - 1].evaluation, objective)) continue;
    kept.push({ mapping, evaluation: result });
    kept.sort((a, b) => (isBetter(a.evaluation, b.evaluation, objective) ? -1 : isBetter(b.evaluation, a.evaluation, objective) ? 1 : 0));
    if (kept.length > count) kept.pop();
  }
  return { best: kept, timedOut: false };
}

export interface MultiStartResult extends Scored {
  /** True when the deadline cut the draws or a search short, so that more time could give a better mapping. */
  timedOut: boolean;
}

/** Polishes `first` and the best random draws; returns the best mapping any search evaluated, which meets `constraints`. */
export function multiStartRefine(
  arch: Architecture,
  layer: Layer,
  keep: KeepPattern,
  first: Scored,
  objective: Objective,
  budget: MultiStartBudget,
  constraints?: ResolvedConstraints,
): MultiStartResult {
  const deadline = performance.now() + budget.seconds * 1000;
  const draws = bestDraws(arch, layer, keep, objective, budget.samples, budget.starts, budget.seed, deadline, constraints);
  const starts = [first, ...draws.best];

  let best = first;
  let timedOut = draws.timedOut;
  for (const [index, start] of starts.entries()) {
    const seconds = Math.max(0, (deadline - performance.now()) / 1000);
    if (seconds === 0) {
      timedOut = true;
      break;
    }
    const evaluations = index === 0 ? budget.firstEvaluations : budget.evaluationsPerStart;
    const result = refineMapping(arch, layer, start, objective, { seconds, evaluations }, constraints);
    timedOut ||= result.timedOut;
    if (isBetter(result.evaluation, best.evaluation, objective)) best = { mapping: result.mapping, evaluation: result.evaluation };
  }
  return { ...best, timedOut };
}
