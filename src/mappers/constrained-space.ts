// The map space of space.ts narrowed by mapspace constraints, for the mappers that enumerate or
// draw placements. A fixed factor fixes how many copies of each of its primes a level's temporal
// slot (or its two spatial slots together) takes, and a split keeps a dimension off the axis it
// may not use. Bounds, loop orders and utilization are left to constraintViolation.
import type { ResolvedConstraints } from '../mapping/constraints-resolve.js';
import { splitRules } from '../mapping/loop-order.js';
import type { MeshAxis } from '../mapping/validate.js';
import { primeFactorCounts } from '../workload/primes.js';
import { binomial, compositions } from './exhaustive.js';
import { randomComposition } from './random.js';
import type { PrimeGroup, Slot } from './space.js';

/** The placement rule of one prime group: slot sets with a fixed number of copies, and free slots. */
export interface GroupRule {
  /** Slot sets that take a fixed number of copies: one level's temporal slot, or its spatial slots. */
  fixed: { slots: number[]; copies: number }[];
  /** Slots that share the remaining copies. */
  free: number[];
  /** Copies left for `free`. */
  remaining: number;
}

/** Returns the rule of each prime group under `resolved`: every slot free when nothing constrains the dimension. */
export function groupRules(slots: Slot[], groups: PrimeGroup[], resolved: ResolvedConstraints): GroupRule[] {
  return groups.map((group) => {
    const fixed: GroupRule['fixed'] = [];
    const free: number[] = [];
    const fixedSets = new Map<string, { slots: number[]; copies: number }>();

    slots.forEach((slot, index) => {
      const rules = resolved.levels[slot.level];
      const kind = slot.kind === 'temporal' ? 'temporal' : 'spatial';
      const exact = (kind === 'temporal' ? rules?.temporal : rules?.spatial)?.[group.dimension]?.exact;
      // A fixed spatial factor whose axis the split forbids keeps its set, without that slot.
      let set: { slots: number[]; copies: number } | undefined;
      if (exact !== undefined) {
        const key = `${slot.level}:${kind}`;
        set = fixedSets.get(key);
        if (set === undefined) {
          set = { slots: [], copies: primeFactorCounts(exact).get(group.prime) ?? 0 };
          fixedSets.set(key, set);
          fixed.push(set);
        }
      }
      if (kind === 'spatial' && rules?.split !== undefined && rules.spatialOrder !== undefined) {
        const axis: MeshAxis = slot.kind === 'spatialX' ? 'X' : 'Y';
        const required = splitRules(rules.spatialOrder, rules.split).axis[group.dimension];
        if (required !== undefined && required !== axis) return;
      }
      (set?.slots ?? free).push(index);
    });

    const remaining = group.count - fixed.reduce((sum, set) => sum + set.copies, 0);
    return { fixed, free, remaining };
  });
}

/** True when a rule leaves copies without a slot: fixed factors beyond the dimension, or no slot for them. */
function isImpossible(rule: GroupRule): boolean {
  if (rule.remaining < 0 || (rule.remaining > 0 && rule.free.length === 0)) return true;
  return rule.fixed.some((set) => set.copies > 0 && set.slots.length === 0);
}

/** Lists every placement vector (copies per slot) that a rule allows; none when it cannot place its copies. */
export function ruleChoices(rule: GroupRule, slotCount: number): number[][] {
  if (isImpossible(rule)) return [];
  const parts = [...rule.fixed.map((set) => ({ slots: set.slots, copies: set.copies })), { slots: rule.free, copies: rule.remaining }];
  let vectors: number[][] = [new Array<number>(slotCount).fill(0)];
  for (const part of parts) {
    if (part.slots.length === 0) continue;
    const splits = compositions(part.copies, part.slots.length);
    vectors = vectors.flatMap((vector) =>
      splits.map((split) => {
        const next = [...vector];
        split.forEach((copies, k) => (next[part.slots[k]] = copies));
        return next;
      }),
    );
  }
  return vectors;
}

/** Draws one placement vector that a rule allows, uniformly per slot set; undefined when it allows none. */
export function drawRuleChoice(rule: GroupRule, slotCount: number, rng: () => number): number[] | undefined {
  if (isImpossible(rule)) return undefined;
  const vector = new Array<number>(slotCount).fill(0);
  const parts = [...rule.fixed, { slots: rule.free, copies: rule.remaining }];
  for (const part of parts) {
    if (part.slots.length === 0) continue;
    randomComposition(part.copies, part.slots.length, rng).forEach((copies, k) => (vector[part.slots[k]] = copies));
  }
  return vector;
}

/** Number of placement vectors a rule allows, without listing them. */
export function ruleChoiceCount(rule: GroupRule): number {
  if (isImpossible(rule)) return 0;
  const parts = [...rule.fixed, { slots: rule.free, copies: rule.remaining }];
  return parts.reduce((product, part) => (part.slots.length === 0 ? product : product * binomial(part.copies + part.slots.length - 1, part.slots.length - 1)), 1);
}
