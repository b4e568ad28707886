// Counting a sweep's jobs by state, per network and in all, for `sweep status` and the report.
//
// Within a sweep a job is one (design point hardware, layer shape) pair: its key (jobKey in
// src/sweep/planner.ts) hashes the point's architecture and keep pattern, which point_key hashes
// too, the layer_key and the sweep's mapper settings. So one design point per point_key, and
// each layer_key once, give every distinct job exactly once, and the counts need no DISTINCT
// over job keys. One grouped pass over point_jobs yields counts per layer_key, summed per
// network here. On a 108,864-job sweep this takes 0.1 s of CPU, where one DISTINCT join per
// count took 1.25 s.
import type { Db } from './open.js';
import { hasSharedMappings } from './queries.js';

export interface JobCounts {
  /** Distinct jobs: design point x layer shape, a job shared by several layers counted once. */
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** Done jobs whose search stopped at the mapper's time limit (mapper_status time_limit). */
  timeLimited: number;
}

export interface SweepJobTally {
  /** One row per network, in the sweep's network order; a job used by two networks counts in each. */
  byNetwork: (JobCounts & { network: string })[];
  /** Every distinct job of the sweep, counted once. */
  all: JobCounts;
  /** Done jobs whose mapping came from a neighbouring design point: better than their own, or replacing a failure. */
  shared: { improved: number; rescued: number };
  /** Failed jobs per reason text, most frequent first. */
  failureReasons: { reason: string; jobs: number }[];
}

type JobStatus = 'done' | 'failed' | null;

/** The point_jobs rows of one design point per distinct hardware of sweep `?`, each job once. */
const DISTINCT_JOBS = `
  point_jobs pj LEFT JOIN jobs j ON j.key = pj.job_key
  WHERE pj.design_point_id IN (SELECT MIN(id) FROM design_points WHERE sweep_id = ? GROUP BY point_key)`;

/** Counts the distinct jobs of a sweep by state, without the split by network. */
export function sweepJobCounts(db: Db, sweepId: number): JobCounts {
  const groups = db.prepare(`SELECT j.status, j.mapper_status = 'time_limit', COUNT(*) FROM ${DISTINCT_JOBS} GROUP BY 1, 2`).raw().all(sweepId) as [JobStatus, number | null, number][];
  const counts = emptyCounts();
  for (const [status, timeLimited, jobs] of groups) addJobs(counts, status, timeLimited === 1, jobs);
  return counts;
}

/** Counts the jobs of one sweep, per network and in all, with the failure reasons. */
export function tallySweepJobs(db: Db, sweepId: number): SweepJobTally {
  // layer_key, status (null: pending), time-limited (0 or 1; null: pending), reason, jobs.
  const groups = db.prepare(`SELECT pj.layer_key, j.status, j.mapper_status = 'time_limit', j.reason, COUNT(*) FROM ${DISTINCT_JOBS} GROUP BY 1, 2, 3, 4`).raw().all(sweepId) as [string, JobStatus, number | null, string | null, number][];

  const byLayerKey = new Map<string, JobCounts>();
  const reasons = new Map<string, number>();
  for (const [layerKey, status, timeLimited, reason, jobs] of groups) {
    const counts = byLayerKey.get(layerKey) ?? emptyCounts();
    byLayerKey.set(layerKey, counts);
    addJobs(counts, status, timeLimited === 1, jobs);
    if (status !== 'failed') continue;
    const text = reason ?? '(no reason recorded)';
    reasons.set(text, (reasons.get(text) ?? 0) + jobs);
  }

  const layerKeysByNetwork = new Map<string, Set<string>>();
  const layers = db.prepare('SELECT network, layer_key FROM layers WHERE sweep_id = ? ORDER BY rowid').raw().all(sweepId) as [string, string][];
  for (const [network, layerKey] of layers) {
    const keys = layerKeysByNetwork.get(network) ?? new Set<string>();
    layerKeysByNetwork.set(network, keys.add(layerKey));
  }
  const byNetwork = [...layerKeysByNetwork].map(([network, keys]) => ({ network, ...sumCounts(keys, byLayerKey) }));

  const failureReasons = [...reasons].map(([reason, jobs]) => ({ reason, jobs })).sort(byJobsThenReason);

  return { byNetwork, all: sumCounts(byLayerKey.keys(), byLayerKey), shared: sharedJobCounts(db, sweepId), failureReasons };
}

/** Orders reasons by job count, most first, then by text as SQLite's binary collation orders ASCII. */
function byJobsThenReason(a: { reason: string; jobs: number }, b: { reason: string; jobs: number }): number {
  if (a.jobs !== b.jobs) return b.jobs - a.jobs;
  if (a.reason === b.reason) return 0;
  return a.reason < b.reason ? -1 : 1;
}

function emptyCounts(): JobCounts {
  return { total: 0, done: 0, failed: 0, pending: 0, timeLimited: 0 };
}

function addJobs(counts: JobCounts, status: JobStatus, timeLimited: boolean, jobs: number): void {
  counts.total += jobs;
  if (status === null) counts.pending += jobs;
  else counts[status] += jobs;
  if (status === 'done' && timeLimited) counts.timeLimited += jobs;
}

function sumCounts(layerKeys: Iterable<string>, byLayerKey: Map<string, JobCounts>): JobCounts {
  const sum = emptyCounts();
  for (const key of layerKeys) {
    const counts = byLayerKey.get(key);
    if (counts === undefined) continue;
    for (const field of Object.keys(sum) as (keyof JobCounts)[]) sum[field] += counts[field];
  }
  return sum;
}

/** Reads only the shared_mappings rows, each checked against the sweep through point_jobs_by_job. */
function sharedJobCounts(db: Db, sweepId: number): SweepJobTally['shared'] {
  if (!hasSharedMappings(db)) return { improved: 0, rescued: 0 };
  return db.prepare(`
    SELECT COUNT(*) FILTER (WHERE s.mapper_mapping_yaml IS NOT NULL) AS improved, COUNT(*) FILTER (WHERE s.mapper_mapping_yaml IS NULL) AS rescued
    FROM shared_mappings s
    WHERE EXISTS (
      SELECT 1 FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id
      WHERE pj.job_key = s.job_key AND dp.sweep_id = ?)`).get(sweepId) as SweepJobTally['shared'];
}
