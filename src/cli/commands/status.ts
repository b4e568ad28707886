// `cosa sweep status`: jobs done, failed and pending per network of each sweep in a database.
import { openStore } from '../../store/open.js';
import { tallySweepJobs } from '../../store/job-tally.js';
import { activeLockOwner } from '../../store/lock.js';
import { findSweep, listSweeps, type SweepRow } from '../../store/queries.js';
import type { Db } from '../../store/open.js';
import { groupReasons } from '../../sweep/failure-reasons.js';
import { countOf } from '../../plural.js';
import { formatTable } from '../table.js';

export interface StatusOptions {
  db: string;
  sweep?: string;
}

/** How many kinds of failure reason are listed per sweep. */
const REASONS_SHOWN = 5;

export function statusCommand(options: StatusOptions): number {
  const db = openStore(options.db, { readonly: true });
  try {
    const sweeps = options.sweep === undefined ? listSweeps(db) : [findSweep(db, options.sweep, options.db)];
    if (sweeps.length === 0) process.stdout.write(`${options.db}: no sweeps yet\n`);
    for (const sweep of sweeps) process.stdout.write(`${formatSweepStatus(db, sweep)}\n`);
  } finally {
    db.close();
  }
  return 0;
}

function formatSweepStatus(db: Db, sweep: SweepRow): string {
  const tally = tallySweepJobs(db, sweep.id);
  const rows = [...tally.byNetwork, { ...tally.all, network: 'all (distinct jobs)' }].map((row) =>
    [row.network, row.total, row.done, row.timeLimited, row.failed, row.pending].map(String),
  );
  const { all: totals, shared } = tally;

  const lines = [`sweep ${sweep.name} (spec ${sweep.specPath}, created ${sweep.createdAt})`];
  lines.push(formatTable(['network', 'jobs', 'done', 'time limit', 'failed', 'pending'], rows, ['left', 'right', 'right', 'right', 'right', 'right']));
  if (totals.timeLimited > 0) {
    lines.push(
      `${countOf(totals.timeLimited, 'done job')} stopped at the time limit with the best mapping found by then; on a busy machine it may be worse. ` +
        `Raise mapper.time_limit_s, or solve them again with \`cosa sweep run ${sweep.specPath} --db ${db.name} --retry-time-limited\``,
    );
  }

  if (shared.improved > 0) {
    lines.push(`${countOf(shared.improved, 'done job uses', 'done jobs use')} a mapping first found for a neighbouring design point, which beat their own mapper's on this hardware`);
  }
  if (shared.rescued > 0) {
    lines.push(`${countOf(shared.rescued, 'job whose own mapper failed uses', 'jobs whose own mapper failed use')} a valid mapping first found for a neighbouring design point; the shared_mappings table keeps the reasons`);
  }

  // Reasons that differ only in their numbers (counts, sizes, times) are one kind, shown by one example.
  const groups = groupReasons(tally.failureReasons);
  if (groups.length > 0) {
    lines.push('failure reasons (jobs x reason; reasons that differ only in their numbers count as one):');
    for (const { example, jobs } of groups.slice(0, REASONS_SHOWN)) lines.push(`  ${jobs} x ${example}`);
    const others = groups.slice(REASONS_SHOWN);
    if (others.length > 0) {
      const jobs = others.reduce((sum, group) => sum + group.jobs, 0);
      lines.push(`  ... and ${countOf(others.length, 'other kind')} of reason (${countOf(jobs, 'job')}); \`cosa export --db ${db.name} --csv --layers\` lists every reason`);
    }
  }
  if (totals.pending > 0) {
    // A live run solves the pending jobs already; rerunning now would only meet its lock.
    const owner = activeLockOwner(db.name);
    const running = owner === undefined ? undefined : `${countOf(totals.pending, 'job')} pending: \`${owner.command ?? 'cosa sweep run'}\` (pid ${owner.pid} on ${owner.host}) is still writing to this database`;
    lines.push(running ?? pendingHint(totals.pending, sweep.specPath, db.name));
  }
  return lines.join('\n');
}

/**
 * Builds the command that finishes pending jobs. The database does not record whether a shard run
 * wrote it, so the shard index is read from the default name `NAME.shard-I.sqlite`. Any other name
 * gets a reminder to repeat --shard, because a run without it solves every shard's jobs.
 */
function pendingHint(pending: number, specPath: string, dbPath: string): string {
  const shardIndex = /\.shard-(\d+)\.sqlite$/.exec(dbPath)?.[1];
  if (shardIndex === undefined) {
    return `${countOf(pending, 'job')} pending: rerun \`cosa sweep run ${specPath} --db ${dbPath}\` to finish them (for a shard's database, add the same --shard I/N as its run)`;
  }
  return (
    `${countOf(pending, 'job')} pending: the jobs of the other shards stay pending in this shard ${shardIndex} database until \`cosa results merge\`; ` +
    `to finish this shard's jobs, rerun \`cosa sweep run ${specPath} --db ${dbPath} --shard ${shardIndex}/N\` with the shard count N of its run`
  );
}
