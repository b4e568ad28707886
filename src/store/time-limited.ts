// Counting done jobs whose search stopped at the mapper's time limit (mapper_status time_limit).
// Their mappings are the best found in time, not proven good, and on a busy machine fewer steps
// fit in the limit, so their figures can depend on the load while they ran.
import type { Db } from './open.js';

const TIME_LIMITED = "j.status = 'done' AND j.mapper_status = 'time_limit'";

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
