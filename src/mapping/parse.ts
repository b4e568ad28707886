// Reads a Timeloop mapping file: a `mapping:` list of temporal, spatial and datatype (or bypass)
// entries, each aimed at one storage level of the architecture.
import { fanout, type Architecture } from '../arch/types.js';
import { InputError } from '../input-error.js';
import { DATA_SPACES, DIMENSIONS, unitFactors, type DataSpace, type Layer } from '../workload/layer.js';
import { nearestName, unknownNameHint } from '../workload/spelling.js';
import { isYamlMap, parseYamlText } from '../workload/yaml-input.js';
import { parsePermutation, parseFactors, type ZeroFactor } from './parse-loops.js';
import type { LevelMapping, Mapping } from './types.js';

export interface ParseMappingOptions {
  /**
   * Data spaces each level keeps when the file has no datatype entry for it, innermost level first
   * (for example the bypass pattern of a mapspace file). Without it such levels keep everything.
   */
  defaultKeep?: Record<DataSpace, boolean>[];
  /** Collects the factors written as 0, which stand for the whole dimension, for messages. */
  zeroFactors?: ZeroFactor[];
}

type EntryType = 'temporal' | 'spatial' | 'datatype';

const ENTRY_KEYS: Record<EntryType, readonly string[]> = {
  temporal: ['target', 'type', 'factors', 'permutation'],
  spatial: ['target', 'type', 'factors', 'permutation', 'split'],
  datatype: ['target', 'type', 'keep', 'bypass'],
};

/** Timeloop mapping keys this model does not implement; they are rejected rather than ignored. */
const UNSUPPORTED_KEYS = ['no_link_transfer', 'no_multicast_no_reduction', 'no_temporal_reuse', 'modulo', 'terms'];

/** The entries found for one storage level, each with its position in the file for messages. */
interface LevelEntries {
  temporal?: { index: number; entry: Record<string, unknown> };
  spatial?: { index: number; entry: Record<string, unknown> };
  datatype?: { index: number; entry: Record<string, unknown> };
}

/**
 * Parses mapping YAML into one LevelMapping per storage level of `arch`. Malformed input throws
 * InputError. Factor products are not checked here (see checkFactorProducts) because a wrong
 * product is an invalid mapping, not an unreadable file.
 */
export function parseMapping(text: string, file: string, arch: Architecture, layer: Layer, options: ParseMappingOptions = {}): Mapping {
  if (options.defaultKeep !== undefined && options.defaultKeep.length !== arch.levels.length) {
    throw new Error(`defaultKeep has ${options.defaultKeep.length} levels but the architecture has ${arch.levels.length}`);
  }

  const entries = readEntryList(text, file);
  const perLevel: LevelEntries[] = arch.levels.map(() => ({}));

  entries.forEach((entry, index) => {
    const field = `mapping[${index}]`;
    const type = readEntryType(entry, file, field);
    checkEntryKeys(entry, type, file, field);
    const levelIndex = findTargetLevel(entry.target, arch, file, `${field}.target`);

    const previous = perLevel[levelIndex][type];
    if (previous !== undefined) {
      throw new InputError(file, field, undefined, `a second ${type} entry for ${arch.levels[levelIndex].name}; the first is mapping[${previous.index}]`);
    }
    if (type === 'spatial') checkFansOut(arch, levelIndex, file, `${field}.target`);
    perLevel[levelIndex][type] = { index, entry };
  });

  const levels = perLevel.map((found, levelIndex) => {
    const keep = { ...(options.defaultKeep?.[levelIndex] ?? { Weights: true, Inputs: true, Outputs: true }) };
    return buildLevel(found, keep, file, layer, options.zeroFactors);
  });
  return { levels };
}

function buildLevel(found: LevelEntries, keep: Record<DataSpace, boolean>, file: string, layer: Layer, zeroFactors?: ZeroFactor[]): LevelMapping {
  const level: LevelMapping = {
    temporal: unitFactors(),
    permutation: [...DIMENSIONS],
    spatial: unitFactors(),
    spatialPermutation: [...DIMENSIONS],
    split: DIMENSIONS.length,
    keep,
  };

  if (found.temporal !== undefined) {
    const { index, entry } = found.temporal;
    level.temporal = readFactors(entry, file, `mapping[${index}]`, layer, zeroFactors);
    level.permutation = readPermutation(entry, file, `mapping[${index}]`);
  }

  if (found.spatial !== undefined) {
    const { index, entry } = found.spatial;
    level.spatial = readFactors(entry, file, `mapping[${index}]`, layer, zeroFactors);
    level.spatialPermutation = readPermutation(entry, file, `mapping[${index}]`);
    level.split = readSplit(entry.split, file, `mapping[${index}].split`);
    // A cnn-layer split of 7 puts every dimension on X, so G, appended after them, goes there too.
    if (!namesGroups(entry.permutation) && level.split >= DIMENSIONS.length - 1) level.split = DIMENSIONS.length;
  }

  if (found.datatype !== undefined) {
    const { index, entry } = found.datatype;
    applyKeepAndBypass(entry, level.keep, file, `mapping[${index}]`);
  }
  return level;
}

/**
 * Reads the `mapping:` list, or a bare list. Other top-level keys are ignored because Timeloop
 * lets one file hold several of its inputs (architecture, problem, mapping).
 */
function readEntryList(text: string, file: string): Record<string, unknown>[] {
  const root = parseYamlText(text, file);
  let list: unknown = root;
  if (isYamlMap(root)) {
    if (!('mapping' in root)) {
      const nearest = nearestName('mapping', Object.keys(root));
      const found = nearest === undefined ? '' : ` (found ${nearest}: is it misspelt?)`;
      throw new InputError(file, 'mapping', undefined, `missing; add a top-level "mapping:" list${found}`);
    }
    list = root.mapping;
  }
  if (!Array.isArray(list)) {
    throw new InputError(file, 'mapping', list, 'expected a list of mapping entries under a top-level "mapping:" key');
  }

  return list.map((entry, index) => {
    if (!isYamlMap(entry)) {
      throw new InputError(file, `mapping[${index}]`, entry, 'expected an entry with target, type and its settings');
    }
    return entry;
  });
}

function readEntryType(entry: Record<string, unknown>, file: string, field: string): EntryType {
  const type = entry.type;
  if (type === 'temporal' || type === 'spatial' || type === 'datatype') return type;
  if (type === 'bypass') return 'datatype';
  if (type === undefined) throw new InputError(file, `${field}.type`, undefined, 'missing; use temporal, spatial, datatype or bypass');
  throw new InputError(file, `${field}.type`, type, 'unknown entry type; use temporal, spatial, datatype or bypass');
}

function checkEntryKeys(entry: Record<string, unknown>, type: EntryType, file: string, field: string): void {
  const allowed = ENTRY_KEYS[type];
  for (const key of Object.keys(entry)) {
    if (allowed.includes(key)) continue;
    if (UNSUPPORTED_KEYS.includes(key)) {
      throw new InputError(file, `${field}.${key}`, undefined, 'this Timeloop mapping option is not supported by this cost model; remove it');
    }
    throw new InputError(file, `${field}.${key}`, undefined, `${unknownNameHint('key', key, allowed)} (in a ${type} entry)`);
  }
}

/** Targets are level names or, as Timeloop also allows, level indices counted from the innermost level. */
function findTargetLevel(target: unknown, arch: Architecture, file: string, field: string): number {
  const names = arch.levels.map((level) => level.name);
  if (typeof target === 'string') {
    const index = names.indexOf(target);
    if (index >= 0) return index;
    throw new InputError(file, field, target, unknownNameHint('storage level', target, names));
  }
  if (Number.isInteger(target) && (target as number) >= 0 && (target as number) < names.length) {
    return target as number;
  }
  if (target === undefined) throw new InputError(file, field, undefined, `missing; name a storage level: ${names.join(', ')}`);
  throw new InputError(file, field, target, `expected a storage level name (${names.join(', ')}) or an index from 0 to ${names.length - 1}`);
}

function checkFansOut(arch: Architecture, levelIndex: number, file: string, field: string): void {
  const { x, y } = fanout(arch, levelIndex);
  if (x * y > 1) return;
  const below = levelIndex === 0 ? arch.arithmetic.name : arch.levels[levelIndex - 1].name;
  throw new InputError(
    file,
    field,
    arch.levels[levelIndex].name,
    `this level has no spatial fan-out (${below} has as many instances), so it cannot have a spatial entry`,
  );
}

function readFactors(entry: Record<string, unknown>, file: string, field: string, layer: Layer, zeroFactors?: ZeroFactor[]) {
  const text = entry.factors;
  if (text === undefined || text === null) return unitFactors();
  if (typeof text !== 'string') {
    throw new InputError(file, `${field}.factors`, text, 'expected a string such as "R=1 S=3 P=7 Q=7 C=64 K=1 N=1"');
  }
  return parseFactors(text, file, `${field}.factors`, layer, zeroFactors);
}

function readPermutation(entry: Record<string, unknown>, file: string, field: string) {
  const text = entry.permutation;
  if (text === undefined || text === null) return [...DIMENSIONS];
  if (typeof text !== 'string') {
    throw new InputError(file, `${field}.permutation`, text, 'expected a string of dimension letters, innermost first, such as "QPRSCKN"');
  }
  return parsePermutation(text, file, `${field}.permutation`);
}

/** Returns whether a permutation string names G, which permutations written for cnn-layer omit. */
function namesGroups(permutation: unknown): boolean {
  return typeof permutation === 'string' && permutation.includes('G');
}

/**
 * Reads `split`, the count of spatial permutation dimensions on X. As in Timeloop, a split of at
 * least the permutation's length puts all on X.
 */
function readSplit(split: unknown, file: string, field: string): number {
  if (split === undefined || split === null) return DIMENSIONS.length;
  if (typeof split !== 'number' || !Number.isInteger(split) || split < 0) {
    throw new InputError(file, field, split, 'expected a non-negative integer: the number of spatial permutation dimensions on the X axis (7 puts all on X)');
  }
  return Math.min(split, DIMENSIONS.length);
}

function applyKeepAndBypass(entry: Record<string, unknown>, keep: Record<DataSpace, boolean>, file: string, field: string): void {
  const kept = readDataSpaceList(entry.keep, file, `${field}.keep`);
  const bypassed = readDataSpaceList(entry.bypass, file, `${field}.bypass`);

  for (const dataSpace of kept) {
    if (bypassed.includes(dataSpace)) {
      throw new InputError(file, `${field}.bypass`, dataSpace, 'listed under both keep and bypass; choose one');
    }
    keep[dataSpace] = true;
  }
  for (const dataSpace of bypassed) keep[dataSpace] = false;
}

function readDataSpaceList(value: unknown, file: string, field: string): DataSpace[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new InputError(file, field, value, `expected a list of data spaces (${DATA_SPACES.join(', ')})`);
  }
  return value.map((name) => {
    if (typeof name === 'string' && (DATA_SPACES as readonly string[]).includes(name)) return name as DataSpace;
    throw new InputError(file, field, name, unknownNameHint('data space', String(name), DATA_SPACES));
  });
}
