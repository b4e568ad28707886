// Bypass patterns: which data spaces each storage level keeps, from Timeloop mapspace constraint
// files (`datatype`/`bypass` constraints) or by default.
import { InputError } from '../input-error.js';
import { DATA_SPACES, type DataSpace } from '../workload/layer.js';
import { unknownNameHint } from '../workload/spelling.js';
import { parseYamlText } from '../workload/yaml-input.js';
import { baseName } from './parse-component.js';
import { checkKeys, expectList, expectMap, expectString, type YamlMap } from './yaml-fields.js';

/** Which data spaces each storage level keeps, innermost level first (the bypass pattern). */
export type KeepPattern = Record<DataSpace, boolean>[];

interface LevelShape {
  name: string;
  entries: number | undefined;
}

/** Build the default pattern: every level keeps every data space, except 0-entry levels, which can only bypass. */
export function defaultKeep(arch: { levels: readonly LevelShape[] }): KeepPattern {
  return arch.levels.map((level) => {
    const keep = level.entries !== 0;
    return { Weights: keep, Inputs: keep, Outputs: keep };
  });
}

/**
 * Read the `datatype` (or `bypass`) constraints of a Timeloop mapspace file into a keep pattern.
 * Accepted layouts, as Timeloop's Constraints::Parse accepts them: `mapspace: {constraints: [...]}`,
 * `mapspace: {constraints: NAME, constraints_NAME: [...]}`, `mapspace: {targets: [...]}`, the same
 * under `mapspace_constraints:`, a top-level `constraints:` list, and per-target nesting
 * `{target: X, constraints: [...]}`. A Timeloop mapping file (a top-level `mapping:` list) is read
 * too, for its datatype (bypass) entries only. Levels and data spaces without a constraint keep
 * their default.
 */
export function parseMapspaceKeep(text: string, file: string, arch: { levels: readonly LevelShape[] }): KeepPattern {
  const constraints = findConstraintList(parseYamlText(text, file), file);
  const keep = defaultKeep(arch);
  const names = arch.levels.map((level) => level.name);

  for (const { constraint, target, path } of flattenConstraints(constraints.list, constraints.path, file)) {
    const type = constraint.type === undefined ? undefined : expectString(constraint.type, file, `${path}.type`);
    if (type !== 'datatype' && type !== 'bypass') continue;

    const attributes = constraint.attributes === undefined ? constraint : expectMap(constraint.attributes, file, `${path}.attributes`);
    checkKeys(attributes, ['target', 'type', 'keep', 'bypass', 'attributes'], file, path);
    const levelName = baseName(expectString(target, file, `${path}.target`));
    const index = names.indexOf(levelName);
    if (index === -1) throw new InputError(file, `${path}.target`, levelName, unknownNameHint('storage level', levelName, names));

    const keptSpaces = readDataSpaces(attributes.keep, file, `${path}.keep`);
    const bypassed = readDataSpaces(attributes.bypass, file, `${path}.bypass`);
    for (const dataSpace of keptSpaces) {
      if (bypassed.includes(dataSpace)) {
        throw new InputError(file, `${path}.bypass`, dataSpace, 'listed in both keep and bypass; keep it in one list');
      }
      if (arch.levels[index].entries === 0) {
        throw new InputError(file, `${path}.keep`, dataSpace, `level ${levelName} has 0 entries in the architecture file, so it can only bypass; remove ${dataSpace} from keep, or give the level entries`);
      }
      keep[index][dataSpace] = true;
    }
    for (const dataSpace of bypassed) keep[index][dataSpace] = false;
  }
  return keep;
}

/**
 * Lists the constraints of a mapspace file that no mapper applies: every entry other than datatype
 * or bypass, such as temporal and spatial factors and permutations, as `PATH (TYPE at TARGET)`.
 * A Timeloop mapping file's temporal and spatial entries are not listed, because such a file is
 * given for its bypass. Call it after parseMapspaceKeep, which has checked the file.
 * TODO: apply factor and permutation constraints in the mappers.
 */
export function unappliedConstraints(text: string, file: string): string[] {
  const constraints = findConstraintList(parseYamlText(text, file), file);
  if (constraints.path === 'mapping') return [];
  return flattenConstraints(constraints.list, constraints.path, file)
    .filter(({ constraint }) => constraint.type !== 'datatype' && constraint.type !== 'bypass')
    .map(({ constraint, target, path }) => `${path} (${String(constraint.type)} at ${String(target)})`);
}

function findConstraintList(root: unknown, file: string): { list: unknown[]; path: string } {
  if (Array.isArray(root)) return { list: root, path: 'constraints' };
  const map = expectMap(root, file, 'top level');
  // Its temporal and spatial entries are skipped like any constraint other than datatype or bypass.
  if (map.mapspace === undefined && Array.isArray(map.mapping)) return { list: map.mapping, path: 'mapping' };
  for (const key of ['mapspace', 'mapspace_constraints']) {
    if (map[key] === undefined) continue;
    if (Array.isArray(map[key])) return { list: map[key], path: key };
    const found = listInside(expectMap(map[key], file, key), file, key);
    if (found !== undefined) return found;
    throw new InputError(file, key, undefined, 'no constraints list; expected `constraints:` or `targets:` inside');
  }
  const found = listInside(map, file, '');
  if (found !== undefined) return found;
  throw new InputError(file, 'mapspace', undefined, 'missing; expected `mapspace: {constraints: [...]}` or a Timeloop mapping file with a `mapping:` list');
}

/** Find the list under `constraints:` or `targets:`, following `constraints: NAME` to `constraints_NAME`. */
function listInside(map: YamlMap, file: string, path: string): { list: unknown[]; path: string } | undefined {
  const prefix = path === '' ? '' : `${path}.`;
  if (map.constraints !== undefined) {
    if (Array.isArray(map.constraints)) return { list: map.constraints, path: `${prefix}constraints` };
    const name = `constraints_${expectString(map.constraints, file, `${prefix}constraints`)}`;
    return { list: expectList(map[name], file, `${prefix}${name}`), path: `${prefix}${name}` };
  }
  if (map.targets !== undefined) return { list: expectList(map.targets, file, `${prefix}targets`), path: `${prefix}targets` };
  return undefined;
}

/** Constraints with their target, whether listed flat or nested under a per-target entry. */
function flattenConstraints(list: unknown[], path: string, file: string) {
  const flat: { constraint: YamlMap; target: unknown; path: string }[] = [];
  list.forEach((entry, index) => {
    const entryPath = `${path}[${index}]`;
    const map = expectMap(entry, file, entryPath);
    if (Array.isArray(map.constraints)) {
      map.constraints.forEach((inner, innerIndex) => {
        const innerPath = `${entryPath}.constraints[${innerIndex}]`;
        flat.push({ constraint: expectMap(inner, file, innerPath), target: map.target, path: innerPath });
      });
    } else {
      flat.push({ constraint: map, target: map.target, path: entryPath });
    }
  });
  return flat;
}

function readDataSpaces(value: unknown, file: string, field: string): DataSpace[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    const name = expectString(item, file, field);
    if (!(DATA_SPACES as readonly string[]).includes(name)) {
      throw new InputError(file, field, name, unknownNameHint('data space', name, DATA_SPACES));
    }
    return name as DataSpace;
  });
}
