// One storage or arithmetic component's attributes, read as Timeloop 019f107 reads them
// (BufferLevel::ParseSpecs and ArithmeticUnits::ParseSpecs), in either file format.
import { InputError } from '../input-error.js';
import type { ArithmeticSpec, StorageLevelSpec } from './spec.js';
import {
  checkKeys,
  expectInteger,
  expectPositive,
  expectString,
  firstOf,
  type YamlMap,
} from './yaml-fields.js';

/** Timeloop's word size when none is given. */
const DEFAULT_WORD_BITS = 16;

const WORD_BITS_KEYS = ['word-bits', 'word_width', 'datawidth'] as const;
const BLOCK_SIZE_KEYS = ['block-size', 'block_size', 'n_words'] as const;
const WIDTH_KEYS = ['width', 'memory_width', 'data_storage_width'] as const;
const DEPTH_KEYS = ['depth', 'memory_depth', 'data_storage_depth'] as const;

/** Keys that change nothing in this cost model: network names and widths (networks cost no energy here), Accelergy-only attributes. */
const HARMLESS_KEYS = [
  'network-word-bits',
  'network_read',
  'network_fill',
  'network_drain',
  'network_update',
  'latency',
  'n_rd_ports',
  'n_wr_ports',
  'n_rdwr_ports',
  'n_rw_ports',
  'reduction_supported',
  'type',
] as const;

/** Keys Timeloop reads whose effect this cost model does not implement; accepted only at their neutral value. */
const NEUTRAL_ONLY: Record<string, unknown> = {
  'multiple-buffering': 1,
  'min-utilization': 0,
  allow_overbooking: false,
};

const STORAGE_KEYS = [
  'name',
  'class',
  'instances',
  'meshX',
  'meshY',
  'entries',
  'sizeKB',
  'cluster-size',
  'technology',
  'num-ports',
  'n_ports',
  'num-banks',
  'n_banks',
  'bandwidth',
  'read_bandwidth',
  'write_bandwidth',
  ...WORD_BITS_KEYS,
  ...BLOCK_SIZE_KEYS,
  ...WIDTH_KEYS,
  ...DEPTH_KEYS,
  ...HARMLESS_KEYS,
  ...Object.keys(NEUTRAL_ONLY),
];

const ARITHMETIC_KEYS = [
  'name',
  'class',
  'instances',
  'meshX',
  'meshY',
  'word-bits',
  'datawidth',
  'network_operand',
  'network_result',
  'technology',
  'latency',
  'type',
];

export interface ComponentContext {
  file: string;
  /** Field path of the attribute map, such as `arch.storage[2]`. */
  path: string;
  /**
   * Accelergy tree files give compound components attributes of their own (such as
   * `update_fifo_depth`), which Timeloop ignores. They are accepted unless they look like a
   * misspelt Timeloop key. Flat files accept only known keys.
   */
  allowUnrelatedKeys: boolean;
  /** Instances implied by the tree position (`PE[0..15]` under `chip[0..3]` gives 64); undefined in the flat format. */
  impliedInstances: number | undefined;
  className: string | undefined;
}

/** Strip a trailing `[a..b]` instance range from a component name, as Timeloop's config::parseName does. */
export function baseName(name: string): string {
  const bracket = name.indexOf('[');
  return bracket === -1 ? name : name.slice(0, bracket);
}

export function parseStorageAttributes(name: string, attributes: YamlMap, context: ComponentContext): StorageLevelSpec {
  const { file, path } = context;
  checkKeys(attributes, STORAGE_KEYS, file, path, context.allowUnrelatedKeys);
  checkNeutralOnly(attributes, file, path);

  const wordBits = readWordBits(attributes, WORD_BITS_KEYS, file, path);
  const { blockSize, clusterSize } = readBlockAndCluster(attributes, wordBits, file, path);
  const technology = readTechnology(attributes, context);
  const entries = technology === 'DRAM' ? undefined : readEntries(attributes, wordBits, blockSize, file, path);
  if (technology === 'DRAM' && clusterSize !== 1) {
    throw new InputError(file, `${path}.cluster-size`, clusterSize, 'DRAM must have cluster-size 1, as Timeloop requires');
  }
  const { instances, meshX } = readInstances(attributes, context);
  const { readBandwidth, writeBandwidth } = readBandwidths(attributes, file, path);

  const ports = firstOf(attributes, ['num-ports', 'n_ports']);
  const numPorts = ports === undefined ? 2 : expectInteger(ports.value, file, `${path}.${ports.key}`, 1);
  if (numPorts > 2) throw new InputError(file, `${path}.${ports!.key}`, numPorts, 'Timeloop supports 1 or 2 ports');
  const banks = firstOf(attributes, ['num-banks', 'n_banks']);
  const numBanks = banks === undefined ? 2 : expectInteger(banks.value, file, `${path}.${banks.key}`, 1);

  return {
    name,
    entries,
    instances,
    meshX,
    wordBits,
    blockSize,
    clusterSize,
    numBanks,
    numPorts,
    readBandwidth,
    writeBandwidth,
    technology,
    className: context.className,
    type: optionalString(attributes.type, file, `${path}.type`),
  };
}

export function parseArithmeticAttributes(name: string, attributes: YamlMap, context: ComponentContext): ArithmeticSpec {
  const { file, path } = context;
  checkKeys(attributes, ARITHMETIC_KEYS, file, path, context.allowUnrelatedKeys);
  const { instances, meshX } = readInstances(attributes, context);
  return {
    name,
    instances,
    meshX,
    wordBits: readWordBits(attributes, ['word-bits', 'datawidth'], file, path),
    className: context.className,
    type: optionalString(attributes.type, file, `${path}.type`),
  };
}

function readWordBits(attributes: YamlMap, keys: readonly string[], file: string, path: string): number {
  const found = firstOf(attributes, keys);
  return found === undefined ? DEFAULT_WORD_BITS : expectInteger(found.value, file, `${path}.${found.key}`, 1);
}

/** Block and cluster size; a storage `width` implies whichever of the two is missing, as in Timeloop. */
function readBlockAndCluster(attributes: YamlMap, wordBits: number, file: string, path: string) {
  const blockField = firstOf(attributes, BLOCK_SIZE_KEYS);
  const clusterField = attributes['cluster-size'];
  let blockSize = blockField === undefined ? 1 : expectInteger(blockField.value, file, `${path}.${blockField.key}`, 1);
  let clusterSize = clusterField === undefined ? 1 : expectInteger(clusterField, file, `${path}.cluster-size`, 1);

  const widthField = firstOf(attributes, WIDTH_KEYS);
  if (widthField === undefined) return { blockSize, clusterSize };

  const widthPath = `${path}.${widthField.key}`;
  const width = expectInteger(widthField.value, file, widthPath, 1);
  if (width % (wordBits * blockSize) !== 0) {
    throw new InputError(file, widthPath, width, `must be a multiple of word-bits x block-size = ${wordBits * blockSize}`);
  }
  if (blockField !== undefined && clusterField !== undefined) {
    if (blockSize * wordBits * clusterSize !== width) {
      throw new InputError(file, widthPath, width, 'must equal block-size x word-bits x cluster-size');
    }
  } else if (clusterField !== undefined) {
    const derived = width / clusterSize / wordBits;
    if (!Number.isInteger(derived) || derived < 1) {
      throw new InputError(file, widthPath, width, `must be a multiple of cluster-size x word-bits = ${clusterSize * wordBits}; width is the width of a whole cluster`);
    }
    blockSize = derived;
  } else if (blockField !== undefined) {
    clusterSize = width / (wordBits * blockSize);
  } else {
    blockSize = width / wordBits;
  }
  return { blockSize, clusterSize };
}

/** Capacity in words: `entries`, or `depth` rows of one block each, or `sizeKB` kilobytes. */
function readEntries(attributes: YamlMap, wordBits: number, blockSize: number, file: string, path: string): number {
  const sizeKeys = ['entries', ...DEPTH_KEYS, 'sizeKB'].filter((key) => attributes[key] !== undefined);
  if (sizeKeys.length > 1) {
    throw new InputError(file, `${path}.${sizeKeys[1]}`, undefined, `conflicts with ${sizeKeys[0]}; give only one size`);
  }
  if (sizeKeys.length === 0) {
    throw new InputError(file, `${path}.entries`, undefined, 'missing; give entries, depth or sizeKB (or technology: DRAM)');
  }

  const key = sizeKeys[0];
  const field = `${path}.${key}`;
  if (key === 'entries') return expectInteger(attributes.entries, file, field, 0);
  if (key === 'sizeKB') {
    const sizeKB = expectPositive(attributes.sizeKB, file, field);
    const entries = (sizeKB * 1024 * 8) / wordBits;
    if (!Number.isInteger(entries)) {
      throw new InputError(file, field, sizeKB, `sizeKB x 8192 must be a multiple of word-bits (${wordBits})`);
    }
    return entries;
  }
  return expectInteger(attributes[key], file, field, 0) * blockSize;
}

function readTechnology(attributes: YamlMap, context: ComponentContext): string | undefined {
  const technology = optionalString(attributes.technology, context.file, `${context.path}.technology`);
  if (technology === 'DRAM' || context.className?.includes('DRAM')) return 'DRAM';
  return technology ?? context.className;
}

/** Instances and meshX, completed from meshX x meshY as Timeloop's ValidateTopology does. */
function readInstances(attributes: YamlMap, context: ComponentContext): { instances: number; meshX: number } {
  const { file, path } = context;
  const meshX = attributes.meshX === undefined ? undefined : expectInteger(attributes.meshX, file, `${path}.meshX`, 1);
  const meshY = attributes.meshY === undefined ? undefined : expectInteger(attributes.meshY, file, `${path}.meshY`, 1);
  let instances =
    attributes.instances === undefined
      ? context.impliedInstances
      : expectInteger(attributes.instances, file, `${path}.instances`, 1);

  if (instances === undefined) {
    if (meshX === undefined || meshY === undefined) {
      throw new InputError(file, `${path}.instances`, undefined, 'missing; give instances, or both meshX and meshY');
    }
    instances = meshX * meshY;
  }
  if (meshX !== undefined && meshY !== undefined && meshX * meshY !== instances) {
    throw new InputError(file, `${path}.meshY`, meshY, `meshX x meshY must equal instances (${instances})`);
  }
  if (meshX !== undefined && instances % meshX !== 0) {
    throw new InputError(file, `${path}.meshX`, meshX, `must divide instances (${instances})`);
  }
  if (meshX === undefined && meshY !== undefined && instances % meshY !== 0) {
    throw new InputError(file, `${path}.meshY`, meshY, `must divide instances (${instances})`);
  }
  return { instances, meshX: meshX ?? (meshY === undefined ? instances : instances / meshY) };
}

/** Read bandwidths. The deprecated `bandwidth: B` means B/2 each way, as Timeloop halves it, and the explicit keys win. */
function readBandwidths(attributes: YamlMap, file: string, path: string) {
  let readBandwidth: number | undefined;
  let writeBandwidth: number | undefined;
  if (attributes.bandwidth !== undefined) {
    const shared = expectPositive(attributes.bandwidth, file, `${path}.bandwidth`);
    readBandwidth = shared / 2;
    writeBandwidth = shared / 2;
  }
  if (attributes.read_bandwidth !== undefined) {
    readBandwidth = expectPositive(attributes.read_bandwidth, file, `${path}.read_bandwidth`);
  }
  if (attributes.write_bandwidth !== undefined) {
    writeBandwidth = expectPositive(attributes.write_bandwidth, file, `${path}.write_bandwidth`);
  }
  return { readBandwidth, writeBandwidth };
}

function checkNeutralOnly(attributes: YamlMap, file: string, path: string): void {
  for (const [key, neutral] of Object.entries(NEUTRAL_ONLY)) {
    const value = attributes[key];
    if (value !== undefined && value !== neutral && Number(value) !== neutral) {
      throw new InputError(file, `${path}.${key}`, value, `not supported by this cost model; remove it or set it to ${neutral}`);
    }
  }
}

function optionalString(value: unknown, file: string, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(value);
  return expectString(value, file, field);
}
