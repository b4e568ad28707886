// Failing jobs: thrown errors, crashed worker threads, timeouts and infeasible design points are
// stored as failed with their reason, and the rest of the sweep finishes.
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { openStore } from '../src/store/open.js';
import { sweepJobCounts, tallySweepJobs } from '../src/store/job-tally.js';
import { designPointResults, layerResults, paretoFront } from '../src/store/queries.js';
import { planSweep } from '../src/sweep/planner.js';
import { runSweep } from '../src/sweep/runner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { makeSweepFixture, REPO, runCli } from './sweep-helpers.js';
import { CASES_DIR, HAVE_REFERENCE } from './reference.js';

const FAULTY_WORKER = resolve(REPO, 'test/sweep-fixtures/faulty-worker.mjs');

afterEach(() => {
  delete process.env.COSA_TEST_FAULTS;
});

describe('sweep failures', () => {
  it('records thrown, crashed and timed-out jobs and finishes the rest', async () => {
    // With 8 s, one more job timed out while the whole suite loaded both cores. The timeout also
    // covers HiGHS loading in the thread that replaces a crashed one, the likely cause.
    const fixture = makeSweepFixture('    pes: [1, 2]\n', 'job_timeout_s: 20\n', 4);
    const plan = planSweep(loadSweepSpec(fixture.specPath));
    const keyOf = (name: string) => plan.layers.find((layer) => layer.name === name)!.layerKey;
    process.env.COSA_TEST_FAULTS = JSON.stringify({ throw: [keyOf('fc')], exit: [keyOf('conv1x1')], hang: [keyOf('down')] });

    const db = openStore(join(fixture.dir, 'results.sqlite'), { create: true });
    try {
      const summary = await runSweep(plan, db, { workers: 2, workerFile: FAULTY_WORKER });
      const point = designPointResults(db, summary.sweepId, 'tiny')[0];
      const reasons = new Map(layerResults(db, point.designPointId).map((layer) => [layer.name, layer]));
      expect(reasons.get('conv3x3')?.status).toBe('done');
      expect(reasons.get('fc')?.status).toBe('failed');
      expect(reasons.get('fc')?.reason).toContain('injected failure');
      expect(reasons.get('conv1x1')?.status).toBe('failed');
      expect(reasons.get('conv1x1')?.reason).toMatch(/^worker error: .*exit/i);
      expect(reasons.get('down')?.status).toBe('failed');
      expect(reasons.get('down')?.reason).toContain('timed out after 20 s');

      expect(summary.failed).toBe(6);
      expect(summary.done).toBe(2);
      expect(sweepJobCounts(db, summary.sweepId)).toEqual({ total: 8, done: 2, failed: 6, pending: 0, timeLimited: 0 });
      expect(tallySweepJobs(db, summary.sweepId).failureReasons.length).toBe(3);
      expect(point.complete).toBe(false);
      expect(point.failedLayers).toBe(3);
      expect(point.latencyCycles).toBeNull();
      expect(paretoFront(db, summary.sweepId, ['latency', 'energy'], 'tiny')).toMatchObject({ front: [], incomplete: 2 });
    } finally {
      db.close();
    }
  });

  it('retries failed jobs only when asked', async () => {
    const fixture = makeSweepFixture('    pes: [2]\n');
    const plan = planSweep(loadSweepSpec(fixture.specPath));
    process.env.COSA_TEST_FAULTS = JSON.stringify({ throw: [plan.layers.find((layer) => layer.name === 'fc')!.layerKey] });

    const db = openStore(join(fixture.dir, 'results.sqlite'), { create: true });
    try {
      expect(await runSweep(plan, db, { workers: 1, workerFile: FAULTY_WORKER })).toMatchObject({ done: 3, failed: 1 });
      delete process.env.COSA_TEST_FAULTS;
      expect(await runSweep(plan, db, { workers: 1 })).toMatchObject({ done: 0, failed: 0, reused: 4 });

      const retried = await runSweep(plan, db, { workers: 1, retryFailed: true });
      expect(retried).toMatchObject({ done: 1, failed: 0, reused: 3 });
      expect(designPointResults(db, retried.sweepId, 'tiny')[0].complete).toBe(true);
    } finally {
      db.close();
    }
  });

  it('keeps failures across a job timeout change and names --retry-failed', async () => {
    // The exhaustive mapper rejects every layer of this design at once, so each job fails fast.
    const fixture = makeSweepFixture('    pes: [1]\n', 'job_timeout_s: 40\n');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const text = readFileSync(fixture.specPath, 'utf8').replace(/mapper: \{.*\}/, 'mapper: {name: exhaustive, time_limit_s: 10}');
    writeFileSync(fixture.specPath, text);
    const args = ['sweep', 'run', fixture.specPath, '--db', join(fixture.dir, 'results.sqlite'), '--workers', '1'];

    const first = await runCli(args, fixture.dir);
    expect(first.status, first.stderr).toBe(1);
    expect(first.stderr).not.toContain('keep their failure');

    // job_timeout_s changes no result, so the edited spec is the same sweep.
    writeFileSync(fixture.specPath, text.replace('job_timeout_s: 40', 'job_timeout_s: 60'));
    const second = await runCli(args, fixture.dir);
    expect(second.status, second.stderr).toBe(1);
    expect(second.stderr).toContain('0 jobs done, 0 failed, 4 reused from earlier runs');
    expect(second.stderr).toContain('4 jobs keep their failure from an earlier run; add --retry-failed to solve them again');
    expect(second.stderr).not.toContain('since this sweep\'s last run');

    // An edited problem file changes a layer shape under the same spec.
    const fcPath = join(fixture.dir, 'tiny', 'fc.yaml');
    writeFileSync(fcPath, readFileSync(fcPath, 'utf8').replace('C: 64', 'C: 128'));
    const third = await runCli(args, fixture.dir);
    expect(third.stderr).toContain("note: since this sweep's last run, 1 layer shape is new (an edited network folder), so their jobs are solved again");
  });

  it('records a too large exhaustive space as a failed job', async () => {
    const fixture = makeSweepFixture('    pes: [1]\n');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const text = readFileSync(fixture.specPath, 'utf8');
    writeFileSync(fixture.specPath, text.replace(/mapper: \{.*\}/, 'mapper: {name: exhaustive, time_limit_s: 10}'));
    const plan = planSweep(loadSweepSpec(fixture.specPath));
    expect(plan.spec.mapper.name).toBe('exhaustive');

    const db = openStore(join(fixture.dir, 'results.sqlite'), { create: true });
    try {
      const summary = await runSweep(plan, db, { workers: 1 });
      expect(summary).toMatchObject({ done: 0, failed: 4 });
      const point = designPointResults(db, summary.sweepId, 'tiny')[0];
      for (const layer of layerResults(db, point.designPointId)) {
        expect(layer.status).toBe('failed');
        expect(layer.reason).toMatch(/^map space too large for the exhaustive mapper: \d+ factor placements, above its limit of 200000/);
      }
    } finally {
      db.close();
    }
  });

  it('writes the report and exits 1 when no point is complete', async () => {
    const fixture = makeSweepFixture('    pes: [1]\n');
    const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
    const text = readFileSync(fixture.specPath, 'utf8');
    writeFileSync(fixture.specPath, text.replace(/mapper: \{.*\}/, 'mapper: {name: exhaustive, time_limit_s: 10}'));
    const dbPath = join(fixture.dir, 'results.sqlite');

    const result = await runCli(['sweep', 'run', fixture.specPath, '--db', dbPath, '--workers', '1'], fixture.dir);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sweep tiny-sweep: 1 design point x 4 layers = 4 unique jobs;');
    expect(result.stderr.match(/^job failed: /gm)).toHaveLength(4);
    expect(result.stderr).toContain(`\`cosa sweep status --db ${dbPath}\` counts the failed jobs per kind of reason`);
    expect(result.stdout).toContain('no design point has results for every layer');
    const reportPath = join(fixture.dir, 'results.html');
    expect(result.stderr).toContain(`report: ${reportPath}`);
    expect(existsSync(reportPath)).toBe(true);
    expect(readFileSync(reportPath, 'utf8')).toContain('map space too large for the exhaustive mapper');
  });

  it.skipIf(!HAVE_REFERENCE)('records a design point whose buffer is too small as failed', async () => {
    const reference = join(CASES_DIR, 'mini3__resnet50-1x1-c64k64__inv-capacity-RegFile');
    const fixture = makeSweepFixture('', '');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      fixture.specPath,
      `name: capacity
architecture:
  file: ${reference}/arch.yaml
  ert: ${reference}/ert.yaml
  grid:
    GlobalBuffer.entries: [1, 16384]
networks: [{folder: tiny}]
mapper: {name: cosa, time_limit_s: 2}
`,
    );
    const plan = planSweep(loadSweepSpec(fixture.specPath));
    const db = openStore(join(fixture.dir, 'results.sqlite'), { create: true });
    try {
      const summary = await runSweep(plan, db, { workers: 2 });
      const [empty, full] = designPointResults(db, summary.sweepId, 'tiny');
      expect(empty.parameters).toEqual({ 'GlobalBuffer.entries': 1 });
      expect(empty.complete).toBe(false);
      expect(empty.failedLayers).toBe(4);
      for (const layer of layerResults(db, empty.designPointId)) expect(layer.reason).toBeTruthy();
      expect(full.complete).toBe(true);
      expect(paretoFront(db, summary.sweepId, ['latency', 'energy'], 'tiny').front.map((point) => point.pointIndex)).toEqual([1]);
    } finally {
      db.close();
    }
  });
});
