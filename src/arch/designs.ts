// Parameterised accelerator designs (hw-library/designs/*.yaml): parameters with defaults and a
// Timeloop flat architecture whose values are expressions over them, plus a bypass pattern.
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { DATA_SPACES, type DataSpace } from '../workload/layer.js';
import { unknownNameHint } from '../workload/spelling.js';
import { parseYamlText, readTextFile } from '../workload/yaml-input.js';
import type { KeepPattern } from './bypass.js';
import { evaluateExpression, ExpressionError, expressionNames, type ParameterValues } from './expression.js';
import { hardwareLibraryDirectory } from './hw-library-data.js';
import { resolveArchitecture } from './load.js';
import { parseArchitectureObject } from './parse.js';
import type { Architecture } from './types.js';
import { checkKeys, expectList, expectMap, expectNumber, expectString, isYamlMap, type YamlMap } from './yaml-fields.js';

export const DESIGN_NAMES = ['simba', 'eyeriss'] as const;
export type DesignName = (typeof DESIGN_NAMES)[number];

interface ParameterSpec {
  name: string;
  default: number | string;
  description: string;
  integer: boolean;
  min: number | undefined;
  exclusiveMin: boolean;
  choices: string[];
}

interface DesignFile {
  file: string;
  parameters: ParameterSpec[];
  checks: { expression: string; equals: number; message: string }[];
  keep: YamlMap;
  arch: YamlMap;
}

/** Keys whose string values are names, never expressions. */
const LITERAL_KEYS = ['name', 'technology', 'class'];

/** A key set to this value is left out of the architecture (for example an unlimited bandwidth). */
const OMIT = 'unlimited';

export function designParameters(name: string): Record<string, number | string> {
  return Object.fromEntries(readDesign(name).parameters.map((parameter) => [parameter.name, parameter.default]));
}

/** Parameter descriptions, for help text. */
export function describeDesignParameters(name: string): { name: string; default: number | string; description: string }[] {
  return readDesign(name).parameters.map(({ name: parameter, default: value, description }) => ({ name: parameter, default: value, description }));
}

/**
 * Build a design with `params` overriding its defaults. Energies and areas come from hw-library,
 * so they follow the buffer sizes and PE counts. Unknown or invalid parameters are InputErrors
 * naming the parameter.
 */
export function buildDesign(name: string, params: Record<string, number | string> = {}): { architecture: Architecture; keep: KeepPattern } {
  const design = readDesign(name);
  const where = `design ${name}`;
  const values = resolveParameters(design, params, where);

  for (const check of design.checks) {
    const value = evaluate(check.expression, values, where, 'checks');
    if (value !== check.equals) {
      const names = expressionNames(check.expression);
      throw new InputError(where, `parameters ${names.join(', ')}`, names.map((parameter) => values[parameter]), check.message);
    }
  }

  const arch = instantiate(design.arch, values, where, 'arch') as YamlMap;
  const spec = parseArchitectureObject({ arch }, where, name);
  const architecture = resolveArchitecture(spec, where);
  const keep = architecture.levels.map((level) => keepOf(design, level.name));
  return { architecture, keep };
}

function resolveParameters(design: DesignFile, params: Record<string, number | string>, where: string): ParameterValues {
  const names = design.parameters.map((parameter) => parameter.name);
  const values: ParameterValues = {};
  for (const parameter of design.parameters) values[parameter.name] = parameter.default;

  for (const [key, raw] of Object.entries(params)) {
    const parameter = design.parameters.find((candidate) => candidate.name === key);
    if (parameter === undefined) throw new InputError(where, `parameters.${key}`, raw, unknownNameHint('parameter', key, names));
    values[key] = checkValue(parameter, raw, where);
  }
  return values;
}

function checkValue(parameter: ParameterSpec, raw: number | string, where: string): number | string {
  const field = `parameters.${parameter.name}`;
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const choice = parameter.choices.find((candidate) => candidate.toLowerCase() === text?.toLowerCase());
  if (choice !== undefined) return choice;

  const numeric = parameter.min !== undefined || typeof parameter.default === 'number';
  let number = NaN;
  if (typeof raw === 'number') number = raw;
  else if (text !== '') number = Number(text);
  const expected = [...parameter.choices, ...(numeric ? [numberRule(parameter)] : [])].join(' or ');
  if (!numeric || !Number.isFinite(number)) throw new InputError(where, field, raw, `invalid; expected ${expected}`);
  if (parameter.integer && !Number.isInteger(number)) throw new InputError(where, field, raw, `invalid; expected ${expected}`);
  if (parameter.min !== undefined && (number < parameter.min || (parameter.exclusiveMin && number === parameter.min))) {
    throw new InputError(where, field, raw, `invalid; expected ${expected}`);
  }
  return number;
}

function numberRule(parameter: ParameterSpec): string {
  const kind = parameter.integer ? 'an integer' : 'a number';
  if (parameter.min === undefined) return kind;
  return `${kind} ${parameter.exclusiveMin ? '>' : '>='} ${parameter.min}`;
}

/** Replace every expression in the architecture template by its value; drop keys that evaluate to `unlimited`. */
function instantiate(node: unknown, values: ParameterValues, where: string, path: string): unknown {
  if (Array.isArray(node)) return node.map((item, index) => instantiate(item, values, where, `${path}[${index}]`));
  if (!isYamlMap(node)) return node;

  const result: YamlMap = {};
  for (const [key, value] of Object.entries(node)) {
    const keyPath = `${path}.${key}`;
    let resolved: unknown;
    if (typeof value === 'string' && !LITERAL_KEYS.includes(key)) resolved = evaluate(value, values, where, keyPath);
    else resolved = instantiate(value, values, where, keyPath);
    if (resolved !== OMIT) result[key] = resolved;
  }
  return result;
}

function evaluate(expression: string, values: ParameterValues, where: string, path: string): number | string {
  try {
    return evaluateExpression(expression, values);
  } catch (error) {
    if (error instanceof ExpressionError) throw new InputError(where, path, expression, error.message);
    throw error;
  }
}

function keepOf(design: DesignFile, level: string): Record<DataSpace, boolean> {
  const listed = design.keep[level];
  if (listed === undefined) throw new InputError(design.file, `keep.${level}`, undefined, 'missing; list the data spaces this level keeps');
  const keptSpaces = expectList(listed, design.file, `keep.${level}`).map((item) => expectString(item, design.file, `keep.${level}`));
  for (const name of keptSpaces) {
    if (!(DATA_SPACES as readonly string[]).includes(name)) {
      throw new InputError(design.file, `keep.${level}`, name, unknownNameHint('data space', name, DATA_SPACES));
    }
  }
  return { Weights: keptSpaces.includes('Weights'), Inputs: keptSpaces.includes('Inputs'), Outputs: keptSpaces.includes('Outputs') };
}

const cache = new Map<string, DesignFile>();

function readDesign(name: string): DesignFile {
  if (!(DESIGN_NAMES as readonly string[]).includes(name)) {
    throw new InputError('design', 'name', name, unknownNameHint('design', name, DESIGN_NAMES));
  }
  const cached = cache.get(name);
  if (cached !== undefined) return cached;

  const file = join(hardwareLibraryDirectory(), 'designs', `${name}.yaml`);
  const root = expectMap(parseYamlText(readTextFile(file), file), file, 'top level');
  checkKeys(root, ['name', 'description', 'parameters', 'checks', 'keep', 'arch'], file, 'design');

  const parameters = Object.entries(expectMap(root.parameters, file, 'parameters')).map(([parameterName, value]): ParameterSpec => {
    const path = `parameters.${parameterName}`;
    const map = expectMap(value, file, path);
    checkKeys(map, ['default', 'description', 'integer', 'min', 'exclusive_min', 'choices'], file, path);
    const defaultValue = typeof map.default === 'number' ? map.default : expectString(map.default, file, `${path}.default`);
    return {
      name: parameterName,
      default: defaultValue,
      description: map.description === undefined ? '' : String(map.description),
      integer: map.integer === true,
      min: map.min === undefined ? undefined : expectNumber(map.min, file, `${path}.min`),
      exclusiveMin: map.exclusive_min === true,
      choices: map.choices === undefined ? [] : expectList(map.choices, file, `${path}.choices`).map(String),
    };
  });

  const checks = (root.checks === undefined ? [] : expectList(root.checks, file, 'checks')).map((entry, index) => {
    const map = expectMap(entry, file, `checks[${index}]`);
    return {
      expression: expectString(map.expression, file, `checks[${index}].expression`),
      equals: expectNumber(map.equals, file, `checks[${index}].equals`),
      message: expectString(map.message, file, `checks[${index}].message`),
    };
  });

  const design = {
    file,
    parameters,
    checks,
    keep: expectMap(root.keep, file, 'keep'),
    arch: expectMap(root.arch, file, 'arch'),
  };
  cache.set(name, design);
  return design;
}
