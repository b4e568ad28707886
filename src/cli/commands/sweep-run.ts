// `cosa sweep run`: plan a sweep spec, solve its pending jobs on a worker pool, print the front.
import { resolve } from 'node:path';

import { InputError } from '../../input-error.js';
import { writeReport } from '../../report/index.js';
import { openStore } from '../../store/open.js';
import { paretoFront, sweepNetworks, varyingParameters } from '../../store/queries.js';
import { planSweep } from '../../sweep/planner.js';
import { defaultReporter } from '../../sweep/progress.js';
import { runSweep } from '../../sweep/runner.js';
import { parseShard, shardPlan } from '../../sweep/shard.js';
import { loadSweepSpec } from '../../sweep/spec.js';
import { EXIT_FAILURE } from '../errors.js';
import { formatFrontTable, frontSummary } from './pareto-format.js';

export interface SweepRunOptions {
  db?: string;
  workers?: string;
  retryFailed?: boolean;
  /** `I/N`: run only shard I of N of the jobs. */
  shard?: string;
}

/** Exit status after Ctrl-C, as shells report a process ended by SIGINT. */
const EXIT_INTERRUPTED = 130;

function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const workers = Number(text);
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new InputError('command line', '--workers', text, 'must be a positive integer (worker threads; default one per core)');
  }
  return workers;
}

export async function sweepRunCommand(specPath: string, options: SweepRunOptions): Promise<number> {
  const workers = parseWorkers(options.workers);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);

  // Every input check happens before the database is created, so a bad spec writes nothing.
  const spec = loadSweepSpec(specPath);
  const fullPlan = planSweep(spec);
  const plan = shard === undefined ? fullPlan : shardPlan(fullPlan, shard);
  const dbName = shard === undefined ? `${spec.name}.sqlite` : `${spec.name}.shard-${shard.index}.sqlite`;
  const dbPath = options.db ?? resolve('results', dbName);
  process.stderr.write(`sweep ${spec.name}: ${plan.points.length} design points x ${plan.layers.length} layers = ${fullPlan.jobs.length} unique jobs; results in ${dbPath}\n`);
  if (shard !== undefined) process.stderr.write(`shard ${shard.index}/${shard.count}: ${plan.jobs.length} of the ${fullPlan.jobs.length} jobs\n`);

  const db = openStore(dbPath, { create: true });
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write('\nstopping: saving finished jobs (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  // Slurm sends SIGTERM at a job's time limit: save what is finished, as for Ctrl-C.
  process.on('SIGTERM', onSigint);

  try {
    const summary = await runSweep(plan, db, { workers, retryFailed: options.retryFailed, signal: controller.signal, progress: defaultReporter() });
    const reused = summary.reused > 0 ? `, ${summary.reused} reused from earlier runs` : '';
    process.stderr.write(`${summary.done} jobs done, ${summary.failed} failed${reused}, in ${summary.elapsedS.toFixed(1)} s\n`);
    if (summary.interrupted) {
      process.stderr.write(`interrupted: rerun the same command to resume\n`);
      interrupted = true;
      return EXIT_INTERRUPTED;
    }

    // A shard contains a part of the jobs, so its front would be partial; the merged database has the whole one.
    if (shard !== undefined) {
      const inputs = /shard-\d+\.sqlite$/.test(dbPath) ? dbPath.replace(/shard-\d+\.sqlite$/, 'shard-*.sqlite') : `${dbPath} OTHER-SHARD.sqlite...`;
      process.stderr.write(`merge the shards with: cosa results merge OUT.sqlite ${inputs}\n`);
      return 0;
    }

    const networks = sweepNetworks(db, summary.sweepId);
    const network = networks.length === 1 ? networks[0] : undefined;
    const front = paretoFront(db, summary.sweepId, ['latency', 'energy', 'area'], network);
    if (front.front.length === 0) {
      process.stdout.write(`no design point has results for every layer; \`cosa sweep status --db ${dbPath}\` lists the failure reasons\n`);
      return EXIT_FAILURE;
    }
    process.stdout.write(`${frontSummary(front, network)}\n${formatFrontTable(front, varyingParameters(db, summary.sweepId))}\n`);
    printReportPath(dbPath);
    printNextSteps(dbPath, networks);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    db.close();
    // Node took about 2 s (measured on 2 cores) to tear down worker threads stopped inside a
    // WebAssembly solve. Everything is saved by now, so exit at once.
    if (interrupted) process.exit(EXIT_INTERRUPTED);
  }
  return 0;
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
