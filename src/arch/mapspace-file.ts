// Locating the constraint list of a Timeloop mapspace file, in every layout Timeloop's
// Constraints::Parse accepts, and flattening per-target nesting into one entry per constraint.
import { InputError } from '../input-error.js';
import { expectList, expectMap, type YamlMap } from './yaml-fields.js';

/**
 * Returns the constraint list of a parsed mapspace file and its field path. A Timeloop mapping
 * file (a top-level `mapping:` list) gives its entries with the path `mapping`, so that callers can
 * read its datatype entries and leave its loops alone.
 */
export function findConstraintList(root: unknown, file: string): { list: unknown[]; path: string } {
  if (Array.isArray(root)) return { list: root, path: 'constraints' };
  const map = expectMap(root, file, 'top level');
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
export function listInside(map: YamlMap, file: string, path: string): { list: unknown[]; path: string } | undefined {
  const prefix = path === '' ? '' : `${path}.`;
  if (map.constraints !== undefined) {
    if (Array.isArray(map.constraints)) return { list: map.constraints, path: `${prefix}constraints` };
    if (typeof map.constraints !== 'string' || map.constraints === '') {
      throw new InputError(file, `${prefix}constraints`, map.constraints, 'expected a list of constraints, or the NAME of a `constraints_NAME:` list beside it');
    }
    const name = `constraints_${map.constraints}`;
    return { list: expectList(map[name], file, `${prefix}${name}`), path: `${prefix}${name}` };
  }
  if (map.targets !== undefined) return { list: expectList(map.targets, file, `${prefix}targets`), path: `${prefix}targets` };
  return undefined;
}

/** Constraints with their target, whether listed flat or nested under a per-target entry. */
export function flattenConstraints(list: unknown[], path: string, file: string) {
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
