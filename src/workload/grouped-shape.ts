// The problem shape of a grouped convolution in Timeloop's problem-shape YAML: cnn-layer with a
// G dimension that indexes all three data spaces. Timeloop's cnn-layer has no G, so a problem
// file for a layer with G > 1 must declare this shape inline for timeloop-model to read it.
// timeloop-model 019f107 read such files for MobileNet-V2's ten grouped layers on Simba and gave
// the cycles, access counts and energy of `cosa evaluate`.
import { isDeepStrictEqual } from 'node:util';

import { stringify } from 'yaml';

import { DIMENSIONS } from './layer.js';

/** Name of the shape written into problem files. */
export const GROUPED_SHAPE_NAME = 'grouped-cnn-layer';

type Projection = string[][][];

/**
 * Each rank of a data space is a sum of products: [[R, Wdilation], [P, Wstride]] is
 * R·Wdilation + P·Wstride. Ranks are listed outermost first, as in Timeloop's cnn-layer.yaml.
 */
const DATA_SPACES: { name: string; projection: Projection; readWrite?: true }[] = [
  { name: 'Weights', projection: [[['G']], [['C']], [['K']], [['R']], [['S']]] },
  {
    name: 'Inputs',
    projection: [[['N']], [['G']], [['C']], [['R', 'Wdilation'], ['P', 'Wstride']], [['S', 'Hdilation'], ['Q', 'Hstride']]],
  },
  { name: 'Outputs', projection: [[['N']], [['G']], [['K']], [['Q']], [['P']]], readWrite: true },
];

const COEFFICIENTS = ['Wstride', 'Hstride', 'Wdilation', 'Hdilation'];

/** Builds the shape as it appears under `problem.shape`, with `read-write` as parsed YAML gives it. */
function shapeObject(): Record<string, unknown> {
  return {
    name: GROUPED_SHAPE_NAME,
    dimensions: [...DIMENSIONS],
    coefficients: COEFFICIENTS.map((name) => ({ name, default: 1 })),
    'data-spaces': DATA_SPACES.map(({ name, projection, readWrite }) =>
      readWrite === true ? { name, projection, 'read-write': true } : { name, projection },
    ),
  };
}

/**
 * Returns the `shape:` block, indented to sit under `problem:`. Projections are written in flow
 * style and `read-write` as `True`, the spelling of Timeloop's own shape files.
 */
export function groupedShapeYaml(indent: string): string {
  const lines = [`shape:`, `  name: ${GROUPED_SHAPE_NAME}`, `  dimensions: [ ${DIMENSIONS.join(', ')} ]`, '  coefficients:'];
  for (const name of COEFFICIENTS) lines.push(`    - name: ${name}`, '      default: 1');
  lines.push('  data-spaces:');
  for (const { name, projection, readWrite } of DATA_SPACES) {
    lines.push(`    - name: ${name}`, '      projection:');
    for (const rank of projection) lines.push(`        - ${stringify(rank, { flow: true }).trim()}`);
    if (readWrite === true) lines.push('      read-write: True');
  }
  return lines.map((line) => `${indent}${line}\n`).join('');
}

/** Returns whether an inline shape declares G. Such a shape must be the grouped shape exactly. */
export function declaresGroups(shape: Record<string, unknown>): boolean {
  return Array.isArray(shape.dimensions) && shape.dimensions.includes('G');
}

/** Returns whether a parsed inline shape is the grouped shape, whatever its name. */
export function isGroupedShape(shape: Record<string, unknown>): boolean {
  const expected = shapeObject();
  const dimensions = Array.isArray(shape.dimensions) ? [...(shape.dimensions as unknown[])].sort() : undefined;
  return (
    isDeepStrictEqual(dimensions, [...(expected.dimensions as string[])].sort()) &&
    isDeepStrictEqual(shape['data-spaces'], expected['data-spaces'])
  );
}
