// `cosa schedule`: find a mapping of one layer on one architecture with CoSA (or a baseline
// mapper), evaluate it with the cost model and optionally write it as Timeloop mapping YAML.
import { writeFileSync } from 'node:fs';

import type { Command } from 'commander';

import { defaultKeep, parseMapspaceKeep } from '../../arch/bypass.js';
import { parseMapspaceConstraints } from '../../arch/constraints.js';
import { loadArchitecture } from '../../arch/load.js';
import { checkNotAnInput, checkOutputFile } from '../../file-checks.js';
import { InputError } from '../../input-error.js';
import { DEFAULT_MIP_REL_GAP, DEFAULT_TIME_LIMIT_S } from '../../mappers/cosa/index.js';
import { MAX_PLACEMENTS } from '../../mappers/exhaustive.js';
import { loadHighs } from '../../mappers/cosa/solver.js';
import { runMapper } from '../../mappers/index.js';
import type { MapperName, MapperSettings, Objective, ScheduleResult } from '../../mappers/types.js';
import { printLoopNest, tileSizesOf } from '../../mapping/print.js';
import { writeMappingYaml } from '../../mapping/write.js';
import { DIMENSIONS, macCount, type Layer } from '../../workload/layer.js';
import { loadProblem } from '../../workload/problem.js';
import { areasFromLibraryNote, printNotes, unappliedConstraintsWarning } from '../input-notes.js';
import { writeProblemYaml } from '../../workload/problem-write.js';
import { readTextFile } from '../../workload/yaml-input.js';
import { EXIT_FAILURE, EXIT_OK, runAction } from '../errors.js';
import { formatTotals } from '../evaluation-text.js';

interface ScheduleOptions {
  arch: string;
  problem: string;
  mapspace?: string;
  ert?: string;
  mapper: string;
  objective: string;
  timeLimit: string;
  mipGap?: string;
  weights?: string;
  samples?: string;
  seed?: string;
  padding?: boolean;
  refine: boolean;
  out?: string;
  json?: boolean;
}

const MAPPER_NAMES: readonly MapperName[] = ['cosa', 'random', 'exhaustive'];
const OBJECTIVES: readonly Objective[] = ['latency', 'energy', 'edp'];
const COMMAND_LINE = 'command line';
/** Why an architecture may be infeasible without a bypass pattern, and the fix. */
const DEFAULT_KEEP_HINT = "every level keeps every data space by default; give --mapspace FILE with the design's bypass pattern (a mapspace or Timeloop mapping file)";

const EXIT_STATUS_HELP = `
Exit status:
  0  a mapping was found; it is printed (and written with --out)
  1  no mapping exists (infeasible: the reason names the binding constraint), none was found in time,
     or the map space is too large for --mapper exhaustive
  2  an input file or option is missing or malformed; one line names the file, field and value

With --json the output is the cost model's JSON for the mapping plus a "schedule" object:
mapper, status (optimal, sampled, time_limit, infeasible, no_incumbent), solve_seconds, mip_objective,
mip_bound and gap (HiGHS's relative gap of the log-space objective; CoSA only). For CoSA, time_limit
means that --time-limit stopped the solve or the local search after it, so a longer limit may
give a better mapping.`;

export function registerScheduleCommand(program: Command): void {
  program
    .command('schedule')
    .summary('find a mapping of one layer with CoSA (a MIP solved by HiGHS) or a baseline mapper')
    .description(
      'Schedule one layer on one architecture: solve CoSA\'s mixed-integer program with HiGHS (or sample ' +
        'or enumerate mappings), check the mapping with the cost model and print it with its cycles and energy.',
    )
    .requiredOption('--arch <file>', 'architecture YAML (Timeloop `arch:` with arithmetic and storage levels, innermost first)')
    .requiredOption('--problem <file>', 'layer YAML (Timeloop `problem:` with R S P Q C K N, strides, dilations and optionally G groups, with C and K over all groups)')
    .option('--mapspace <file>', 'mapspace YAML whose datatype (bypass) constraints say what each level keeps and whose temporal, spatial and utilization constraints (factors, permutation, split, min) every mapping meets; or a Timeloop mapping file, whose datatype entries only are read (default: every level keeps everything, no constraints)')
    .option('--ert <file>', 'energy and area tables (ERT in pJ per action, ART in um² per instance; default: built-in component estimates)')
    .option(
      '--mapper <name>',
      `mapper: ${MAPPER_NAMES.join(', ')}; exhaustive enumerates at most ${MAX_PLACEMENTS} placements of the layer's prime factors over the levels, so it fits only small layers, and a larger space exits with status 1`,
      'cosa',
    )
    .option('--objective <name>', `quantity to minimize: latency (cycles), energy (pJ) or edp (cycles × pJ)`, 'edp')
    .option('--time-limit <seconds>', 'wall-clock limit of the search, in seconds', String(DEFAULT_TIME_LIMIT_S))
    .option('--mip-gap <fraction>', `relative MIP gap at which HiGHS stops (cosa)`, String(DEFAULT_MIP_REL_GAP))
    .option(
      '--weights <compute,traffic,utilization>',
      'weights of the CoSA program\'s objective terms log(cycles), log(data-movement energy) and log(buffered tile sizes, rewarded); the local search still minimizes --objective (default: the preset of --objective)',
    )
    .option('--samples <count>', 'number of random mappings to draw (random; default: until the time limit)')
    .option('--seed <integer>', 'seed of the random mapper', '1')
    .option(
      '--padding',
      'pad dimensions with a prime factor above 7 to the next 7-smooth size (79 to 80) and schedule the padded layer; the output states the real and padded MAC counts, and with --out a problem file of the padded layer is written beside the mapping (MAP.problem.yaml for --out MAP.yaml)',
    )
    .option('--no-refine', 'skip the local search that polishes the solver\'s mapping with the cost model (cosa)')
    .option('--out <file>', 'write the mapping as Timeloop mapping YAML, which timeloop-model accepts')
    .option('--json', 'print one JSON object: the cost model\'s statistics plus a "schedule" object')
    .addHelpText('after', EXIT_STATUS_HELP)
    .action(runAction(scheduleCommand));
}

async function scheduleCommand(options: ScheduleOptions, command: Command): Promise<number> {
  const settings = readSettings(options);
  warnIgnoredOptions(settings.name, command);
  const inputs = { '--arch': options.arch, '--problem': options.problem, '--mapspace': options.mapspace, '--ert': options.ert };
  if (options.out !== undefined) {
    checkNotAnInput(options.out, '--out', inputs);
    checkOutputFile(options.out, '--out', { exampleName: 'mapping.yaml' });
    if (options.padding === true) {
      checkNotAnInput(paddedProblemPath(options.out), '--out', inputs);
      checkOutputFile(paddedProblemPath(options.out), '--out', { exampleName: 'mapping.problem.yaml' });
    }
  }
  const arch = loadArchitecture(options.arch, { ertPath: options.ert });
  const layer = loadProblem(options.problem);

  const mapspaceText = options.mapspace === undefined ? undefined : readTextFile(options.mapspace);
  const keep = mapspaceText === undefined ? defaultKeep(arch) : parseMapspaceKeep(mapspaceText, options.mapspace!, arch);
  const constraints = mapspaceText === undefined ? undefined : parseMapspaceConstraints(mapspaceText, options.mapspace!, arch);
  printNotes(
    options.ert === undefined ? undefined : areasFromLibraryNote(options.ert),
    options.mapspace === undefined ? undefined : unappliedConstraintsWarning(options.mapspace),
  );

  // Loading HiGHS (about 0.2 s) happens before the mapper's clock, as in sweep workers.
  if (settings.name === 'cosa') await loadHighs();
  const result = await runMapper(arch, layer, keep, settings, constraints);
  printNotes(...(result.notes ?? []).map((note) => `note: ${note}`));
  const schedule = scheduleSummary(settings.name, result, layer);

  if (result.mapping !== undefined && options.out !== undefined) {
    writeFileSync(options.out, writeMappingYaml(arch, result.mapping));
    if (schedule.padded_layer !== undefined) {
      const problemPath = paddedProblemPath(options.out);
      writeFileSync(problemPath, writeProblemYaml(schedule.padded_layer));
      process.stderr.write(`note: ${options.out} maps the padded layer; wrote its problem file ${problemPath}, so evaluate the mapping with --problem ${problemPath}\n`);
    }
  }

  const hint = result.status === 'infeasible' && options.mapspace === undefined ? `; ${DEFAULT_KEEP_HINT}` : '';
  if (options.json) {
    const body = result.evaluation ?? { ok: false, error: `${result.reason ?? `no mapping (status ${result.status})`}${hint}` };
    process.stdout.write(`${JSON.stringify({ ...body, schedule }, null, 2)}\n`);
    return result.mapping === undefined ? EXIT_FAILURE : EXIT_OK;
  }

  if (result.mapping === undefined || result.evaluation === undefined) {
    process.stderr.write(`no mapping (${result.status}): ${result.reason ?? 'no reason given'}${hint}\n`);
    return EXIT_FAILURE;
  }
  if (schedule.padded_layer !== undefined) {
    const padded = schedule.padded_layer;
    // G is shown only for grouped layers, whose other figures count one group.
    const printedDimensions = DIMENSIONS.filter((dimension) => dimension !== 'G' || padded.G > 1);
    const perGroup = padded.G > 1 ? ' (C and K per group)' : '';
    process.stdout.write(`padded layer: ${printedDimensions.map((dimension) => `${dimension}=${padded[dimension]}`).join(' ')}${perGroup}\n`);
    process.stdout.write(`${formatPaddedMacs(macCount(layer), macCount(padded), result.evaluation.utilization)}\n`);
  }
  process.stdout.write(`${printLoopNest(arch, result.mapping, tileSizesOf(arch, result.evaluation))}\n`);
  process.stdout.write(`${formatTotals(result.evaluation)}\n`);
  process.stdout.write(`${formatSchedule(schedule)}\n`);
  return EXIT_OK;
}

/**
 * The real and padded MAC counts, and the utilization by real MACs, because the totals printed
 * after it (MACs, energy per MAC, utilization) count the padded layer's MACs.
 */
function formatPaddedMacs(realMacs: number, paddedMacs: number, paddedUtilization: number): string {
  const padding = ((paddedMacs - realMacs) / paddedMacs) * 100;
  const realUtilization = paddedUtilization * (realMacs / paddedMacs) * 100;
  return `MACs: ${realMacs} in the layer, ${paddedMacs} in the padded layer (${padding.toFixed(2)} % padding); the totals below are the padded layer's, and the utilization by real MACs is ${realUtilization.toFixed(2)} %`;
}

/** The padded layer's problem file beside mapping file `out`: MAP.yaml gives MAP.problem.yaml. */
function paddedProblemPath(out: string): string {
  const extension = /\.ya?ml$/i.exec(out)?.[0] ?? '';
  return `${out.slice(0, out.length - extension.length)}.problem${extension || '.yaml'}`;
}

/** Options that only the random mapper reads; the others ignore them. */
const RANDOM_MAPPER_OPTIONS = ['samples', 'seed'] as const;

/** Warns on stderr when --samples or --seed is given for a mapper that ignores it. */
function warnIgnoredOptions(mapper: MapperName, command: Command): void {
  if (mapper === 'random') return;
  for (const option of RANDOM_MAPPER_OPTIONS) {
    if (command.getOptionValueSource(option) === 'cli') {
      process.stderr.write(`warning: --${option} is ignored by --mapper ${mapper}; only --mapper random reads it\n`);
    }
  }
}

interface ScheduleSummary {
  mapper: MapperName;
  status: ScheduleResult['status'];
  solve_seconds: number;
  mip_objective?: number;
  mip_bound?: number;
  gap?: number;
  reason?: string;
  /** The layer the mapping is for, when padding changed it. */
  padded_layer?: Layer;
}

function scheduleSummary(mapper: MapperName, result: ScheduleResult, layer: Layer): ScheduleSummary {
  const summary: ScheduleSummary = { mapper, status: result.status, solve_seconds: result.solveSeconds };
  if (result.mipObjective !== undefined) summary.mip_objective = result.mipObjective;
  if (result.mipBound !== undefined) summary.mip_bound = result.mipBound;
  if (result.gap !== undefined) summary.gap = result.gap;
  if (result.reason !== undefined) summary.reason = result.reason;
  if (result.layer !== undefined && result.layer !== layer) summary.padded_layer = result.layer;
  return summary;
}

function formatSchedule(summary: ScheduleSummary): string {
  const parts = [`mapper ${summary.mapper}`, `status ${summary.status}`, `solve ${summary.solve_seconds.toFixed(3)} s`];
  if (summary.gap !== undefined) parts.push(`MIP gap ${(summary.gap * 100).toFixed(2)} %`);
  return parts.join(', ');
}

function readSettings(options: ScheduleOptions): MapperSettings {
  // Surrounding spaces are dropped, as Number() drops them from the numeric options.
  const name = options.mapper.trim() as MapperName;
  if (!MAPPER_NAMES.includes(name)) throw new InputError(COMMAND_LINE, '--mapper', options.mapper, `expected one of ${MAPPER_NAMES.join(', ')}`);
  const objective = options.objective.trim() as Objective;
  if (!OBJECTIVES.includes(objective)) throw new InputError(COMMAND_LINE, '--objective', options.objective, `expected one of ${OBJECTIVES.join(', ')}`);

  const settings: MapperSettings = {
    name,
    objective,
    timeLimitS: positiveSeconds(options.timeLimit, '--time-limit'),
    mipRelGap: fraction(options.mipGap ?? String(DEFAULT_MIP_REL_GAP), '--mip-gap'),
    seed: integer(options.seed ?? '1', '--seed', 0),
    padding: options.padding === true,
    refine: options.refine,
  };
  if (options.samples !== undefined) settings.samples = integer(options.samples, '--samples', 1);
  if (options.weights !== undefined) settings.weights = readWeights(options.weights);
  return settings;
}

function readWeights(text: string): NonNullable<MapperSettings['weights']> {
  const values = text.split(',').map(numberOf);
  if (values.length !== 3 || values.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new InputError(COMMAND_LINE, '--weights', text, 'expected three non-negative numbers compute,traffic,utilization, such as 1,1,0');
  }
  return { compute: values[0], traffic: values[1], utilization: values[2] };
}

/** Number(text), except that blank text, which Number() reads as 0, gives NaN. */
function numberOf(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

function positiveSeconds(text: string, option: string): number {
  const value = numberOf(text);
  if (!Number.isFinite(value) || value <= 0) throw new InputError(COMMAND_LINE, option, text, 'must be a positive number of seconds');
  return value;
}

function fraction(text: string, option: string): number {
  const value = numberOf(text);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new InputError(COMMAND_LINE, option, text, 'must be a number in [0, 1)');
  return value;
}

function integer(text: string, option: string, minimum: number): number {
  const value = numberOf(text);
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new InputError(COMMAND_LINE, option, text, `must be an integer from ${minimum} to ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  }
  return value;
}
