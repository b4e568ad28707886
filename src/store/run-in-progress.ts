// The note that readers of a results database (pareto, export, report) print while a run writes
// to it. The run rebuilds network_results only now and then (see src/sweep/recorder.ts), so their
// figures lag behind its finished jobs.
import { activeLockOwner, describeLockOwner } from './lock.js';

/** Minimum time between two rebuilds of network_results during a run, in ms. */
export const NETWORK_RESULTS_REFRESH_MS = 30_000;

/**
 * Returns a note that a run (or merge) writes to the database at `dbPath`, saying that the figures
 * cover the jobs finished up to its last refresh, or undefined when no live run holds its lock.
 */
export function runInProgressNote(dbPath: string): string | undefined {
  const owner = activeLockOwner(dbPath);
  if (owner === undefined) return undefined;
  const where = describeLockOwner(owner);
  const since = typeof owner.since === 'string' ? `, started ${owner.since}` : '';
  const refreshS = NETWORK_RESULTS_REFRESH_MS / 1000;
  return (
    `note: \`${owner.command ?? 'cosa sweep run'}\` (${where}${since}) is still writing to ${dbPath}; ` +
    `the network figures cover the jobs it finished up to its last refresh, which it makes about every ${refreshS} s while jobs finish`
  );
}
