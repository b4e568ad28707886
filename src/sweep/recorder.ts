// The main thread's side of finished jobs: counting, logging failures, and writing results to the
// database in batched transactions.
import { performance } from 'node:perf_hooks';

import type { Db } from '../store/open.js';
import { jobResultWriter } from '../store/write.js';
import type { ProgressCounts, ProgressReporter } from './progress.js';
import type { JobResult } from './worker.js';

/** How many jobs of each failure reason are logged one by one. */
const FAILURES_LOGGED_PER_REASON = 3;

export interface RecorderOptions {
  progress?: ProgressReporter;
  /** Describes a job by its key for log lines. */
  describe: (key: string) => string;
  /** Results are written when this many are buffered, or after flushIntervalMs. */
  flushBatch: number;
  flushIntervalMs: number;
}

export class ResultRecorder {
  readonly counts: ProgressCounts;
  /** Sum of the pool round trips of the recorded jobs, and time spent writing, in seconds. */
  readonly timing = { roundTripS: 0, writeS: 0 };
  private readonly buffer: JobResult[] = [];
  private readonly failuresByReason = new Map<string, number>();
  private readonly write: (results: readonly JobResult[]) => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    db: Db,
    total: number,
    private readonly options: RecorderOptions,
  ) {
    this.counts = { total, done: 0, failed: 0 };
    this.write = jobResultWriter(db);
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs);
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

  flush(): void {
    if (this.buffer.length === 0) return;
    const start = performance.now();
    this.write(this.buffer.splice(0));
    this.timing.writeS += (performance.now() - start) / 1000;
  }

  /** Stops the periodic flush and writes what is left. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }

  /** Logs each reason for its first few jobs only; `cosa sweep status` counts them all. */
  private logFailure(result: JobResult): void {
    const reason = result.reason ?? 'no reason given';
    const seen = (this.failuresByReason.get(reason) ?? 0) + 1;
    this.failuresByReason.set(reason, seen);
    if (seen <= FAILURES_LOGGED_PER_REASON) this.options.progress?.log(`job failed: ${this.options.describe(result.key)}: ${reason}`);
    if (seen === FAILURES_LOGGED_PER_REASON + 1) this.options.progress?.log(`more jobs failed with the reason "${reason}"; \`cosa sweep status\` counts them`);
  }
}
