// Rows of the CoSA program for a layer's mapspace constraints. A fixed factor fixes the copies of
// each of its primes at its slot. Bounds and utilization limit sums of log(prime)·n. A split keeps
// a dimension off an axis and limits how many unnamed dimensions share one. A loop order forbids
// the reuse and axis choices that would put a loop on the wrong side of another.
import type { FactorLimit } from '../../arch/constraints.js';
import { fanout } from '../../arch/types.js';
import { limitsOf, type LoopKind, type ResolvedLevel } from '../../mapping/constraints-resolve.js';
import { formatOrder, mustBeInside, splitRules } from '../../mapping/loop-order.js';
import { DATA_SPACES, DIMENSIONS, isRelevant, type Dimension } from '../../workload/layer.js';
import { primeFactorCounts } from '../../workload/primes.js';
import { activeKey, LOG_SLACK, type Program } from './placement.js';

/** Adds a row for every constraint of `program.constraints`, each named in `program.rowMeanings`. */
export function addMapspaceRows(program: Program): void {
  const resolved = program.constraints;
  if (resolved === undefined) return;

  resolved.levels.forEach((rules, level) => {
    for (const kind of ['temporal', 'spatial'] as const) addFactorRows(program, rules, level, kind);
    addTemporalOrderRows(program, rules, level);
    if (rules.split !== undefined) addSplitRows(program, rules, level);
    else addSpatialOrderRows(program, rules, level);
  });

  if (resolved.minParallelism !== undefined && resolved.minParallelism > 0) {
    let instances = 1;
    program.arch.levels.forEach((_, level) => {
      const { x, y } = fanout(program.arch, level);
      instances *= x * y;
    });
    const terms = spatialLogTerms(program);
    const name = 'mapspace_utilization';
    program.model.addGreaterEqual(name, terms, Math.log(resolved.minParallelism * instances) - LOG_SLACK);
    program.rowMeanings.set(name, `the mapspace's utilization min ${resolved.minParallelism}`);
  }
}

function addFactorRows(program: Program, rules: ResolvedLevel, level: number, kind: LoopKind): void {
  const { model, groups, placement, arch } = program;
  const slots = slotIndexes(program, level, kind);
  if (slots.length === 0) return;
  const code = kind === 'temporal' ? 'T' : 'S';

  for (const [dimension, limit] of Object.entries(limitsOf(rules, kind)) as [Dimension, FactorLimit][]) {
    const members = groups.map((group, g) => ({ group, g })).filter(({ group }) => group.dimension === dimension);
    const where = `at ${arch.levels[level].name}`;
    if (limit.exact !== undefined) {
      for (const { group, g } of members) {
        const name = `mapspace_${code}${level}_${dimension}${group.prime}`;
        model.addEqual(name, slots.map((s) => [placement[g][s], 1] as const), primeFactorCounts(limit.exact).get(group.prime) ?? 0);
        program.rowMeanings.set(name, `the mapspace's ${kind} factor ${dimension}=${limit.exact} ${where}`);
      }
    }

    const logFactor = members.flatMap(({ group, g }) => slots.map((s) => [placement[g][s], Math.log(group.prime)] as [number, number]));
    if (logFactor.length === 0) continue;
    if (limit.max !== undefined) {
      const name = `mapspace_max_${code}${level}_${dimension}`;
      model.addLessEqual(name, logFactor, Math.log(limit.max) + LOG_SLACK);
      program.rowMeanings.set(name, `the mapspace's ${kind} factor ${dimension}<=${limit.max} ${where}`);
    }
    if (limit.min !== undefined) {
      const name = `mapspace_min_${code}${level}_${dimension}`;
      model.addGreaterEqual(name, logFactor, Math.log(limit.min) - LOG_SLACK);
      program.rowMeanings.set(name, `the mapspace's ${kind} factor ${dimension}>=${limit.min} ${where}`);
    }
  }
}

/**
 * reuse[level][v] puts the loops irrelevant to data space v inside the relevant ones. When the
 * order needs a relevant loop `a` inside an irrelevant `b`, both with bound > 1, that choice is out.
 */
function addTemporalOrderRows(program: Program, rules: ResolvedLevel, level: number): void {
  const order = rules.temporalOrder;
  const reuse = program.reuse[level];
  if (order === undefined || reuse === undefined) return;

  DATA_SPACES.forEach((dataSpace, v) => {
    const choice = reuse[v];
    if (choice === undefined) return;
    for (const a of DIMENSIONS.filter((dimension) => isRelevant(dataSpace, dimension))) {
      for (const b of DIMENSIONS.filter((dimension) => !isRelevant(dataSpace, dimension))) {
        if (!mustBeInside(order, a, b)) continue;
        const activeA = program.active.get(activeKey(level, a));
        const activeB = program.active.get(activeKey(level, b));
        if (activeA === undefined || activeB === undefined) continue;
        const name = `mapspace_order_L${level}_${dataSpace}_${a}${b}`;
        program.model.addLessEqual(name, [[choice, 1], [activeA, 1], [activeB, 1]], 2);
        program.rowMeanings.set(name, `the mapspace's permutation ${formatOrder(order)} at ${program.arch.levels[level].name}, which puts ${a} inside ${b}`);
      }
    }
  });
}

/** Without a split the X loops are the innermost spatial loops, so a loop the order puts inside another may not be on Y while that one is on X. */
function addSpatialOrderRows(program: Program, rules: ResolvedLevel, level: number): void {
  const order = rules.spatialOrder;
  if (order === undefined) return;
  for (const a of DIMENSIONS) {
    for (const b of DIMENSIONS) {
      if (!mustBeInside(order, a, b)) continue;
      const onXA = program.axis.get(activeKey(level, a));
      const onXB = program.axis.get(activeKey(level, b));
      if (onXA === undefined || onXB === undefined) continue;
      const name = `mapspace_axis_order_L${level}_${a}${b}`;
      program.model.addLessEqual(name, [[onXB, 1], [onXA, -1]], 0);
      program.rowMeanings.set(name, `the mapspace's spatial permutation ${formatOrder(order)} at ${program.arch.levels[level].name}, which puts ${a} before ${b}`);
    }
  }
}

function addSplitRows(program: Program, rules: ResolvedLevel, level: number): void {
  const { model, groups, placement, slots } = program;
  const rulesOfAxes = splitRules(rules.spatialOrder!, rules.split!);
  const slotOf = (axis: 'X' | 'Y') => slots.findIndex((slot) => slot.level === level && slot.kind === `spatial${axis}`);
  const where = `the mapspace's split ${rules.split} at ${program.arch.levels[level].name}`;

  groups.forEach((group, g) => {
    const required = rulesOfAxes.axis[group.dimension];
    if (required === undefined) return;
    const wrong = slotOf(required === 'X' ? 'Y' : 'X');
    if (wrong < 0) return;
    const name = `mapspace_split_L${level}_${group.dimension}${group.prime}`;
    model.addLessEqual(name, [[placement[g][wrong], 1]], 0);
    program.rowMeanings.set(name, `${where}, which puts ${group.dimension} on ${required}`);
  });

  for (const axis of ['X', 'Y'] as const) {
    const slot = slotOf(axis);
    const room = axis === 'X' ? rulesOfAxes.freeOnX : rulesOfAxes.freeOnY;
    if (slot < 0 || rulesOfAxes.free.length <= room) continue;
    const used: [number, number][] = [];
    for (const dimension of rulesOfAxes.free) {
      const members = groups.map((group, g) => ({ group, g })).filter(({ group }) => group.dimension === dimension);
      if (members.length === 0) continue;
      const onAxis = model.addVariable(`mapspace_on${axis}_L${level}_${dimension}`, 'binary');
      for (const { group, g } of members) {
        model.addLessEqual(`mapspace_on${axis}_L${level}_${dimension}${group.prime}`, [[placement[g][slot], 1], [onAxis, -group.count]], 0);
      }
      used.push([onAxis, 1]);
    }
    const name = `mapspace_split_room_L${level}_${axis}`;
    model.addLessEqual(name, used, room);
    program.rowMeanings.set(name, `${where}, which leaves ${room} position${room === 1 ? '' : 's'} on ${axis} for the dimensions its permutation does not name`);
  }
}

function slotIndexes(program: Program, level: number, kind: LoopKind): number[] {
  const indexes: number[] = [];
  program.slots.forEach((slot, s) => {
    if (slot.level === level && (slot.kind === 'temporal') === (kind === 'temporal')) indexes.push(s);
  });
  return indexes;
}

function spatialLogTerms(program: Program): [number, number][] {
  const terms: [number, number][] = [];
  program.groups.forEach((group, g) => {
    program.slots.forEach((slot, s) => {
      if (slot.kind !== 'temporal') terms.push([program.placement[g][s], Math.log(group.prime)]);
    });
  });
  return terms;
}
