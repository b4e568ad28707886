// Integration tests of `cosa sweep run`: real worker threads, real HiGHS solves, real SQLite files.
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openStore } from '../src/store/open.js';
import { designPointResults, paretoFront, type DesignPointResult } from '../src/store/queries.js';
import type { ObjectiveName } from '../src/store/pareto.js';
import { planSweep, type SweepPlan } from '../src/sweep/planner.js';
import { runSweep, type RunSummary } from '../src/sweep/runner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { makeMergeFixture, removeMergeFixtures } from './merge-fixture.js';
import { makeSweepFixture, runCli, startCli, type SweepFixture } from './sweep-helpers.js';

const METRICS: Record<ObjectiveName, keyof DesignPointResult> = { latency: 'latencyCycles', energy: 'energyPJ', area: 'areaUm2', edp: 'edpJCycles' };

/** O(n²) reference front over stored rows: indices of rows no other complete row dominates. */
function bruteForceFront(rows: DesignPointResult[], objectives: ObjectiveName[]): number[] {
  const complete = rows.filter((row) => row.complete);
  const value = (row: DesignPointResult, objective: ObjectiveName) => row[METRICS[objective]] as number;
  const dominates = (a: DesignPointResult, b: DesignPointResult) =>
    objectives.every((objective) => value(a, objective) <= value(b, objective)) && objectives.some((objective) => value(a, objective) < value(b, objective));
  return complete.filter((row) => !complete.some((other) => dominates(other, row))).map((row) => row.pointIndex).sort((a, b) => a - b);
}

function frontIndices(dbPath: string, objectives: ObjectiveName[]): number[] {
  const db = openStore(dbPath);
  try {
    const sweepId = db.prepare('SELECT id FROM sweeps').pluck().get() as number;
    return paretoFront(db, sweepId, objectives, 'tiny').front.map((row) => row.pointIndex).sort((a, b) => a - b);
  } finally {
    db.close();
  }
}

function storedRows(dbPath: string): DesignPointResult[] {
  const db = openStore(dbPath);
  try {
    const sweepId = db.prepare('SELECT id FROM sweeps').pluck().get() as number;
    return designPointResults(db, sweepId, 'tiny');
  } finally {
    db.close();
  }
}

function jobKeysStored(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare("SELECT key FROM jobs WHERE status = 'done' ORDER BY key").pluck().all() as string[];
  } finally {
    db.close();
  }
}

async function waitForJobs(dbPath: string, count: number): Promise<number> {
  for (;;) {
    if (existsSync(dbPath)) {
      const db = new Database(dbPath);
      try {
        const stored = db.prepare("SELECT name FROM sqlite_master WHERE name = 'jobs'").get() === undefined ? 0 : (db.prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number);
        if (stored >= count) return stored;
      } finally {
        db.close();
      }
    }
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

afterAll(removeMergeFixtures);

describe('sweep run', () => {
  let fixture: SweepFixture;
  let plan: SweepPlan;
  let uninterruptedDb: string;
  let summary: RunSummary;

  beforeAll(async () => {
    fixture = makeSweepFixture();
    plan = planSweep(loadSweepSpec(fixture.specPath));
    uninterruptedDb = join(fixture.dir, 'uninterrupted.sqlite');
    const db = openStore(uninterruptedDb, { create: true });
    try {
      summary = await runSweep(plan, db, { workers: 2 });
    } finally {
      db.close();
    }
  });

  it('solves every planned job once', () => {
    expect(plan.jobs.length).toBe(6 * 4);
    expect(summary.done).toBe(plan.jobs.length);
    expect(summary.failed).toBe(0);
    expect(summary.interrupted).toBe(false);
    expect(jobKeysStored(uninterruptedDb)).toEqual(plan.jobs.map((job) => job.key).sort());
  });

  it('stores complete network results for every design point', () => {
    const rows = storedRows(uninterruptedDb);
    expect(rows.length).toBe(6);
    for (const row of rows) {
      expect(row.complete).toBe(true);
      expect(row.latencyCycles).toBeGreaterThan(0);
      expect(row.energyPJ).toBeGreaterThan(0);
    }
  });

  it('returns the brute-force Pareto front of the stored rows', () => {
    const rows = storedRows(uninterruptedDb);
    const combinations: ObjectiveName[][] = [['latency', 'energy'], ['latency', 'area'], ['energy', 'edp'], ['latency', 'energy', 'area'], ['energy', 'area', 'edp']];
    for (const objectives of combinations) {
      expect(frontIndices(uninterruptedDb, objectives), objectives.join(',')).toEqual(bruteForceFront(rows, objectives));
    }
  });

  it('prints the same front as JSON from the CLI', async () => {
    const result = await runCli(['pareto', '--db', uninterruptedDb, '--objectives', 'latency,energy', '--json'], fixture.dir);
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout) as { front: { pointIndex: number }[] };
    expect(printed.front.map((point) => point.pointIndex).sort((a, b) => a - b)).toEqual(bruteForceFront(storedRows(uninterruptedDb), ['latency', 'energy']));
  });

  it('prints job counts per network', async () => {
    const result = await runCli(['sweep', 'status', '--db', uninterruptedDb], fixture.dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^tiny\s+24\s+24\s+\d+\s+0\s+0$/m);
  });

  it('exports one CSV row per design point, or per layer', async () => {
    const perNetwork = await runCli(['export', '--db', uninterruptedDb, '--csv'], fixture.dir);
    expect(perNetwork.status).toBe(0);
    const lines = perNetwork.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('sweep,point_index,pes,global_buffer_kib,network,complete,failed_layers,missing_layers,latency_cycles,latency_s,energy_pj,edp_j_cycles,area_um2');
    expect(lines).toHaveLength(1 + 6);
    expect(lines.slice(1).every((line) => line.split(',')[5] === '1')).toBe(true);

    const out = join(fixture.dir, 'layers.csv');
    const perLayer = await runCli(['export', '--db', uninterruptedDb, '--csv', '--layers', '--out', out], fixture.dir);
    expect(perLayer.status).toBe(0);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(1 + 6 * 4);
  });

  it('resumes after SIGKILL and SIGINT', async () => {
    // CoSA solves these layers in tens of milliseconds, faster than the runner's 1 s flushes, so
    // this test uses seeded random-mapper jobs of about 0.3 s, which give the same result in any run.
    const slow = makeMergeFixture({ name: 'resume', pes: [1, 2, 4, 8, 16], samples: 5000 });
    const slowPlan = planSweep(loadSweepSpec(slow.specPath));
    const referenceDb = join(slow.dir, 'reference.sqlite');
    const reference = openStore(referenceDb, { create: true });
    try {
      await runSweep(slowPlan, reference, { workers: 2 });
    } finally {
      reference.close();
    }

    const dbPath = join(slow.dir, 'interrupted.sqlite');
    const args = ['sweep', 'run', slow.specPath, '--db', dbPath, '--workers', '1'];
    const killed = startCli(args, slow.dir);
    const storedAtKill = await waitForJobs(dbPath, 1);
    killed.child.kill('SIGKILL');
    const killResult = await killed.done;
    expect(killResult.signal).toBe('SIGKILL');
    expect(storedAtKill).toBeLessThan(slowPlan.jobs.length);

    // The killed run may have committed more jobs after the count above, so count again. A job
    // stored by the next run shows that its SIGINT handler is installed.
    const storedAfterKill = await waitForJobs(dbPath, 0);
    const interrupted = startCli(args, slow.dir);
    await waitForJobs(dbPath, storedAfterKill + 1);
    interrupted.child.kill('SIGINT');
    const interruptResult = await interrupted.done;
    expect(interruptResult.status).toBe(130);
    expect(interruptResult.stderr).toContain('rerun the same command to resume');
    const storedAfterInterrupt = jobKeysStored(dbPath).length;
    expect(storedAfterInterrupt).toBeLessThan(slowPlan.jobs.length);

    const resumed = await runCli(args, slow.dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${storedAfterInterrupt} reused from earlier runs`);
    expect(resumed.stdout).toContain('Pareto front over latency, energy, area');

    expect(jobKeysStored(dbPath)).toEqual(slowPlan.jobs.map((job) => job.key).sort());
    for (const objectives of [['latency', 'energy'], ['latency', 'energy', 'area']] as ObjectiveName[][]) {
      expect(frontIndices(dbPath, objectives)).toEqual(frontIndices(referenceDb, objectives));
    }
  });

  it('reuses every result when the finished sweep runs again', async () => {
    const result = await runCli(['sweep', 'run', fixture.specPath, '--db', uninterruptedDb, '--workers', '1'], fixture.dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(`0 jobs done, 0 failed, ${plan.jobs.length} reused from earlier runs`);
  });
});
