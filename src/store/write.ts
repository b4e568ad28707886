// Writing a sweep's plan and its job results. All writes happen on the main thread.
import { resolve } from 'node:path';

import { parse as parseYaml } from 'yaml';

import { InputError } from '../input-error.js';
import { isBetter } from '../mappers/space.js';
import type { SweepPlan } from '../sweep/planner.js';
import { storedSpecHash, withoutJobTimeout } from '../sweep/spec.js';
import { MODEL_VERSION } from '../sweep/version.js';
import type { JobResult } from '../sweep/worker.js';
import type { Db } from './open.js';

/**
 * Records the sweep, its design points, layers and job keys, and returns the sweep's id. A spec
 * already in the database (same spec hash) keeps its id and design point ids, and its layers and
 * job keys are replaced by the current plan.
 */
export function registerSweep(db: Db, plan: SweepPlan): number {
  const { spec } = plan;
  checkSweepName(db, spec.name, spec.specHash, spec.file, spec.text);
  const insertSweep = db.prepare(`
    INSERT INTO sweeps (spec_hash, name, spec_path, spec_text, clock_ghz, model_version, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (spec_hash) DO UPDATE SET model_version = excluded.model_version`);
  const insertPoint = db.prepare(`
    INSERT INTO design_points (sweep_id, point_index, point_key, parameters_json, architecture_json, area_um2)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (sweep_id, point_index) DO UPDATE SET point_key = excluded.point_key,
      parameters_json = excluded.parameters_json, architecture_json = excluded.architecture_json,
      area_um2 = excluded.area_um2`);
  const insertLayer = db.prepare(`
    INSERT INTO layers (sweep_id, network, position, name, layer_key, shape_json, repeats) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertPointJob = db.prepare('INSERT INTO point_jobs (design_point_id, layer_key, job_key) VALUES (?, ?, ?)');
  // Every design point of a sweep has the constraints of its one mapspace file.
  const constraints = plan.points[0]?.constraints;

  return db.transaction(() => {
    // An absolute path, so that the rerun commands printed from the database work in any folder.
    insertSweep.run(spec.specHash, spec.name, resolve(spec.file), spec.text, spec.clockGHz, MODEL_VERSION, new Date().toISOString());
    const sweepId = db.prepare('SELECT id FROM sweeps WHERE spec_hash = ?').pluck().get(spec.specHash) as number;
    db.prepare('DELETE FROM sweep_constraints WHERE sweep_id = ?').run(sweepId);
    if (constraints !== undefined) db.prepare('INSERT INTO sweep_constraints (sweep_id, constraints_json) VALUES (?, ?)').run(sweepId, JSON.stringify(constraints));

    const pointIds = new Map<number, number>();
    for (const point of plan.points) {
      insertPoint.run(sweepId, point.index, point.key, JSON.stringify(point.parameters), JSON.stringify(point.architecture), point.areaUm2);
      const id = db.prepare('SELECT id FROM design_points WHERE sweep_id = ? AND point_index = ?').pluck().get(sweepId, point.index) as number;
      pointIds.set(point.index, id);
    }

    db.prepare('DELETE FROM layers WHERE sweep_id = ?').run(sweepId);
    for (const layer of plan.layers) {
      insertLayer.run(sweepId, layer.network, layer.position, layer.name, layer.layerKey, JSON.stringify(layer.layer), layer.repeats);
    }

    db.prepare('DELETE FROM point_jobs WHERE design_point_id IN (SELECT id FROM design_points WHERE sweep_id = ?)').run(sweepId);
    for (const entry of plan.pointJobs) {
      insertPointJob.run(pointIds.get(entry.pointIndex), entry.layerKey, entry.jobKey);
    }
    return sweepId;
  })();
}

/**
 * Raises InputError when the database contains another sweep (another spec hash) with this name:
 * commands select sweeps by name, so the newer one would hide the older one. A stored spec whose
 * hash an older version computed with job_timeout_s, and which differs in nothing else, is the
 * same sweep: it takes the current hash.
 */
export function checkSweepName(db: Db, name: string, specHash: string, specFile: string, specText: string): void {
  const stored = db.prepare('SELECT spec_hash AS hash, spec_text AS text FROM sweeps WHERE name = ?').all(name) as { hash: string; text: string }[];
  const other = stored.find((row) => row.hash !== specHash);
  if (other === undefined) return;
  if (storedSpecHash(other.text) === specHash) {
    db.prepare('UPDATE sweeps SET spec_hash = ? WHERE spec_hash = ?').run(specHash, other.hash);
    return;
  }
  // job_timeout_s is not part of a sweep's identity, so a changed timeout is never the difference.
  const field = firstDifference(withoutJobTimeout(parseYaml(other.text)), withoutJobTimeout(parseYaml(specText)), '');
  throw new InputError(
    db.name,
    'sweep',
    name,
    `this database already holds a different sweep with this name (${specFile} differs from it${field === undefined ? '' : ` at ${field}`}); ` +
      'to finish the stored sweep, undo that change; to run the new spec, rename it (`name:` in the spec) or use another --db',
  );
}

/** Returns the path of the first field where two parsed YAML values differ, or undefined when they are equal. */
function firstDifference(stored: unknown, current: unknown, path: string): string | undefined {
  const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  if (!isMap(stored) || !isMap(current)) return JSON.stringify(stored) === JSON.stringify(current) ? undefined : path || 'top level';
  for (const key of new Set([...Object.keys(stored), ...Object.keys(current)])) {
    let field = path === '' ? key : `${path}.${key}`;
    if (Array.isArray(stored)) field = `${path}[${key}]`;
    const difference = firstDifference(stored[key], current[key], field);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

export interface ReuseRules {
  /** Solve failed jobs again instead of keeping their failure. */
  retryFailed?: boolean;
  /** Solve again the done jobs whose search stopped at the mapper's time limit. */
  retryTimeLimited?: boolean;
}

/** Keys among `keys` whose stored result is kept: done and failed jobs, except those `rules` retry. */
export function finishedJobKeys(db: Db, keys: readonly string[], rules: ReuseRules = {}): Set<string> {
  const stored = db.prepare('SELECT key, status, mapper_status FROM jobs').raw().iterate() as IterableIterator<[string, string, string | null]>;
  const wanted = new Set(keys);
  const finished = new Set<string>();
  for (const [key, status, mapperStatus] of stored) {
    if (!wanted.has(key)) continue;
    if (status === 'failed' && rules.retryFailed === true) continue;
    if (status === 'done' && mapperStatus === 'time_limit' && rules.retryTimeLimited === true) continue;
    finished.add(key);
  }
  return finished;
}

/**
 * Returns a function that stores a batch of job results in one transaction. A done job solved
 * again (a retry) keeps its stored mapping and figures when they are better by the job's objective
 * than the new ones, and takes the new run's mapper status. A failed retry never replaces it.
 * The stored mapping may be one shared from a neighbouring design point (src/store/share.ts).
 * Returns how many failed results left a stored done result in place.
 */
export function jobResultWriter(db: Db): (results: readonly JobResult[]) => number {
  const stored = db.prepare('SELECT status, cycles, energy_pj AS energyPJ FROM jobs WHERE key = ?');
  const keepStored = db.prepare('UPDATE jobs SET mapper_status = ?, finished_at = ? WHERE key = ?');
  // A stored mapping shared from a neighbour stays, and its record takes the job's new own result.
  const updateOwnResult = db.prepare('UPDATE shared_mappings SET mapper_cycles = ?, mapper_energy_pj = ?, mapper_mapping_yaml = ?, mapper_reason = NULL WHERE job_key = ?');
  const insert = db.prepare(`
    INSERT OR REPLACE INTO jobs (key, status, reason, mapper_status, solve_seconds, worker_seconds, gap, cycles,
      energy_pj, mapping_yaml, evaluation_json, finished_at)
    VALUES (@key, @status, @reason, @mapperStatus, @solveSeconds, @workerSeconds, @gap, @cycles, @energyPJ,
      @mappingYaml, @evaluationJson, @finishedAt)`);
  // A job's own new result replaces a mapping shared from a neighbour, and with it that record.
  const dropShared = db.prepare('DELETE FROM shared_mappings WHERE job_key = ?');
  return db.transaction((results: readonly JobResult[]) => {
    const finishedAt = new Date().toISOString();
    let keptAfterFailure = 0;
    for (const result of results) {
      const previous = stored.get(result.key) as StoredFigures | undefined;
      if (storedIsBetter(previous, result)) {
        // A failed retry leaves the stored result as it was; a worse mapping updates only the status.
        if (result.status === 'done') {
          keepStored.run(result.mapperStatus ?? null, finishedAt, result.key);
          updateOwnResult.run(result.cycles ?? null, result.energyPJ ?? null, result.mappingYaml ?? null, result.key);
        } else {
          keptAfterFailure++;
        }
        continue;
      }
      insert.run({
        reason: null, mapperStatus: null, solveSeconds: null, workerSeconds: null, gap: null, cycles: null,
        energyPJ: null, mappingYaml: null, evaluationJson: null,
        ...withoutUndefined(result),
        finishedAt,
      });
      dropShared.run(result.key);
    }
    return keptAfterFailure;
  });
}

interface StoredFigures {
  status: string;
  cycles: number | null;
  energyPJ: number | null;
}

/** True when a stored done result must stay: the new run failed, or found a worse mapping. */
function storedIsBetter(stored: StoredFigures | undefined, result: JobResult): boolean {
  if (stored?.status !== 'done' || stored.cycles === null || stored.energyPJ === null) return false;
  if (result.status === 'failed') return true;
  if (result.objective === undefined || result.cycles === undefined || result.energyPJ === undefined) return false;
  return isBetter({ cycles: stored.cycles, energy_pJ: stored.energyPJ }, { cycles: result.cycles, energy_pJ: result.energyPJ }, result.objective);
}

function withoutUndefined(result: JobResult): Record<string, unknown> {
  const { objective: _objective, ...stored } = result;
  return Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== undefined));
}

/**
 * Returns the ids of the sweeps that use at least one job of sweep `sweepId`, itself included.
 * Jobs are shared by key, so a run of one sweep can change the totals of another.
 */
export function sweepsSharingJobs(db: Db, sweepId: number): number[] {
  return db.prepare(`
    SELECT DISTINCT other.sweep_id
    FROM design_points own
    JOIN point_jobs own_jobs ON own_jobs.design_point_id = own.id
    JOIN point_jobs other_jobs ON other_jobs.job_key = own_jobs.job_key
    JOIN design_points other ON other.id = other_jobs.design_point_id
    WHERE own.sweep_id = ?
    UNION SELECT ?`).pluck().all(sweepId, sweepId) as number[];
}

/**
 * Returns the INSERT of network_results rows for the design points that `pointFilter` (an SQL
 * condition on dp) selects. Per design point and network it sums cycles and
 * energy of every layer position times its repeats. Latency in seconds uses the sweep's clock. A
 * network with a failed or missing layer gets complete = 0 and NULL metrics.
 */
function insertNetworkResultsSql(pointFilter: string): string {
  return `
    INSERT INTO network_results (design_point_id, sweep_id, network, complete, failed_layers, missing_layers,
      latency_cycles, latency_s, energy_pj, edp_j_cycles, area_um2)
    SELECT point_id, sweep_id, network, done = total, failed, total - done - failed,
      CASE WHEN done = total THEN cycles END,
      CASE WHEN done = total THEN cycles / (clock_ghz * 1e9) END,
      CASE WHEN done = total THEN energy END,
      CASE WHEN done = total THEN energy * 1e-12 * cycles END,
      area
    FROM (
      SELECT dp.id AS point_id, dp.sweep_id AS sweep_id, l.network AS network, s.clock_ghz AS clock_ghz, dp.area_um2 AS area,
        COUNT(*) AS total,
        COALESCE(SUM(j.status = 'done'), 0) AS done,
        COALESCE(SUM(j.status = 'failed'), 0) AS failed,
        SUM(j.cycles * l.repeats) AS cycles,
        SUM(j.energy_pj * l.repeats) AS energy
      FROM design_points dp
      JOIN sweeps s ON s.id = dp.sweep_id
      JOIN layers l ON l.sweep_id = dp.sweep_id
      LEFT JOIN point_jobs pj ON pj.design_point_id = dp.id AND pj.layer_key = l.layer_key
      LEFT JOIN jobs j ON j.key = pj.job_key
      WHERE ${pointFilter}
      GROUP BY dp.id, l.network
    )`;
}

/** Rebuilds network_results of a sweep from the stored jobs (see insertNetworkResultsSql). */
export function updateNetworkResults(db: Db, sweepId: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM network_results WHERE sweep_id = ?').run(sweepId);
    db.prepare(insertNetworkResultsSql('dp.sweep_id = ?')).run(sweepId);
  })();
}

/**
 * Rebuilds the network_results rows of the design points, of any sweep, that use one of the jobs
 * `jobKeys`. During a run this costs time in proportion to the jobs finished since the last
 * refresh, where updateNetworkResults costs time in proportion to the sweep's design points.
 */
export function updateNetworkResultsOfJobs(db: Db, jobKeys: readonly string[]): void {
  if (jobKeys.length === 0) return;
  db.transaction(() => {
    const points = db.prepare('SELECT DISTINCT design_point_id FROM point_jobs WHERE job_key IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(jobKeys)) as number[];
    const ids = JSON.stringify(points);
    db.prepare('DELETE FROM network_results WHERE design_point_id IN (SELECT value FROM json_each(?))').run(ids);
    db.prepare(insertNetworkResultsSql('dp.id IN (SELECT value FROM json_each(?))')).run(ids);
  })();
}
