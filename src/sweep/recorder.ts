// The main thread's side of finished jobs: counting, logging failures, and writing results to the
// database in batched transactions.
import { performance } from 'node:perf_hooks';

import type { Db } from '../store/open.js';
import { jobResultWriter } from '../store/write.js';
import { reasonPattern } from './failure-reasons.js';
import type { ProgressCounts, ProgressReporter } from './progress.js';
import type { JobResult } from './worker.js';
import { countOf } from '../plural.js';

/** How many failed jobs are logged in full; after them, only the first job of each new kind of reason. */
const FAILURES_LOGGED_IN_FULL = 5;

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
  /** Failed retries of done jobs, which kept their stored result. */
  keptAfterFailure = 0;
  private readonly buffer: JobResult[] = [];
  /** Kinds of failure reason seen so far (reasons with their numbers replaced by reasonPattern). */
  private readonly failurePatterns = new Set<string>();
  /** Failed jobs that got no log line of their own. */
  private failuresNotLogged = 0;
  private readonly write: (results: readonly JobResult[]) => number;
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
    this.keptAfterFailure += this.write(this.buffer.splice(0));
    this.timing.writeS += (performance.now() - start) / 1000;
  }

  /** Stops the periodic flush, writes what is left and logs how many failed jobs were not listed. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
    if (this.failuresNotLogged > 0) {
      this.options.progress?.log(`${countOf(this.failuresNotLogged, 'more failed job')} not listed, each with a reason of a kind listed above`);
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
