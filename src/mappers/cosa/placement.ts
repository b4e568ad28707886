// Placement variables of the CoSA program and the log-space expressions built from them.
// n[g][s] counts the copies of prime group g placed at slot s, so every tile size, loop count and
// fan-out is a product of primes and its logarithm is linear in n.
import { fanout, type Architecture } from '../../arch/types.js';
import { DATA_SPACES, DIMENSIONS, isRelevant, type DataSpace, type Dimension, type Layer } from '../../workload/layer.js';
import { mappingSlots, primeGroups, type PrimeGroup, type Slot } from '../space.js';
import type { ResolvedConstraints } from '../../mapping/constraints-resolve.js';
import type { KeepPattern } from '../types.js';
import { LinearModel, type Terms } from './linear-model.js';

export interface Program {
  model: LinearModel;
  arch: Architecture;
  layer: Layer;
  keep: KeepPattern;
  slots: Slot[];
  groups: PrimeGroup[];
  /** Column of n[g][s]. */
  placement: number[][];
  /** Binary per level and dimension: the level has a temporal loop of that dimension with bound > 1. */
  active: Map<string, number>;
  /** Binary per level and data space: the level's loops irrelevant to the data space are innermost. */
  reuse: (number | undefined)[][];
  /** Binary per level with a 2-D fan-out and dimension (activeKey): 1 lets the dimension's spatial loop take X, 0 Y. */
  axis: Map<string, number>;
  /** The layer's mapspace constraints, when any. */
  constraints?: ResolvedConstraints;
  /** The meaning of each row that a mapspace constraint adds, by row name, for infeasibility reasons. */
  rowMeanings: Map<string, string>;
}

/** Slack added to log-space limits so that a tile exactly at capacity is not cut off by rounding. */
export const LOG_SLACK = 1e-9;

export function createProgram(arch: Architecture, layer: Layer, keep: KeepPattern, constraints?: ResolvedConstraints): Program {
  const model = new LinearModel();
  const slots = mappingSlots(arch);
  const groups = primeGroups(layer);

  const placement = groups.map((group) =>
    slots.map((slot) => {
      const type = group.count === 1 ? 'binary' : 'integer';
      return model.addVariable(`n_${group.dimension}${group.prime}_L${slot.level}_${slotCode(slot)}`, type, 0, group.count);
    }),
  );
  groups.forEach((group, g) => {
    model.addEqual(`place_${group.dimension}${group.prime}`, placement[g].map((column) => [column, 1] as const), group.count);
  });

  const program: Program = { model, arch, layer, keep, slots, groups, placement, active: new Map(), reuse: [], axis: new Map(), constraints, rowMeanings: new Map() };
  addAxisChoice(program);
  addFanoutLimits(program);
  addActivity(program);
  addReuseChoice(program);
  return program;
}

/** Letter of each slot kind in LP variable names. */
const SLOT_CODES: Record<Slot['kind'], string> = { temporal: 'T', spatialX: 'X', spatialY: 'Y' };

function slotCode(slot: Slot): string {
  return SLOT_CODES[slot.kind];
}

/** Σ log(prime)·n over the groups and slots accepted by `filter`. */
export function logTerms(program: Program, filter: (group: PrimeGroup, slot: Slot) => boolean): [number, number][] {
  const terms: [number, number][] = [];
  program.groups.forEach((group, g) => {
    program.slots.forEach((slot, s) => {
      if (filter(group, slot)) terms.push([program.placement[g][s], Math.log(group.prime)]);
    });
  });
  return terms;
}

/** log of the extent of `dimension` in the tile of `level`: every factor at that level or inside it. */
export function logExtent(program: Program, dimension: Dimension, level: number): [number, number][] {
  return logTerms(program, (group, slot) => group.dimension === dimension && slot.level <= level);
}

/** A dimension takes one axis per level, so on a 2-D fan-out a binary picks X or Y for it. */
function addAxisChoice(program: Program): void {
  const { model, slots, groups, placement } = program;
  program.arch.levels.forEach((level, index) => {
    const x = slots.findIndex((slot) => slot.level === index && slot.kind === 'spatialX');
    const y = slots.findIndex((slot) => slot.level === index && slot.kind === 'spatialY');
    if (x < 0 || y < 0) return;

    for (const dimension of DIMENSIONS) {
      const members = groups.map((group, g) => ({ group, g })).filter(({ group }) => group.dimension === dimension);
      if (members.length === 0) continue;
      const onX = model.addVariable(`axis_${level.name.replace(/[^A-Za-z0-9_]/g, '_')}_${index}_${dimension}`, 'binary');
      program.axis.set(activeKey(index, dimension), onX);
      for (const { group, g } of members) {
        model.addLessEqual(`axisX_${index}_${dimension}${group.prime}`, [[placement[g][x], 1], [onX, -group.count]], 0);
        model.addLessEqual(`axisY_${index}_${dimension}${group.prime}`, [[placement[g][y], 1], [onX, group.count]], group.count);
      }
    }
  });
}

function addFanoutLimits(program: Program): void {
  program.slots.forEach((slot, s) => {
    if (slot.kind === 'temporal') return;
    const available = fanout(program.arch, slot.level);
    const limit = slot.kind === 'spatialX' ? available.x : available.y;
    const terms = logTerms(program, (_, other) => other === program.slots[s]);
    program.model.addLessEqual(`fanout_L${slot.level}_${slotCode(slot)}`, terms, Math.log(limit) + LOG_SLACK);
  });
}

export function activeKey(level: number, dimension: Dimension): string {
  return `${level}:${dimension}`;
}

/** active[level, d] ≥ n/count for every temporal group of d there, so a loop with bound > 1 forces it to 1. */
function addActivity(program: Program): void {
  const { model, slots, groups, placement } = program;
  slots.forEach((slot, s) => {
    if (slot.kind !== 'temporal') return;
    for (const dimension of DIMENSIONS) {
      const members = groups.map((group, g) => ({ group, g })).filter(({ group }) => group.dimension === dimension);
      if (members.length === 0) continue;
      const active = model.addVariable(`active_L${slot.level}_${dimension}`, 'binary');
      program.active.set(activeKey(slot.level, dimension), active);
      for (const { group, g } of members) {
        model.addLessEqual(`activity_L${slot.level}_${dimension}${group.prime}`, [[placement[g][s], 1], [active, -group.count]], 0);
      }
    }
  });
}

/**
 * At most one data space per level gets its irrelevant loops innermost. The dimensions irrelevant
 * to Weights (P Q N), Inputs (K) and Outputs (R S C) are disjoint, and G is relevant to all. So
 * once one data space's block is innermost every other data space meets a relevant loop first:
 * one choice per level covers every order that differs in this program's traffic.
 */
function addReuseChoice(program: Program): void {
  const { model } = program;
  program.reuse = program.arch.levels.map((_, level) => {
    if (level === 0) return DATA_SPACES.map(() => undefined);
    const columns = DATA_SPACES.map((dataSpace) => model.addVariable(`reuse_L${level}_${dataSpace}`, 'binary'));
    model.addLessEqual(`reuse_one_L${level}`, columns.map((column) => [column, 1] as const), 1);
    return columns;
  });
}

export function relevantDimensions(dataSpace: DataSpace): Dimension[] {
  return DIMENSIONS.filter((dimension) => isRelevant(dataSpace, dimension));
}

export function sumTerms(...parts: Terms[]): [number, number][] {
  return parts.flatMap((part) => part.map(([column, coefficient]) => [column, coefficient] as [number, number]));
}

export function scaleTerms(terms: Terms, factor: number): [number, number][] {
  return terms.map(([column, coefficient]) => [column, coefficient * factor]);
}
