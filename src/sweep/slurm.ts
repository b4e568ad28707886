// Slurm batch scripts for a sweep: a job array whose task I runs shard I of N into its own
// database, and a merge job that combines the shard databases once the array has ended.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { InputError } from '../input-error.js';
import { countOf } from '../plural.js';

export interface SlurmSettings {
  /** Absolute path of the sweep spec. */
  specPath: string;
  sweepName: string;
  tasks: number;
  cpusPerTask: number;
  partition?: string;
  /** Slurm time limit of each task, such as 04:00:00. */
  time?: string;
  /** Absolute folder of the scripts, the databases and logs/. */
  outDir: string;
  /** sbatch options added to both scripts, one option (with its value) per entry. */
  extraOptions: string[];
  /** Absolute paths of the node binary and of bin/cosa.js that the jobs run. */
  nodePath: string;
  cosaPath: string;
}

/** Files a sweep's Slurm run writes, all under the output folder. */
export interface SlurmPaths {
  arrayScript: string;
  mergeScript: string;
  logDir: string;
  /** The shard database of task `${SLURM_ARRAY_TASK_ID}`, as the array script names it. */
  shardDatabase: (task: number | string) => string;
  mergedDatabase: string;
}

export function slurmPaths(outDir: string, sweepName: string): SlurmPaths {
  return {
    arrayScript: join(outDir, `${sweepName}.array.sbatch`),
    mergeScript: join(outDir, `${sweepName}.merge.sbatch`),
    logDir: join(outDir, 'logs'),
    shardDatabase: (task) => join(outDir, `${sweepName}.shard-${task}.sqlite`),
    mergedDatabase: join(outDir, `${sweepName}.sqlite`),
  };
}

/** bin/cosa.js of this package, from the compiled dist/src/sweep/slurm.js or from src/sweep/slurm.ts. */
export function cosaEntryPoint(): string {
  const modulePath = fileURLToPath(import.meta.url);
  return resolve(dirname(modulePath), modulePath.endsWith('.js') ? '../../../bin/cosa.js' : '../../bin/cosa.js');
}

/** Quotes `text` for a POSIX shell: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Options this program sets itself; given again through the extra options they would break the array or the merge. */
const RESERVED_OPTIONS = ['--array', '-a', '--dependency', '-d', '--parsable', '--wait', '-W', '--output', '-o', '--error', '-e'];

/**
 * Groups command-line words into sbatch options: a word that starts with `-` begins an option and
 * the words after it, up to the next such word, are its value (`--account proj` or `--account=proj`).
 */
export function groupSbatchOptions(words: readonly string[]): string[] {
  const options: string[] = [];
  for (const word of words) {
    if (word.startsWith('-')) options.push(word);
    else if (options.length === 0) throw new InputError('command line', 'sbatch options', word, 'is not an option; pass sbatch options after `--`, such as -- --account=proj --qos=normal');
    else options[options.length - 1] += ` ${word}`;
  }

  return options.map((option) => {
    const name = option.split(/[= ]/)[0];
    if (RESERVED_OPTIONS.includes(name)) {
      throw new InputError('command line', 'sbatch options', option, `cosa sweep slurm sets ${name} itself; use --tasks, --out-dir or --submit instead`);
    }
    if (/[\n\r"]/.test(option)) throw new InputError('command line', 'sbatch options', option, 'must not contain line breaks or double quotes');
    return directiveText(option, name);
  });
}

/**
 * Writes an option as an #SBATCH line takes it: `--name=value`, or `-n value` for a short option,
 * with a value that contains spaces in double quotes (sbatch splits #SBATCH lines at spaces).
 */
function directiveText(option: string, name: string): string {
  if (option.length === name.length) return option;
  const value = option.slice(name.length + 1);
  const quoted = /\s/.test(value) ? `"${value}"` : value;
  return name.startsWith('--') ? `${name}=${quoted}` : `${name} ${quoted}`;
}

/** Checks a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
export function checkSlurmTime(text: string): string {
  if (!/^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}(:\d{1,2}(:\d{1,2})?)?)$/.test(text)) {
    throw new InputError('command line', '--time', text, 'must be a Slurm time limit such as 04:00:00 (HH:MM:SS), 90 (minutes) or 1-12:00:00 (D-HH:MM:SS)');
  }
  return text;
}

function commonDirectives(settings: SlurmSettings): string[] {
  const lines = ['#SBATCH --ntasks=1'];
  if (settings.partition !== undefined) lines.push(`#SBATCH --partition=${settings.partition}`);
  if (settings.time !== undefined) lines.push(`#SBATCH --time=${settings.time}`);
  // Appending keeps the log of a task's earlier attempt when it is resubmitted.
  lines.push('#SBATCH --open-mode=append');
  for (const option of settings.extraOptions) lines.push(`#SBATCH ${option}`);
  return lines;
}

function cosaCommand(settings: SlurmSettings): string {
  return `${shellQuote(settings.nodePath)} ${shellQuote(settings.cosaPath)}`;
}

/** Returns the shard database path up to the task number: DIR/SWEEP.shard- */
function shardPrefix(settings: SlurmSettings): string {
  return join(settings.outDir, `${settings.sweepName}.shard-`);
}

/** Returns the array script, whose task I runs `cosa sweep run SPEC --shard I/N` into its own database. */
export function arrayScript(settings: SlurmSettings): string {
  const paths = slurmPaths(settings.outDir, settings.sweepName);
  const shardDb = `${shellQuote(shardPrefix(settings))}"\${SLURM_ARRAY_TASK_ID}".sqlite`;
  return [
    '#!/bin/bash',
    `# Sweep ${settings.sweepName} as a Slurm job array: task I runs shard I of ${settings.tasks} of the jobs`,
    `# with ${countOf(settings.cpusPerTask, 'worker thread')} into ${paths.shardDatabase('I')}.`,
    '# A task that stopped early resumes its own database when resubmitted:',
    `#   sbatch --array=I ${paths.arrayScript}`,
    `#SBATCH --job-name=cosa-${settings.sweepName}`,
    `#SBATCH --array=0-${settings.tasks - 1}`,
    `#SBATCH --cpus-per-task=${settings.cpusPerTask}`,
    `#SBATCH --output=${join(paths.logDir, `${settings.sweepName}.shard-%a.out`)}`,
    ...commonDirectives(settings),
    'set -euo pipefail',
    `exec ${cosaCommand(settings)} sweep run ${shellQuote(settings.specPath)} \\`,
    `  --shard "\${SLURM_ARRAY_TASK_ID}/${settings.tasks}" --workers ${settings.cpusPerTask} \\`,
    `  --db ${shardDb}`,
    '',
  ].join('\n');
}

/** Returns the merge script, which merges every shard database into the sweep's database and prints its status. */
export function mergeScript(settings: SlurmSettings): string {
  const paths = slurmPaths(settings.outDir, settings.sweepName);
  // The glob stays outside the quotes so the shell expands it.
  const shardGlob = `${shellQuote(shardPrefix(settings))}*.sqlite`;
  return [
    '#!/bin/bash',
    `# Merges the shard databases of sweep ${settings.sweepName} into ${paths.mergedDatabase}.`,
    `# Submitted with --dependency=afterany on the array, so it also runs when some tasks failed.`,
    `#SBATCH --job-name=cosa-${settings.sweepName}-merge`,
    '#SBATCH --cpus-per-task=1',
    `#SBATCH --output=${join(paths.logDir, `${settings.sweepName}.merge.out`)}`,
    ...commonDirectives(settings),
    'set -euo pipefail',
    `${cosaCommand(settings)} results merge ${shellQuote(paths.mergedDatabase)} ${shardGlob}`,
    `exec ${cosaCommand(settings)} sweep status --db ${shellQuote(paths.mergedDatabase)}`,
    '',
  ].join('\n');
}

/** Runs `sbatch --parsable ARGS` and returns the job id it prints. */
export function sbatch(args: readonly string[]): string {
  let output: string;
  try {
    output = execFileSync('sbatch', ['--parsable', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new InputError('sbatch', 'command', undefined, 'not found on PATH; run on a Slurm login node, or submit the written scripts there by hand');
    }
    const message = (failure.stderr ?? failure.message).trim().split('\n').pop();
    throw new InputError('sbatch', 'submission', args.join(' '), `sbatch failed: ${message}`);
  }

  // --parsable prints "jobid" or "jobid;cluster".
  const jobId = output.trim().split(';')[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch --parsable printed ${JSON.stringify(output)}, not a job id`);
  return jobId;
}
