// `cosa sweep slurm`: write (and with --submit, submit) a Slurm job array that runs a sweep in
// shards, and a merge job that combines the shard databases after the array.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Command } from 'commander';

import { checkOutputFolder } from '../../file-checks.js';
import { InputError } from '../../input-error.js';
import { planSweep } from '../../sweep/planner.js';
import { assignShards, MAX_SHARDS } from '../../sweep/shard.js';
import { arrayScript, checkSlurmTime, cosaEntryPoint, groupSbatchOptions, mergeScript, sbatch, slurmPaths, type SlurmSettings } from '../../sweep/slurm.js';
import { loadSweepSpec } from '../../sweep/spec.js';
import { runAction } from '../errors.js';
import { countOf } from '../../plural.js';

/** slurm.conf's default MaxArraySize: array task indices run from 0 to one less than it. */
const SLURM_DEFAULT_MAX_ARRAY_SIZE = 1001;

export interface SweepSlurmOptions {
  tasks: string;
  cpusPerTask: string;
  partition?: string;
  time?: string;
  outDir: string;
  submit?: boolean;
}

export function addSweepSlurmCommand(sweep: Command): void {
  sweep
    .command('slurm')
    .argument('<spec>', 'sweep spec YAML')
    .argument('[sbatch-options...]', 'extra sbatch options for both scripts, after `--`, such as -- --account=proj --qos=normal')
    .summary('write a Slurm job array that runs the sweep in shards, and a merge job')
    .description(
      'Write DIR/<sweep>.array.sbatch, an array of N tasks where task I runs `cosa sweep run SPEC --shard I/N` ' +
        'into DIR/<sweep>.shard-I.sqlite, and DIR/<sweep>.merge.sbatch, which merges the shard databases into ' +
        'DIR/<sweep>.sqlite. Task logs go to DIR/logs/. With --submit, submit the array and then the merge job ' +
        'with --dependency=afterany on the array, and print both job ids. To rerun a task that stopped early ' +
        '(a node failure, the time limit), submit its index again with `sbatch --array=I DIR/<sweep>.array.sbatch`: ' +
        'it resumes its own database; then merge again.',
    )
    .requiredOption('--tasks <n>', 'array tasks, one shard of the jobs each')
    .option('--cpus-per-task <n>', 'CPUs per task; each task runs this many worker threads', '1')
    .option('--partition <name>', 'Slurm partition (default: the cluster default)')
    .option('--time <limit>', 'time limit of each task, such as 04:00:00 (default: the partition default)')
    .option('--out-dir <dir>', 'folder of the scripts, shard databases, merged database and logs', 'results')
    .option('--submit', 'submit both scripts with sbatch and print the job ids')
    .action(runAction(sweepSlurmCommand));
}

function positiveInteger(text: string, option: string, meaning: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InputError('command line', option, text, `must be a positive integer (${meaning})`);
  return value;
}

function checkOptions(specPath: string, extraWords: string[], options: SweepSlurmOptions): Omit<SlurmSettings, 'sweepName'> {
  const tasks = positiveInteger(options.tasks, '--tasks', 'array tasks');
  if (tasks > MAX_SHARDS) throw new InputError('command line', '--tasks', options.tasks, `must be at most ${MAX_SHARDS} (array tasks, one shard each)`);
  const cpusPerTask = positiveInteger(options.cpusPerTask, '--cpus-per-task', 'CPUs and worker threads per task');
  if (options.partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(options.partition)) {
    throw new InputError('command line', '--partition', options.partition, 'must be a Slurm partition name (letters, digits, _ . - and commas between names)');
  }
  const time = options.time === undefined ? undefined : checkSlurmTime(options.time);

  // The folder appears in #SBATCH lines, which take no shell quoting.
  const outDir = resolve(options.outDir);
  if (/[\s'"\\$`]/.test(outDir)) {
    throw new InputError('command line', '--out-dir', outDir, 'must not contain spaces, quotes, backslashes, $ or backquotes, since #SBATCH lines cannot quote it');
  }

  return {
    specPath: resolve(specPath),
    tasks,
    cpusPerTask,
    partition: options.partition,
    time,
    outDir,
    extraOptions: groupSbatchOptions(extraWords),
    nodePath: process.execPath,
    cosaPath: cosaEntryPoint(),
  };
}

export function sweepSlurmCommand(specPath: string, extraWords: string[], options: SweepSlurmOptions): number {
  const checked = checkOptions(specPath, extraWords, options);

  // Planning here catches a bad spec before any job is queued, and gives the shard sizes.
  const spec = loadSweepSpec(checked.specPath);
  const plan = planSweep(spec);
  const settings: SlurmSettings = { ...checked, sweepName: spec.name };
  const paths = slurmPaths(settings.outDir, spec.name);

  checkOutputFolder(settings.outDir, '--out-dir');
  mkdirSync(paths.logDir, { recursive: true });
  writeFileSync(paths.arrayScript, arrayScript(settings));
  writeFileSync(paths.mergeScript, mergeScript(settings));
  chmodSync(paths.arrayScript, 0o755);
  chmodSync(paths.mergeScript, 0o755);

  const sizes = new Array<number>(settings.tasks).fill(0);
  for (const shard of assignShards(plan.jobs, settings.tasks)) sizes[shard]++;
  const lines = [
    `sweep ${spec.name}: ${countOf(plan.jobs.length, 'unique job')} in ${countOf(settings.tasks, 'shard')} of ${Math.min(...sizes)} to ${countOf(Math.max(...sizes), 'job')}`,
    `wrote ${paths.arrayScript}: task I runs shard I with ${countOf(settings.cpusPerTask, 'worker thread')} into ${paths.shardDatabase('I')}`,
    `wrote ${paths.mergeScript}: merges the shards into ${paths.mergedDatabase}`,
    `logs: ${paths.logDir}/`,
  ];
  const idleTasks = sizes.filter((size) => size === 0).length;
  if (idleTasks > 0) lines.push(`note: ${countOf(idleTasks, 'task has', 'tasks have')} no jobs; give --tasks at most ${plan.jobs.length}`);
  if (settings.tasks > SLURM_DEFAULT_MAX_ARRAY_SIZE) {
    lines.push(`note: ${settings.tasks} tasks exceed Slurm's default MaxArraySize of ${SLURM_DEFAULT_MAX_ARRAY_SIZE}; sbatch rejects the array unless your cluster raised it (scontrol show config | grep MaxArraySize)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  if (!options.submit) {
    process.stdout.write(
      'submit with:\n' +
        `  jobid=$(sbatch --parsable ${paths.arrayScript}) && sbatch --dependency=afterany:\${jobid%%;*} ${paths.mergeScript}\n`,
    );
    return 0;
  }

  const arrayJobId = sbatch([paths.arrayScript]);
  let mergeJobId: string;
  try {
    mergeJobId = sbatch([`--dependency=afterany:${arrayJobId}`, paths.mergeScript]);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const hint = `${error.hint}; array job ${arrayJobId} is queued, so submit the merge by hand: sbatch --dependency=afterany:${arrayJobId} ${paths.mergeScript}`;
    throw new InputError(error.file, error.field, error.value, hint);
  }
  process.stdout.write(`submitted array job ${arrayJobId} (${settings.tasks} tasks) and merge job ${mergeJobId} (runs after the array)\n`);
  process.stdout.write(`watch: squeue -j ${arrayJobId},${mergeJobId}\nrerun task I: sbatch --array=I ${paths.arrayScript}, then sbatch ${paths.mergeScript}\n`);
  return 0;
}
