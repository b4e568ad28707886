// Whether a mapping meets a layer's resolved mapspace constraints, and the reordering that makes
// the loop orders of a mapping meet them. Every mapper, the local search and a sweep's mapping
// exchange use these two, so they all apply one rule. As in Timeloop, a loop of bound 1 has no
// place in a loop order: only loops with bound > 1 are checked against a permutation.
import type { FactorLimit, LoopOrder } from '../arch/constraints.js';
import { fanout, type Architecture } from '../arch/types.js';
import { DIMENSIONS, type Dimension } from '../workload/layer.js';
import { limitsOf, type ResolvedConstraints, type ResolvedLevel } from './constraints-resolve.js';
import { firstOrderViolation, formatOrder, projectOrder, sortByOrder, splitRules } from './loop-order.js';
import type { LevelMapping, Mapping } from './types.js';

/**
 * Returns `mapping` with the loop orders of its constrained levels made to meet the constraints:
 * temporal orders by projectOrder, and spatial loops with bound > 1 sorted by the permutation
 * within each axis. Factors and mesh axes stay; a level without an order constraint is shared.
 */
export function conformMapping(resolved: ResolvedConstraints, mapping: Mapping): Mapping {
  return {
    levels: mapping.levels.map((level, index) => {
      const rules = resolved.levels[index];
      if (rules === undefined || (rules.temporalOrder === undefined && rules.spatialOrder === undefined)) return level;
      const conformed = { ...level };
      if (rules.temporalOrder !== undefined) conformed.permutation = projectOrder(level.permutation, rules.temporalOrder);
      if (rules.spatialOrder !== undefined) {
        const { onX, onY } = spatialLoops(level);
        const unit = DIMENSIONS.filter((dimension) => level.spatial[dimension] === 1);
        conformed.spatialPermutation = [...sortByOrder(onX, rules.spatialOrder), ...unit, ...sortByOrder(onY, rules.spatialOrder)];
        conformed.split = onX.length + unit.length;
      }
      return conformed;
    }),
  };
}

/** Spatial dimensions with bound > 1 on each axis, in the mapping's order. */
function spatialLoops(level: LevelMapping): { onX: Dimension[]; onY: Dimension[] } {
  const onX: Dimension[] = [];
  const onY: Dimension[] = [];
  level.spatialPermutation.forEach((dimension, position) => {
    if (level.spatial[dimension] > 1) (position < level.split ? onX : onY).push(dimension);
  });
  return { onX, onY };
}

/**
 * Returns the first constraint that `mapping` breaks, as one sentence naming the level, the
 * dimension and the numbers, or undefined when it meets them all.
 */
export function constraintViolation(resolved: ResolvedConstraints, arch: Architecture, mapping: Mapping): string | undefined {
  for (const [index, rules] of resolved.levels.entries()) {
    const level = mapping.levels[index];
    const reason = levelViolation(rules, level, arch.levels[index].name);
    if (reason !== undefined) return reason;
  }

  if (resolved.minParallelism !== undefined) {
    let utilization = 1;
    mapping.levels.forEach((level, index) => {
      const { x, y } = fanout(arch, index);
      if (x * y === 1) return;
      utilization *= DIMENSIONS.reduce((product, dimension) => product * level.spatial[dimension], 1) / (x * y);
    });
    // The tolerance keeps a product of exact ratios, such as 16/16 x 4/8, from failing by rounding.
    if (utilization < resolved.minParallelism * (1 - 1e-12)) {
      return `the spatial loops use ${formatFraction(utilization)} of the MAC units, below the mapspace's utilization min ${resolved.minParallelism}`;
    }
  }
  return undefined;
}

function levelViolation(rules: ResolvedLevel, level: LevelMapping, name: string): string | undefined {
  for (const kind of ['temporal', 'spatial'] as const) {
    const factors = kind === 'temporal' ? level.temporal : level.spatial;
    for (const [dimension, limit] of Object.entries(limitsOf(rules, kind)) as [Dimension, FactorLimit][]) {
      const value = factors[dimension];
      if (limit.exact !== undefined && value !== limit.exact) return `${name}: the ${kind} factor of ${dimension} is ${value}, but the mapspace fixes ${dimension}=${limit.exact}`;
      if (limit.max !== undefined && value > limit.max) return `${name}: the ${kind} factor of ${dimension} is ${value}, above the mapspace's ${dimension}<=${limit.max}`;
      if (limit.min !== undefined && value < limit.min) return `${name}: the ${kind} factor of ${dimension} is ${value}, below the mapspace's ${dimension}>=${limit.min}`;
    }
  }

  if (rules.temporalOrder !== undefined) {
    const active = level.permutation.filter((dimension) => level.temporal[dimension] > 1);
    const pair = firstOrderViolation(active, rules.temporalOrder);
    if (pair !== undefined) {
      const [outer, inner] = pair;
      return `${name}: the temporal loop of ${inner} is inside that of ${outer}, but the mapspace permutation ${formatOrder(rules.temporalOrder)} puts ${outer} inside ${inner}`;
    }
  }

  if (rules.spatialOrder === undefined) return undefined;
  const { onX, onY } = spatialLoops(level);
  if (rules.split !== undefined) {
    const reason = splitViolation(rules, onX, onY, name);
    if (reason !== undefined) return reason;
  }
  const pair = firstOrderViolation([...onX, ...onY], rules.spatialOrder);
  if (pair !== undefined) {
    const [outer, inner] = pair;
    const placed = (dimension: Dimension) => `${dimension} (on ${onX.includes(dimension) ? 'X' : 'Y'})`;
    return `${name}: the spatial loop of ${placed(inner)} comes before that of ${placed(outer)} (X loops come first), but the mapspace permutation ${writtenOrder(rules.spatialOrder)} puts ${outer} first`;
  }
  return undefined;
}

function splitViolation(rules: ResolvedLevel, onX: Dimension[], onY: Dimension[], name: string): string | undefined {
  const split = rules.split!;
  const axisRules = splitRules(rules.spatialOrder!, split);
  const written = writtenOrder(rules.spatialOrder!);
  const described = written === '' ? `split ${split}` : `split ${split} with permutation ${written}`;
  for (const [axis, dimensions] of [['X', onX], ['Y', onY]] as const) {
    for (const dimension of dimensions) {
      const required = axisRules.axis[dimension];
      if (required !== undefined && required !== axis) return `${name}: the spatial loop of ${dimension} is on ${axis}, but the mapspace's ${described} puts ${dimension} on ${required}`;
    }
    const free = dimensions.filter((dimension) => axisRules.free.includes(dimension));
    const room = axis === 'X' ? axisRules.freeOnX : axisRules.freeOnY;
    if (free.length > room) {
      return `${name}: ${free.join(' ')} have spatial loops on ${axis}, but the mapspace's ${described} leaves ${room} position${room === 1 ? '' : 's'} on ${axis} for dimensions it does not name`;
    }
  }
  return undefined;
}

/** Formats a spatial order as the file wrote it, without the outermost G that a split adds (see SpatialConstraints). */
function writtenOrder(order: LoopOrder): string {
  const outer = order.outer[order.outer.length - 1] === 'G' ? order.outer.slice(0, -1) : order.outer;
  return formatOrder({ inner: order.inner, outer });
}

function formatFraction(value: number): string {
  return `${Number((value * 100).toPrecision(4))} %`;
}
