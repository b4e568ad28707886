// The exhaustive mapper: every placement of every prime factor over the slots, and every loop
// order that can change the traffic, judged by the cost model. Only small layers on small designs
// fit; it is the optimality oracle for the other mappers' tests.
import type { LoopOrder } from '../arch/constraints.js';
import type { Architecture } from '../arch/types.js';
import { conformMapping, constraintViolation } from '../mapping/constraints-check.js';
import type { ResolvedConstraints } from '../mapping/constraints-resolve.js';
import { firstOrderViolation } from '../mapping/loop-order.js';
import { evaluate } from '../model/evaluate.js';
import type { Evaluation } from '../model/types.js';
import type { Mapping } from '../mapping/types.js';
import { DATA_SPACES, isRelevant, type Dimension, type Factors, type Layer } from '../workload/layer.js';
import { groupRules, ruleChoiceCount, ruleChoices } from './constrained-space.js';
import { infeasibilityReason } from './feasibility.js';
import { blockPermutation, isBetter, mappingSlots, placementToMapping, precheckMapping, primeGroups } from './space.js';
import type { KeepPattern, MapperSettings, ScheduleResult } from './types.js';

/** Placements (before loop orders) beyond which the exhaustive mapper refuses a layer. */
export const MAX_PLACEMENTS = 200_000;

/** Lists every way to split `count` identical items over `parts` ordered parts. */
export function compositions(count: number, parts: number): number[][] {
  if (parts === 1) return [[count]];
  const result: number[][] = [];
  for (let first = count; first >= 0; first--) {
    for (const rest of compositions(count - first, parts - 1)) result.push([first, ...rest]);
  }
  return result;
}

/**
 * Lists the orders of a level's loops with bound > 1 that can differ in traffic, innermost first,
 * with the unit loops appended. Two orders count as equivalent when every data space has the same
 * loops inside its innermost relevant loop and the same innermost relevant loop. They must also
 * order P R Q S alike, because that order shapes the Inputs sliding window. With `constraint`
 * only orders that meet it are listed.
 */
export function distinctOrders(temporal: Factors, constraint?: LoopOrder): Dimension[][] {
  const active = blockPermutation(undefined).filter((dimension) => temporal[dimension] > 1);
  const unit = blockPermutation(undefined).filter((dimension) => temporal[dimension] === 1);
  const seen = new Set<string>();
  const result: Dimension[][] = [];
  for (const order of permutations(active)) {
    // Checked before the duplicate test, so an order equivalent to a forbidden one can still be listed.
    if (constraint !== undefined && firstOrderViolation(order, constraint) !== undefined) continue;
    const key = orderSignature(order);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push([...order, ...unit]);
  }
  return result;
}

function orderSignature(order: Dimension[]): string {
  const parts = DATA_SPACES.map((dataSpace) => {
    const first = order.findIndex((dimension) => isRelevant(dataSpace, dimension));
    const inside = first < 0 ? [...order] : order.slice(0, first);
    return `${[...inside].sort().join('')}>${first < 0 ? '' : order[first]}`;
  });
  parts.push(order.filter((dimension) => 'PRQS'.includes(dimension)).join(''));
  return parts.join('|');
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

/** Number of placements the exhaustive mapper would enumerate: fewer when constraints fix factors or axes. */
export function placementCount(arch: Architecture, layer: Layer, constraints?: ResolvedConstraints): number {
  const slots = mappingSlots(arch);
  const groups = primeGroups(layer);
  if (constraints !== undefined) return groupRules(slots, groups, constraints).reduce((product, rule) => product * ruleChoiceCount(rule), 1);
  return groups.reduce((product, group) => product * binomial(group.count + slots.length - 1, slots.length - 1), 1);
}

export function binomial(n: number, k: number): number {
  let value = 1;
  for (let i = 1; i <= k; i++) value = (value * (n - k + i)) / i;
  return Math.round(value);
}

/**
 * Enumerates the layer's map space for the best mapping by settings.objective. A space of more than
 * MAX_PLACEMENTS placements is not searched: the result is 'no_incumbent' with a reason naming the
 * count. The search stops at settings.timeLimitS with status 'time_limit'. With `constraints` it
 * enumerates only the placements and orders that meet them.
 */
export async function exhaustiveMapper(arch: Architecture, layer: Layer, keep: KeepPattern, settings: MapperSettings, constraints?: ResolvedConstraints): Promise<ScheduleResult> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const reason = infeasibilityReason(arch, layer, keep);
  if (reason !== undefined) return { status: 'infeasible', reason, solveSeconds: elapsed() };

  const count = placementCount(arch, layer, constraints);
  if (count > MAX_PLACEMENTS) {
    // A valid layer that is only too large is a mapper limit, not malformed input.
    const reason = `map space too large for the exhaustive mapper: ${count} factor placements, above its limit of ${MAX_PLACEMENTS}; use the cosa or random mapper`;
    return { status: 'no_incumbent', reason, solveSeconds: elapsed() };
  }

  const slots = mappingSlots(arch);
  const groups = primeGroups(layer);
  const choices =
    constraints === undefined
      ? groups.map((group) => compositions(group.count, slots.length))
      : groupRules(slots, groups, constraints).map((rule) => ruleChoices(rule, slots.length));
  const deadline = started + settings.timeLimitS * 1000;
  const unordered = arch.levels.map(() => blockPermutation(undefined));

  let best: { mapping: Mapping; evaluation: Evaluation } | undefined;
  let timedOut = false;
  const indices = groups.map(() => 0);
  for (let visited = 0; visited < count; visited++) {
    if (visited % 256 === 0 && performance.now() >= deadline) {
      timedOut = true;
      break;
    }

    const placement = indices.map((choice, g) => choices[g][choice]);
    const base = placementToMapping(slots, groups, placement, unordered, keep);
    if (base !== undefined && precheckMapping(arch, layer, base) === undefined) {
      for (const variant of orderedVariants(base, constraints)) {
        const mapping = constraints === undefined ? variant : conformMapping(constraints, variant);
        if (constraints !== undefined && constraintViolation(constraints, arch, mapping) !== undefined) continue;
        const result = evaluate(arch, layer, mapping);
        if (result.ok && isBetter(result, best?.evaluation, settings.objective)) best = { mapping, evaluation: result };
      }
    }
    advance(indices, choices);
  }

  if (best === undefined) {
    const met = constraints === undefined ? '' : ' and meets the mapspace constraints';
    return { status: timedOut ? 'no_incumbent' : 'infeasible', reason: `no placement of the factors passes the cost model${met}`, solveSeconds: elapsed() };
  }
  return { status: timedOut ? 'time_limit' : 'optimal', mapping: best.mapping, evaluation: best.evaluation, solveSeconds: elapsed() };
}

/** Odometer step over the per-group choices. */
function advance(indices: number[], choices: number[][][]): void {
  for (let g = indices.length - 1; g >= 0; g--) {
    indices[g]++;
    if (indices[g] < choices[g].length) return;
    indices[g] = 0;
  }
}

function* orderedVariants(base: Mapping, constraints: ResolvedConstraints | undefined): Generator<Mapping> {
  const perLevel = base.levels.map((level, index) => distinctOrders(level.temporal, constraints?.levels[index]?.temporalOrder));
  if (perLevel.some((orders) => orders.length === 0)) return;
  const position = perLevel.map(() => 0);
  while (true) {
    yield { levels: base.levels.map((level, index) => ({ ...level, permutation: perLevel[index][position[index]] })) };
    let level = position.length - 1;
    while (level >= 0) {
      position[level]++;
      if (position[level] < perLevel[level].length) break;
      position[level] = 0;
      level--;
    }
    if (level < 0) return;
  }
}
