// Factor, loop-order and parallelism constraints of a Timeloop mapspace file: its `temporal`,
// `spatial` and `utilization` entries, read into one plain-data type that the mappers, the local
// search and a sweep's mapping exchange all apply. The meaning of each field follows Timeloop's
// src/mapping/constraints.cpp and src/mapspaces/uber.cpp (NVlabs/timeloop, read at 4cf6d4c).
import { InputError } from '../input-error.js';
import { readFactorTerms } from '../mapping/parse-loops.js';
import { DIMENSIONS, type Dimension } from '../workload/layer.js';
import { unknownNameHint } from '../workload/spelling.js';
import { isYamlMap, parseYamlText } from '../workload/yaml-input.js';
import { findConstraintList, flattenConstraints } from './mapspace-file.js';
import { baseName } from './parse-component.js';
import { expectMap, expectNumber, expectString, type YamlMap } from './yaml-fields.js';

/** Limits on one dimension's factor at one level and loop type. */
export interface FactorLimit {
  /** `R=3` fixes the factor at 3. `R=0` stands for the whole layer dimension, as in Timeloop. */
  exact?: number;
  /** `R<=4`, or the entry's `default_max_factor`. */
  max?: number;
  /** `R>=2`, or the entry's `default_min_factor`. */
  min?: number;
}

export type FactorLimits = Partial<Record<Dimension, FactorLimit>>;

/**
 * A partial loop order from a `permutation` string, innermost first: the loops of `inner` in that
 * order, then the other dimensions' loops in any order, then those of `outer` in that order. The
 * part before `_` is `inner` and the part after it `outer`. Loops of bound 1 take no position.
 */
export interface LoopOrder {
  inner: Dimension[];
  outer: Dimension[];
}

export interface TemporalConstraints {
  factors: FactorLimits;
  order?: LoopOrder;
}

export interface SpatialConstraints {
  /** Limits on the fan-out of each dimension: the product of its X and Y factors. */
  factors: FactorLimits;
  order?: LoopOrder;
  /**
   * Positions 0 to split - 1 of the full spatial order go on the X axis and the others on Y. That
   * order is `inner`, the unnamed dimensions, then `outer`, with bound-1 loops included. When the
   * permutation does not name G, G is the outermost position, as in a mapping file.
   */
  split?: number;
}

export interface LevelConstraints {
  temporal?: TemporalConstraints;
  spatial?: SpatialConstraints;
}

/** The applied constraints of a mapspace file. Only JSON values, so it hashes and crosses threads as is. */
export interface MappingConstraints {
  /** One entry per storage level, innermost first. */
  levels: LevelConstraints[];
  /**
   * Timeloop's `utilization` (or `parallelism`) `min`: the product over the fanning-out levels of
   * used spatial instances / fan-out must reach it.
   */
  minParallelism?: number;
}

/** Keys of temporal and spatial entries that Timeloop reads and the mappers apply. */
const FACTOR_KEYS = ['factors', 'permutation', 'default_max_factor', 'default_min_factor'];
/** Keys of temporal and spatial entries that Timeloop reads but this cost model has no equivalent for. */
const IGNORED_KEYS: Record<'temporal' | 'spatial', readonly string[]> = {
  temporal: ['no_reuse', 'no_temporal_reuse', 'rmw_first_update', 'remainders'],
  spatial: ['no_reuse', 'no_multicast_no_reduction', 'no_link_transfer', 'remainders'],
};
/** Constraint types that Timeloop reads but no mapper here applies. */
const IGNORED_TYPES = ['bypassing', 'dataspace', 'max_overbooked_proportion'];
const KNOWN_TYPES = ['temporal', 'spatial', 'datatype', 'bypass', 'utilization', 'parallelism', ...IGNORED_TYPES];

/** The limit that each relation of a factor term sets. */
const LIMIT_OF_RELATION = { '=': 'exact', '<=': 'max', '>=': 'min' } as const;

/** `M` is Timeloop's other name for K, as in problem files. */
function dimensionNamed(name: string): Dimension | undefined {
  if (name === 'M') return 'K';
  return (DIMENSIONS as readonly string[]).includes(name) ? (name as Dimension) : undefined;
}

/**
 * Reads the temporal, spatial and utilization constraints of a mapspace file, in the layouts that
 * parseMapspaceKeep accepts. A Timeloop mapping file given as a mapspace has none, because its loops
 * are one mapping, not constraints. Malformed or contradictory entries raise InputError. Constraints
 * that only some layers can meet, such as a factor that does not divide a layer's dimension, are
 * left to the mappers, which report such a layer as infeasible. Returns undefined when the file
 * constrains no factor, loop order, split or parallelism; ignoredConstraints lists what it leaves out.
 */
export function parseMapspaceConstraints(text: string, file: string, arch: { levels: readonly { name: string }[] }): MappingConstraints | undefined {
  const list = findConstraintList(parseYamlText(text, file), file);
  if (list.path === 'mapping') return undefined;

  const builder = new ConstraintsBuilder(file, arch.levels.map((level) => level.name));
  for (const { constraint, target, path } of flattenConstraints(list.list, list.path, file)) {
    const type = expectString(constraint.type, file, `${path}.type`);
    if (!KNOWN_TYPES.includes(type)) throw new InputError(file, `${path}.type`, type, unknownNameHint('constraint type', type, KNOWN_TYPES));
    if (type === 'datatype' || type === 'bypass' || IGNORED_TYPES.includes(type)) continue;

    const attributes = constraint.attributes === undefined ? constraint : expectMap(constraint.attributes, file, `${path}.attributes`);
    const level = builder.levelIndex(target, `${path}.target`);
    if (type === 'utilization' || type === 'parallelism') {
      builder.addParallelism(level, constraint, attributes, path);
      continue;
    }
    builder.addLoops(level, type as 'temporal' | 'spatial', constraint, attributes, path);
  }
  return builder.result();
}

/** Gathers the entries per level and loop type, rejecting a second value for anything already set. */
class ConstraintsBuilder {
  private readonly levels: LevelConstraints[];
  private minParallelism: number | undefined;
  /** Field path of the entry that set each (level, loop type, item), for messages about a second one. */
  private readonly setBy = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly names: readonly string[],
  ) {
    this.levels = names.map(() => ({}));
  }

  levelIndex(target: unknown, field: string): number {
    const name = baseName(expectString(target, this.file, field));
    const index = this.names.indexOf(name);
    if (index === -1) throw new InputError(this.file, field, name, unknownNameHint('storage level', name, this.names));
    return index;
  }

  addParallelism(level: number, constraint: YamlMap, attributes: YamlMap, path: string): void {
    checkEntryKeys(constraint, attributes, ['min'], this.file, path, 'utilization');
    // Timeloop counts utilization from the top of the hierarchy down to the innermost storage level.
    if (level !== 0) {
      throw new InputError(this.file, `${path}.target`, this.names[level], `a utilization constraint must target the innermost storage level, ${this.names[0]}, as in Timeloop`);
    }
    const min = expectNumber(attributes.min, this.file, `${path}.min`);
    if (min < 0 || min > 1) throw new InputError(this.file, `${path}.min`, min, 'expected a fraction of the MAC units from 0 to 1');
    this.claim('utilization', path);
    this.minParallelism = min;
  }

  addLoops(level: number, type: 'temporal' | 'spatial', constraint: YamlMap, attributes: YamlMap, path: string): void {
    const known = [...FACTOR_KEYS, ...IGNORED_KEYS[type], ...(type === 'spatial' ? ['split'] : [])];
    checkEntryKeys(constraint, attributes, known, this.file, path, type);
    const entry = (this.levels[level][type] ??= { factors: {} });

    if (attributes.factors !== undefined && attributes.factors !== null) {
      this.addFactors(entry.factors, expectString(attributes.factors, this.file, `${path}.factors`), level, type, `${path}.factors`);
    }
    this.addDefaultLimit(entry.factors, attributes.default_max_factor, 'max', level, type, `${path}.default_max_factor`);
    this.addDefaultLimit(entry.factors, attributes.default_min_factor, 'min', level, type, `${path}.default_min_factor`);

    if (attributes.permutation !== undefined && attributes.permutation !== null) {
      const field = `${path}.permutation`;
      this.claim(`${level}:${type}:permutation`, field);
      entry.order = parseLoopOrder(expectString(attributes.permutation, this.file, field), this.file, field);
    }

    const split = constraint.split ?? attributes.split;
    if (type === 'spatial' && split !== undefined && split !== null) {
      const field = `${path}.split`;
      if (typeof split !== 'number' || !Number.isInteger(split) || split < 0) {
        throw new InputError(this.file, field, split, 'expected a non-negative integer: how many positions of the spatial permutation go on the X axis');
      }
      this.claim(`${level}:spatial:split`, field);
      (entry as SpatialConstraints).split = split;
    }
  }

  private addFactors(factors: FactorLimits, text: string, level: number, type: string, field: string): void {
    for (const term of readFactorTerms(text, this.file, field)) {
      const dimension = dimensionNamed(term.name);
      if (dimension === undefined) {
        throw new InputError(this.file, field, text, `unknown dimension ${term.name}; valid dimensions: ${DIMENSIONS.join(' ')} (M is another name for K)`);
      }
      if (term.hasResidual) throw new InputError(this.file, field, text, `residual factors such as "${term.text}" are not supported; give each dimension one factor`);
      if (term.relation !== '=' && term.value < 1) throw new InputError(this.file, field, text, `"${term.text}": a bound on a factor must be at least 1`);

      const kind = LIMIT_OF_RELATION[term.relation];
      this.claim(`${level}:${type}:${kind}:${dimension}`, field, `${kind === 'exact' ? 'a factor' : `a ${kind} factor`} of ${dimension}`);
      const limit = (factors[dimension] ??= {});
      limit[kind] = term.value;
      checkLimit(limit, dimension, this.file, field, text);
    }
  }

  /** Applies a default bound to each dimension without its own bound or fixed factor. */
  private addDefaultLimit(factors: FactorLimits, value: unknown, kind: 'max' | 'min', level: number, type: string, field: string): void {
    if (value === undefined || value === null) return;
    const bound = expectNumber(value, this.file, field);
    if (!Number.isInteger(bound) || bound < 1) throw new InputError(this.file, field, value, 'expected an integer >= 1');
    this.claim(`${level}:${type}:default_${kind}`, field);
    for (const dimension of DIMENSIONS) {
      const limit = factors[dimension] ?? {};
      if (limit.exact !== undefined || limit[kind] !== undefined) continue;
      limit[kind] = bound;
      checkLimit(limit, dimension, this.file, field, bound);
      factors[dimension] = limit;
    }
  }

  /** Records that `field` sets `item`; raises InputError when an earlier entry set it. */
  private claim(item: string, field: string, what = field.slice(field.lastIndexOf('.') + 1)): void {
    const earlier = this.setBy.get(item);
    if (earlier !== undefined) {
      throw new InputError(this.file, field, undefined, `gives ${what} again, after ${earlier}; Timeloop rejects a re-specified constraint, so keep one`);
    }
    this.setBy.set(item, field);
  }

  result(): MappingConstraints | undefined {
    for (const level of this.levels) {
      if (level.spatial?.split !== undefined) pinUnnamedGroups(level.spatial);
      for (const type of ['temporal', 'spatial'] as const) {
        const entry = level[type];
        if (entry !== undefined && Object.keys(entry.factors).length === 0 && entry.order === undefined && (entry as SpatialConstraints).split === undefined) delete level[type];
      }
    }
    const empty = this.levels.every((level) => level.temporal === undefined && level.spatial === undefined);
    if (empty && this.minParallelism === undefined) return undefined;
    return this.minParallelism === undefined ? { levels: this.levels } : { levels: this.levels, minParallelism: this.minParallelism };
  }
}

/**
 * Gives G a position beside a split, which needs every dimension placed. A permutation written for
 * Timeloop's cnn-layer never names G, so G takes the outermost position, as in a mapping file. A
 * split of 7 or more then puts G on X as well, so that "all seven on X" keeps meaning all on X.
 */
function pinUnnamedGroups(spatial: SpatialConstraints): void {
  const order = spatial.order ?? { inner: [], outer: [] };
  if (order.inner.includes('G') || order.outer.includes('G')) return;
  spatial.order = { inner: order.inner, outer: [...order.outer, 'G'] };
  if (spatial.split! >= DIMENSIONS.length - 1) spatial.split = DIMENSIONS.length;
}

function checkLimit(limit: FactorLimit, dimension: Dimension, file: string, field: string, value: unknown): void {
  const { exact, max, min } = limit;
  // A fixed factor of 0 means the whole dimension, which depends on the layer.
  const fixed = exact === undefined || exact === 0 ? undefined : exact;
  if (fixed !== undefined && max !== undefined && fixed > max) throw new InputError(file, field, value, `${dimension}=${fixed} contradicts ${dimension}<=${max}; keep one`);
  if (fixed !== undefined && min !== undefined && fixed < min) throw new InputError(file, field, value, `${dimension}=${fixed} contradicts ${dimension}>=${min}; keep one`);
  if (max !== undefined && min !== undefined && min > max) throw new InputError(file, field, value, `${dimension}>=${min} contradicts ${dimension}<=${max}; no factor meets both`);
}

/** Rejects keys that are neither Timeloop's keys of this entry type nor of every entry. */
function checkEntryKeys(constraint: YamlMap, attributes: YamlMap, known: readonly string[], file: string, path: string, type: string): void {
  const allowed = ['target', 'type', 'attributes', ...known];
  for (const map of constraint === attributes ? [constraint] : [constraint, attributes]) {
    for (const key of Object.keys(map)) {
      if (!allowed.includes(key)) throw new InputError(file, `${path}.${key}`, undefined, `${unknownNameHint('key', key, allowed)} (in a ${type} constraint)`);
    }
  }
}

/**
 * Parses a constraint permutation: dimension letters, innermost first, whitespace ignored, with an
 * optional `_` between the innermost part and the outermost part (Timeloop's prefix and suffix).
 */
export function parseLoopOrder(text: string, file: string, field: string): LoopOrder {
  const parts = text.replace(/\s+/g, '').split('_');
  if (parts.length > 2) throw new InputError(file, field, text, 'has more than one "_"; write the innermost loops, then "_", then the outermost loops');

  const seen = new Set<Dimension>();
  const [inner, outer] = [parts[0], parts[1] ?? ''].map((part) =>
    [...part].map((letter) => {
      const dimension = dimensionNamed(letter);
      if (dimension === undefined) {
        throw new InputError(file, field, text, `unknown dimension ${letter}; valid dimensions: ${DIMENSIONS.join('')} (M is another name for K)`);
      }
      if (seen.has(dimension)) throw new InputError(file, field, text, `dimension ${dimension} appears more than once`);
      seen.add(dimension);
      return dimension;
    }),
  );
  return { inner, outer };
}

/**
 * Lists the constraints of a mapspace file that no mapper applies, as `PATH (TYPE at TARGET)`,
 * without checking the rest of the file. A Timeloop mapping file lists none.
 */
export function ignoredConstraints(text: string, file: string): string[] {
  const root = parseYamlText(text, file);
  const list = findConstraintList(root, file);
  if (list.path === 'mapping') return [];
  // Timeloop reads its search settings from a `mapper:` section; cosa's mappers have their own.
  const ignored: string[] = isYamlMap(root) && root.mapper !== undefined ? ['mapper (Timeloop search settings such as max_permutations_per_if_visit)'] : [];
  for (const { constraint, target, path } of flattenConstraints(list.list, list.path, file)) {
    const type = String(constraint.type);
    if (IGNORED_TYPES.includes(type)) ignored.push(`${path} (${type} at ${String(target)})`);
    if (type !== 'temporal' && type !== 'spatial') continue;
    const attributes = isYamlMap(constraint.attributes) ? constraint.attributes : constraint;
    for (const key of IGNORED_KEYS[type]) {
      if (constraint[key] !== undefined || attributes[key] !== undefined) ignored.push(`${path}.${key} (${type} at ${String(target)})`);
    }
  }
  return ignored;
}
