// A user's network as a folder of Timeloop problem files.
//
// Folder layout:
//   *.yaml / *.yml   One problem file per layer (see problem.ts). The layer takes the name in
//                    its `name` field, or else the file name without extension.
//   repeats.yaml     Optional. It maps a layer file name (with or without extension) to how
//                    many times the layer runs per inference. Unlisted layers run once.
//   layers.yaml      Optional, CoSA's layout: a list of layer file names without extension in
//                    network order. When present, only the listed files belong to the network,
//                    and a file listed n times runs n times unless repeats.yaml gives a count.
//   unique_layers.yaml  CoSA's de-duplicated list, which is ignored.
// Each file stays its own entry, even when two files contain the same shape.
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { InputError } from '../../input-error.js';
import { macCount } from '../layer.js';
import { loadNamedProblem } from '../problem.js';
import { unknownNameHint } from '../spelling.js';
import { isYamlMap, parseYamlText, readTextFile } from '../yaml-input.js';
import type { Network, NetworkLayer } from './types.js';

const REPEATS_FILE = 'repeats.yaml';
const COSA_LAYER_LIST = 'layers.yaml';
const IGNORED_FILES = [REPEATS_FILE, COSA_LAYER_LIST, 'unique_layers.yaml'];

export function loadNetworkFolder(dir: string): Network {
  const files = listYamlFiles(dir);
  const stems = new Map(files.map((file) => [stripExtension(file), file]));

  const problemFiles = files.filter((file) => !IGNORED_FILES.includes(file));
  const counts = files.includes(COSA_LAYER_LIST)
    ? readLayerList(join(dir, COSA_LAYER_LIST), stems)
    : new Map(problemFiles.map((file) => [stripExtension(file), 1]));
  if (counts.size === 0) {
    const hint = 'contains no problem files; add one Timeloop problem file (*.yaml) per layer';
    throw new InputError(dir, 'folder', undefined, hint);
  }

  if (files.includes(REPEATS_FILE)) {
    for (const [stem, repeats] of readRepeats(join(dir, REPEATS_FILE), [...counts.keys()])) {
      counts.set(stem, repeats);
    }
  }

  const layers: NetworkLayer[] = [...counts].map(([stem, repeats]) => {
    const { name, layer } = loadNamedProblem(join(dir, stems.get(stem) as string));
    // Network totals sum cycles and energy over repeats, in doubles, exact only below 2^53.
    if (macCount(layer) * repeats > Number.MAX_SAFE_INTEGER) {
      throw new InputError(join(dir, REPEATS_FILE), stem, repeats, `times the layer's ${macCount(layer)} MACs exceeds 2^53, so network totals would not be exact; give the repeat count of a real network`);
    }
    return { name: name ?? stem, layer, repeats };
  });
  return { name: basename(resolve(dir)), layers };
}

function listYamlFiles(dir: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new InputError(dir, 'folder', undefined, 'not found; check the path');
  }
  if (!isDirectory) {
    throw new InputError(dir, 'folder', undefined, 'is a file; expected a folder of problem files');
  }

  const yamlFiles = readdirSync(dir).filter((name) => ['.yaml', '.yml'].includes(extname(name)));
  return yamlFiles.sort();
}

function stripExtension(file: string): string {
  return file.slice(0, file.length - extname(file).length);
}

/** CoSA's layers.yaml: layer file names in network order; a name listed twice runs twice. */
function readLayerList(path: string, stems: Map<string, string>): Map<string, number> {
  const list = parseYamlText(readTextFile(path), path);
  if (!Array.isArray(list)) {
    throw new InputError(path, 'layers', list, 'must be a list of layer file names without extension');
  }

  const counts = new Map<string, number>();
  const known = [...stems.keys()].filter((stem) => !IGNORED_FILES.includes(stems.get(stem) as string));
  list.forEach((entry, index) => {
    const stem = typeof entry === 'string' ? stripExtension(entry) : undefined;
    if (stem === undefined || !known.includes(stem)) {
      throw new InputError(path, `layers[${index}]`, entry, unknownNameHint('layer file', String(entry), known));
    }
    counts.set(stem, (counts.get(stem) ?? 0) + 1);
  });
  return counts;
}

function readRepeats(path: string, stems: string[]): Map<string, number> {
  const mapping = parseYamlText(readTextFile(path), path);
  if (!isYamlMap(mapping)) {
    throw new InputError(path, 'repeats', mapping, 'must map layer file names to repeat counts, e.g. conv1: 2');
  }

  const repeats = new Map<string, number>();
  for (const [key, value] of Object.entries(mapping)) {
    const stem = ['.yaml', '.yml'].includes(extname(key)) ? stripExtension(key) : key;
    if (!stems.includes(stem)) {
      throw new InputError(path, key, value, unknownNameHint('layer file', key, stems));
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new InputError(path, key, value, 'repeat count must be a positive integer');
    }
    repeats.set(stem, value);
  }
  return repeats;
}
