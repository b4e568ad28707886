// Progress of a sweep run: a cli-progress bar on a terminal, plain log lines otherwise.
import cliProgress from 'cli-progress';
import { countOf } from '../plural.js';

export interface ProgressCounts {
  /** Jobs this run has to solve (finished jobs from earlier runs excluded). */
  total: number;
  done: number;
  failed: number;
}

export interface ProgressReporter {
  start(counts: ProgressCounts): void;
  update(counts: ProgressCounts): void;
  /** A message that must not be lost behind the bar, such as a failed job. */
  log(line: string): void;
  stop(counts: ProgressCounts): void;
}

function rate(counts: ProgressCounts, startMs: number): number {
  const seconds = (Date.now() - startMs) / 1000;
  return seconds > 0 ? (counts.done + counts.failed) / seconds : 0;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** Creates a reporter that draws a bar on `stream` with jobs finished, failed, jobs per second and the estimated time left. */
export function barReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      // cli-progress 3.12 fills its own {eta} (whole seconds, no unit) over a payload field of that name.
      format: '{bar} {value}/{total} jobs | failed {failed} | {rate} jobs/s | ETA {timeLeft}',
      hideCursor: true,
      barsize: 30,
      clearOnComplete: false,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let startMs = Date.now();
  // The multibar prints logged lines only when it redraws: not before start, nor after stop.
  let stopped = false;

  const payload = (counts: ProgressCounts) => {
    const jobsPerSecond = rate(counts, startMs);
    const left = counts.total - counts.done - counts.failed;
    return { failed: counts.failed, rate: jobsPerSecond.toFixed(2), timeLeft: left === 0 ? '0s' : formatDuration(left / jobsPerSecond) };
  };

  return {
    start(counts) {
      startMs = Date.now();
      bar = multibar.create(counts.total, 0, payload(counts));
    },
    update(counts) {
      bar?.update(counts.done + counts.failed, payload(counts));
    },
    log(line) {
      if (bar === undefined || stopped) stream.write(`${line}\n`);
      else multibar.log(`${line}\n`);
    },
    stop(counts) {
      bar?.update(counts.done + counts.failed, payload(counts));
      multibar.stop();
      stopped = true;
    },
  };
}

/** Creates a reporter that writes one line at most every `intervalS` seconds, for logs and pipes. */
export function lineReporter(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), intervalS = 10): ProgressReporter {
  let startMs = Date.now();
  let lastMs = 0;
  /** Jobs finished and failed at the last progress line, so that stop() does not repeat it. */
  let printed = { done: -1, failed: -1 };
  const line = (counts: ProgressCounts) => {
    const finished = counts.done + counts.failed;
    const jobsPerSecond = rate(counts, startMs);
    const left = (counts.total - finished) / jobsPerSecond;
    return `${finished}/${counts.total} jobs, ${counts.failed} failed, ${jobsPerSecond.toFixed(2)} jobs/s, ETA ${finished === counts.total ? '0s' : formatDuration(left)}`;
  };

  return {
    start(counts) {
      startMs = Date.now();
      lastMs = startMs;
      write(`started: ${countOf(counts.total, 'job')} to run`);
    },
    update(counts) {
      if (Date.now() - lastMs < intervalS * 1000) return;
      lastMs = Date.now();
      printed = { done: counts.done, failed: counts.failed };
      write(line(counts));
    },
    log: write,
    stop(counts) {
      // The last update may already have printed the final counts.
      if (counts.done !== printed.done || counts.failed !== printed.failed) write(line(counts));
    },
  };
}

/** Chooses a bar when `stream` is a terminal and plain lines otherwise. */
export function defaultReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter();
}
