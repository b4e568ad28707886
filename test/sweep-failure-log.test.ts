// How a sweep reports failed jobs and progress. Reasons that differ only in their numbers are one
// kind: the run logs a few failures and then new kinds only, and `cosa sweep status` lists one
// example per kind. The CLI test needs a build first (`npx tsc -p .`).
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { openStore } from '../src/store/open.js';
import { jobResultWriter, registerSweep, updateNetworkResults } from '../src/store/write.js';
import { groupReasons, reasonPattern } from '../src/sweep/failure-reasons.js';
import { planSweep } from '../src/sweep/planner.js';
import { barReporter, lineReporter, type ProgressReporter } from '../src/sweep/progress.js';
import { ResultRecorder } from '../src/sweep/recorder.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { makeSweepFixture, runCli } from './sweep-helpers.js';

const TOO_LARGE = (placements: number) => `map space too large for the exhaustive mapper: ${placements} factor placements, above its limit of 200000; use the cosa or random mapper`;

describe('reasonPattern', () => {
  it.each([
    [TOO_LARGE(10269727973505), 'map space too large for the exhaustive mapper: N factor placements, above its limit of N; use the cosa or random mapper'],
    ['timed out after 2.5 s (job_timeout_s)', 'timed out after N s (job_timeout_s)'],
    ['gap 1.5e-7 above 1e+3 and .25', 'gap N above N and N'],
    ['layer conv3x3 of resnet50 at R3_S3', 'layer conv3x3 of resnet50 at R3_S3'],
  ])('turns %j into its pattern', (reason, pattern) => {
    expect(reasonPattern(reason)).toBe(pattern);
  });
});

describe('groupReasons', () => {
  it('sums reasons that differ in numbers', () => {
    const groups = groupReasons([
      { reason: 'injected failure', jobs: 3 },
      { reason: TOO_LARGE(5), jobs: 1 },
      { reason: TOO_LARGE(7), jobs: 2 },
      { reason: TOO_LARGE(9), jobs: 1 },
    ]);
    expect(groups).toHaveLength(2);
    expect(groups[0].jobs).toBe(4);
    expect(groups[0].example).toBe(TOO_LARGE(7));
    expect(groups[1]).toEqual({ pattern: 'injected failure', example: 'injected failure', jobs: 3 });
  });
});

/** Registers the fixture's sweep in a new database, whose job keys the tests record results for. */
function registeredSweep(dir: string, specPath: string) {
  const plan = planSweep(loadSweepSpec(specPath));
  const dbPath = join(dir, 'results.sqlite');
  const db = openStore(dbPath, { create: true });
  const sweepId = registerSweep(db, plan);
  return { plan, db, dbPath, sweepId };
}

function capturingReporter(): ProgressReporter & { lines: string[] } {
  const lines: string[] = [];
  return { lines, start() {}, update() {}, log: (line) => lines.push(line), stop() {} };
}

describe('ResultRecorder failure log', () => {
  it('lists 5 in full, then new kinds, then a count', async () => {
    const fixture = makeSweepFixture('    pes: [1, 2, 4]\n    global_buffer_kib: [8, 16]\n');
    const { plan, db } = registeredSweep(fixture.dir, fixture.specPath);
    const progress = capturingReporter();
    const recorder = new ResultRecorder(db, plan.jobs.length, { progress, describe: (key) => `job ${key.slice(0, 6)}`, flushBatch: 64, flushIntervalMs: 60_000, dbPath: db.name });
    try {
      // 9 jobs fail with placement counts, then one with a new kind of reason, then 2 more counts.
      const reasons = [...Array.from({ length: 9 }, (_, index) => TOO_LARGE(1000 + index)), 'injected failure', TOO_LARGE(1), TOO_LARGE(2)];
      expect(plan.jobs.length).toBeGreaterThanOrEqual(reasons.length);
      reasons.forEach((reason, index) => recorder.record({ key: plan.jobs[index].key, status: 'failed', reason }, 0));
    } finally {
      await recorder.close();
      db.close();
    }

    const inFull = progress.lines.filter((line) => line.startsWith('job failed: '));
    expect(inFull).toHaveLength(5);
    expect(inFull[4]).toContain(TOO_LARGE(1004));
    const newKinds = progress.lines.filter((line) => line.startsWith('job failed with a new kind of reason: '));
    expect(newKinds).toHaveLength(1);
    expect(newKinds[0]).toContain('injected failure');
    expect(progress.lines.filter((line) => line.startsWith('further failed jobs are listed only'))).toHaveLength(1);
    // 12 failures: 5 in full, 1 of a new kind, 6 counted.
    expect(progress.lines.at(-1)).toBe('6 more failed jobs not listed, each with a reason of a kind listed above');
    expect(progress.lines).toHaveLength(8);
  });
});

describe('sweep status failure reasons', () => {
  it('groups reasons by kind with one example', async () => {
    const fixture = makeSweepFixture('    pes: [1, 2, 4]\n    global_buffer_kib: [8, 16]\n');
    const { plan, db, dbPath, sweepId } = registeredSweep(fixture.dir, fixture.specPath);
    try {
      // Seven kinds: more than the 5 listed. The placement counts make 8 distinct reasons of one kind.
      const reasons = [...Array.from({ length: 8 }, (_, index) => TOO_LARGE(10269727973505 + index)), 'a', 'b', 'c', 'd', 'e', 'f'];
      expect(plan.jobs.length).toBeGreaterThanOrEqual(reasons.length);
      jobResultWriter(db)(reasons.map((reason, index) => ({ key: plan.jobs[index].key, status: 'failed' as const, reason })));
      updateNetworkResults(db, sweepId);
    } finally {
      db.close();
    }

    const status = await runCli(['sweep', 'status', '--db', dbPath], fixture.dir);
    expect(status.status, status.stderr).toBe(0);
    const lines = status.stdout.split('\n');
    const first = lines.findIndex((line) => line.startsWith('failure reasons'));
    expect(lines[first + 1]).toBe(`  8 x ${TOO_LARGE(10269727973505)}`);
    expect(lines[first + 2]).toBe('  1 x a');
    expect(lines[first + 6]).toBe(`  ... and 2 other kinds of reason (2 jobs); \`cosa export --db ${dbPath} --csv --layers\` lists every reason`);
  });
});

describe('progress reporters', () => {
  it('print the final line once', () => {
    const lines: string[] = [];
    const reporter = lineReporter((line) => lines.push(line), 0);
    reporter.start({ total: 1, done: 0, failed: 0 });
    reporter.update({ total: 1, done: 1, failed: 0 });
    reporter.stop({ total: 1, done: 1, failed: 0 });
    expect(lines[0]).toBe('started: 1 job to run');
    expect(lines.filter((line) => line.startsWith('1/1 jobs'))).toHaveLength(1);
    expect(lines).toHaveLength(2);
  });

  it('print the last counts at stop', () => {
    const lines: string[] = [];
    const reporter = lineReporter((line) => lines.push(line), 3600);
    reporter.start({ total: 2, done: 0, failed: 0 });
    reporter.update({ total: 2, done: 1, failed: 0 });
    reporter.stop({ total: 2, done: 1, failed: 1 });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^2\/2 jobs, 1 failed, .* ETA 0s$/);
  });

  it('show the bar ETA with a unit', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200 }) as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk) => (text += String(chunk)));
    const reporter = barReporter(stream);
    reporter.start({ total: 4, done: 0, failed: 0 });
    reporter.update({ total: 4, done: 1, failed: 0 });
    reporter.stop({ total: 4, done: 2, failed: 0 });
    // Stopped with 2 jobs left, the estimate is a duration such as 3s or 1m06s, never a bare number.
    expect(text).toMatch(/2\/4 jobs \| failed 0 \| [\d.]+ jobs\/s \| ETA (\d+[hms][\dms]*|\?)/);
    expect(text).not.toMatch(/ETA \d+(\s|\x1b|$)/);
  });
});
