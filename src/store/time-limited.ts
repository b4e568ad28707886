// Counting done jobs whose search stopped at the mapper's time limit (mapper_status time_limit).
// Their mappings are the best found in time, not proven good, and on a busy machine fewer steps
// fit in the limit, so their figures can depend on the load while they ran.
import type { Db } from './open.js';

const TIME_LIMITED = "j.status = 'done' AND j.mapper_status = 'time_limit'";

/** Distinct time-limited jobs per network of a sweep; networks without any are absent. */
export function timeLimitedByNetwork(db: Db, sweepId: number): Map<string, number> {
  const rows = db.prepare(`
    SELECT network, COUNT(*) FROM (
      SELECT DISTINCT l.network, pj.job_key
      FROM layers l
      JOIN design_points dp ON dp.sweep_id = l.sweep_id
      JOIN point_jobs pj ON pj.design_point_id = dp.id AND pj.layer_key = l.layer_key
      JOIN jobs j ON j.key = pj.job_key
      WHERE l.sweep_id = ? AND ${TIME_LIMITED}
    )
    GROUP BY network`).raw().all(sweepId) as [string, number][];
  return new Map(rows);
}

/** Distinct time-limited jobs of a sweep, each counted once however many networks use it. */
export function timeLimitedJobCount(db: Db, sweepId: number): number {
  return db.prepare(`
    SELECT COUNT(DISTINCT pj.job_key)
    FROM point_jobs pj
    JOIN design_points dp ON dp.id = pj.design_point_id
    JOIN jobs j ON j.key = pj.job_key
    WHERE dp.sweep_id = ? AND ${TIME_LIMITED}`).pluck().get(sweepId) as number;
}

export interface TimeLimitedUse {
  /** Design points among those given with at least one time-limited layer. */
  points: number;
  /** Distinct time-limited jobs among their layers. */
  jobs: number;
}

/** Counts the time-limited jobs behind the given design points, for one network or all of them. */
export function timeLimitedUse(db: Db, designPointIds: readonly number[], network?: string): TimeLimitedUse {
  return db.prepare(`
    SELECT COUNT(DISTINCT dp.id) AS points, COUNT(DISTINCT j.key) AS jobs
    FROM json_each(?) AS ids
    JOIN design_points dp ON dp.id = ids.value
    JOIN layers l ON l.sweep_id = dp.sweep_id
    JOIN point_jobs pj ON pj.design_point_id = dp.id AND pj.layer_key = l.layer_key
    JOIN jobs j ON j.key = pj.job_key
    WHERE ${TIME_LIMITED} AND (? IS NULL OR l.network = ?)`).get(JSON.stringify(designPointIds), network ?? null, network ?? null) as TimeLimitedUse;
}
