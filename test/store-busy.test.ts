// A results database that another process keeps locked (SQLITE_BUSY), and readers of a database
// that a run is writing to. The lock is held by a real child process through better-sqlite3, and
// the CLI tests need a build first (`npx tsc -p .`).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { lockPath } from '../src/store/lock.js';
import { openStore } from '../src/store/open.js';
import { registerSweep } from '../src/store/write.js';
import { planSweep } from '../src/sweep/planner.js';
import type { ProgressReporter } from '../src/sweep/progress.js';
import { ResultRecorder } from '../src/sweep/recorder.js';
import { runSweep } from '../src/sweep/runner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { makeSweepFixture, REPO, runCli } from './sweep-helpers.js';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

/**
 * Starts a process that opens `path` (in rollback-journal mode with `rollbackJournal`), takes an
 * exclusive lock and keeps it until it is killed. Resolves once the lock is held.
 */
async function holdExclusiveLock(path: string, { rollbackJournal = false } = {}): Promise<ChildProcess> {
  const script = `
    import Database from 'better-sqlite3';
    const db = new Database(${JSON.stringify(path)});
    if (${rollbackJournal}) db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolveLocked, reject) => {
    child.stdout!.on('data', () => resolveLocked());
    child.on('exit', (status) => reject(new Error(`the lock holder exited with status ${status}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolveExit) => child.on('exit', resolveExit));
  child.kill();
  await exited;
}

function capturingReporter(lines: string[], onUpdate: () => void = () => {}): ProgressReporter {
  return { start: () => {}, update: onUpdate, log: (line) => lines.push(line), stop: () => {} };
}

/** Creates a results database with the fixture's sweep registered and no job solved. */
function registeredDatabase(): { dbPath: string; specPath: string; dir: string } {
  const { dir, specPath } = makeSweepFixture();
  const dbPath = join(dir, 'results.sqlite');
  const db = openStore(dbPath, { create: true });
  registerSweep(db, planSweep(loadSweepSpec(specPath)));
  db.close();
  return { dbPath, specPath, dir };
}

describe('locked database at the start', () => {
  it('sweep run gives one line', async () => {
    const { dir, specPath } = makeSweepFixture();
    const dbPath = join(dir, 'locked.sqlite');
    await holdExclusiveLock(dbPath, { rollbackJournal: true });

    const result = await runCli(['sweep', 'run', specPath, '--db', dbPath, '--workers', '1'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`error: ${dbPath}: db: another process holds this database locked`);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it.each(['pareto', 'export --csv', 'sweep status'])('%s gives one line', async (commandLine) => {
    const command = commandLine.split(' ');
    const { dbPath, dir } = registeredDatabase();
    await holdExclusiveLock(dbPath, { rollbackJournal: true });

    const result = await runCli([...command, '--db', dbPath], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${dbPath}: db: another process holds this database locked`);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});

describe('ResultRecorder on a locked database', () => {
  it('keeps results and saves them later', async () => {
    const { dbPath } = registeredDatabase();
    const db = openStore(dbPath);
    const lines: string[] = [];
    const recorder = new ResultRecorder(db, 1, { progress: capturingReporter(lines), describe: (key) => key, flushBatch: 1, flushIntervalMs: 60_000, dbPath });
    const holder = await holdExclusiveLock(dbPath);

    recorder.record({ key: 'job-a', status: 'failed', reason: 'injected' }, 0.1);
    expect(recorder.unsaved).toBe(1);
    expect(lines.some((line) => line.startsWith(`warning: another process holds ${dbPath} locked`))).toBe(true);

    const closed = recorder.close();
    await stop(holder);
    expect(await closed).toBe(0);
    const saved = db.prepare('SELECT status FROM jobs WHERE key = ?').pluck().get('job-a');
    expect(saved).toBe('failed');
    db.close();
  }, 60_000);

  it('close counts what it could not save', async () => {
    const { dbPath } = registeredDatabase();
    const db = openStore(dbPath);
    const lines: string[] = [];
    const recorder = new ResultRecorder(db, 2, { progress: capturingReporter(lines), describe: (key) => key, flushBatch: 10, flushIntervalMs: 60_000, dbPath, finalWaitMs: 1500 });
    await holdExclusiveLock(dbPath);

    recorder.record({ key: 'job-a', status: 'failed', reason: 'injected' }, 0.1);
    recorder.record({ key: 'job-b', status: 'failed', reason: 'injected' }, 0.1);
    expect(await recorder.close()).toBe(2);
    expect(lines.some((line) => line.includes(`waiting up to 1.5 s to save 2 finished results`))).toBe(true);
    db.close();
  }, 60_000);
});

describe('network results during a run', () => {
  it('are refreshed before the run ends', async () => {
    const { dir, specPath } = makeSweepFixture();
    const dbPath = join(dir, 'results.sqlite');
    const db = openStore(dbPath, { create: true });
    const reader = openStore(dbPath, { readonly: true });
    const plan = planSweep(loadSweepSpec(specPath));
    let layersSeenDuringRun = 0;
    let fewestPointRows = Infinity;
    const progress = capturingReporter([], () => {
      fewestPointRows = Math.min(fewestPointRows, reader.prepare('SELECT COUNT(*) FROM network_results').pluck().get() as number);
      const seen = reader.prepare('SELECT COALESCE(SUM(l.layers - nr.missing_layers), 0) FROM network_results nr, (SELECT COUNT(*) AS layers FROM layers) l').pluck().get() as number;
      layersSeenDuringRun = Math.max(layersSeenDuringRun, seen);
    });

    // progress.update runs after each result is recorded, so each call reads the rows of the latest refresh.
    const summary = await runSweep(plan, db, { workers: 1, flushBatch: 1, refreshIntervalMs: 0, progress, shareMappings: false });
    expect(summary.done).toBeGreaterThan(0);
    expect(layersSeenDuringRun).toBeGreaterThan(0);
    // Every design point has its row from the start, so `export --layers` lists all of them.
    expect(fewestPointRows).toBe(plan.points.length);
    reader.close();
    db.close();
  }, 300_000);
});

describe('readers while a run holds the database', () => {
  /** Writes a run lock owned by a live child process, as `cosa sweep run` does. */
  function lockByLiveProcess(dbPath: string): void {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    writeFileSync(lockPath(dbPath), JSON.stringify({ pid: child.pid, host: hostname(), since: new Date().toISOString(), command: 'cosa sweep run' }));
  }

  it('pareto says a run is in progress', async () => {
    const { dbPath, dir } = registeredDatabase();
    lockByLiveProcess(dbPath);

    const result = await runCli(['pareto', '--db', dbPath], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('a run is in progress');
    expect(result.stdout).not.toContain('run or resume');
    expect(result.stderr).toContain(`is still writing to ${dbPath}`);
  }, 60_000);

  it('sweep status says a run works on the pending jobs', async () => {
    const { dbPath, dir } = registeredDatabase();
    lockByLiveProcess(dbPath);

    const result = await runCli(['sweep', 'status', '--db', dbPath], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/jobs pending: `cosa sweep run` \(pid \d+ on .*\) is still writing to this database/);
    expect(result.stdout).not.toContain('rerun');
  }, 60_000);

  it('export says a run is in progress', async () => {
    const { dbPath, dir } = registeredDatabase();
    lockByLiveProcess(dbPath);

    const result = await runCli(['export', '--csv', '--db', dbPath], dir);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`is still writing to ${dbPath}`);
  }, 60_000);

  it('report does not advise a rerun', async () => {
    const { dbPath, dir, specPath } = registeredDatabase();
    // A finished job without network results, as in the first seconds of a run.
    const db = openStore(dbPath);
    const key = planSweep(loadSweepSpec(specPath)).jobs[0].key;
    db.prepare("INSERT INTO jobs (key, status, reason, finished_at) VALUES (?, 'failed', 'injected', ?)").run(key, new Date().toISOString());
    db.close();
    lockByLiveProcess(dbPath);

    const result = await runCli(['report', '--db', dbPath], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('has a run in progress');
    expect(result.stderr).not.toContain('rerun `cosa sweep run`');
  }, 60_000);

  it('report before the first finished job says a run is in progress', async () => {
    const { dbPath, dir } = registeredDatabase();
    lockByLiveProcess(dbPath);

    const result = await runCli(['report', '--db', dbPath], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('has no finished job yet');
    expect(result.stderr).toContain('a run is in progress, so repeat this command once jobs finish');
  }, 60_000);
});
