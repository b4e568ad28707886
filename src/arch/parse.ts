// Timeloop architecture files: the legacy flat format `arch: {arithmetic, storage}` (storage
// innermost first) and the Accelergy v0.2/v0.3 tree `architecture: {version, subtree}`.
import { basename, extname } from 'node:path';
import { InputError } from '../input-error.js';
import { parseYamlText } from '../workload/yaml-input.js';
import { baseName, parseArithmeticAttributes, parseStorageAttributes } from './parse-component.js';
import type { ArchitectureSpec, ArithmeticSpec, StorageLevelSpec } from './spec.js';
import { fanoutProblem } from './types.js';
import { checkKeys, expectList, expectMap, expectString, type YamlMap } from './yaml-fields.js';

/** Name given to an arithmetic unit without `name`, as in Timeloop; ERT tables use it too. */
export const UNNAMED_ARITHMETIC = '__ARITH__';

/** Parse an architecture file's text. `name` defaults to the file name without its extension. */
export function parseArchitectureSpec(text: string, file: string, name?: string): ArchitectureSpec {
  const root = expectMap(parseYamlText(text, file), file, 'top level');
  const archName = name ?? basename(file, extname(file));
  return parseArchitectureObject(root, file, archName);
}

/** Parse an already loaded YAML document (the designs build one in memory). */
export function parseArchitectureObject(root: YamlMap, file: string, name: string): ArchitectureSpec {
  let key: 'arch' | 'architecture' | undefined;
  if (root.arch !== undefined) key = 'arch';
  else if (root.architecture !== undefined) key = 'architecture';
  if (key === undefined) {
    throw new InputError(file, 'arch', undefined, 'missing; expected an `arch:` or `architecture:` section');
  }
  const node = expectMap(root[key], file, key);

  const version = node.version === undefined ? undefined : String(node.version);
  const spec =
    version === '0.2' || version === '0.3' ? parseTree(node, file, key, name) : parseFlat(node, file, key, name);
  checkLevels(spec, file);
  return spec;
}

function parseFlat(node: YamlMap, file: string, path: string, name: string): ArchitectureSpec {
  checkKeys(node, ['arithmetic', 'storage', 'version'], file, path);
  if (node.arithmetic === undefined) throw new InputError(file, `${path}.arithmetic`, undefined, 'missing');
  if (node.storage === undefined) throw new InputError(file, `${path}.storage`, undefined, 'missing');

  const arithmeticMap = expectMap(node.arithmetic, file, `${path}.arithmetic`);
  const arithmeticName = componentName(arithmeticMap, file, `${path}.arithmetic`) ?? UNNAMED_ARITHMETIC;
  const arithmetic = parseArithmeticAttributes(arithmeticName, arithmeticMap, {
    file,
    path: `${path}.arithmetic`,
    impliedInstances: undefined,
    className: undefined,
    allowUnrelatedKeys: false,
  });

  const storage = expectList(node.storage, file, `${path}.storage`);
  const levels = storage.map((entry, index) => {
    const levelPath = `${path}.storage[${index}]`;
    const map = expectMap(entry, file, levelPath);
    const levelName = componentName(map, file, levelPath);
    if (levelName === undefined) throw new InputError(file, `${levelPath}.name`, undefined, 'missing; every storage level needs a name');
    return parseStorageAttributes(levelName, map, {
      file,
      path: levelPath,
      impliedInstances: undefined,
      className: undefined,
      allowUnrelatedKeys: false,
    });
  });
  return { name, arithmetic, levels };
}

/** Component classes Timeloop 019f107 recognises, by substring of the class name (topology.hpp). */
const BUFFER_CLASSES = ['DRAM', 'SRAM', 'regfile', 'smartbuffer', 'storage'];
const COMPUTE_CLASSES = ['mac', 'intmac', 'fpmac', 'compute'];

/**
 * Walk the single chain of subtrees from the root down. Each node multiplies the instance count by
 * its `[a..b]` range; within a node's `local` list the last storage is the innermost. Components of
 * other classes (networks, wires, adders) are skipped as Timeloop skips them.
 */
function parseTree(node: YamlMap, file: string, path: string, name: string): ArchitectureSpec {
  checkKeys(node, ['version', 'subtree', 'local', 'name', 'attributes'], file, path);
  const levelsOutermostFirst: StorageLevelSpec[] = [];
  let arithmetic: ArithmeticSpec | undefined;
  let multiplication = 1;
  let current: YamlMap = node;
  let currentPath = path;

  for (let depth = 0; ; depth++) {
    if (depth > 0) {
      checkKeys(current, ['name', 'local', 'subtree', 'attributes'], file, currentPath);
      const nodeName = current.name === undefined ? '' : expectString(current.name, file, `${currentPath}.name`);
      multiplication *= rangeSize(nodeName, file, `${currentPath}.name`);
    }

    // NOTE: Timeloop ignores a `local` list at the root; it is read here as the outermost components.
    const local = current.local === undefined ? [] : expectList(current.local, file, `${currentPath}.local`);
    local.forEach((entry, index) => {
      const componentPath = `${currentPath}.local[${index}]`;
      const component = expectMap(entry, file, componentPath);
      const parsed = parseTreeComponent(component, file, componentPath, multiplication);
      if (parsed?.kind === 'storage') levelsOutermostFirst.push(parsed.level);
      if (parsed?.kind === 'arithmetic') {
        if (arithmetic !== undefined) {
          throw new InputError(file, `${componentPath}.class`, component.class, `second arithmetic component (first: ${arithmetic.name}); Timeloop supports one`);
        }
        arithmetic = parsed.arithmetic;
      }
    });

    if (current.subtree === undefined) break;
    const subtrees = expectList(current.subtree, file, `${currentPath}.subtree`);
    if (subtrees.length !== 1) {
      throw new InputError(file, `${currentPath}.subtree`, `${subtrees.length} entries`, 'Timeloop supports exactly one subtree per level');
    }
    currentPath = `${currentPath}.subtree[0]`;
    current = expectMap(subtrees[0], file, currentPath);
  }

  if (arithmetic === undefined) {
    throw new InputError(file, path, undefined, `no arithmetic component; give one with a class containing ${COMPUTE_CLASSES.join(' or ')}`);
  }
  return { name, arithmetic, levels: levelsOutermostFirst.reverse() };
}

type TreeComponent =
  | { kind: 'storage'; level: StorageLevelSpec }
  | { kind: 'arithmetic'; arithmetic: ArithmeticSpec };

function parseTreeComponent(component: YamlMap, file: string, path: string, multiplication: number): TreeComponent | undefined {
  const hasAttributes = component.attributes !== undefined;
  if (hasAttributes) checkKeys(component, ['name', 'class', 'subclass', 'attributes', 'actions', 'required_actions'], file, path);
  const fullName = componentName(component, file, path, false);
  if (fullName === undefined) throw new InputError(file, `${path}.name`, undefined, 'missing');
  const className = component.class === undefined ? '' : expectString(component.class, file, `${path}.class`);
  // Without an `attributes` map Timeloop reads the attributes from the component itself.
  const attributes = hasAttributes ? expectMap(component.attributes, file, `${path}.attributes`) : withoutKeys(component, ['name', 'class', 'subclass']);
  const context = {
    file,
    path: hasAttributes ? `${path}.attributes` : path,
    impliedInstances: multiplication * rangeSize(fullName, file, `${path}.name`),
    className,
    allowUnrelatedKeys: true,
  };

  if (BUFFER_CLASSES.some((known) => className.includes(known))) {
    return { kind: 'storage', level: parseStorageAttributes(baseName(fullName), attributes, context) };
  }
  if (COMPUTE_CLASSES.some((known) => className.includes(known))) {
    return { kind: 'arithmetic', arithmetic: parseArithmeticAttributes(baseName(fullName), attributes, context) };
  }
  return undefined;
}

function withoutKeys(map: YamlMap, keys: readonly string[]): YamlMap {
  return Object.fromEntries(Object.entries(map).filter(([key]) => !keys.includes(key)));
}

/** Element count of a `name[a..b]` range: b - a + 1; 1 without a range. */
function rangeSize(name: string, file: string, field: string): number {
  const match = /\[(\d+)\.\.(\d+)\]\s*$/.exec(name);
  if (match === null) {
    if (name.includes('[')) throw new InputError(file, field, name, 'expected an instance range like PE[0..15]');
    return 1;
  }
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (last < first) throw new InputError(file, field, name, 'the range end must not be below its start');
  return last - first + 1;
}

function componentName(map: YamlMap, file: string, path: string, strip = true): string | undefined {
  if (map.name === undefined || map.name === null) return undefined;
  const name = expectString(String(map.name), file, `${path}.name`);
  return strip ? baseName(name) : name;
}

/** Level names must be unique because ERT tables, mappings and bypass constraints refer to levels by name. */
function checkLevels(spec: ArchitectureSpec, file: string): void {
  if (spec.levels.length === 0) throw new InputError(file, 'storage', undefined, 'no storage levels; give at least one');
  const seen = new Set<string>([spec.arithmetic.name]);
  for (const level of spec.levels) {
    if (seen.has(level.name)) {
      throw new InputError(file, `storage ${level.name}`, level.name, 'duplicate component name; names must be unique');
    }
    seen.add(level.name);
  }

  const problem = fanoutProblem(spec);
  if (problem !== undefined) throw new InputError(file, 'instances', undefined, `${problem}; fix instances or meshX`);
}
