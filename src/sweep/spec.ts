// The sweep spec: a YAML file naming an architecture grid, networks and mapper settings.
// Every problem is raised as an InputError naming the spec file, the dotted field and the value.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { DESIGN_NAMES, designParameters } from '../arch/designs.js';
import { checkInputFile, statPath } from '../file-checks.js';
import { InputError } from '../input-error.js';
import type { MapperSettings } from '../mappers/types.js';
import { NETWORK_NAMES } from '../workload/networks/index.js';
import { parseYamlText } from '../workload/yaml-input.js';
import { canonicalJson } from './canonical-json.js';
import { issueToInputError } from './spec-issues.js';
import { parseWhere, WhereError, type WhereExpression } from './where.js';

export type GridValue = number | string;

export type ArchitectureSource =
  | { kind: 'design'; design: string; defaults: Record<string, GridValue> }
  | { kind: 'file'; archPath: string; mapspacePath?: string; ertPath?: string };

export type NetworkSource = { kind: 'catalog'; name: string } | { kind: 'folder'; name: string; folder: string };

export interface SweepSpec {
  /** Path of the spec file, for messages. */
  file: string;
  name: string;
  source: ArchitectureSource;
  /** Grid axes in the order the spec lists them; every combination is one design point. */
  grid: { key: string; values: GridValue[] }[];
  where?: WhereExpression;
  networks: NetworkSource[];
  batch: number;
  mapper: MapperSettings;
  clockGHz: number;
  /** Wall-clock limit of one job in seconds, after which its worker thread is terminated. */
  jobTimeoutS: number;
  /** sha256 of the normalised spec: the sweep's identity in a results database. */
  specHash: string;
  /** The spec file's text, stored with the sweep. */
  text: string;
}

/** Field paths of a `file:` architecture: a level name (or `arithmetic`) and a numeric field. */
export const FILE_GRID_FIELDS = [
  'entries', 'instances', 'meshX', 'wordBits', 'blockSize', 'clusterSize', 'numBanks', 'numPorts',
  'readBandwidth', 'writeBandwidth',
] as const;

/** The values each `file:` grid field accepts: the architecture file's rules for the same field. */
const FILE_GRID_RULES: Record<(typeof FILE_GRID_FIELDS)[number], { accepts: (value: number) => boolean; rule: string }> = {
  entries: { accepts: (value) => Number.isSafeInteger(value) && value >= 0, rule: 'an integer >= 0' },
  instances: { accepts: (value) => Number.isSafeInteger(value) && value >= 1, rule: 'an integer >= 1' },
  meshX: { accepts: (value) => Number.isSafeInteger(value) && value >= 1, rule: 'an integer >= 1' },
  wordBits: { accepts: (value) => Number.isSafeInteger(value) && value >= 1, rule: 'an integer >= 1' },
  blockSize: { accepts: (value) => Number.isSafeInteger(value) && value >= 1, rule: 'an integer >= 1' },
  clusterSize: { accepts: (value) => Number.isSafeInteger(value) && value >= 1, rule: 'an integer >= 1' },
  numBanks: { accepts: (value) => Number.isSafeInteger(value) && value >= 1, rule: 'an integer >= 1' },
  numPorts: { accepts: (value) => value === 1 || value === 2, rule: '1 or 2, as Timeloop supports' },
  // Words per cycle; fractions are allowed, as in the architecture file.
  readBandwidth: { accepts: (value) => Number.isFinite(value) && value > 0, rule: 'a finite number > 0 (words per cycle)' },
  writeBandwidth: { accepts: (value) => Number.isFinite(value) && value > 0, rule: 'a finite number > 0 (words per cycle)' },
};

/** Node runs a timer of at most 2^31 - 1 ms; a longer one fires after 1 ms. */
const MAX_JOB_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);
/** Largest time limit whose default job timeout (2 x limit + 30 s) fits a timer. */
const MAX_TIME_LIMIT_S = Math.floor((MAX_JOB_TIMEOUT_S - 30) / 2);

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Any number, Infinity and NaN included, so checkGrid can name the value and the rule it breaks.
const gridValue = z.union([z.number().or(z.nan()).or(z.literal(Infinity)).or(z.literal(-Infinity)), z.string()]);
const positive = z.number().positive();

const specSchema = z.strictObject({
  name: z.string().regex(NAME_PATTERN),
  architecture: z.strictObject({
    design: z.string().optional(),
    file: z.string().optional(),
    mapspace: z.string().optional(),
    ert: z.string().optional(),
    grid: z.record(z.string(), z.array(gridValue).min(1)).optional(),
    where: z.string().optional(),
  }),
  networks: z.array(z.union([z.string(), z.strictObject({ folder: z.string(), name: z.string().regex(NAME_PATTERN).optional() })])).min(1),
  batch: z.number().int().positive().optional(),
  mapper: z.strictObject({
    name: z.enum(['cosa', 'random', 'exhaustive']),
    objective: z.enum(['latency', 'energy', 'edp']).optional(),
    time_limit_s: positive.optional(),
    // As for `schedule --mip-gap`: a gap of 1 would accept any incumbent.
    mip_rel_gap: z.number().min(0).lt(1).optional(),
    samples: z.number().int().positive().optional(),
    seed: z.number().int().min(0).optional(),
    refine: z.boolean().optional(),
    padding: z.boolean().optional(),
  }),
  clock_ghz: positive.optional(),
  job_timeout_s: positive.optional(),
});

type RawSpec = z.infer<typeof specSchema>;

/** Reads and validates a sweep spec file. */
export function loadSweepSpec(path: string): SweepSpec {
  checkInputFile(path, 'file', 'give the path of a sweep spec YAML file such as sweeps/example.yaml');
  return parseSweepSpec(readFileSync(path, 'utf8'), path);
}

/** Validates the text of a sweep spec; `file` names it in messages and anchors relative paths. */
export function parseSweepSpec(text: string, file: string): SweepSpec {
  const document = parseYamlText(text, file);

  const parsed = specSchema.safeParse(document);
  if (!parsed.success) {
    // A misspelt key also makes its correct spelling missing; the unknown key is the better message.
    const issues = parsed.error.issues;
    throw issueToInputError(issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0], document, file);
  }
  const raw = parsed.data;

  const base = dirname(resolve(file));
  const source = readSource(raw, file, base);
  const grid = Object.entries(raw.architecture.grid ?? {}).map(([key, values]) => ({ key, values }));
  if (raw.architecture.grid !== undefined && grid.length === 0) {
    throw new InputError(file, 'architecture.grid', {}, 'is empty; list at least one parameter with its values, or omit grid for a single design point');
  }
  checkGrid(grid, source, file);
  const where = readWhere(raw, grid, source, file);

  const mapper = readMapper(raw, file);
  const networks = raw.networks.map((entry, index) => readNetwork(entry, index, file, base));
  networks.forEach((network, index) => {
    if (networks.findIndex((other) => other.name === network.name) !== index) {
      throw new InputError(file, `networks[${index}]`, network.name, 'is listed twice; each network name must be distinct');
    }
  });
  const clockGHz = raw.clock_ghz ?? 1;
  if (mapper.timeLimitS > MAX_TIME_LIMIT_S) {
    throw new InputError(file, 'mapper.time_limit_s', mapper.timeLimitS, `must be at most ${MAX_TIME_LIMIT_S} s (about 12 days), since the job timeout of twice the limit must fit Node's timers`);
  }
  const jobTimeoutS = raw.job_timeout_s ?? 2 * mapper.timeLimitS + 30;
  if (jobTimeoutS > MAX_JOB_TIMEOUT_S) {
    throw new InputError(file, 'job_timeout_s', jobTimeoutS, `must be at most ${MAX_JOB_TIMEOUT_S} s (about 24 days), the longest timer Node supports`);
  }
  if (jobTimeoutS <= mapper.timeLimitS) {
    throw new InputError(file, 'job_timeout_s', jobTimeoutS, `must exceed mapper.time_limit_s = ${mapper.timeLimitS}, since a job also builds and evaluates the model`);
  }

  const specHash = specIdentityHash(raw);
  return { file, name: raw.name, source, grid, where, networks, batch: raw.batch ?? 1, mapper, clockGHz, jobTimeoutS, specHash, text };
}

/**
 * Hashes what identifies a sweep: the normalised spec, so comments and layout do not count, and
 * without job_timeout_s, which bounds a job's wall time and changes no result. So a sweep whose
 * jobs timed out can raise it and rerun with --retry-failed.
 */
function specIdentityHash(raw: RawSpec): string {
  return createHash('sha256').update(canonicalJson(withoutJobTimeout(raw))).digest('hex');
}

/** Returns a spec document without its job_timeout_s, the one field outside a sweep's identity. */
export function withoutJobTimeout<T>(document: T): T {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const { job_timeout_s: _jobTimeoutS, ...identity } = document as Record<string, unknown>;
  return identity as T;
}

/** Returns the identity hash of a spec text stored in a database, or undefined when it no longer parses. */
export function storedSpecHash(text: string): string | undefined {
  const parsed = specSchema.safeParse(parseYaml(text));
  return parsed.success ? specIdentityHash(parsed.data) : undefined;
}

/**
 * Reads the mapper settings and grid axes of a spec stored in a results database. Unlike
 * parseSweepSpec it checks no paths, which need not exist on the machine that reads the database.
 */
export function storedSpecSettings(text: string, file: string): { mapper: MapperSettings; grid: SweepSpec['grid'] } {
  const parsed = specSchema.safeParse(parseYaml(text));
  if (!parsed.success) throw new InputError(file, 'spec_text', undefined, 'the stored sweep spec is not valid; rerun the sweep into a new database');
  const grid = Object.entries(parsed.data.architecture.grid ?? {}).map(([key, values]) => ({ key, values }));
  return { mapper: readMapper(parsed.data, file), grid };
}

function readSource(raw: RawSpec, file: string, base: string): ArchitectureSource {
  const { design, file: archFile, mapspace, ert } = raw.architecture;
  if ((design === undefined) === (archFile === undefined)) {
    throw new InputError(file, 'architecture', raw.architecture, 'needs exactly one of `design: NAME` (one of ' + DESIGN_NAMES.join(', ') + ') or `file: path/to/arch.yaml`');
  }

  if (design !== undefined) {
    if (!(DESIGN_NAMES as readonly string[]).includes(design)) {
      throw new InputError(file, 'architecture.design', design, `unknown design; known designs: ${DESIGN_NAMES.join(', ')}`);
    }
    for (const [key, value] of [['mapspace', mapspace], ['ert', ert]] as const) {
      if (value !== undefined) throw new InputError(file, `architecture.${key}`, value, 'applies only to a `file:` architecture; a design builds its own');
    }
    return { kind: 'design', design, defaults: designParameters(design) };
  }

  return {
    kind: 'file',
    archPath: existingFile(archFile as string, base, file, 'architecture.file'),
    mapspacePath: mapspace === undefined ? undefined : existingFile(mapspace, base, file, 'architecture.mapspace'),
    ertPath: ert === undefined ? undefined : existingFile(ert, base, file, 'architecture.ert'),
  };
}

function existingFile(path: string, base: string, file: string, field: string): string {
  const absolute = resolve(base, path);
  const stats = statPath(absolute, field);
  if (stats === undefined) throw new InputError(file, field, path, `file not found (looked for ${absolute}); paths are relative to the spec file`);
  if (stats.isDirectory()) throw new InputError(file, field, path, `is a folder, not a file (${absolute}); give the path of a file, relative to the spec file`);
  if (!stats.isFile()) throw new InputError(file, field, path, `is not a regular file (${absolute}); give the path of a file, relative to the spec file`);
  return absolute;
}

function checkGrid(grid: SweepSpec['grid'], source: ArchitectureSource, file: string): void {
  for (const { key, values } of grid) {
    const field = `architecture.grid.${key}`;
    const seen = new Set<GridValue>();
    values.forEach((value, index) => {
      if (seen.has(value)) throw new InputError(file, `${field}[${index}]`, value, 'is listed twice; each grid value must be distinct');
      seen.add(value);
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new InputError(file, `${field}[${index}]`, value, 'grid values must be finite numbers or strings');
      }
    });

    if (source.kind === 'design') {
      const known = Object.keys(source.defaults);
      if (!(key in source.defaults)) {
        throw new InputError(file, field, values, `unknown parameter of design ${source.design}; known parameters: ${known.join(', ')}`);
      }
      // Values are checked against the parameter's type, range and choices when the points are built.
      continue;
    }

    const [level, property, ...rest] = key.split('.');
    if (property === undefined || rest.length > 0 || !(FILE_GRID_FIELDS as readonly string[]).includes(property)) {
      throw new InputError(file, field, values, `a \`file:\` grid key is LEVEL.FIELD (such as GlobalBuffer.entries or arithmetic.instances), where FIELD is one of ${FILE_GRID_FIELDS.join(', ')}`);
    }
    const { accepts, rule } = FILE_GRID_RULES[property as (typeof FILE_GRID_FIELDS)[number]];
    values.forEach((value, index) => {
      if (typeof value !== 'number' || !accepts(value)) {
        throw new InputError(file, `${field}[${index}]`, value, `${level}.${property} must be ${rule}`);
      }
    });
  }
}

function readWhere(raw: RawSpec, grid: SweepSpec['grid'], source: ArchitectureSource, file: string): WhereExpression | undefined {
  const text = raw.architecture.where;
  if (text === undefined) return undefined;

  // A design's parameters all have values at every point (grid value or default), so the filter may read any of them.
  const names = grid.map((axis) => axis.key);
  if (source.kind === 'design') names.push(...Object.keys(source.defaults).filter((name) => !names.includes(name)));
  try {
    return parseWhere(text, names);
  } catch (error) {
    if (!(error instanceof WhereError)) throw error;
    throw new InputError(file, 'architecture.where', text, `invalid filter: ${error.message}; use numbers, quoted strings, parameter names, + - * / %, comparisons, and/or/not and parentheses`);
  }
}

function readMapper(raw: RawSpec, file: string): MapperSettings {
  const mapper = raw.mapper;
  if (mapper.name !== 'random' && mapper.samples !== undefined) {
    throw new InputError(file, 'mapper.samples', mapper.samples, 'applies only to the random mapper');
  }
  if (mapper.name !== 'cosa' && mapper.refine !== undefined) {
    throw new InputError(file, 'mapper.refine', mapper.refine, 'applies only to the cosa mapper');
  }
  if (mapper.name !== 'cosa' && mapper.mip_rel_gap !== undefined) {
    throw new InputError(file, 'mapper.mip_rel_gap', mapper.mip_rel_gap, 'applies only to the cosa mapper');
  }

  const settings: MapperSettings = { name: mapper.name, objective: mapper.objective ?? 'edp', timeLimitS: mapper.time_limit_s ?? 10 };
  if (mapper.mip_rel_gap !== undefined) settings.mipRelGap = mapper.mip_rel_gap;
  if (mapper.samples !== undefined) settings.samples = mapper.samples;
  if (mapper.seed !== undefined) settings.seed = mapper.seed;
  if (mapper.refine !== undefined) settings.refine = mapper.refine;
  if (mapper.padding !== undefined) settings.padding = mapper.padding;
  return settings;
}

function readNetwork(entry: RawSpec['networks'][number], index: number, file: string, base: string): NetworkSource {
  const field = `networks[${index}]`;
  if (typeof entry === 'string') {
    // Same matching as getNetwork: case, '-' and '_' are ignored, so `ResNet-50` is resnet50.
    const name = NETWORK_NAMES.find((candidate) => normalizeNetworkName(candidate) === normalizeNetworkName(entry));
    if (name === undefined) {
      throw new InputError(file, field, entry, `unknown network; known networks: ${NETWORK_NAMES.join(', ')}, or {folder: path} for a folder of Timeloop problem files`);
    }
    return { kind: 'catalog', name };
  }

  const folder = resolve(base, entry.folder);
  if (!existsSync(folder)) {
    throw new InputError(file, `${field}.folder`, entry.folder, `folder not found (looked for ${folder}); paths are relative to the spec file`);
  }
  if (!statSync(folder).isDirectory()) {
    throw new InputError(file, `${field}.folder`, entry.folder, `is a file, not a folder (${folder}); give the folder that contains the network's Timeloop problem files`);
  }
  const name = entry.name ?? basename(folder);
  if (NETWORK_NAMES.some((catalog) => normalizeNetworkName(catalog) === normalizeNetworkName(name))) {
    throw new InputError(file, `${field}.name`, name, 'is the name of a catalog network; give the folder network another name');
  }
  return { kind: 'folder', name, folder };
}

function normalizeNetworkName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}
