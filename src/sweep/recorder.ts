// The main thread's side of finished jobs: counting, logging failures, and writing results to the
// database in batched transactions. A database that another process keeps locked delays the
// writes, and the results wait in memory, so a lock never stops the run.
import { performance } from 'node:perf_hooks';

import { isBusyError, retryWhileBusy, withBusyTimeout } from '../store/busy.js';
import type { Db } from '../store/open.js';
import { jobResultWriter } from '../store/write.js';
import { reasonPattern } from './failure-reasons.js';
import type { ProgressCounts, ProgressReporter } from './progress.js';
import type { JobResult } from './worker.js';
import { countOf } from '../plural.js';

/** How many failed jobs are logged in full; after them, only the first job of each new kind of reason. */
const FAILURES_LOGGED_IN_FULL = 5;

/**
 * How long one write during the run waits for another process's lock, in ms: the main thread
 * hands out jobs, so it must not block long. While the database stays locked, each retry waits
 * only LOCKED_ATTEMPT_TIMEOUT_MS.
 */
const RUN_WRITE_TIMEOUT_MS = 1000;
const LOCKED_ATTEMPT_TIMEOUT_MS = 100;
/** Time between write attempts while the database is locked, in ms. */
const LOCKED_RETRY_INTERVAL_MS = 5000;
/** Minimum time between two warnings about the same lock, in ms. */
const LOCKED_WARNING_INTERVAL_MS = 60_000;
/** How long the last write, when the run ends or stops, keeps trying a locked database, in ms. */
export const FINAL_WRITE_WAIT_MS = 60_000;

export interface RecorderOptions {
  progress?: ProgressReporter;
  /** Describes a job by its key for log lines. */
  describe: (key: string) => string;
  /** Results are written when this many are buffered, or after flushIntervalMs. */
  flushBatch: number;
  flushIntervalMs: number;
  /** Path of the database, for the warnings about a lock. */
  dbPath: string;
  /**
   * Rebuilds what queries read (network_results) from the jobs `jobKeys`, which were written since
   * the last refresh. It runs after a write, at most once per refreshIntervalMs. A refresh that
   * finds the database locked is tried again at the next one, with the same keys and the new ones.
   */
  refresh?: (jobKeys: readonly string[]) => void;
  refreshIntervalMs?: number;
  /** How long close() keeps trying a locked database, in ms; FINAL_WRITE_WAIT_MS by default. */
  finalWaitMs?: number;
}

export class ResultRecorder {
  readonly counts: ProgressCounts;
  /** Sum of the pool round trips of the recorded jobs, time spent writing and refreshing network_results, in seconds. */
  readonly timing = { roundTripS: 0, writeS: 0, refreshS: 0 };
  /** Failed retries of done jobs, which kept their stored result. */
  keptAfterFailure = 0;
  private readonly buffer: JobResult[] = [];
  /** Kinds of failure reason seen so far (reasons with their numbers replaced by reasonPattern). */
  private readonly failurePatterns = new Set<string>();
  /** Failed jobs that got no log line of their own. */
  private failuresNotLogged = 0;
  private readonly write: (results: readonly JobResult[]) => number;
  private readonly timer: NodeJS.Timeout;
  /** Date.now() at the first failed write of the current lock; undefined while writes succeed. */
  private lockedSinceMs: number | undefined;
  /** No write is tried before this Date.now() time. */
  private retryAtMs = 0;
  private lastLockWarningMs = -Infinity;
  private lastRefreshMs = Date.now();
  /** Keys of the jobs written since the last refresh. */
  private readonly unrefreshed = new Set<string>();

  constructor(
    private readonly db: Db,
    total: number,
    private readonly options: RecorderOptions,
  ) {
    this.counts = { total, done: 0, failed: 0 };
    this.write = jobResultWriter(db);
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs);
  }

  /** Finished results not written to the database yet. */
  get unsaved(): number {
    return this.buffer.length;
  }

  record(result: JobResult, roundTripS: number): void {
    this.timing.roundTripS += roundTripS;
    this.buffer.push(result);
    if (result.status === 'done') {
      this.counts.done++;
    } else {
      this.counts.failed++;
      this.logFailure(result);
    }
    if (this.buffer.length >= this.options.flushBatch) this.flush();
    this.options.progress?.update(this.counts);
  }

  /**
   * Writes the buffered results, unless an earlier write found the database locked less than
   * LOCKED_RETRY_INTERVAL_MS ago. A locked database keeps the results in the buffer.
   */
  flush(): void {
    if (this.buffer.length === 0 || Date.now() < this.retryAtMs) return;
    const timeoutMs = this.lockedSinceMs === undefined ? RUN_WRITE_TIMEOUT_MS : LOCKED_ATTEMPT_TIMEOUT_MS;
    try {
      withBusyTimeout(this.db, timeoutMs, () => this.writeBuffer());
    } catch (error) {
      if (!isBusyError(error)) throw error;
      this.noteLocked();
      return;
    }
    this.noteWritable();
    this.refreshIfDue();
  }

  /**
   * Stops the periodic flush, writes what is left, waiting up to FINAL_WRITE_WAIT_MS for a locked
   * database, and logs how many failed jobs were not listed. Returns how many finished results
   * could not be written.
   */
  async close(): Promise<number> {
    clearInterval(this.timer);
    if (this.buffer.length > 0) {
      const waitMs = this.options.finalWaitMs ?? FINAL_WRITE_WAIT_MS;
      const waitS = waitMs / 1000;
      const onFirstBusy = () => this.options.progress?.log(`another process holds ${this.options.dbPath} locked; waiting up to ${waitS} s to save ${countOf(this.buffer.length, 'finished result')}`);
      await retryWhileBusy(this.db, () => this.writeBuffer(), { waitMs, onFirstBusy });
    }
    if (this.failuresNotLogged > 0) {
      this.options.progress?.log(`${countOf(this.failuresNotLogged, 'more failed job')} not listed, each with a reason of a kind listed above`);
    }
    return this.buffer.length;
  }

  /** Writes the whole buffer in one transaction and empties it only when the transaction commits. */
  private writeBuffer(): void {
    const start = performance.now();
    const batch = this.buffer.slice();
    try {
      this.keptAfterFailure += this.write(batch);
      this.buffer.splice(0, batch.length);
      if (this.options.refresh !== undefined) for (const result of batch) this.unrefreshed.add(result.key);
    } finally {
      this.timing.writeS += (performance.now() - start) / 1000;
    }
  }

  private noteLocked(): void {
    const now = Date.now();
    this.lockedSinceMs ??= now;
    this.retryAtMs = now + LOCKED_RETRY_INTERVAL_MS;
    if (now - this.lastLockWarningMs < LOCKED_WARNING_INTERVAL_MS) return;
    this.lastLockWarningMs = now;
    this.options.progress?.log(
      `warning: another process holds ${this.options.dbPath} locked; ${countOf(this.buffer.length, 'finished result')} wait in memory, ` +
        `and the write is retried every ${LOCKED_RETRY_INTERVAL_MS / 1000} s while the sweep goes on`,
    );
  }

  private noteWritable(): void {
    if (this.lockedSinceMs === undefined) return;
    const lockedS = Math.round((Date.now() - this.lockedSinceMs) / 1000);
    this.lockedSinceMs = undefined;
    this.options.progress?.log(`${this.options.dbPath} is writable again after about ${lockedS} s; the results that waited in memory are saved`);
  }

  private refreshIfDue(): void {
    const { refresh, refreshIntervalMs } = this.options;
    if (refresh === undefined || refreshIntervalMs === undefined || Date.now() - this.lastRefreshMs < refreshIntervalMs) return;
    this.lastRefreshMs = Date.now();
    const start = performance.now();
    try {
      withBusyTimeout(this.db, LOCKED_ATTEMPT_TIMEOUT_MS, () => refresh([...this.unrefreshed]));
      this.unrefreshed.clear();
    } catch (error) {
      // The jobs are saved; the sums catch up at the next refresh or at the end of the run.
      if (!isBusyError(error)) throw error;
    } finally {
      this.timing.refreshS += (performance.now() - start) / 1000;
    }
  }

  /**
   * Logs the first few failed jobs in full, then only the first job of each new kind of reason,
   * so that a large sweep whose jobs fail alike does not flood the output.
   */
  private logFailure(result: JobResult): void {
    const reason = result.reason ?? 'no reason given';
    const pattern = reasonPattern(reason);
    const newKind = !this.failurePatterns.has(pattern);
    this.failurePatterns.add(pattern);

    if (this.counts.failed <= FAILURES_LOGGED_IN_FULL) {
      this.options.progress?.log(`job failed: ${this.options.describe(result.key)}: ${reason}`);
      return;
    }
    if (newKind) {
      this.options.progress?.log(`job failed with a new kind of reason: ${this.options.describe(result.key)}: ${reason}`);
      return;
    }
    if (this.failuresNotLogged === 0) this.options.progress?.log('further failed jobs are listed only when their reason is of a new kind; the others are counted at the end of the run');
    this.failuresNotLogged++;
  }
}
