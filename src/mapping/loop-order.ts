// Partial loop orders of mapspace constraints (see LoopOrder): which loop must be inside which,
// the nearest complete order that meets one, and which mesh axis a spatial split gives each
// dimension. Timeloop's PermutationSpace::InitLevel and Uber::AssignSpatialTilingDirections
// (src/mapspaces/subspaces.cpp and uber.cpp) define them.
import type { LoopOrder } from '../arch/constraints.js';
import { DIMENSIONS, type Dimension } from '../workload/layer.js';
import type { MeshAxis } from './validate.js';

/**
 * Position class of a dimension, smaller is inner: the `inner` dimensions by their place, then
 * every unnamed dimension with one shared rank (their order is free), then the `outer` ones.
 */
export function orderRank(order: LoopOrder, dimension: Dimension): number {
  const inner = order.inner.indexOf(dimension);
  if (inner >= 0) return inner;
  const outer = order.outer.indexOf(dimension);
  return outer >= 0 ? order.inner.length + 1 + outer : order.inner.length;
}

/** True when the order requires `a`'s loop inside `b`'s. */
export function mustBeInside(order: LoopOrder, a: Dimension, b: Dimension): boolean {
  return orderRank(order, a) < orderRank(order, b);
}

/**
 * Returns the first pair [outer, inner] of `sequence` (loops innermost first) in which `outer`
 * comes later but the order requires it inside `inner`, or undefined when the sequence meets the order.
 */
export function firstOrderViolation(sequence: readonly Dimension[], order: LoopOrder): [Dimension, Dimension] | undefined {
  for (let later = 1; later < sequence.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      if (mustBeInside(order, sequence[later], sequence[earlier])) return [sequence[later], sequence[earlier]];
    }
  }
  return undefined;
}

/**
 * Returns the complete order nearest to `permutation` that meets `order`: the `inner` dimensions,
 * then the others in their order in `permutation`, then the `outer` ones. A permutation whose
 * loops with bound > 1 already meet the order keeps their sequence.
 */
export function projectOrder(permutation: readonly Dimension[], order: LoopOrder): Dimension[] {
  const named = new Set([...order.inner, ...order.outer]);
  return [...order.inner, ...permutation.filter((dimension) => !named.has(dimension)), ...order.outer];
}

/** Sorts dimensions by their rank in `order`, keeping the given sequence among equal ranks. */
export function sortByOrder(dimensions: readonly Dimension[], order: LoopOrder): Dimension[] {
  return dimensions
    .map((dimension, index) => ({ dimension, index, rank: orderRank(order, dimension) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ dimension }) => dimension);
}

/** Formats an order as Timeloop writes it: `inner_outer`, or the inner part alone. */
export function formatOrder(order: LoopOrder): string {
  return order.outer.length === 0 ? order.inner.join('') : `${order.inner.join('')}_${order.outer.join('')}`;
}

/** The mesh axes a spatial split allows, for loops with bound > 1. */
export interface AxisRules {
  /** Dimensions named in the permutation (and G when unnamed) sit at one position, so on one axis. */
  axis: Partial<Record<Dimension, MeshAxis>>;
  /** Unnamed dimensions, whose positions depend on the free part of the order. */
  free: Dimension[];
  /** At most this many of `free` may have spatial loops on X, and `freeOnY` on Y. */
  freeOnX: number;
  freeOnY: number;
}

/**
 * Applies a split to the full spatial order: the inner dimensions, the unnamed ones, then the
 * outer ones, bound-1 loops included. Positions before `split` are on X and the others on Y.
 * Timeloop does not drop bound-1 loops from a level with a user split, so they count as positions here too.
 */
export function splitRules(order: LoopOrder, split: number): AxisRules {
  const named = new Set([...order.inner, ...order.outer]);
  const free = DIMENSIONS.filter((dimension) => !named.has(dimension));
  const axis: Partial<Record<Dimension, MeshAxis>> = {};
  order.inner.forEach((dimension, position) => (axis[dimension] = position < split ? 'X' : 'Y'));
  const outerStart = order.inner.length + free.length;
  order.outer.forEach((dimension, index) => (axis[dimension] = outerStart + index < split ? 'X' : 'Y'));

  const freeOnX = Math.min(free.length, Math.max(0, split - order.inner.length));
  if (freeOnX === 0 || freeOnX === free.length) {
    for (const dimension of free) axis[dimension] = freeOnX === 0 ? 'Y' : 'X';
    return { axis, free: [], freeOnX: 0, freeOnY: 0 };
  }
  return { axis, free, freeOnX, freeOnY: free.length - freeOnX };
}
