// Bypass patterns: which data spaces each storage level keeps, from Timeloop mapspace constraint
// files (`datatype`/`bypass` constraints) or by default.
import { InputError } from '../input-error.js';
import { DATA_SPACES, type DataSpace } from '../workload/layer.js';
import { unknownNameHint } from '../workload/spelling.js';
import { parseYamlText } from '../workload/yaml-input.js';
import { baseName } from './parse-component.js';
import { findConstraintList, flattenConstraints } from './mapspace-file.js';
import { checkKeys, expectMap, expectString } from './yaml-fields.js';

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
