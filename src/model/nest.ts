// The flattened loop nest of a mapping, innermost loop first, as Timeloop builds it: for every
// storage level, its spatial loops (X before Y) and then its temporal loops, with bound-1 loops
// dropped and a placeholder temporal loop where a level has none, so that every level ends on a
// temporal loop (its storage boundary).
import type { Mapping } from '../mapping/types.js';
import { unitFactors, type Dimension } from '../workload/layer.js';

export type SpaceTime = 'time' | 'X' | 'Y';

export interface Loop {
  dim: Dimension;
  bound: number;
  spaceTime: SpaceTime;
  /** Storage level whose block this loop belongs to. */
  level: number;
  /** Product of the bounds of all inner loops over the same dimension: the loop's step in the operation space. */
  step: number;
}

export interface Nest {
  loops: Loop[];
  /** Index in `loops` of the outermost (temporal) loop of each storage level. */
  boundary: number[];
  /** Index range [first, last] of each level's spatial loops, or undefined if the level does not fan out. */
  spatial: ([number, number] | undefined)[];
}

export function buildNest(mapping: Mapping): Nest {
  const loops: Loop[] = [];
  const boundary: number[] = [];
  const spatial: ([number, number] | undefined)[] = [];
  const scale: Record<Dimension, number> = unitFactors();

  const push = (dim: Dimension, bound: number, spaceTime: SpaceTime, level: number): void => {
    loops.push({ dim, bound, spaceTime, level, step: scale[dim] });
    scale[dim] *= bound;
  };

  mapping.levels.forEach((levelMapping, level) => {
    const first = loops.length;
    levelMapping.spatialPermutation.forEach((dim, position) => {
      const bound = levelMapping.spatial[dim];
      if (bound > 1) push(dim, bound, position < levelMapping.split ? 'X' : 'Y', level);
    });
    spatial.push(loops.length > first ? [first, loops.length - 1] : undefined);

    const temporalStart = loops.length;
    for (const dim of levelMapping.permutation) {
      const bound = levelMapping.temporal[dim];
      if (bound > 1) push(dim, bound, 'time', level);
    }
    // Timeloop adds a trivial N loop so that the level still has a boundary loop.
    if (loops.length === temporalStart) push('N', 1, 'time', level);
    boundary.push(loops.length - 1);
  });

  return { loops, boundary, spatial };
}

/** Operation-space extent per dimension of the loops with index 0..last (inclusive). */
export function extentsUpTo(nest: Nest, last: number): Record<Dimension, number> {
  const extents: Record<Dimension, number> = unitFactors();
  for (let index = 0; index <= last; index++) {
    const loop = nest.loops[index];
    extents[loop.dim] *= loop.bound;
  }
  return extents;
}

export function temporalProduct(nest: Nest): number {
  let product = 1;
  for (const loop of nest.loops) if (loop.spaceTime === 'time') product *= loop.bound;
  return product;
}

/** Product of the spatial bounds of loops with index > after, split by axis. */
export function spatialExpansionAbove(nest: Nest, after: number): { x: number; y: number } {
  let x = 1;
  let y = 1;
  for (let index = after + 1; index < nest.loops.length; index++) {
    const loop = nest.loops[index];
    if (loop.spaceTime === 'X') x *= loop.bound;
    else if (loop.spaceTime === 'Y') y *= loop.bound;
  }
  return { x, y };
}
