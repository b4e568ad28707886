// Running a sweep plan: a piscina pool of worker threads solves the pending jobs while the main
// thread writes their results to the results database in batched transactions.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';

import { compiledPath } from '../compiled-path.js';
import { InputError } from '../input-error.js';
import { countOf } from '../plural.js';
import { failWhenBusy, lockedDatabaseError, retryWhileBusy } from '../store/busy.js';
import type { MapperName } from '../mappers/types.js';
import type { Db } from '../store/open.js';
import { NETWORK_RESULTS_REFRESH_MS } from '../store/run-in-progress.js';
import { shareSweepMappings, type ShareSummary } from '../store/share.js';
import { finishedJobKeys, registerSweep, sweepsSharingJobs, updateNetworkResults, updateNetworkResultsOfJobs } from '../store/write.js';
import type { SweepJob, SweepPlan } from './planner.js';
import type { ProgressReporter } from './progress.js';
import { FINAL_WRITE_WAIT_MS, ResultRecorder } from './recorder.js';
import type { JobResult, PingRequest } from './worker.js';

export interface RunOptions {
  /** Worker threads; one per core by default. */
  workers?: number;
  /** Solve jobs that failed in an earlier run again instead of keeping their failure. */
  retryFailed?: boolean;
  /** Solve again the done jobs whose search stopped at the time limit (mapper status time_limit). */
  retryTimeLimited?: boolean;
  /** Aborting it stops the run: running jobs are dropped, finished ones are saved. */
  signal?: AbortSignal;
  progress?: ProgressReporter;
  /** Path of the worker module; the compiled src/sweep/worker.js unless a test substitutes its own. */
  workerFile?: string;
  /** Results are written when this many are buffered, or after flushIntervalMs. */
  flushBatch?: number;
  flushIntervalMs?: number;
  /** Minimum time between two rebuilds of network_results during the run, in ms. */
  refreshIntervalMs?: number;
  /**
   * After the jobs, give each job the best mapping among its own and those of its neighbouring
   * design points (src/store/share.ts). Default true; a shard leaves it to the merge.
   */
  shareMappings?: boolean;
}

export interface RunSummary {
  sweepId: number;
  /** Worker threads started: the requested number, capped at the pending jobs. */
  workers: number;
  /** Unique jobs in the plan. */
  planned: number;
  /** Jobs with a result from an earlier run (or another sweep) that were not run again. */
  reused: number;
  done: number;
  failed: number;
  /** True when the run was stopped before every pending job finished. */
  interrupted: boolean;
  elapsedS: number;
  /** Time the threads took to start and load HiGHS, before the first job. */
  warmUpS: number;
  /** Time from the first job handed to the pool until the last result arrived. */
  jobsS: number;
  /** Sum over finished jobs of the time from handing a job to the pool until its result arrived. */
  roundTripS: number;
  /** Time the main thread spent writing results to the database. */
  writeS: number;
  /** Time the main thread spent rebuilding network_results during the run. */
  refreshS: number;
  /** The mapping exchange between neighbouring design points, unless skipped or interrupted. */
  shared?: ShareSummary;
  /** Failed jobs that were retries of done jobs and so kept their stored result. */
  keptAfterFailure: number;
}

/** Returns the path of the compiled sweep worker, which piscina loads. */
export function defaultWorkerFile(): string {
  return compiledPath(import.meta.url, 'src/sweep/worker.js');
}

class JobTimeout extends Error {}

/** Builds the error of a run whose last writes found the database locked for FINAL_WRITE_WAIT_MS. */
function unsavedError(dbPath: string, finished: number, unsaved: number): InputError {
  const waitS = FINAL_WRITE_WAIT_MS / 1000;
  if (unsaved === 0) {
    return lockedDatabaseError(dbPath, `rebuilding the network results (the sums that pareto, export and report read) after all ${countOf(finished, 'finished job')} of this run were saved`, waitS);
  }
  return new InputError(
    dbPath,
    'db',
    undefined,
    `another process held this database locked for ${waitS} s, so ${unsaved} of the ${countOf(finished, 'finished job')} of this run could not be saved; ` +
      'close the program that holds it, then rerun `cosa sweep run` to solve those jobs again',
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the worker's `ping` once per thread, so a worker module that fails to load (a missing build,
 * a broken import) stops the run with one error instead of being recorded as the failure of every
 * job, and each thread loads the solver before any job's timeout starts.
 */
async function prepareWorkers(pool: Piscina, workerFile: string, workers: number, mapper: MapperName | undefined, signal: AbortSignal | undefined): Promise<void> {
  const request: PingRequest = { mapper };
  try {
    // The signal ends the warm-up too, so a stop request while HiGHS loads takes effect at once.
    await Promise.all(Array.from({ length: workers }, () => pool.run(request, { name: 'ping', signal })));
  } catch (error) {
    if (signal?.aborted === true) return;
    throw new Error(`the sweep worker ${workerFile} failed to load: ${errorMessage(error)}; run \`npm run build\``);
  }
}

/** Runs every job of `plan` that has no result in `db` yet, and rebuilds the network results. */
export async function runSweep(plan: SweepPlan, db: Db, options: RunOptions = {}): Promise<RunSummary> {
  const startMs = Date.now();
  const workerFile = options.workerFile ?? defaultWorkerFile();
  if (!existsSync(workerFile)) throw new Error(`worker file ${workerFile} not found; run \`npm run build\` first`);

  const sweepId = failWhenBusy(db.name, 'recording the sweep plan', () => registerSweep(db, plan));
  const finished = finishedJobKeys(db, plan.jobs.map((job) => job.key), options);
  // Another sweep in this database that shares a job rewritten here needs its totals rebuilt too.
  const sharingSweeps = sweepsSharingJobs(db, sweepId);
  const rebuildNetworkResults = (ids: readonly number[]) => {
    db.transaction(() => {
      for (const id of ids) updateNetworkResults(db, id);
    })();
  };
  // A full rebuild first, so that readers during the run (export --layers, report) list every
  // design point with the jobs of earlier runs. The refreshes then update only touched points.
  failWhenBusy(db.name, 'rebuilding the network results', () => rebuildNetworkResults([sweepId]));
  const pending = plan.jobs.filter((job) => !finished.has(job.key));
  // More threads than jobs would only cost memory (about 14 MB each) and start-up time.
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), pending.length));

  const recorder = new ResultRecorder(db, pending.length, {
    progress: options.progress,
    describe: jobDescriber(plan),
    flushBatch: options.flushBatch ?? 64,
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    dbPath: db.name,
    // pareto, export and report read network_results, so they see the jobs of a running sweep
    // as of the last refresh.
    refresh: (jobKeys) => updateNetworkResultsOfJobs(db, jobKeys),
    refreshIntervalMs: options.refreshIntervalMs ?? NETWORK_RESULTS_REFRESH_MS,
  });

  const pool = new Piscina<SweepJob, JobResult>({ filename: workerFile, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
  // Piscina reports an error of a thread that has no task (one that failed while starting) here,
  // not through a job. The ping below has shown that the worker loads, so the sweep goes on and
  // piscina replaces the thread. NOTE: seen once in tests on Node 20.19, as "Unexpected status of
  // a module that is imported again after being required", when a replacement thread started.
  pool.on('error', (error: unknown) => {
    options.progress?.log(`worker thread error, the sweep goes on: ${errorMessage(error)}`);
  });

  let interrupted = false;
  let started = false;
  let unsaved = 0;
  let networkResultsStale = false;
  const warmUpStart = performance.now();
  let jobsStart = warmUpStart;
  let jobsEnd = warmUpStart;
  try {
    await prepareWorkers(pool, workerFile, workers, pending.length > 0 ? plan.spec.mapper.name : undefined, options.signal);
    options.progress?.start(recorder.counts);
    started = true;
    jobsStart = performance.now();
    interrupted = await dispatch(pool, pending, workers, plan.spec.jobTimeoutS, (result, roundTripS) => recorder.record(result, roundTripS), options.signal);
    jobsEnd = performance.now();
  } finally {
    unsaved = await recorder.close();
    // destroy() terminates threads still inside a solve, so an interrupted run stops at once.
    await pool.destroy();
    const rewritten = recorder.counts.done + recorder.counts.failed > 0;
    // When the last write already waited out the lock, a second wait would only double the time.
    const rebuilt =
      unsaved > 0
        ? { done: false }
        : await retryWhileBusy(db, () => rebuildNetworkResults(rewritten ? sharingSweeps : [sweepId]), {
            waitMs: FINAL_WRITE_WAIT_MS,
            onFirstBusy: () => options.progress?.log(`another process holds ${db.name} locked; waiting up to ${FINAL_WRITE_WAIT_MS / 1000} s to rebuild the network results`),
          });
    networkResultsStale = !rebuilt.done;
    if (started) options.progress?.stop(recorder.counts);
  }
  if (unsaved > 0 || networkResultsStale) throw unsavedError(db.name, recorder.counts.done + recorder.counts.failed, unsaved);

  let shared: ShareSummary | undefined;
  if (!interrupted && options.shareMappings !== false && plan.points.length > 1) {
    options.progress?.log('sharing mappings between neighbouring design points');
    shared = await shareSweepMappings(db, sweepId, options.signal);
    interrupted = options.signal?.aborted === true;
  }

  const { done, failed } = recorder.counts;
  return { sweepId, workers, planned: plan.jobs.length, reused: finished.size, done, failed, interrupted, elapsedS: (Date.now() - startMs) / 1000, warmUpS: (jobsStart - warmUpStart) / 1000, jobsS: (jobsEnd - jobsStart) / 1000, ...recorder.timing, shared, keptAfterFailure: recorder.keptAfterFailure };
}

/**
 * Keeps at most `workers` jobs in flight, so each job's timeout starts when a thread takes it.
 * Resolves true when `signal` stopped the run before every job finished.
 */
function dispatch(
  pool: Piscina<SweepJob, JobResult>,
  jobs: SweepJob[],
  workers: number,
  timeoutS: number,
  record: (result: JobResult, roundTripS: number) => void,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  return new Promise((resolveRun) => {
    const running = new Map<string, AbortController>();
    let next = 0;
    let stopped = signal?.aborted ?? false;
    let dropped = 0;

    const stop = () => {
      stopped = true;
      for (const controller of running.values()) controller.abort();
      settle();
    };
    const settle = () => {
      if (running.size > 0) return;
      signal?.removeEventListener('abort', stop);
      resolveRun(next < jobs.length || dropped > 0);
    };

    const launch = () => {
      while (!stopped && running.size < workers && next < jobs.length) start(jobs[next++]);
      if (running.size === 0 && (stopped || next >= jobs.length)) settle();
    };

    const start = (job: SweepJob) => {
      const controller = new AbortController();
      running.set(job.key, controller);
      const timer = setTimeout(() => controller.abort(new JobTimeout()), timeoutS * 1000);
      const start = performance.now();
      const elapsed = () => (performance.now() - start) / 1000;

      pool
        .run(job, { signal: controller.signal })
        .then(
          (result) => record(result, elapsed()),
          (error: unknown) => {
            // A job dropped by a stop request has no result; it stays pending for the next run.
            if (stopped && !(controller.signal.reason instanceof JobTimeout)) {
              dropped++;
              return;
            }
            const reason =
              controller.signal.reason instanceof JobTimeout
                ? `timed out after ${timeoutS} s (job_timeout_s); its worker thread was terminated`
                : `worker error: ${errorMessage(error)}`;
            record({ key: job.key, status: 'failed', reason }, elapsed());
          },
        )
        .finally(() => {
          clearTimeout(timer);
          running.delete(job.key);
          launch();
        });
    };

    signal?.addEventListener('abort', stop);
    launch();
  });
}

/** Describes a job for log lines: the grid values of its first design point and its layer shape. */
function jobDescriber(plan: SweepPlan): (key: string) => string {
  const firstUse = new Map<string, { pointIndex: number; layerKey: string }>();
  for (const entry of plan.pointJobs) {
    if (!firstUse.has(entry.jobKey)) firstUse.set(entry.jobKey, entry);
  }
  const gridKeys = plan.spec.grid.map((axis) => axis.key);

  return (key) => {
    const use = firstUse.get(key);
    if (use === undefined) return `job ${key.slice(0, 12)}`;
    const parameters = plan.points[use.pointIndex].parameters;
    const values = gridKeys.map((name) => `${name}=${parameters[name]}`).join(' ');
    return `job ${key.slice(0, 12)} (design point ${use.pointIndex}${values === '' ? '' : ` ${values}`}, layer ${use.layerKey})`;
  };
}
