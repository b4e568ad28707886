// `cosa sweep run` under conditions a first-time user meets: time-limited results, a reused sweep
// name, too many workers, huge grids, a closed output pipe, SIGTERM and two runs into one database.
// Real worker threads and SQLite files; the random mapper (seeded) keeps most runs short.
import Database from 'better-sqlite3';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { lockPath } from '../src/store/lock.js';
import { openStore } from '../src/store/open.js';
import { tallySweepJobs } from '../src/store/job-tally.js';
import { MAX_DESIGN_POINTS } from '../src/sweep/design-points.js';
import { planSweep } from '../src/sweep/planner.js';
import { runSweep } from '../src/sweep/runner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { makeMergeFixture, removeMergeFixtures } from './merge-fixture.js';
import { makeSweepFixture, runCli, startCli } from './sweep-helpers.js';

afterAll(removeMergeFixtures);

function storedJobs(dbPath: string): number {
  if (!existsSync(dbPath)) return 0;
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE name = 'jobs'").get() === undefined ? 0 : (db.prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number);
  } finally {
    db.close();
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((wake) => setTimeout(wake, 50));
}

describe('time-limited results', () => {
  it('counted, flagged and retried', async () => {
    const fixture = makeSweepFixture('    pes: [1, 2]\n');
    const dbPath = join(fixture.dir, 'results.sqlite');
    const plan = planSweep(loadSweepSpec(fixture.specPath));
    const db = openStore(dbPath, { create: true });
    let first: Awaited<ReturnType<typeof runSweep>>;
    try {
      first = await runSweep(plan, db, { workers: 2 });
      expect(first.done).toBe(8);
      // A real 2-core run rarely hits a 10 s limit on these layers, so mark two jobs as a busy machine would leave them.
      const marked = plan.jobs.slice(0, 2).map((job) => job.key);
      db.prepare("UPDATE jobs SET mapper_status = 'time_limit' WHERE key IN (?, ?)").run(...marked);
      expect(tallySweepJobs(db, first.sweepId).byNetwork.map((row) => [row.network, row.timeLimited])).toEqual([['tiny', 2]]);
    } finally {
      db.close();
    }

    const status = await runCli(['sweep', 'status', '--db', dbPath], fixture.dir);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^tiny\s+8\s+8\s+2\s+0\s+0$/m);
    expect(status.stdout).toContain('--retry-time-limited');

    const pareto = await runCli(['pareto', '--db', dbPath, '--objectives', 'latency,area', '--json'], fixture.dir);
    expect(pareto.status, pareto.stderr).toBe(0);
    expect(JSON.parse(pareto.stdout).front.length).toBeGreaterThan(0);
    // Design point 0 has the fewest PEs and so the least area: it is on every latency-area front.
    expect(pareto.stderr).toMatch(/^warning: \d+ of the \d+ front points? uses? 2 layer results whose search stopped at the time limit/);

    const reused = await runCli(['sweep', 'run', fixture.specPath, '--db', dbPath], fixture.dir);
    expect(reused.status, reused.stderr).toBe(0);
    expect(reused.stderr).toContain('0 jobs done, 0 failed, 8 reused from earlier runs');
    expect(reused.stderr).toContain('2 done jobs of this sweep ended at mapper.time_limit_s');

    const retried = await runCli(['sweep', 'run', fixture.specPath, '--db', dbPath, '--retry-time-limited'], fixture.dir);
    expect(retried.status, retried.stderr).toBe(0);
    expect(retried.stderr).toContain('2 jobs done, 0 failed, 6 reused from earlier runs');
    const after = openStore(dbPath);
    try {
      expect(tallySweepJobs(after, first.sweepId).byNetwork.map((row) => [row.network, row.timeLimited])).toEqual([['tiny', 0]]);
    } finally {
      after.close();
    }
  });
});

describe('sweep run input checks', () => {
  it('rejects a reused sweep name', async () => {
    const fixture = makeMergeFixture({ name: 'same', pes: [2], samples: 50 });
    const dbPath = join(fixture.dir, 'results.sqlite');
    expect((await runCli(['sweep', 'run', fixture.specPath, '--db', dbPath], fixture.dir)).status).toBe(0);

    const other = makeMergeFixture({ name: 'same', pes: [2, 4], samples: 50 });
    const result = await runCli(['sweep', 'run', other.specPath, '--db', dbPath], other.dir);
    expect(result.status).toBe(2);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toEqual([expect.stringContaining(`${dbPath}: sweep = "same": this database already holds a different sweep with this name`)]);
    expect(errors[0]).toContain('use another --db');
    expect(errors[0]).toContain(`${other.specPath} differs from it at architecture.grid.pes[1]`);
    expect(result.stderr, 'no plan line before the error').not.toContain('unique job');
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM sweeps').pluck().get()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM design_points').pluck().get()).toBe(1);
    db.close();
  });

  it('bounds the worker count', async () => {
    const fixture = makeMergeFixture({ name: 'workers', pes: [2], samples: 50 });
    const tooMany = await runCli(['sweep', 'run', fixture.specPath, '--workers', '100000'], fixture.dir);
    expect(tooMany.status).toBe(2);
    expect(tooMany.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: command line: --workers = "100000": must be at most \d+/)]);
    expect(existsSync(join(fixture.dir, 'results'))).toBe(false);

    const dbPath = join(fixture.dir, 'results.sqlite');
    const above = String(availableParallelism() + 1);
    const warned = await runCli(['sweep', 'run', fixture.specPath, '--db', dbPath, '--workers', above], fixture.dir);
    expect(warned.status, warned.stderr).toBe(0);
    expect(warned.stderr).toContain(`warning: --workers ${above} exceeds this machine's ${availableParallelism()} cores`);

    const plan = planSweep(loadSweepSpec(fixture.specPath));
    const db = openStore(join(fixture.dir, 'capped.sqlite'), { create: true });
    try {
      const summary = await runSweep(plan, db, { workers: 64 });
      expect(summary).toMatchObject({ workers: plan.jobs.length, done: plan.jobs.length });
    } finally {
      db.close();
    }
  });

  it('rejects oversized grids early', async () => {
    const values = (count: number) => `[${Array.from({ length: count }, (_, index) => index + 1).join(', ')}]`;
    const grid = (pes: number, buffers: number) => `    pes: ${values(pes)}\n    global_buffer_kib: ${values(buffers)}\n`;

    const huge = makeSweepFixture(grid(1500, 1000));
    expect(() => planSweep(loadSweepSpec(huge.specPath))).toThrow('architecture.grid = "1500000 combinations": 1500 pes x 1000 global_buffer_kib values exceed the limit of 1000000 combinations');
    const large = makeSweepFixture(grid(500, 400));
    expect(() => planSweep(loadSweepSpec(large.specPath))).toThrow(`more than the limit of ${MAX_DESIGN_POINTS} design points; narrow the grid with \`where:\``);

    // The filter counts: a large grid narrowed to a few points plans, and the CLI announces the planning first.
    const narrowed = makeSweepFixture(grid(500, 400).replace(/\n$/, '\n  where: "pes * global_buffer_kib == 0"\n'));
    const result = await runCli(['sweep', 'run', narrowed.specPath, '--db', join(narrowed.dir, 'r.sqlite')], narrowed.dir);
    expect(result.status).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('sweep tiny-sweep: planning 200000 grid combinations (before the where filter) x 1 network');
    expect(lines[1]).toContain('no design point passes the filter');
  });
});

describe('sweep run process handling', () => {
  it('survives a closed output pipe', async () => {
    const fixture = makeMergeFixture({ name: 'pipe', pes: [2, 4], samples: 2000 });
    const dbPath = join(fixture.dir, 'results.sqlite');
    const run = startCli(['sweep', 'run', fixture.specPath, '--db', dbPath, '--workers', '1'], fixture.dir);
    // As `2>&1 | head -1` does: read the first line, then close both pipes.
    await new Promise((firstLine) => run.child.stderr!.once('data', firstLine));
    run.child.stdout!.destroy();
    run.child.stderr!.destroy();

    const result = await run.done;
    expect(result.status).toBe(0);
    expect(storedJobs(dbPath)).toBe(planSweep(loadSweepSpec(fixture.specPath)).jobs.length);
  });

  it('stops on SIGTERM with status 143', async () => {
    const fixture = makeMergeFixture({ name: 'term', pes: [2, 4, 8], samples: 6000 });
    const dbPath = join(fixture.dir, 'results.sqlite');
    const run = startCli(['sweep', 'run', fixture.specPath, '--db', dbPath, '--workers', '1'], fixture.dir);
    await waitFor(() => storedJobs(dbPath) >= 1);
    run.child.kill('SIGTERM');

    const result = await run.done;
    expect(result.status).toBe(143);
    expect(result.stderr).toContain('interrupted: rerun the same command to resume');
    expect(storedJobs(dbPath)).toBeLessThan(9);
    expect(existsSync(lockPath(dbPath))).toBe(false);
  });

  it('locks the database per run', async () => {
    const fixture = makeMergeFixture({ name: 'locked', pes: [2, 4, 8], samples: 4000 });
    const dbPath = join(fixture.dir, 'results.sqlite');
    const first = startCli(['sweep', 'run', fixture.specPath, '--db', dbPath, '--workers', '1'], fixture.dir);
    await waitFor(() => existsSync(lockPath(dbPath)));

    // Through a symbolic link to the same file, as a linked home or project folder gives.
    const linkPath = join(fixture.dir, 'link.sqlite');
    symlinkSync(dbPath, linkPath);
    const second = await runCli(['sweep', 'run', fixture.specPath, '--db', linkPath, '--workers', '1'], fixture.dir);
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`^error: .*another \`cosa sweep run\` \\(pid ${first.child.pid},`, 'm'));
    // The lock is taken before the plan's header, so the rejected run prints its error alone.
    expect(second.stderr.trimEnd().split('\n')).toHaveLength(1);
    const firstResult = await first.done;
    expect(firstResult.status, firstResult.stderr).toBe(0);
    expect(existsSync(lockPath(dbPath))).toBe(false);

    // A lock left by a process that has ended (a SIGKILL) does not block the next run.
    // Above Linux's largest pid_max (2^22), so no process has this pid.
    writeFileSync(lockPath(dbPath), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: new Date().toISOString() }));
    const resumed = await runCli(['sweep', 'run', fixture.specPath, '--db', dbPath, '--workers', '1'], fixture.dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(existsSync(lockPath(dbPath))).toBe(false);
  });
});
