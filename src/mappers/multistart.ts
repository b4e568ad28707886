// Starting points for the local search besides the solver's mapping. CoSA's objective is a
// log-space proxy of the cost model, so its optimum can sit in a basin that single-factor moves
// cannot leave (a 4x energy loss on an Eyeriss layer); a few of the best random draws, each
// polished, reach other basins. Every budget counts draws and evaluations, never seconds, so the
// same inputs give the same mapping on an idle and on a loaded machine.
import type { Architecture } from '../arch/types.js';
import { evaluate } from '../model/evaluate.js';
import type { Layer } from '../workload/layer.js';
import { createRng, drawMapping } from './random.js';
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

/** Returns the best `count` valid random draws by the objective, best first. */
export function bestDraws(arch: Architecture, layer: Layer, keep: KeepPattern, objective: Objective, samples: number, count: number, seed: number): Scored[] {
  const rng = createRng(seed);
  const slots = mappingSlots(arch);
  const groups = primeGroups(layer);
  const kept: Scored[] = [];
  for (let drawn = 0; drawn < samples; drawn++) {
    const mapping = drawMapping(arch, layer, keep, slots, groups, rng);
    if (mapping === undefined) continue;
    const result = evaluate(arch, layer, mapping);
    if (!result.ok) continue;
    if (kept.length === count && !isBetter(result, kept[count - 1].evaluation, objective)) continue;
    kept.push({ mapping, evaluation: result });
    kept.sort((a, b) => (isBetter(a.evaluation, b.evaluation, objective) ? -1 : isBetter(b.evaluation, a.evaluation, objective) ? 1 : 0));
    if (kept.length > count) kept.pop();
  }
  return kept;
}

/** Polishes `first` and the best random draws; returns the best mapping any search evaluated. */
export function multiStartRefine(arch: Architecture, layer: Layer, keep: KeepPattern, first: Scored, objective: Objective, budget: MultiStartBudget): Scored {
  const deadline = performance.now() + budget.seconds * 1000;
  const starts = [first, ...bestDraws(arch, layer, keep, objective, budget.samples, budget.starts, budget.seed)];

  let best = first;
  for (const [index, start] of starts.entries()) {
    const seconds = Math.max(0, (deadline - performance.now()) / 1000);
    if (seconds === 0) break;
    const evaluations = index === 0 ? budget.firstEvaluations : budget.evaluationsPerStart;
    const result = refineMapping(arch, layer, start, objective, { seconds, evaluations });
    if (isBetter(result.evaluation, best.evaluation, objective)) best = { mapping: result.mapping, evaluation: result.evaluation };
  }
  return best;
}
