// Sweeps as Slurm job arrays on a real cluster: `.ci/slurm-start.sh` starts a single-node one on
// localhost and prints the SLURM_CONF to export. Without SLURM_CONF these tests are skipped,
// except under CI, where they run and fail when no cluster responds. The jobs run the compiled
// CLI, so build first: `npx tsc -p .`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openStore } from '../src/store/open.js';
import { planSweep } from '../src/sweep/planner.js';
import { runSweep } from '../src/sweep/runner.js';
import { shardPlan } from '../src/sweep/shard.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { finishTimes, frontRows, jobResults, makeMergeFixture, networkResults, removeMergeFixtures } from './merge-fixture.js';
import { runCli } from './sweep-helpers.js';

afterAll(removeMergeFixtures);

const TASKS = 3;
const ENABLED = process.env.SLURM_CONF !== undefined || (process.env.CI ?? '') !== '';
/** Upper bound for a whole array and its merge job on a 2-core node; the sweeps take seconds. */
const JOB_WAIT_S = 90;

function slurmCommand(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: JOB_WAIT_S * 1000 });
  if (result.error !== undefined) throw new Error(`${command} failed to start: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function waitUntil(what: string, check: () => boolean, timeoutS = JOB_WAIT_S): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutS} s waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/** True when squeue lists none of the jobs; Slurm drops finished jobs from its records. */
function jobsEnded(ids: string[]): boolean {
  const result = slurmCommand('squeue', ['-h', '-o', '%i', '-j', ids.join(',')]);
  if (result.status !== 0) return /Invalid job id/i.test(result.stderr);
  return result.stdout.trim() === '';
}

/** Jobs stored in a database that a running task may be writing; 0 before it has a jobs table. */
function storedJobs(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'jobs'").get() !== undefined;
    return hasTable ? (db.prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

function submittedIds(stdout: string): { arrayId: string; mergeId: string } {
  const match = /submitted array job (\d+) .* merge job (\d+)/.exec(stdout);
  if (match === null) throw new Error(`no job ids in the output of sweep slurm --submit:\n${stdout}`);
  return { arrayId: match[1], mergeId: match[2] };
}

async function runSingle(specPath: string, dbPath: string): Promise<void> {
  const db = openStore(dbPath, { create: true });
  try {
    await runSweep(planSweep(loadSweepSpec(specPath)), db, { workers: 2 });
  } finally {
    db.close();
  }
}

const SKIP_REASON = 'SLURM_CONF is unset; start a cluster with .ci/slurm-start.sh and export SLURM_CONF';
const TITLE = ENABLED ? 'sweeps as Slurm job arrays' : `sweeps as Slurm job arrays (skipped: ${SKIP_REASON})`;
if (!ENABLED) console.warn(`Slurm tests skipped: ${SKIP_REASON}`);

describe.skipIf(!ENABLED)(TITLE, () => {
  beforeAll(() => {
    const sinfo = slurmCommand('sinfo', ['-h', '-o', '%a %t']);
    if (sinfo.status !== 0 || !/^up /m.test(sinfo.stdout)) {
      throw new Error(`no Slurm cluster responds (SLURM_CONF=${process.env.SLURM_CONF ?? 'unset'}): ${sinfo.stderr.trim() || sinfo.stdout.trim()}; start one with .ci/slurm-start.sh`);
    }
  });

  it('array of shards merges to the single-run results', async () => {
    const fixture = makeMergeFixture({ name: 'array' });
    const outDir = join(fixture.dir, 'out');
    const submit = await runCli(['sweep', 'slurm', fixture.specPath, '--tasks', String(TASKS), '--out-dir', outDir, '--submit'], fixture.dir);
    expect(submit.status, submit.stderr).toBe(0);
    const { arrayId, mergeId } = submittedIds(submit.stdout);

    const singleDb = join(fixture.dir, 'single.sqlite');
    await runSingle(fixture.specPath, singleDb);
    await waitUntil(`array job ${arrayId} and merge job ${mergeId}`, () => jobsEnded([arrayId, mergeId]));

    const merged = join(outDir, 'array.sqlite');
    const mergeLog = readFileSync(join(outDir, 'logs', 'array.merge.out'), 'utf8');
    expect(mergeLog).toContain(`merged ${TASKS} databases of sweep array`);
    for (let task = 0; task < TASKS; task++) expect(existsSync(join(outDir, `array.shard-${task}.sqlite`))).toBe(true);

    expect(jobResults(merged)).toEqual(jobResults(singleDb));
    expect(networkResults(merged)).toEqual(networkResults(singleDb));
    expect(frontRows(merged)).toEqual(frontRows(singleDb));

    const paretoMerged = await runCli(['pareto', '--db', merged], fixture.dir);
    const paretoSingle = await runCli(['pareto', '--db', singleDb], fixture.dir);
    expect(paretoMerged.status).toBe(0);
    expect(paretoMerged.stdout).toBe(paretoSingle.stdout);
  }, 150_000);

  it('killed task resumes its shard when resubmitted', async () => {
    // About 1 s per job, so the killed task has stored some of its jobs but not all.
    const fixture = makeMergeFixture({ name: 'killed', pes: [1, 2, 4, 8], samples: 20000 });
    const plan = planSweep(loadSweepSpec(fixture.specPath));
    const shard0Jobs = shardPlan(plan, { index: 0, count: TASKS }).jobs.length;
    const outDir = join(fixture.dir, 'out');
    const shard0 = join(outDir, 'killed.shard-0.sqlite');
    const arrayScript = join(outDir, 'killed.array.sbatch');
    const mergeScript = join(outDir, 'killed.merge.sbatch');

    const submit = await runCli(['sweep', 'slurm', fixture.specPath, '--tasks', String(TASKS), '--out-dir', outDir, '--submit'], fixture.dir);
    expect(submit.status, submit.stderr).toBe(0);
    const { arrayId, mergeId } = submittedIds(submit.stdout);

    await waitUntil('task 0 to store its first job', () => storedJobs(shard0) > 0);
    expect(slurmCommand('scancel', [`${arrayId}_0`]).status).toBe(0);
    await waitUntil(`array job ${arrayId} and merge job ${mergeId}`, () => jobsEnded([arrayId, mergeId]));

    const beforeResume = finishTimes(shard0);
    expect(beforeResume.size, 'task 0 finished before it was cancelled; the test needs slower jobs').toBeLessThan(shard0Jobs);
    const merged = join(outDir, 'killed.sqlite');
    const partial = await runCli(['sweep', 'status', '--db', merged], fixture.dir);
    expect(partial.stdout).toContain(`${shard0Jobs - beforeResume.size} jobs pending`);

    const resubmit = slurmCommand('sbatch', ['--parsable', '--wait', '--array=0', arrayScript]);
    expect(resubmit.status, resubmit.stderr).toBe(0);
    expect(readFileSync(join(outDir, 'logs', 'killed.shard-0.out'), 'utf8')).toContain(`${beforeResume.size} reused from earlier runs`);

    // Jobs finished before the kill keep their rows: the resumed task did not solve them again.
    const afterResume = finishTimes(shard0);
    expect(afterResume.size).toBe(shard0Jobs);
    for (const [key, finishedAt] of beforeResume) expect(afterResume.get(key)).toBe(finishedAt);

    const remerge = slurmCommand('sbatch', ['--parsable', '--wait', mergeScript]);
    expect(remerge.status, remerge.stderr).toBe(0);
    const mergedRows = jobResults(merged) as unknown[][];
    expect(mergedRows.map((row) => row[0])).toEqual(plan.jobs.map((job) => job.key).sort());
    expect(mergedRows.every((row) => row[1] === 'done')).toBe(true);
    const shardRows = [0, 1, 2].flatMap((task) => jobResults(join(outDir, `killed.shard-${task}.sqlite`)) as unknown[][]);
    expect(mergedRows).toEqual(shardRows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))));

    const status = await runCli(['sweep', 'status', '--db', merged], fixture.dir);
    expect(status.stdout).not.toContain('jobs pending');
    expect(status.stdout).toMatch(/all \(distinct jobs\)\s+12\s+12\s+0\s+0/);
  }, 150_000);
});
