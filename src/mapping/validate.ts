// Validity checks on a mapping that need only the layer and the architecture's fan-out.
// Capacity checks need tile sizes and belong to the cost model.
import { fanout, type Architecture } from '../arch/types.js';
import { DIMENSIONS, type Dimension, type Layer } from '../workload/layer.js';
import type { ZeroFactor } from './parse-loops.js';
import type { LevelMapping, Mapping } from './types.js';

/**
 * Returns Timeloop's message for the first dimension (in the order R S P Q C K N G) whose factors,
 * multiplied over every temporal and spatial loop, differ from the layer's size, or undefined
 * when all match. Timeloop prints one such line per failing dimension and stops; the reference
 * cases record the first.
 */
export function checkFactorProducts(mapping: Mapping, layer: Layer): string | undefined {
  for (const dimension of DIMENSIONS) {
    const product = factorProduct(mapping, dimension);
    if (product !== layer[dimension]) {
      return (
        `ERROR: parsing mapping: product of all factors of dimension ${dimension} is ${product}, ` +
        `which is not equal to the dimension size of the workload ${layer[dimension]}.`
      );
    }
  }
  return undefined;
}

/**
 * Explains a wrong factor product caused by a factor written as 0. Timeloop reads such a factor as
 * the whole dimension, not the rest of it. Returns '' when no such factor is involved.
 */
export function zeroFactorNote(mapping: Mapping, layer: Layer, zeroFactors: readonly ZeroFactor[]): string {
  const wrong = zeroFactors.filter(({ dimension }) => factorProduct(mapping, dimension) !== layer[dimension]);
  if (wrong.length === 0) return '';

  const { dimension, field } = wrong[0];
  const others = factorProduct(mapping, dimension) / layer[dimension];
  const rest = layer[dimension] / others;
  const fix = wrong.length === 1 && Number.isInteger(rest) ? `; write the factor that is left, ${dimension}=${rest}` : '; write each factor itself';
  return ` Note: ${dimension}0 in ${field} stands for the whole dimension ${dimension} = ${layer[dimension]}, as in Timeloop, not for the rest of it${fix}.`;
}

export function factorProduct(mapping: Mapping, dimension: Dimension): number {
  let product = 1;
  for (const level of mapping.levels) product *= level.temporal[dimension] * level.spatial[dimension];
  return product;
}

export type MeshAxis = 'X' | 'Y';

export interface FanoutViolation {
  /** Index of the storage level whose spatial loops are too large, innermost level = 0. */
  levelIndex: number;
  levelName: string;
  axis: MeshAxis;
  /** Product of the spatial factors placed on this axis. */
  mapped: number;
  /** Fan-out of the level on this axis. */
  available: number;
  reason: string;
}

/** Spatial loop bounds per mesh axis: the first `split` dimensions of the spatial permutation go on X. */
export function spatialExtent(level: LevelMapping): Record<MeshAxis, number> {
  const extent = { X: 1, Y: 1 };
  level.spatialPermutation.forEach((dimension, position) => {
    const axis = position < level.split ? 'X' : 'Y';
    extent[axis] *= level.spatial[dimension];
  });
  return extent;
}

/** Lists every level and axis whose spatial factors exceed the architecture's fan-out there. */
export function checkFanout(arch: Architecture, mapping: Mapping): FanoutViolation[] {
  const violations: FanoutViolation[] = [];

  mapping.levels.forEach((level, levelIndex) => {
    const available = fanout(arch, levelIndex);
    const mapped = spatialExtent(level);
    const levelName = arch.levels[levelIndex].name;
    const below = levelIndex === 0 ? arch.arithmetic.name : arch.levels[levelIndex - 1].name;

    for (const axis of ['X', 'Y'] as const) {
      const limit = axis === 'X' ? available.x : available.y;
      if (mapped[axis] <= limit) continue;
      violations.push({
        levelIndex,
        levelName,
        axis,
        mapped: mapped[axis],
        available: limit,
        reason: `${levelName}: spatial factors on ${axis} multiply to ${mapped[axis]}, but ${levelName} fans out only ${limit} on ${axis} to ${below}`,
      });
    }
  });
  return violations;
}

/**
 * Lists structural defects of a mapping built in code (a parsed mapping has none): a level count
 * that differs from the architecture, incomplete permutations, non-positive or fractional
 * factors, a split outside 0..8.
 */
export function checkStructure(arch: Architecture, mapping: Mapping): string[] {
  const problems: string[] = [];
  if (mapping.levels.length !== arch.levels.length) {
    problems.push(`the mapping has ${mapping.levels.length} levels but the architecture has ${arch.levels.length}`);
  }

  mapping.levels.forEach((level, index) => {
    const name = arch.levels[index]?.name ?? `level ${index}`;
    for (const [label, order] of [['permutation', level.permutation], ['spatial permutation', level.spatialPermutation]] as const) {
      const complete = order.length === DIMENSIONS.length && DIMENSIONS.every((dimension) => order.includes(dimension));
      if (!complete) problems.push(`${name}: ${label} ${order.join('')} does not list each of ${DIMENSIONS.join('')} once`);
    }
    for (const dimension of DIMENSIONS) {
      for (const [label, factors] of [['temporal', level.temporal], ['spatial', level.spatial]] as const) {
        const value = factors[dimension];
        if (!Number.isInteger(value) || value < 1) problems.push(`${name}: ${label} factor ${dimension} = ${value} is not a positive integer`);
      }
    }
    if (!Number.isInteger(level.split) || level.split < 0 || level.split > DIMENSIONS.length) {
      problems.push(`${name}: split ${level.split} is outside 0..${DIMENSIONS.length}`);
    }
  });
  return problems;
}
