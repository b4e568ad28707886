// Turning the first zod issue of a sweep spec into one InputError line: file, dotted field, value, fix.
import type { z } from 'zod';

import { InputError } from '../input-error.js';
import { unknownNameHint } from '../workload/spelling.js';

/** Valid keys of each mapping in a spec, by its dotted path with list indices removed. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': ['name', 'architecture', 'networks', 'batch', 'mapper', 'clock_ghz', 'job_timeout_s'],
  architecture: ['design', 'file', 'mapspace', 'ert', 'grid', 'where'],
  mapper: ['name', 'objective', 'time_limit_s', 'mip_rel_gap', 'samples', 'seed', 'refine', 'padding'],
  networks: ['folder', 'name'],
};

const TOP_LEVEL_HINTS: Record<string, string> = {
  name: 'must be a name of letters, digits, ".", "_" or "-", starting with a letter or digit (it names the results file results/NAME.sqlite)',
  networks: 'must be a non-empty list of network names, or {folder: path} entries',
  batch: 'must be a positive integer',
  clock_ghz: 'must be a positive number (GHz)',
  job_timeout_s: 'must be a positive number of seconds',
};

/** Hints for nested fields, by dotted path with list indices removed. */
const FIELD_HINTS: Record<string, string> = {
  'mapper.time_limit_s': 'must be a positive number of seconds',
  'mapper.mip_rel_gap': 'must be a number from 0 up to but excluding 1 (the relative MIP gap at which HiGHS stops)',
  'mapper.samples': 'must be a positive integer (random mappings to draw)',
  'mapper.seed': 'must be an integer of at least 0',
};

/** Formats a field path as the user writes it: `mapper.time_limit_s`, `networks[1]`, `architecture.grid.pes`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let value = document;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function expectedTypeName(expected: string): string {
  if (expected === 'object') return 'a mapping';
  if (expected === 'array') return 'a list';
  if (expected === 'int') return 'an integer';
  return `a ${expected}`;
}

export function issueToInputError(issue: z.core.$ZodIssue, document: unknown, file: string): InputError {
  if (issue.code === 'unrecognized_keys') {
    const field = formatPath([...issue.path, issue.keys[0]]);
    const parent = valueAt(document, issue.path) as Record<string, unknown>;
    const known = KNOWN_KEYS[issue.path.filter((part) => typeof part === 'string').join('.')] ?? [];
    return new InputError(file, field, parent[issue.keys[0]], unknownNameHint('key', issue.keys[0], known));
  }

  const field = formatPath(issue.path) || 'spec';
  const value = valueAt(document, issue.path);
  if (issue.path.length === 0) {
    return new InputError(file, 'spec', undefined, `must be a YAML mapping with name, architecture, networks and mapper, not ${typeName(document)}`);
  }
  if (value === undefined && issue.code === 'invalid_type') {
    return new InputError(file, field, undefined, 'missing; this field is required');
  }

  // zod checks that every integer is safe, so a larger one fails as too big.
  if (issue.code === 'too_big' && issue.maximum === Number.MAX_SAFE_INTEGER) {
    return new InputError(file, field, value, 'is too large (above 2^53)');
  }
  const top = String(issue.path[0]);
  const fieldHint = FIELD_HINTS[issue.path.filter((part) => typeof part === 'string').join('.')];
  if (fieldHint !== undefined) return new InputError(file, field, value, fieldHint);
  if (issue.code === 'invalid_format' && top === 'networks') {
    return new InputError(file, field, value, "network names use letters, digits, '.', '_' and '-', starting with a letter or digit");
  }
  if (issue.path.length === 1 && TOP_LEVEL_HINTS[top] !== undefined) {
    return new InputError(file, field, value, TOP_LEVEL_HINTS[top]);
  }
  if (issue.code === 'too_small' && Array.isArray(value)) {
    return new InputError(file, field, value, 'is empty; list at least one value');
  }
  if (issue.code === 'invalid_value') {
    return new InputError(file, field, value, `must be one of ${issue.values.map((option) => JSON.stringify(option)).join(', ')}`);
  }
  if (issue.code === 'invalid_union' && top === 'networks') {
    return new InputError(file, field, value, 'must be a network name or {folder: path, name: NAME}');
  }
  if (issue.code === 'invalid_union') {
    return new InputError(file, field, value, `has the wrong type (${typeName(value)}); expected a number or a string`);
  }
  if (issue.code === 'invalid_type') {
    return new InputError(file, field, value, `must be ${expectedTypeName(issue.expected)}, not ${typeName(value)}`);
  }
  return new InputError(file, field, value, issue.message.replace(/^Too (small|big): expected/, 'expected').toLowerCase());
}
