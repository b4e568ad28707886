// Typed reads of YAML fields, each failure an InputError naming the file and the field path.
import { InputError } from '../input-error.js';
import { nearestName, unknownNameHint } from '../workload/spelling.js';
import { isYamlMap, type YamlMap } from '../workload/yaml-input.js';

export { isYamlMap, type YamlMap };

export function expectMap(value: unknown, file: string, field: string): YamlMap {
  // An empty file, or one with comments only, parses as null.
  if (field === 'top level' && value === null) throw new InputError(file, 'file', undefined, 'is empty; expected a YAML mapping of keys to values');
  if (!isYamlMap(value)) throw new InputError(file, field, value, 'expected a mapping of keys to values');
  return value;
}

export function expectList(value: unknown, file: string, field: string): unknown[] {
  if (!Array.isArray(value)) throw new InputError(file, field, value, 'expected a list');
  return value;
}

export function expectString(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(file, field, value, 'expected a non-empty string');
  }
  return value.trim();
}

/** Read a finite number. A YAML string that spells a number (`"20.0"`) is accepted, as Timeloop's reader accepts it. */
export function expectNumber(value: unknown, file: string, field: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new InputError(file, field, value, 'expected a number');
  }
  return number;
}

export function expectInteger(value: unknown, file: string, field: string, minimum: number): number {
  const number = expectNumber(value, file, field);
  if (!Number.isInteger(number) || number < minimum) {
    throw new InputError(file, field, value, `expected an integer >= ${minimum}`);
  }
  return number;
}

export function expectPositive(value: unknown, file: string, field: string): number {
  const number = expectNumber(value, file, field);
  if (number <= 0) throw new InputError(file, field, value, 'expected a number > 0');
  return number;
}

/**
 * Reject keys outside `known`, suggesting the nearest valid spelling. With `allowUnrelated`, only
 * keys close to a known spelling are rejected (likely typos), and other keys are ignored.
 */
export function checkKeys(map: YamlMap, known: readonly string[], file: string, path: string, allowUnrelated = false): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    if (allowUnrelated && nearestName(key, known) === undefined) continue;
    throw new InputError(file, `${path}.${key}`, undefined, unknownNameHint('key', key, known));
  }
}

/**
 * Find the first present key among Timeloop's synonyms (`word-bits`, `word_width`, `datawidth`)
 * and return it with its value. Timeloop also takes the first one it finds.
 */
export function firstOf(map: YamlMap, keys: readonly string[]): { key: string; value: unknown } | undefined {
  for (const key of keys) {
    if (map[key] !== undefined && map[key] !== null) return { key, value: map[key] };
  }
  return undefined;
}
