// The scripts of `cosa sweep slurm`, checked without a cluster: their #SBATCH lines, the option
// checks, and the scripts run by bash as Slurm would run them (the #SBATCH lines are comments to
// bash). Runs the compiled CLI, so build first: `npx tsc -p .`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { InputError } from '../src/input-error.js';
import { checkSlurmTime, groupSbatchOptions, shellQuote } from '../src/sweep/slurm.js';
import { frontRows, jobResults, makeMergeFixture, removeMergeFixtures } from './merge-fixture.js';
import { CLI, runCli, type CliResult } from './sweep-helpers.js';

afterAll(removeMergeFixtures);

function runWithEnv(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolveRun) => child.on('close', (status, signal) => resolveRun({ status, signal, stdout, stderr })));
}

describe('sbatch option checks', () => {
  it('groups words into #SBATCH options', () => {
    expect(groupSbatchOptions(['--account=proj', '--qos', 'normal', '-J', 'my', 'name', '--exclusive'])).toEqual([
      '--account=proj',
      '--qos=normal',
      '-J "my name"',
      '--exclusive',
    ]);
  });

  it.each([['--array=0-3'], ['--dependency', 'afterok:1'], ['-o', 'x.out'], ['--wait'], ['proj'], ['--comment="x"']])('rejects %j', (...words) => {
    expect(() => groupSbatchOptions(words)).toThrow(InputError);
  });

  it.each(['90', '10:00', '04:00:00', '1-12', '1-12:30', '1-12:30:00'])('accepts time %s', (time) => {
    expect(checkSlurmTime(time)).toBe(time);
  });

  it.each(['', '1h', '1:2:3:4', '-5', '1-'])('rejects time %j', (time) => {
    expect(() => checkSlurmTime(time)).toThrow(InputError);
  });

  it('quotes shell words only when needed', () => {
    expect(shellQuote('/a/b-c.yaml')).toBe('/a/b-c.yaml');
    expect(shellQuote("/my dir/it's.yaml")).toBe(`'/my dir/it'\\''s.yaml'`);
    expect(spawnSync('bash', ['-c', `printf %s ${shellQuote("/my dir/it's $HOME.yaml")}`], { encoding: 'utf8' }).stdout).toBe("/my dir/it's $HOME.yaml");
  });
});

describe('sweep slurm scripts', () => {
  it('writes the array and merge scripts', async () => {
    const fixture = makeMergeFixture({ name: 'scripts' });
    const outDir = join(fixture.dir, 'out');
    const args = ['sweep', 'slurm', fixture.specPath, '--tasks', '3', '--cpus-per-task', '2', '--partition', 'long', '--time', '01:30:00', '--out-dir', outDir];
    const result = await runCli([...args, '--', '--account=proj', '--comment', 'two words'], fixture.dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(outDir, 'scripts.array.sbatch')}`);
    expect(result.stdout).toContain('submit with:');

    const array = readFileSync(join(outDir, 'scripts.array.sbatch'), 'utf8');
    for (const line of ['#SBATCH --array=0-2', '#SBATCH --cpus-per-task=2', '#SBATCH --partition=long', '#SBATCH --time=01:30:00', '#SBATCH --account=proj', '#SBATCH --comment="two words"']) {
      expect(array).toContain(`${line}\n`);
    }
    expect(array).toContain(`${process.execPath} ${CLI} sweep run ${fixture.specPath}`);
    expect(array).toContain('--shard "${SLURM_ARRAY_TASK_ID}/3" --workers 2');

    const merge = readFileSync(join(outDir, 'scripts.merge.sbatch'), 'utf8');
    expect(merge).toContain(`results merge ${join(outDir, 'scripts.sqlite')} ${join(outDir, 'scripts.shard-')}*.sqlite\n`);
    expect(merge).not.toContain('--array');
    expect(merge).toContain('#SBATCH --account=proj\n');
  });

  it('notes idle tasks and a large array', async () => {
    const fixture = makeMergeFixture({ name: 'wide' });
    const result = await runCli(['sweep', 'slurm', fixture.specPath, '--tasks', '1002', '--out-dir', join(fixture.dir, 'out')], fixture.dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/note: \d+ tasks have no jobs; give --tasks at most \d+/);
    expect(result.stdout).toContain("note: 1002 tasks exceed Slurm's default MaxArraySize of 1001");
  });

  it('scripts run by bash give the single-run results', async () => {
    const fixture = makeMergeFixture({ name: 'bash' });
    const outDir = join(fixture.dir, 'out');
    const written = await runCli(['sweep', 'slurm', fixture.specPath, '--tasks', '2', '--out-dir', outDir], fixture.dir);
    expect(written.status, written.stderr).toBe(0);

    for (const task of ['0', '1']) {
      const shard = await runWithEnv('bash', [join(outDir, 'bash.array.sbatch')], fixture.dir, { SLURM_ARRAY_TASK_ID: task });
      expect(shard.status, shard.stderr).toBe(0);
      expect(existsSync(join(outDir, `bash.shard-${task}.sqlite`))).toBe(true);
    }
    const merge = await runWithEnv('bash', [join(outDir, 'bash.merge.sbatch')], fixture.dir, {});
    expect(merge.status, merge.stderr).toBe(0);
    expect(merge.stdout).toContain('merged 2 databases of sweep bash');

    const single = join(fixture.dir, 'single.sqlite');
    const run = await runCli(['sweep', 'run', fixture.specPath, '--db', single, '--workers', '2'], fixture.dir);
    expect(run.status, run.stderr).toBe(0);
    expect(jobResults(join(outDir, 'bash.sqlite'))).toEqual(jobResults(single));
    expect(frontRows(join(outDir, 'bash.sqlite'))).toEqual(frontRows(single));
  });

  it('rejects bad options before writing anything', async () => {
    const fixture = makeMergeFixture({ name: 'rejected' });
    const cases = [
      ['--tasks', '0'],
      ['--tasks', '99999999999'],
      ['--tasks', '2', '--cpus-per-task', 'x'],
      ['--tasks', '2', '--time', '2 hours'],
      ['--tasks', '2', '--partition', 'a b'],
      ['--tasks', '2', '--out-dir', join(fixture.dir, 'with space')],
      ['--tasks', '2', '--', '--array=1-2'],
    ];
    for (const options of cases) {
      const result = await runCli(['sweep', 'slurm', fixture.specPath, '--out-dir', join(fixture.dir, 'out'), ...options], fixture.dir);
      expect(result.status, options.join(' ')).toBe(2);
      expect(result.stderr, options.join(' ')).toMatch(/^error: [^\n]*\n$/);
    }
    expect(existsSync(join(fixture.dir, 'out'))).toBe(false);
  });

  it('reports a missing sbatch in one line', async () => {
    const fixture = makeMergeFixture({ name: 'nosbatch' });
    const args = [CLI, 'sweep', 'slurm', fixture.specPath, '--tasks', '2', '--out-dir', join(fixture.dir, 'out'), '--submit'];
    // The CLI runs by node's absolute path, so a PATH of the network folder hides only sbatch.
    const result = await runWithEnv(process.execPath, args, fixture.dir, { PATH: join(fixture.dir, 'tiny') });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: sbatch: command: not found on PATH; [^\n]*\n$/);
  });
});
