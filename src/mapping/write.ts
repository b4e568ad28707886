// Writes a mapping in Timeloop's mapping YAML, readable by timeloop-model and by parseMapping.
import { stringify } from 'yaml';

import { fanout, type Architecture } from '../arch/types.js';
import { DATA_SPACES, DIMENSIONS, type Dimension, type Factors } from '../workload/layer.js';
import type { Mapping } from './types.js';

type Entry = Record<string, string | number | string[]>;

/**
 * Returns the mapping as YAML: per level, innermost first, a temporal entry, a spatial entry
 * with its split where the level fans out, and a datatype entry listing kept and bypassed data
 * spaces. A mapping whose G factors multiply to 1 (a layer with G = 1) is written without G, so
 * that Timeloop's cnn-layer shape, which has no G, reads it.
 */
export function writeMappingYaml(arch: Architecture, mapping: Mapping): string {
  if (mapping.levels.length !== arch.levels.length) {
    throw new Error(`the mapping has ${mapping.levels.length} levels but the architecture ${arch.name} has ${arch.levels.length}`);
  }
  const dimensions = hasGroups(mapping) ? DIMENSIONS : DIMENSIONS.filter((dimension) => dimension !== 'G');

  const entries: Entry[] = [];
  mapping.levels.forEach((level, index) => {
    const target = arch.levels[index].name;
    entries.push({
      target,
      type: 'temporal',
      factors: formatFactors(level.temporal, dimensions),
      permutation: formatPermutation(level.permutation, dimensions),
    });

    const { x, y } = fanout(arch, index);
    if (x * y > 1) {
      entries.push({
        target,
        type: 'spatial',
        factors: formatFactors(level.spatial, dimensions),
        permutation: formatPermutation(level.spatialPermutation, dimensions),
        split: writtenSplit(level.spatialPermutation, level.split, dimensions),
      });
    }

    entries.push({
      target,
      type: 'datatype',
      keep: DATA_SPACES.filter((dataSpace) => level.keep[dataSpace]),
      bypass: DATA_SPACES.filter((dataSpace) => !level.keep[dataSpace]),
    });
  });

  return stringify({ mapping: entries });
}

/** Returns whether any loop of the mapping runs over G, as only a layer with G > 1 has. */
function hasGroups(mapping: Mapping): boolean {
  return mapping.levels.some((level) => level.temporal.G > 1 || level.spatial.G > 1);
}

/** Formats loop bounds as "R=1 S=3 P=7 Q=7 C=64 K=1 N=1", over `dimensions` only. */
export function formatFactors(factors: Factors, dimensions: readonly Dimension[] = DIMENSIONS): string {
  return dimensions.map((dimension) => `${dimension}=${factors[dimension]}`).join(' ');
}

export function formatPermutation(order: readonly Dimension[], dimensions: readonly Dimension[] = DIMENSIONS): string {
  return order.filter((dimension) => dimensions.includes(dimension)).join('');
}

/** Counts the split over the written dimensions, so that a left-out G on X does not count. */
function writtenSplit(order: readonly Dimension[], split: number, dimensions: readonly Dimension[]): number {
  return order.slice(0, split).filter((dimension) => dimensions.includes(dimension)).length;
}
