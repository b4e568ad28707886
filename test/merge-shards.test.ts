// Shards and merges of a sweep on one machine: real worker threads and real SQLite files. The
// runner's worker is the compiled one, so build first: `npx tsc -p .`.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InputError } from '../src/input-error.js';
import { mergeResults } from '../src/store/merge.js';
import { openStore } from '../src/store/open.js';
import { sweepJobCounts, tallySweepJobs } from '../src/store/job-tally.js';
import { findSweep } from '../src/store/queries.js';
import { planSweep, type SweepPlan } from '../src/sweep/planner.js';
import { runSweep } from '../src/sweep/runner.js';
import { assignShards, estimatedJobCost, parseShard, shardPlan } from '../src/sweep/shard.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { dumpTables, frontRows, jobResults, makeMergeFixture, networkResults, removeMergeFixtures, type MergeFixture } from './merge-fixture.js';
import { REPO, runCli } from './sweep-helpers.js';

afterAll(removeMergeFixtures);

const SHARDS = 3;
const FAULTY_WORKER = join(REPO, 'test', 'sweep-fixtures', 'faulty-worker.mjs');

async function runInto(path: string, plan: SweepPlan, workerFile?: string): Promise<void> {
  const db = openStore(path, { create: true });
  try {
    await runSweep(plan, db, { workers: 2, workerFile });
  } finally {
    db.close();
  }
}

function countsOf(path: string): { total: number; done: number; failed: number; pending: number } {
  const db = openStore(path, { readonly: true });
  try {
    const { total, done, failed, pending } = sweepJobCounts(db, findSweep(db).id);
    return { total, done, failed, pending };
  } finally {
    db.close();
  }
}

describe('parseShard', () => {
  it('reads I/N', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });

  it.each(['3/3', '1/0', '-1/3', 'a/3', '1', '1/2/3', '', '0/100001', '0/99999999999'])('rejects %j', (text) => {
    expect(() => parseShard(text)).toThrow(InputError);
  });
});

describe('shard assignment', () => {
  let plan: SweepPlan;

  beforeAll(() => {
    plan = planSweep(loadSweepSpec(makeMergeFixture({ pes: [1, 2, 4, 8, 16] }).specPath));
  });

  it('splits the jobs into disjoint shards that cover the plan', () => {
    const keys = Array.from({ length: SHARDS }, (_, index) => shardPlan(plan, { index, count: SHARDS }).jobs.map((job) => job.key));
    const all = keys.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(plan.jobs.map((job) => job.key).sort());
    for (const shard of keys) expect(shard.length).toBeGreaterThan(0);
  });

  it('gives the same split for a plan built again', () => {
    const again = planSweep(plan.spec);
    expect(assignShards(again.jobs, SHARDS)).toEqual(assignShards(plan.jobs, SHARDS));
  });

  it('balances estimated cost within one job', () => {
    const costs = plan.jobs.map(estimatedJobCost);
    const loads = new Array<number>(SHARDS).fill(0);
    assignShards(plan.jobs, SHARDS).forEach((shard, position) => (loads[shard] += costs[position]));
    // Longest processing time first: the lightest shard would have taken the last job of the heaviest.
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(Math.max(...costs));
  });

  it('weighs larger layers and larger designs more', () => {
    const [job] = plan.jobs;
    const largerLayer = { ...job, layer: { ...job.layer, C: job.layer.C * 4 } };
    const largerDesign = { ...job, architecture: { ...job.architecture, arithmetic: { ...job.architecture.arithmetic, instances: job.architecture.arithmetic.instances * 4 } } };
    expect(estimatedJobCost(largerLayer)).toBeGreaterThan(estimatedJobCost(job));
    expect(estimatedJobCost(largerDesign)).toBeGreaterThan(estimatedJobCost(job));
  });
});

describe('results merge', () => {
  let fixture: MergeFixture;
  let plan: SweepPlan;
  let singleDb: string;
  let shardDbs: string[];

  beforeAll(async () => {
    fixture = makeMergeFixture();
    plan = planSweep(loadSweepSpec(fixture.specPath));
    singleDb = join(fixture.dir, 'single.sqlite');
    await runInto(singleDb, plan);
    shardDbs = [];
    for (let index = 0; index < SHARDS; index++) {
      const path = join(fixture.dir, `shards.shard-${index}.sqlite`);
      await runInto(path, shardPlan(plan, { index, count: SHARDS }));
      shardDbs.push(path);
    }
  });

  it('gives the results and front of a single run', () => {
    const merged = join(fixture.dir, 'merged.sqlite');
    const summary = mergeResults(merged, shardDbs);

    expect(summary.added).toBe(plan.jobs.length);
    expect(jobResults(merged)).toEqual(jobResults(singleDb));
    expect(networkResults(merged)).toEqual(networkResults(singleDb));
    expect(frontRows(merged)).toEqual(frontRows(singleDb));
    expect(frontRows(merged).length).toBeGreaterThan(0);
    expect(countsOf(merged)).toEqual({ total: plan.jobs.length, done: plan.jobs.length, failed: 0, pending: 0 });
  });

  it('rejects an output a run holds', async () => {
    const merged = join(fixture.dir, 'locked.sqlite');
    copyFileSync(singleDb, merged);
    const before = dumpTables(merged);
    // The test process is alive on this host, so its pid makes the lock current.
    writeFileSync(`${merged}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-12-05T00:00:00.000Z' }));

    const result = await runCli(['results', 'merge', merged, ...shardDbs], fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('another `cosa sweep run` (pid');
    expect(dumpTables(merged)).toEqual(before);
    expect(existsSync(`${merged}.lock`)).toBe(true);
  });

  it('counts an input named twice once', () => {
    const summary = mergeResults(join(fixture.dir, 'named-twice.sqlite'), [shardDbs[0], shardDbs[0], ...shardDbs.slice(1)]);
    expect(summary.merged).toBe(SHARDS);
  });

  it('changes nothing when a shard is merged again', () => {
    const merged = join(fixture.dir, 'twice.sqlite');
    mergeResults(merged, shardDbs);
    const before = dumpTables(merged);

    // Named three times, shard 1 is merged once.
    const summary = mergeResults(merged, [shardDbs[1], shardDbs[1], ...shardDbs]);
    expect(summary.added).toBe(0);
    expect(summary.merged).toBe(SHARDS);
    expect(summary.unchanged).toBe(plan.jobs.length);
    expect(dumpTables(merged)).toEqual(before);
  });

  it('counts the jobs of a missing shard as pending', async () => {
    const merged = join(fixture.dir, 'partial.sqlite');
    mergeResults(merged, [shardDbs[0], shardDbs[2]]);
    const missing = shardPlan(plan, { index: 1, count: SHARDS }).jobs.length;

    expect(countsOf(merged)).toEqual({ total: plan.jobs.length, done: plan.jobs.length - missing, failed: 0, pending: missing });
    const status = await runCli(['sweep', 'status', '--db', merged], fixture.dir);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(`${missing} jobs pending`);
  });

  it('merges into the database of a single run', () => {
    const merged = join(fixture.dir, 'onto-single.sqlite');
    copyFileSync(singleDb, merged);
    const before = jobResults(merged);

    const summary = mergeResults(merged, shardDbs);
    expect(summary.unchanged).toBe(plan.jobs.length);
    expect(jobResults(merged)).toEqual(before);
  });

  it('rejects a shard of another sweep spec', async () => {
    const other = makeMergeFixture({ pes: [2, 4] });
    const otherDb = join(other.dir, 'other.sqlite');
    await runInto(otherDb, planSweep(loadSweepSpec(other.specPath)));
    const merged = join(fixture.dir, 'mixed.sqlite');

    expect(() => mergeResults(merged, [shardDbs[0], otherDb])).toThrow(/spec hash .*merge only databases of one sweep spec/);
    const result = await runCli(['results', 'merge', merged, shardDbs[0], otherDb], fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(otherDb);

    // The output already holding another sweep is rejected as well, and left as it was, even a
    // database from before the shared_mappings table.
    const legacy = new Database(otherDb);
    legacy.exec('DROP TABLE shared_mappings');
    legacy.close();
    const bytes = readFileSync(otherDb);
    expect(() => mergeResults(otherDb, [shardDbs[0]])).toThrow(/holds sweep shards .*merge into a new file/);
    expect(readFileSync(otherDb).equals(bytes)).toBe(true);
  });

  it('rejects a database of another schema version', async () => {
    const oldDb = join(fixture.dir, 'old-schema.sqlite');
    copyFileSync(shardDbs[0], oldDb);
    const raw = new Database(oldDb);
    raw.prepare('UPDATE schema_version SET version = 99').run();
    raw.close();
    const merged = join(fixture.dir, 'schema.sqlite');

    expect(() => mergeResults(merged, [shardDbs[1], oldDb])).toThrow(/schema version/);
    const result = await runCli(['results', 'merge', merged, shardDbs[1], oldDb], fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: .*old-schema\.sqlite: schema_version = 99: .*\n$/);
  });

  it('rejects a shard planned from changed files, writing nothing', () => {
    const changed = join(fixture.dir, 'changed-network.sqlite');
    copyFileSync(shardDbs[1], changed);
    const raw = new Database(changed);
    raw.prepare("UPDATE layers SET repeats = 5 WHERE name = 'fc'").run();
    raw.close();
    const merged = join(fixture.dir, 'changed.sqlite');

    expect(() => mergeResults(merged, [shardDbs[0], changed])).toThrow(/plans other design points, layers or jobs than .*shards\.shard-0\.sqlite/);
    expect(existsSync(merged)).toBe(false);

    // Into an output that already contains the sweep, the input is checked against the output's plan.
    const existing = join(fixture.dir, 'changed-existing.sqlite');
    mergeResults(existing, [shardDbs[0]]);
    const before = dumpTables(existing);
    expect(() => mergeResults(existing, [changed])).toThrow(/plans other design points, layers or jobs/);
    expect(dumpTables(existing)).toEqual(before);
  });

  it('skips a shard that stopped before planning', () => {
    const unplanned = join(fixture.dir, 'unplanned.sqlite');
    openStore(unplanned, { create: true }).close();
    const merged = join(fixture.dir, 'skipping.sqlite');

    const summary = mergeResults(merged, [unplanned, ...shardDbs]);
    expect(summary.skipped).toEqual([unplanned]);
    expect(summary.merged).toBe(SHARDS);
    expect(jobResults(merged)).toEqual(jobResults(singleDb));
    expect(() => mergeResults(join(fixture.dir, 'nothing.sqlite'), [unplanned])).toThrow(/none of the databases contains a sweep yet/);
  });

  it('rejects the output given as an input', () => {
    expect(() => mergeResults(shardDbs[0], [shardDbs[0], shardDbs[1]])).toThrow(/is also the output database/);
  });

  it("replaces a done job only by a mapping better by the sweep's objective", () => {
    const merged = join(fixture.dir, 'better.sqlite');
    mergeResults(merged, shardDbs);
    const [better, trade, worse] = (jobResults(shardDbs[0]) as unknown[][]).map((row) => row[0] as string);
    const retried = join(fixture.dir, 'retried.shard-0.sqlite');
    copyFileSync(shardDbs[0], retried);
    const edit = new Database(retried);
    // The sweep's objective is EDP: the second trades one more cycle for half the energy, the third
    // takes three times the cycles for half the energy.
    edit.prepare('UPDATE jobs SET cycles = cycles - 1, energy_pj = energy_pj * 0.5 WHERE key = ?').run(better);
    edit.prepare('UPDATE jobs SET cycles = cycles + 1, energy_pj = energy_pj * 0.5 WHERE key = ?').run(trade);
    edit.prepare('UPDATE jobs SET cycles = cycles * 3, energy_pj = energy_pj * 0.5 WHERE key = ?').run(worse);
    edit.close();
    const rowOf = (path: string, key: string) => (jobResults(path) as unknown[][]).find((row) => row[0] === key);
    const worseBefore = rowOf(merged, worse);

    const summary = mergeResults(merged, [retried]);

    expect(summary.replaced).toBe(2);
    expect(rowOf(merged, better)).toEqual(rowOf(retried, better));
    expect(rowOf(merged, trade)).toEqual(rowOf(retried, trade));
    expect(rowOf(merged, worse)).toEqual(worseBefore);
  });

  it('keeps the best result whatever the order of the inputs', () => {
    const retried = join(fixture.dir, 'order.shard-0.sqlite');
    copyFileSync(shardDbs[0], retried);
    const edit = new Database(retried);
    edit.prepare('UPDATE jobs SET cycles = cycles * 2, energy_pj = energy_pj * 0.9').run();
    edit.close();

    const forward = join(fixture.dir, 'forward.sqlite');
    const backward = join(fixture.dir, 'backward.sqlite');
    mergeResults(forward, [retried, ...shardDbs]);
    mergeResults(backward, [...shardDbs, retried]);
    expect(jobResults(forward)).toEqual(jobResults(backward));
    expect(jobResults(forward)).toEqual(jobResults(singleDb));
  });

  it('prefers the more proven status on equal figures, in any order', () => {
    const limited = join(fixture.dir, 'limited.shard-0.sqlite');
    copyFileSync(shardDbs[0], limited);
    const edit = new Database(limited);
    edit.prepare("UPDATE jobs SET mapper_status = 'time_limit'").run();
    edit.close();
    const statuses = (path: string) => new Database(path, { readonly: true }).prepare("SELECT DISTINCT mapper_status FROM jobs WHERE status = 'done'").pluck().all();

    const forward = join(fixture.dir, 'tie-forward.sqlite');
    const backward = join(fixture.dir, 'tie-backward.sqlite');
    mergeResults(forward, [limited, shardDbs[0]]);
    mergeResults(backward, [shardDbs[0], limited]);
    expect(jobResults(forward)).toEqual(jobResults(backward));
    expect(statuses(forward)).toEqual(statuses(shardDbs[0]));
    expect(statuses(forward)).not.toContain('time_limit');
  });

  it('keeps failed jobs with their reasons, and a later result replaces them', async () => {
    const shard0 = shardPlan(plan, { index: 0, count: SHARDS });
    const failingLayer = shard0.jobs[0].layerKey;
    process.env.COSA_TEST_FAULTS = JSON.stringify({ throw: [failingLayer] });
    const failedDb = join(fixture.dir, 'failed.shard-0.sqlite');
    try {
      await runInto(failedDb, shard0, FAULTY_WORKER);
    } finally {
      delete process.env.COSA_TEST_FAULTS;
    }
    const failedKeys = (jobResults(failedDb) as unknown[][]).filter((row) => row[1] === 'failed').map((row) => row[0]);
    expect(failedKeys.length).toBeGreaterThan(0);

    const merged = join(fixture.dir, 'with-failures.sqlite');
    mergeResults(merged, [failedDb, shardDbs[1], shardDbs[2]]);
    const db = openStore(merged, { readonly: true });
    try {
      const sweepId = findSweep(db).id;
      expect(sweepJobCounts(db, sweepId).failed).toBe(failedKeys.length);
      expect(tallySweepJobs(db, sweepId).failureReasons).toEqual([{ reason: `worker error: injected failure for ${failingLayer}`, jobs: failedKeys.length }]);
    } finally {
      db.close();
    }

    // Shard 0 run again without faults (as after --retry-failed) turns the failures into results.
    const summary = mergeResults(merged, [shardDbs[0]]);
    expect(summary.replaced).toBe(failedKeys.length);
    expect(jobResults(merged)).toEqual(jobResults(singleDb));
    expect(frontRows(merged)).toEqual(frontRows(singleDb));

    // A failure merged after the result does not undo it.
    mergeResults(merged, [failedDb]);
    expect(jobResults(merged)).toEqual(jobResults(singleDb));
  });
});
