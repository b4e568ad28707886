// Timeloop problem files (shape cnn-layer) to Layer.
//
// Two layouts are accepted:
//   flat:   problem: {R: 3, S: 3, P: 56, ..., Wstride: 1, shape: cnn-layer}   (CoSA, Timeloop ≤ 0.3)
//   nested: problem: {shape: cnn-layer | {name: ...}, instance: {R: 3, ...}}  (Timeloop ≥ 0.3)
// Missing dimensions, strides and dilations default to 1. `M` is Timeloop's other name for `K`.
// `G` is the group count of a grouped or depthwise convolution. Under cnn-layer, which has no G,
// `C` and `K` are the layer's total channels and the Layer keeps C / G and K / G per group.
// `shape` must be Timeloop's cnn-layer or the grouped shape that writeProblemYaml declares, whose
// instance gives `C` and `K` per group, as its projections read them.
import { macCount, type Layer } from './layer.js';
import { InputError } from '../input-error.js';
import { declaresGroups, GROUPED_SHAPE_NAME, isGroupedShape } from './grouped-shape.js';
import { createLayer, layerKey, type LayerSpec } from './layer-spec.js';
import { nearestName, unknownNameHint } from './spelling.js';
import { isYamlMap, parseYamlText, readTextFile, type YamlMap } from './yaml-input.js';

export { layerKey };

/** A parsed problem file: the layer and its optional `name` field. */
export interface NamedLayer {
  name?: string;
  layer: Layer;
}

const DIMENSION_KEYS = ['R', 'S', 'P', 'Q', 'C', 'K', 'M', 'N', 'G'] as const;
const COEFFICIENT_KEYS = ['Wstride', 'Hstride', 'Wdilation', 'Hdilation'] as const;
const INSTANCE_KEYS: readonly string[] = [...DIMENSION_KEYS, ...COEFFICIENT_KEYS];
const DESCRIPTION_KEYS: readonly string[] = ['shape', 'name', 'version'];
const FLAT_KEYS: readonly string[] = [...DESCRIPTION_KEYS, ...INSTANCE_KEYS];
const NESTED_KEYS: readonly string[] = [...DESCRIPTION_KEYS, 'instance'];

export function parseProblem(text: string, file: string): Layer {
  return parseNamedProblem(text, file).layer;
}

export function loadProblem(path: string): Layer {
  return loadNamedProblem(path).layer;
}

export function loadNamedProblem(path: string): NamedLayer {
  return parseNamedProblem(readTextFile(path), path);
}

/**
 * Parse a problem file. Other top-level keys (`architecture`, `mapping`, ...) are ignored, as
 * Timeloop allows one file to hold several of its inputs.
 */
export function parseNamedProblem(text: string, file: string): NamedLayer {
  const document = parseYamlText(text, file);
  if (!isYamlMap(document)) {
    throw new InputError(file, 'problem', undefined, 'missing; a problem file is a YAML mapping with a `problem:` key');
  }
  if (!('problem' in document)) {
    const nearest = nearestName('problem', Object.keys(document));
    const hint = nearest === undefined ? '' : ` (found ${nearest}: is it misspelt?)`;
    throw new InputError(file, 'problem', undefined, `missing; add a top-level \`problem:\` key${hint}`);
  }

  const problem = document.problem;
  if (!isYamlMap(problem)) {
    const hint = 'must be a mapping of dimensions such as R: 3, or of shape and instance';
    throw new InputError(file, 'problem', problem, hint);
  }
  return 'instance' in problem ? parseNested(problem, file) : parseFlat(problem, file);
}

/** Timeloop's name of the 7-D convolution shape; `cnn_layer` and other letter cases are read as it. */
const CNN_LAYER = 'cnn-layer';

/** Channel counts of an instance: totals under cnn-layer, per group under the grouped shape. */
type ChannelCounts = 'total' | 'perGroup';

/**
 * Checks `shape`: a name (`shape: cnn-layer`, Timeloop's file problem-shapes/cnn-layer.yaml) or an
 * inline description whose `name` is the shape's (`name: CNN-Layer` in that file). Without it,
 * Timeloop also assumes cnn-layer. An inline shape that declares a G dimension must be the
 * grouped shape (see grouped-shape.ts).
 */
function checkShape(problem: YamlMap, file: string): ChannelCounts {
  const shape = problem.shape;
  if (shape === undefined) return 'total';

  const inline = isYamlMap(shape);
  if (inline && declaresGroups(shape)) {
    if (isGroupedShape(shape)) return 'perGroup';
    const hint = `declares G but differs from the ${GROUPED_SHAPE_NAME} shape this model writes: its dimensions must be R S P Q C K N G and its data spaces Weights [G, C, K, R, S], Inputs [N, G, C, W, H], Outputs [N, G, K, Q, P]`;
    throw new InputError(file, 'problem.shape', undefined, hint);
  }
  const name = inline ? shape.name : shape;
  const field = inline ? 'problem.shape.name' : 'problem.shape';
  if (typeof name !== 'string') {
    const problem = name === undefined ? 'missing; it ' : '';
    throw new InputError(file, field, name, `${problem}must be the shape name ${CNN_LAYER}, the only problem shape this model supports`);
  }
  const normalized = name.trim().toLowerCase().replace(/_/g, '-');
  if (normalized === CNN_LAYER) return 'total';

  const suggestion = nearestName(normalized, [CNN_LAYER]) === undefined ? '' : `did you mean ${CNN_LAYER}? `;
  throw new InputError(file, field, name, `unknown problem shape; ${suggestion}this model supports only ${CNN_LAYER} (a GEMM is a cnn-layer with R = S = P = 1)`);
}

function parseFlat(problem: YamlMap, file: string): NamedLayer {
  checkKeys(problem, FLAT_KEYS, file, 'problem');
  const channels = checkShape(problem, file);
  return { name: readName(problem, file), layer: readInstance(problem, file, 'problem', channels) };
}

function parseNested(problem: YamlMap, file: string): NamedLayer {
  for (const [key, value] of Object.entries(problem)) {
    if (INSTANCE_KEYS.includes(key)) {
      const hint = 'belongs under problem.instance when the file has an instance section';
      throw new InputError(file, `problem.${key}`, value, hint);
    }
  }
  checkKeys(problem, NESTED_KEYS, file, 'problem');
  const channels = checkShape(problem, file);

  const instance = problem.instance;
  if (!isYamlMap(instance)) {
    throw new InputError(file, 'problem.instance', instance, 'must be a mapping of dimensions such as R: 3');
  }
  checkKeys(instance, INSTANCE_KEYS, file, 'problem.instance');
  return { name: readName(problem, file), layer: readInstance(instance, file, 'problem.instance', channels) };
}

function checkKeys(map: YamlMap, valid: readonly string[], file: string, path: string): void {
  for (const [key, value] of Object.entries(map)) {
    if (!valid.includes(key)) {
      throw new InputError(file, `${path}.${key}`, value, unknownNameHint('key', key, valid));
    }
  }
}

function readName(problem: YamlMap, file: string): string | undefined {
  const name = problem.name;
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InputError(file, 'problem.name', name, 'must be a non-empty string');
  }
  return name;
}

function readInstance(instance: YamlMap, file: string, path: string, channels: ChannelCounts): Layer {
  const spec: LayerSpec = {};
  for (const key of ['R', 'S', 'P', 'Q', 'C', 'N'] as const) {
    spec[key] = readPositiveInteger(instance, key, file, path);
  }
  for (const key of COEFFICIENT_KEYS) {
    spec[key] = readPositiveInteger(instance, key, file, path);
  }
  spec.K = readOutputChannels(instance, file, path);
  spec.groups = readPositiveInteger(instance, 'G', file, path);

  const groups = spec.groups ?? 1;
  if (channels === 'perGroup') {
    spec.C = (spec.C ?? 1) * groups;
    spec.K = (spec.K ?? 1) * groups;
  }
  const totals = { C: spec.C ?? 1, K: spec.K ?? 1 };
  for (const [field, count] of Object.entries(totals)) {
    if (count % groups !== 0) {
      const hint = `must divide ${field} = ${count} (C and K are the layer's total channels)`;
      throw new InputError(file, `${path}.G`, groups, hint);
    }
  }
  const layer = createLayer(spec);
  // Access counts are products of the dimensions, in doubles, and stay exact only below 2^53.
  const macs = macCount(layer);
  if (macs > Number.MAX_SAFE_INTEGER) {
    // The double product is rounded, so the message gives the exact one.
    const exact = [layer.R, layer.S, layer.P, layer.Q, layer.C, layer.K, layer.N, layer.G].reduce((product, dimension) => product * BigInt(dimension), 1n);
    throw new InputError(file, path, `${exact} MACs`, 'the product of the dimensions exceeds 2^53, so counts would not be exact; give the dimensions of a real layer');
  }
  return layer;
}

/** K, or its Timeloop alias M; both may be given only with the same value. */
function readOutputChannels(instance: YamlMap, file: string, path: string): number | undefined {
  const k = readPositiveInteger(instance, 'K', file, path);
  const m = readPositiveInteger(instance, 'M', file, path);
  if (k !== undefined && m !== undefined && k !== m) {
    throw new InputError(file, `${path}.M`, m, `conflicts with K = ${k}; M is another name for K, give only one`);
  }
  return k ?? m;
}

function readPositiveInteger(instance: YamlMap, key: string, file: string, path: string): number | undefined {
  const value = instance[key];
  if (value === undefined) return undefined;

  const isInteger = typeof value === 'number' && Number.isSafeInteger(value);
  if (isInteger && value >= 1) return value;
  if (typeof value === 'number' && value > Number.MAX_SAFE_INTEGER) {
    throw new InputError(file, `${path}.${key}`, value, 'is too large (above 2^53); give a positive integer of a real layer');
  }
  if (isInteger && value === 0 && key.endsWith('dilation')) {
    const hint = 'dilation 0 has no physical meaning; use 1 for an undilated filter';
    throw new InputError(file, `${path}.${key}`, value, hint);
  }
  throw new InputError(file, `${path}.${key}`, value, 'must be a positive integer');
}
