// Writes a mapping in Timeloop's mapping YAML, readable by timeloop-model and by parseMapping.
import { stringify } from 'yaml';

import { fanout, type Architecture } from '../arch/types.js';
import { DATA_SPACES, DIMENSIONS, type Dimension, type Factors } from '../workload/layer.js';
import type { Mapping } from './types.js';

type Entry = Record<string, string | number | string[]>;

/**
 * Returns the mapping as YAML: per level, innermost first, a temporal entry, a spatial entry
 * with its split where the level fans out, and a datatype entry listing kept and bypassed data
 * spaces.
 */
export function writeMappingYaml(arch: Architecture, mapping: Mapping): string {
  if (mapping.levels.length !== arch.levels.length) {
    throw new Error(`the mapping has ${mapping.levels.length} levels but the architecture ${arch.name} has ${arch.levels.length}`);
  }

  const entries: Entry[] = [];
  mapping.levels.forEach((level, index) => {
    const target = arch.levels[index].name;
    entries.push({
      target,
      type: 'temporal',
      factors: formatFactors(level.temporal),
      permutation: formatPermutation(level.permutation),
    });

    const { x, y } = fanout(arch, index);
    if (x * y > 1) {
      entries.push({
        target,
        type: 'spatial',
        factors: formatFactors(level.spatial),
        permutation: formatPermutation(level.spatialPermutation),
        split: level.split,
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

/** Formats loop bounds as "R=1 S=3 P=7 Q=7 C=64 K=1 N=1". */
export function formatFactors(factors: Factors): string {
  return DIMENSIONS.map((dimension) => `${dimension}=${factors[dimension]}`).join(' ');
}

export function formatPermutation(order: readonly Dimension[]): string {
  return order.join('');
}
