// Prints a mapping as a loop nest in the layout of Timeloop's map.txt.
import type { Architecture } from '../arch/types.js';
import { DATA_SPACES, type DataSpace, type Dimension } from '../workload/layer.js';
import type { LevelMapping, Mapping } from './types.js';

/** Words of each kept data space held by one instance, per level, innermost level first. */
export type TileSizes = Partial<Record<DataSpace, number>>[];

/** The part of an evaluation result that carries tile sizes (structurally the model's Evaluation). */
export interface LevelCapacities {
  levels: Record<string, { dataspaces: Partial<Record<DataSpace, { utilized_capacity: number }>> }>;
}

/**
 * Returns the loop nest, outermost level first. Each level has a header naming the data spaces
 * it keeps (with their tile sizes in words when `tileSizes` is given), then its temporal loops
 * and then its spatial loops, each outermost first. Loops with bound 1 are left out, except that
 * a level without any temporal loop shows `for N in [0:1)`, as Timeloop does.
 */
export function printLoopNest(arch: Architecture, mapping: Mapping, tileSizes?: TileSizes): string {
  const blocks: string[] = [];
  let depth = 0;

  for (let index = mapping.levels.length - 1; index >= 0; index--) {
    const level = mapping.levels[index];
    const header = formatHeader(arch.levels[index].name, level, tileSizes?.[index]);
    const lines = [header, '-'.repeat(header.length)];

    for (const loop of levelLoops(level)) {
      lines.push(`| ${'  '.repeat(depth)}for ${loop.dimension} in [0:${loop.bound})${loop.mark}`);
      depth++;
    }
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** Tile sizes per level from an evaluation result: the utilized capacity of each kept data space. */
export function tileSizesOf(arch: Architecture, evaluation: LevelCapacities): TileSizes {
  return arch.levels.map((level) => {
    const sizes: Partial<Record<DataSpace, number>> = {};
    const dataspaces = evaluation.levels[level.name]?.dataspaces ?? {};
    for (const dataSpace of DATA_SPACES) {
      const stats = dataspaces[dataSpace];
      if (stats !== undefined) sizes[dataSpace] = stats.utilized_capacity;
    }
    return sizes;
  });
}

function formatHeader(name: string, level: LevelMapping, sizes: Partial<Record<DataSpace, number>> | undefined): string {
  const kept = DATA_SPACES.filter((dataSpace) => level.keep[dataSpace]).map((dataSpace) => {
    const size = sizes?.[dataSpace];
    return size === undefined ? dataSpace : `${dataSpace}:${size}`;
  });
  return `${name} [ ${kept.length > 0 ? `${kept.join(' ')} ` : ''}]`;
}

interface PrintedLoop {
  dimension: Dimension;
  bound: number;
  mark: string;
}

function levelLoops(level: LevelMapping): PrintedLoop[] {
  const temporal: PrintedLoop[] = [];
  for (const dimension of [...level.permutation].reverse()) {
    const bound = level.temporal[dimension];
    if (bound > 1) temporal.push({ dimension, bound, mark: '' });
  }
  if (temporal.length === 0) temporal.push({ dimension: 'N', bound: 1, mark: '' });

  // Positions count from the innermost loop, so the first `split` positions are on X.
  const spatial: PrintedLoop[] = [];
  for (let position = level.spatialPermutation.length - 1; position >= 0; position--) {
    const dimension = level.spatialPermutation[position];
    const bound = level.spatial[dimension];
    const mark = position < level.split ? ' (Spatial-X)' : ' (Spatial-Y)';
    if (bound > 1) spatial.push({ dimension, bound, mark });
  }
  return [...temporal, ...spatial];
}
