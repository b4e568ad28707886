// `cosa results merge`: merge the databases of a sweep's shards into one results database.
import type { Command } from 'commander';

import { sweepJobCounts } from '../../store/job-tally.js';
import { mergeAndShareResults, mergeResults, type MergeSummary } from '../../store/merge.js';
import { openStore } from '../../store/open.js';
import { registerResultsPointCommand } from './results-point.js';
import { formatShareSummary } from './share-format.js';
import { runAction } from '../errors.js';
import { countOf } from '../../plural.js';

export function registerResultsCommand(program: Command): void {
  const results = program.command('results').summary('merge results databases, or write a design point as Timeloop files').description('Work on results databases as files.');

  results
    .command('merge')
    .argument('<out>', 'merged database (OUT.sqlite), created when it does not exist')
    .argument('<inputs...>', 'databases of the same sweep, such as results/SWEEP.shard-*.sqlite')
    .summary('merge the shard databases of a sweep into one database')
    .description(
      'Copy the design points, layers and job results of every input into OUT, then rebuild the per-network ' +
        'results, so `cosa pareto` and `cosa sweep status` read OUT as after a run on one machine. Every input ' +
        'must hold the same sweep spec and schema version. Merging is idempotent: a job already in OUT keeps ' +
        'its row, except that a failed job is replaced by an input that has it done, and a done job by an input whose ' +
        "mapping is better by the sweep's objective. Failed jobs keep their reasons. Then, as " +
        '`sweep run` does, each job takes the best mapping among its own and those of its neighbouring design points.',
    )
    .option('--no-share-mappings', "keep every job's own mapping: do not try the mappings of neighbouring design points")
    .action(runAction(resultsMergeCommand));

  registerResultsPointCommand(results);
}

export async function resultsMergeCommand(output: string, inputs: string[], options: { shareMappings?: boolean }): Promise<number> {
  // Ctrl-C or SIGTERM stops the exchange between layer shapes. The merge itself is one
  // transaction, which a signal interrupts only after it has committed.
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let summary: MergeSummary;
  try {
    if (options.shareMappings === false) {
      summary = mergeResults(output, inputs);
      printMergeSummary(output, summary);
    } else {
      const result = await mergeAndShareResults(output, inputs, controller.signal);
      summary = result.merge;
      printMergeSummary(output, summary);
      if (stoppedBy === undefined) process.stdout.write(`${formatShareSummary(result.share)}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const db = openStore(output, { readonly: true });
  try {
    const counts = sweepJobCounts(db, summary.sweepId);
    process.stdout.write(`jobs: ${counts.total} planned, ${counts.done} done, ${counts.failed} failed, ${counts.pending} pending\n`);
    if (counts.pending > 0) {
      process.stdout.write(`${countOf(counts.pending, 'job has', 'jobs have')} no result in any input: rerun the shards that stopped early (\`cosa sweep status --db ${output}\`), then merge again\n`);
    }
  } finally {
    db.close();
  }
  if (stoppedBy !== undefined) {
    const rest = options.shareMappings === false ? '' : ' before the mappings of neighbouring design points were all shared; run the same merge again to finish';
    process.stderr.write(`stopped on ${stoppedBy}: the merged jobs are saved${rest}\n`);
    // As shells report a process stopped by the signal: 128 + its number.
    return stoppedBy === 'SIGTERM' ? 143 : 130;
  }
  return 0;
}

function printMergeSummary(output: string, summary: MergeSummary): void {
  for (const path of summary.skipped) process.stderr.write(`skipped ${path}: it holds no sweep yet (its task stopped before planning)\n`);
  process.stdout.write(
    `merged ${countOf(summary.merged, 'database')} of sweep ${summary.sweepName} into ${output}: ` +
      `${countOf(summary.added, 'job')} added, ${countOf(summary.replaced, 'job')} replaced by better results, ${summary.unchanged} already there\n`,
  );
}
