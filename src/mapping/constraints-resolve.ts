// Mapspace constraints resolved for one layer: a factor of 0 becomes the layer's dimension and a
// fixed factor above the dimension is dropped, both as Timeloop's Constraints::ParseFactors does.
// Also the reasons, found before any search, why no mapping of the layer can meet them.
import type { FactorLimit, FactorLimits, LoopOrder, MappingConstraints } from '../arch/constraints.js';
import { fanout, type Architecture } from '../arch/types.js';
import { DIMENSIONS, type Dimension, type Layer } from '../workload/layer.js';

export type LoopKind = 'temporal' | 'spatial';

export interface ResolvedLevel {
  temporal: FactorLimits;
  spatial: FactorLimits;
  temporalOrder?: LoopOrder;
  spatialOrder?: LoopOrder;
  split?: number;
}

export interface ResolvedConstraints {
  /** One entry per storage level, innermost first; every `exact` is a positive factor. */
  levels: ResolvedLevel[];
  minParallelism?: number;
  /** Fixed factors dropped for this layer, one line each, for the user. */
  notes: string[];
}

/**
 * Resolves `constraints` for `layer`. A fixed factor larger than the layer's dimension is dropped
 * with a note: Timeloop warns "Constraint ... exceeds problem dimension ..., ignoring", which lets
 * one constraint file serve every layer of a network (R=3 on a 1x1 layer, C=16 on a 3-channel stem).
 */
export function resolveConstraints(constraints: MappingConstraints, layer: Layer, arch: Architecture): ResolvedConstraints {
  const notes: string[] = [];
  const levels = constraints.levels.map((level, index): ResolvedLevel => {
    const resolveKind = (kind: LoopKind): FactorLimits => {
      const resolved: FactorLimits = {};
      for (const [dimension, limit] of Object.entries(level[kind]?.factors ?? {}) as [Dimension, FactorLimit][]) {
        const copy = { ...limit };
        if (copy.exact === 0) copy.exact = layer[dimension];
        if (copy.exact !== undefined && copy.exact > layer[dimension]) {
          notes.push(`the mapspace's ${kind} factor ${dimension}=${copy.exact} at ${arch.levels[index].name} exceeds the layer's ${dimension} = ${layer[dimension]}, so it is ignored for this layer, as Timeloop ignores it`);
          delete copy.exact;
        }
        if (Object.keys(copy).length > 0) resolved[dimension] = copy;
      }
      return resolved;
    };
    return {
      temporal: resolveKind('temporal'),
      spatial: resolveKind('spatial'),
      temporalOrder: level.temporal?.order,
      spatialOrder: level.spatial?.order,
      split: level.spatial?.split,
    };
  });
  return { levels, minParallelism: constraints.minParallelism, notes };
}

/** Returns the factor limits of one loop kind at one level. */
export function limitsOf(level: ResolvedLevel, kind: LoopKind): FactorLimits {
  return kind === 'temporal' ? level.temporal : level.spatial;
}

interface FixedFactor {
  level: number;
  kind: LoopKind;
  value: number;
}

/**
 * Returns why no mapping of `layer` on `arch` meets the resolved constraints, naming the level and
 * dimension, or undefined when the search may find one. The reasons found here are a spatial
 * factor beyond the level's fan-out (or where it has none), a bound beyond the dimension, and fixed
 * factors whose product cannot equal the dimension.
 */
export function constraintInfeasibility(resolved: ResolvedConstraints, arch: Architecture, layer: Layer): string | undefined {
  const name = (level: number) => arch.levels[level].name;
  const fanouts = arch.levels.map((_, level) => fanout(arch, level));

  for (const [level, rules] of resolved.levels.entries()) {
    const total = fanouts[level].x * fanouts[level].y;
    let product = 1;
    for (const [dimension, limit] of Object.entries(rules.spatial) as [Dimension, FactorLimit][]) {
      const needed = limit.exact ?? limit.min ?? 1;
      if (needed > 1 && total === 1) {
        const written = limit.exact === undefined ? `${dimension}>=${limit.min}` : `${dimension}=${limit.exact}`;
        return `${name(level)} has no spatial fan-out, but the mapspace asks for the spatial factor ${written} there`;
      }
      product *= limit.exact ?? 1;
    }
    if (product > total) {
      return `the mapspace's fixed spatial factors at ${name(level)} (${fixedList(rules.spatial)}) multiply to ${product}, more than its fan-out of ${total}`;
    }
  }

  for (const dimension of DIMENSIONS) {
    const fixed: FixedFactor[] = [];
    let freeSlots = 0;
    for (const [level, rules] of resolved.levels.entries()) {
      for (const kind of ['temporal', 'spatial'] as const) {
        if (kind === 'spatial' && fanouts[level].x * fanouts[level].y === 1) continue;
        const limit = limitsOf(rules, kind)[dimension];
        if (limit?.min !== undefined && limit.min > layer[dimension]) {
          return `the mapspace's ${kind} factor ${dimension}>=${limit.min} at ${name(level)} exceeds the layer's ${dimension} = ${layer[dimension]}`;
        }
        if (limit?.exact === undefined) freeSlots++;
        else fixed.push({ level, kind, value: limit.exact });
      }
    }

    const product = fixed.reduce((running, factor) => running * factor.value, 1);
    const listing = fixed.map((factor) => `${factor.kind} ${dimension}=${factor.value} at ${name(factor.level)}`).join(', ');
    if (layer[dimension] % product !== 0) {
      if (fixed.length === 1) return `the mapspace's ${listing} does not divide the layer's ${dimension} = ${layer[dimension]}`;
      return `the mapspace's fixed factors of ${dimension} (${listing}) multiply to ${product}, which does not divide the layer's ${dimension} = ${layer[dimension]}`;
    }
    if (freeSlots === 0 && product !== layer[dimension]) {
      return `the mapspace fixes every factor of ${dimension} (${listing}), and they multiply to ${product}, not to the layer's ${dimension} = ${layer[dimension]}`;
    }
  }
  return undefined;
}

function fixedList(limits: FactorLimits): string {
  return DIMENSIONS.filter((dimension) => limits[dimension]?.exact !== undefined)
    .map((dimension) => `${dimension}=${limits[dimension]!.exact}`)
    .join(' ');
}
