// `cosa sweep run`, `cosa sweep status` and `cosa sweep slurm`.
import type { Command } from 'commander';

import { runAction } from '../errors.js';
import { statusCommand } from './status.js';
import { addSweepSlurmCommand } from './sweep-slurm.js';
import { sweepRunCommand } from './sweep-run.js';

export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').summary('run a design sweep, or show its progress').description('Run design sweeps and show their progress.');

  sweep
    .command('run')
    .argument('<spec>', 'sweep spec YAML (see sweeps/example.yaml)')
    .summary('schedule every layer of the networks on every design point of a grid')
    .description(
      'Expand the sweep spec into design points and jobs (one per design point and layer shape), solve the jobs ' +
        'on a pool of worker threads and store the results in a SQLite database; then print the Pareto front ' +
        'over latency, energy and area. Finished jobs are kept: rerunning the same command resumes, and Ctrl-C ' +
        'or SIGTERM stops with every finished job saved (exit status 130 or 143). After the jobs, each job takes ' +
        'the best mapping, by the sweep\'s objective, among its own and those found for the same layer at the ' +
        'design points that differ from its own in one grid value (at most 4 places apart on that axis); the cost ' +
        'model checks each on its architecture.',
    )
    .addHelpText(
      'after',
      `
Exit status:
  0    the sweep finished and at least one design point has results for every layer
       (a shard run: its jobs finished)
  1    no design point has results for every layer; the report (when a job finished) and
       \`cosa sweep status\` list the failure reasons
  2    an input file or option is missing or malformed, or another run holds the database
  130  stopped by Ctrl-C (SIGINT); 143 stopped by SIGTERM. Finished jobs are saved`,
    )
    .option('--db <file>', 'results database (default: results/<sweep name>.sqlite)')
    .option('--workers <n>', 'worker threads (default: one per core; at most 4 per core and 256)')
    .option('--retry-failed', 'solve jobs that failed in an earlier run again')
    .option('--retry-time-limited', 'solve again the done jobs whose search stopped at the time limit (mapper status time_limit)')
    .option('--shard <I/N>', 'run only shard I of N (I from 0) of the jobs, split by estimated cost (default db: results/<sweep name>.shard-I.sqlite)')
    .option('--no-share-mappings', "keep every job's own mapping: do not try the mappings of neighbouring design points (a shard never does; `results merge` does)")
    .action(runAction(sweepRunCommand));

  sweep
    .command('status')
    .summary('print jobs done, failed and pending per network')
    .description(
      'Print, for each sweep in the database, its jobs per network: planned, done, stopped at the time limit, ' +
        'failed and pending, then the kinds of failure reason and the command that finishes pending jobs.',
    )
    .requiredOption('--db <file>', 'results database written by `cosa sweep run`')
    .option('--sweep <name>', 'only this sweep (default: every sweep in the database)')
    .action(runAction(statusCommand));

  addSweepSlurmCommand(sweep);
}
