// `cosa sweep run`: plan a sweep spec, solve its pending jobs on a worker pool, print the front.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

import { InputError } from '../../input-error.js';
import { writeReport } from '../../report/index.js';
import { failWhenBusy } from '../../store/busy.js';
import { acquireRunLock } from '../../store/lock.js';
import { planChanges } from '../../store/plan-changes.js';
import { openStore, type Db } from '../../store/open.js';
import { sweepJobCounts } from '../../store/job-tally.js';
import { paretoFront, sweepNetworks, sweepSettings, varyingParameters } from '../../store/queries.js';
import { checkSweepName } from '../../store/write.js';
import { timeLimitedUse } from '../../store/time-limited.js';
import { gridSize } from '../../sweep/design-points.js';
import { planSweep, type SweepPlan } from '../../sweep/planner.js';
import { defaultReporter } from '../../sweep/progress.js';
import { runSweep } from '../../sweep/runner.js';
import { parseShard, shardPlan, type Shard } from '../../sweep/shard.js';
import { loadSweepSpec, type SweepSpec } from '../../sweep/spec.js';
import { ignoreClosedPipes } from '../closed-pipes.js';
import { EXIT_FAILURE } from '../errors.js';
import { countOf } from '../../plural.js';
import { formatFrontTable, frontSummary, objectiveNote, tableParameters, timeLimitWarning } from './pareto-format.js';
import { formatShareSummary } from './share-format.js';
import { inertAxes } from '../../sweep/inert-axes.js';
import { areasFromLibraryNote, printNotes, unappliedConstraintsWarning } from '../input-notes.js';

export interface SweepRunOptions {
  db?: string;
  workers?: string;
  retryFailed?: boolean;
  retryTimeLimited?: boolean;
  /** `I/N`: run only shard I of N of the jobs. */
  shard?: string;
  /** False with --no-share-mappings. */
  shareMappings?: boolean;
}

/** Exit statuses after Ctrl-C and after SIGTERM (Slurm's time limit), as shells report them: 128 + the signal number. */
const EXIT_BY_SIGNAL: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** Grids of at least this many combinations get a line before their expansion. */
const PLANNING_LINE_COMBINATIONS = 2000;

/**
 * Maximum worker threads: 4 per core, at most 256. Each thread uses about 14 MB, and threads beyond
 * the cores only share them.
 */
function maxWorkers(): number {
  return Math.min(256, 4 * availableParallelism());
}

function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const workers = Number(text);
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new InputError('command line', '--workers', text, 'must be a positive integer (worker threads; default one per core)');
  }
  if (workers > maxWorkers()) {
    throw new InputError('command line', '--workers', text, `must be at most ${maxWorkers()} (4 per core, at most 256); this machine has ${availableParallelism()} cores`);
  }
  return workers;
}

export async function sweepRunCommand(specPath: string, options: SweepRunOptions): Promise<number> {
  ignoreClosedPipes();
  const workers = parseWorkers(options.workers);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (workers !== undefined && workers > availableParallelism()) {
    process.stderr.write(`warning: --workers ${workers} exceeds this machine's ${availableParallelism()} cores; the threads share them, and time-limited jobs get less done\n`);
  }

  // Every input check happens before the database is created, so a bad spec writes nothing.
  const spec = loadSweepSpec(specPath);
  if (spec.source.kind === 'file') {
    const { mapspacePath, ertPath } = spec.source;
    const areasNote = ertPath === undefined ? undefined : areasFromLibraryNote(ertPath);
    const fixedByErt = ertFixedGridKeys(spec);
    if (fixedByErt.length > 0) {
      // Without an ART section the areas come from hw-library, which does price each size.
      const fixed = areasNote === undefined ? 'energy or area, because the ERT gives one energy per action and area per instance' : 'energy, because the ERT gives one energy per action';
      process.stderr.write(`warning: ${fixedByErt.join(', ')} change no ${fixed} for each component; omit architecture.ert to price each value from hw-library\n`);
    }
    printNotes(mapspacePath === undefined ? undefined : unappliedConstraintsWarning(mapspacePath), areasNote);
  }
  // Planning takes about 0.35 ms per design point, so only a large grid gets a line before it.
  const combinations = gridSize(spec.grid);
  if (combinations >= PLANNING_LINE_COMBINATIONS) {
    const filtered = spec.where === undefined ? '' : ' (before the where filter)';
    process.stderr.write(`sweep ${spec.name}: planning ${combinations} grid combinations${filtered} x ${countOf(spec.networks.length, 'network')}\n`);
  }
  const fullPlan = planSweep(spec);
  for (const key of inertAxes(fullPlan.points, spec.grid)) {
    const values = spec.grid.find((axis) => axis.key === key)!.values.length;
    process.stderr.write(`warning: grid axis ${key} changes nothing that the cost model or the mappers read (bank and port counts only reach Timeloop files), so its ${values} values give the same results; drop it from the grid to save the repeated jobs\n`);
  }
  const plan = shard === undefined ? fullPlan : shardPlan(fullPlan, shard);
  const dbName = shard === undefined ? `${spec.name}.sqlite` : `${spec.name}.shard-${shard.index}.sqlite`;
  const dbPath = options.db ?? resolve('results', dbName);

  const db = openStore(dbPath, { create: true });
  let releaseLock: () => void;
  try {
    releaseLock = acquireRunLock(dbPath);
  } catch (error) {
    db.close();
    throw error;
  }
  // process.exit skips `finally`, so the lock is also released when the process exits.
  process.on('exit', releaseLock);
  // Printed once the lock is held and the sweep's name checked, so that a rejected run prints only its error.
  try {
    failWhenBusy(dbPath, 'reading its sweeps', () => checkSweepName(db, spec.name, spec.specHash, spec.file, spec.text));
  } catch (error) {
    db.close();
    throw error;
  }
  printPlanHeader(spec.name, plan, fullPlan, shard, dbPath);
  const changes = planChanges(db, fullPlan);
  if (changes !== undefined && changes.changedPoints + changes.newLayerShapes > 0) {
    const parts = [
      changes.changedPoints > 0 ? `${countOf(changes.changedPoints, 'design point has', 'design points have')} new hardware (an edited architecture, mapspace or ERT file)` : undefined,
      changes.newLayerShapes > 0 ? `${countOf(changes.newLayerShapes, 'layer shape is', 'layer shapes are')} new (an edited network folder)` : undefined,
    ].filter((part) => part !== undefined);
    process.stderr.write(
      `note: since this sweep's last run, ${parts.join(' and ')}, so their jobs are solved again; ` +
        'the earlier results stay in the database but no longer count for this sweep\n',
    );
  }

  const controller = new AbortController();
  let stoppedBy: keyof typeof EXIT_BY_SIGNAL | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_BY_SIGNAL[stoppedBy ?? 'SIGINT']);
    stoppedBy = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    const again = stoppedBy === 'SIGINT' ? 'press Ctrl-C again' : 'send the signal again';
    process.stderr.write(`\nstopping on ${stoppedBy}: saving finished jobs (${again} to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  // Slurm sends SIGTERM at a job's time limit: save what is finished, as for Ctrl-C.
  process.on('SIGTERM', onSignal);

  let exitAtOnce: number | undefined;
  try {
    // A shard holds only some of each design point's neighbours; `results merge` shares over all of them.
    const shareMappings = options.shareMappings !== false && shard === undefined;
    const runOptions = { workers, retryFailed: options.retryFailed, retryTimeLimited: options.retryTimeLimited, signal: controller.signal, progress: defaultReporter(), shareMappings };
    const summary = await runSweep(plan, db, runOptions);
    const reused = summary.reused > 0 ? `, ${summary.reused} reused from earlier runs` : '';
    process.stderr.write(`${countOf(summary.done, 'job')} done, ${summary.failed} failed${reused}, in ${summary.elapsedS.toFixed(1)} s\n`);
    if (summary.keptAfterFailure > 0) {
      process.stderr.write(`${countOf(summary.keptAfterFailure, 'failed job was a retry', 'failed jobs were retries')} of done jobs and kept the stored result\n`);
    }
    if (summary.shared !== undefined) process.stderr.write(`${formatShareSummary(summary.shared)}\n`);
    // Counted after the exchange, which may have rescued every failed job of this run.
    const counts = sweepJobCounts(db, summary.sweepId);
    if (summary.keptAfterFailure > 0 || (summary.shared?.rescued ?? 0) > 0) {
      process.stderr.write(`the sweep now has ${counts.done} done, ${counts.failed} failed and ${counts.pending} pending jobs\n`);
    }
    if (summary.failed > 0 && counts.failed > 0) {
      process.stderr.write(`\`cosa sweep status --db ${dbPath}\` counts the failed jobs per kind of reason\n`);
    }
    // Failures reused from earlier runs are not counted as failed above, yet they still fail the sweep.
    const keptFailures = counts.failed - summary.failed;
    if (options.retryFailed !== true && keptFailures > 0) {
      process.stderr.write(
        `${countOf(keptFailures, 'job keeps its failure', 'jobs keep their failure')} from an earlier run; add --retry-failed to solve them again ` +
          `(after raising job_timeout_s or mapper.time_limit_s if they timed out)\n`,
      );
    }

    const timeLimited = counts.timeLimited;
    if (timeLimited > 0) process.stderr.write(`${countOf(timeLimited, 'done job')} of this sweep ended at mapper.time_limit_s with the best mapping found by then; \`cosa sweep status\` counts them per network\n`);
    if (summary.interrupted) {
      process.stderr.write(`interrupted: rerun the same command to resume\n`);
      exitAtOnce = EXIT_BY_SIGNAL[stoppedBy ?? 'SIGINT'];
      return exitAtOnce;
    }

    // A shard contains a part of the jobs, so its front would be partial; the merged database has the whole one.
    if (shard !== undefined) {
      const inputs = /shard-\d+\.sqlite$/.test(dbPath) ? dbPath.replace(/shard-\d+\.sqlite$/, 'shard-*.sqlite') : `${dbPath} OTHER-SHARD.sqlite...`;
      const merged = /\.shard-\d+\.sqlite$/.test(dbPath) ? dbPath.replace(/\.shard-\d+\.sqlite$/, '.sqlite') : 'MERGED.sqlite';
      process.stderr.write(`merge the shards with: cosa results merge ${merged} ${inputs}\n`);
      return 0;
    }
    if (!printFront(db, summary.sweepId, dbPath, specPath)) return EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    db.close();
    releaseLock();
    // Node took about 2 s (measured on 2 cores) to tear down worker threads stopped inside a
    // WebAssembly solve. Everything is saved by now, so exit at once.
    if (exitAtOnce !== undefined) process.exit(exitAtOnce);
  }
  return 0;
}

/** Grid fields that size a component: hw-library prices them, an ERT does not. */
const SIZE_FIELDS = new Set(['entries', 'wordBits', 'blockSize', 'clusterSize', 'numBanks', 'numPorts']);

/** Grid keys of a `file:` spec with an ERT whose values the ERT prices all alike. */
function ertFixedGridKeys(spec: SweepSpec): string[] {
  if (spec.source.kind !== 'file' || spec.source.ertPath === undefined) return [];
  return spec.grid.map((axis) => axis.key).filter((key) => SIZE_FIELDS.has(key.split('.')[1]));
}

/** Prints the plan's size and the database path, and for a shard its share of the jobs. */
function printPlanHeader(name: string, plan: SweepPlan, fullPlan: SweepPlan, shard: Shard | undefined, dbPath: string): void {
  const size = `${countOf(plan.points.length, 'design point')} x ${countOf(plan.layers.length, 'layer')} = ${countOf(fullPlan.jobs.length, 'unique job')}`;
  process.stderr.write(`sweep ${name}: ${size}; results in ${dbPath}\n`);
  if (shard !== undefined) process.stderr.write(`shard ${shard.index}/${shard.count}: ${plan.jobs.length} of the ${countOf(fullPlan.jobs.length, 'job')}\n`);
}

/**
 * Prints the front of a finished sweep, the report's path and further commands. Returns false when
 * no design point is complete, after writing the report if any job finished.
 */
function printFront(db: Db, sweepId: number, dbPath: string, specPath: string): boolean {
  const networks = sweepNetworks(db, sweepId);
  const network = networks.length === 1 ? networks[0] : undefined;
  const front = paretoFront(db, sweepId, ['latency', 'energy', 'area'], network);
  if (front.front.length === 0) {
    process.stdout.write(`no design point has results for every layer; \`cosa sweep status --db ${dbPath}\` lists the failure reasons\n`);
    // The report's job-status section lists the failures, so it is written whenever a job finished.
    const counts = sweepJobCounts(db, sweepId);
    if (counts.done + counts.failed > 0) printReportPath(dbPath);
    return false;
  }
  process.stdout.write(`${frontSummary(front, network)}\n${formatFrontTable(front, tableParameters(front, varyingParameters(db, sweepId)))}\n`);
  const note = objectiveNote(sweepSettings(db, sweepId).mapper.objective, front.objectives);
  if (note !== undefined) process.stderr.write(`${note}\n`);
  const warning = timeLimitWarning(timeLimitedUse(db, front.front.map((point) => point.designPointId), network), front.front.length, `cosa sweep run ${specPath} --db ${dbPath}`);
  if (warning !== undefined) process.stderr.write(`${warning}\n`);
  printReportPath(dbPath);
  printNextSteps(dbPath, networks);
  return true;
}

/** Writes the HTML report beside the database; a report that cannot be built costs one warning line. */
function printReportPath(dbPath: string): void {
  try {
    const written = writeReport(dbPath);
    process.stderr.write(`report: ${written.path}\n`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`report not written: ${error.message}\n`);
  }
}

/** Commands that read the finished sweep. */
function printNextSteps(dbPath: string, networks: string[]): void {
  const lines = [`more: cosa pareto --db ${dbPath} --objectives latency,energy`];
  if (networks.length > 1) lines.push(`      cosa pareto --db ${dbPath} --network ${networks[0]}`);
  lines.push(`      cosa sweep status --db ${dbPath}`, `      cosa export --db ${dbPath} --csv --out results.csv`);
  process.stderr.write(`${lines.join('\n')}\n`);
}
