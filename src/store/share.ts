// Running the mapping exchange of src/sweep/neighbours.ts on a sweep stored in a results database.
// It reads the finished jobs, shares mappings between neighbouring design points, and writes the
// changed jobs back with a record of what their own mapper found.
import { performance } from 'node:perf_hooks';

import type { KeepPattern } from '../arch/bypass.js';
import type { Architecture } from '../arch/types.js';
import { padLayer } from '../mappers/index.js';
import { objectiveScore } from '../mappers/space.js';
import type { Objective } from '../mappers/types.js';
import { parseMapping } from '../mapping/parse.js';
import type { Mapping } from '../mapping/types.js';
import { writeMappingYaml } from '../mapping/write.js';
import { shareMappingSteps, type SharedMapping, type SharingJob } from '../sweep/neighbours.js';
import type { GridValue } from '../sweep/spec.js';
import { sweepConstraints, sweepSettings } from './queries.js';
import type { Layer } from '../workload/layer.js';
import { parseStoredLayer } from '../workload/stored-layer.js';
import { lockedDatabaseError, retryWhileBusy } from './busy.js';
import type { Db } from './open.js';
import { sweepsSharingJobs, updateNetworkResults } from './write.js';

/** How long the exchange's one write keeps trying a database that another process has locked, in ms. */
const SHARE_WRITE_WAIT_MS = 60_000;

export interface ShareSummary {
  /** The sweep's objective, by which mappings were compared. */
  objective: Objective;
  /** Finished jobs of the sweep that took part. */
  jobs: number;
  /** Done jobs that took a better mapping from a neighbour in this call. */
  improved: number;
  /** Failed jobs that took a valid mapping from a neighbour in this call, and so are done now. */
  rescued: number;
  /** Largest ratio of an improved job's objective before to after, 1 when none improved. */
  bestGain: number;
  evaluations: number;
  seconds: number;
  /** Other sweeps of the database that use changed jobs, with how many; their totals were rebuilt too. */
  otherSweeps: { name: string; jobs: number }[];
  /** True when the signal stopped the exchange before every layer shape was done. */
  interrupted: boolean;
}

interface JobRow {
  key: string;
  status: 'done' | 'failed';
  pointId: number;
  layerKey: string;
  parametersJson: string;
  architectureJson: string;
  cycles: number | null;
  energyPJ: number | null;
  mappingYaml: string | null;
}

/**
 * Shares mappings between the neighbouring design points of sweep `sweepId` and rebuilds the
 * network results of every sweep whose jobs changed. A failed job takes a neighbour's mapping
 * when the cost model accepts it. Jobs already improved keep their record of what their own
 * mapper found. The work returns to the event loop about every BREAK_INTERVAL_MS, so that
 * `signal` (Ctrl-C) stops a long exchange within about that time. Layer shapes are done one at a
 * time, and a shape stopped part-way is dropped. The jobs of the shapes done and the network
 * results are then written in one transaction, so the totals always match the jobs.
 */
export async function shareSweepMappings(db: Db, sweepId: number, signal?: AbortSignal): Promise<ShareSummary> {
  const start = performance.now();
  const breaks = new EventLoopBreaks(signal);
  const { mapper, grid } = sweepSettings(db, sweepId);
  const loaded = signal?.aborted === true ? undefined : await loadSharingJobs(db, sweepId, mapper.padding === true, breaks);
  const jobs = loaded ?? [];
  const summary: ShareSummary = { objective: mapper.objective, jobs: jobs.length, improved: 0, rescued: 0, bestGain: 1, evaluations: 0, seconds: 0, otherSweeps: [], interrupted: loaded === undefined };

  // A layer shape stopped part-way contributes nothing, so every shape written was fully shared.
  const shared: SharedMapping[] = [];
  for (const group of groupByLayer(jobs)) {
    const steps = shareMappingSteps(group, grid, mapper.objective);
    let step = steps.next();
    while (step.done !== true && !(breaks.due() && (await breaks.stopRequested()))) step = steps.next();
    if (step.done !== true) {
      summary.interrupted = true;
      break;
    }
    shared.push(...step.value.shared);
    summary.evaluations += step.value.evaluations;
  }

  const byKey = new Map(jobs.map((job) => [job.key, job]));
  for (const { key, evaluation } of shared) {
    const job = byKey.get(key)!;
    if (job.mapping === undefined) {
      summary.rescued++;
      continue;
    }
    summary.improved++;
    summary.bestGain = Math.max(summary.bestGain, objectiveScore(job, mapper.objective) / objectiveScore(evaluation, mapper.objective));
  }
  if (shared.length > 0) {
    // The jobs' own results are committed already, so a locked database loses only this exchange,
    // which the next run or merge computes again.
    const written = await retryWhileBusy(db, () => writeShared(db, sweepId, shared, byKey), { waitMs: SHARE_WRITE_WAIT_MS });
    if (!written.done) throw lockedDatabaseError(db.name, 'saving the mapping exchange (the results of the jobs are saved)', SHARE_WRITE_WAIT_MS / 1000);
    summary.otherSweeps = otherSweepsUsing(db, sweepId, shared.map(({ key }) => key));
  }
  summary.seconds = (performance.now() - start) / 1000;
  return summary;
}

/** Stores the shared mappings with a record of each job's own result, and rebuilds the totals. */
function writeShared(db: Db, sweepId: number, shared: readonly SharedMapping[], jobs: Map<string, SharingJob>): void {
  // A rescued job is done from now on, and its record keeps the reason its own mapper failed.
  const update = db.prepare("UPDATE jobs SET status = 'done', reason = NULL, cycles = ?, energy_pj = ?, mapping_yaml = ?, evaluation_json = ? WHERE key = ?");
  // A job improved before keeps the result of its own mapper, not that of the last exchange.
  const record = db.prepare(`
    INSERT INTO shared_mappings (job_key, source_job_key, mapper_cycles, mapper_energy_pj, mapper_mapping_yaml, mapper_reason, shared_at)
    SELECT key, ?, cycles, energy_pj, mapping_yaml, reason, ? FROM jobs WHERE key = ?
    ON CONFLICT (job_key) DO UPDATE SET source_job_key = excluded.source_job_key, shared_at = excluded.shared_at`);

  db.transaction(() => {
    const now = new Date().toISOString();
    for (const { key, sourceKey, mapping, evaluation } of shared) {
      record.run(sourceKey, now, key);
      update.run(evaluation.cycles, evaluation.energy_pJ, writeMappingYaml(jobs.get(key)!.architecture, mapping), JSON.stringify(evaluation), key);
    }
    for (const id of sweepsSharingJobs(db, sweepId)) updateNetworkResults(db, id);
  })();
}

/** Counts, per other sweep of the database, how many of `keys` its design points use. */
function otherSweepsUsing(db: Db, sweepId: number, keys: readonly string[]): { name: string; jobs: number }[] {
  return db.prepare(`
    SELECT s.name AS name, COUNT(DISTINCT pj.job_key) AS jobs
    FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id JOIN sweeps s ON s.id = dp.sweep_id
    WHERE dp.sweep_id != ? AND pj.job_key IN (SELECT value FROM json_each(?))
    GROUP BY s.id ORDER BY s.id`).all(sweepId, JSON.stringify(keys)) as { name: string; jobs: number }[];
}

function groupByLayer(jobs: readonly SharingJob[]): SharingJob[][] {
  const groups = new Map<string, SharingJob[]>();
  for (const job of jobs) {
    const group = groups.get(job.layerKey);
    if (group === undefined) groups.set(job.layerKey, [job]);
    else group.push(job);
  }
  return [...groups.values()];
}

/**
 * Reads the finished jobs of a sweep with their design points' grid values, architectures, bypass
 * patterns, the sweep's mapspace constraints and the mappings. A failed job takes part without a
 * mapping when another job of its design point is done, because that job's mapping gives the
 * point's bypass pattern.
 */
async function loadSharingJobs(db: Db, sweepId: number, padded: boolean, breaks: EventLoopBreaks): Promise<SharingJob[] | undefined> {
  const rows = db.prepare(`
    SELECT j.key AS key, j.status AS status, dp.id AS pointId, pj.layer_key AS layerKey, dp.parameters_json AS parametersJson,
      dp.architecture_json AS architectureJson, j.cycles AS cycles, j.energy_pj AS energyPJ, j.mapping_yaml AS mappingYaml
    FROM design_points dp
    JOIN point_jobs pj ON pj.design_point_id = dp.id
    JOIN jobs j ON j.key = pj.job_key
    WHERE dp.sweep_id = ?
    ORDER BY dp.point_index, pj.layer_key`).all(sweepId) as JobRow[];
  const layers = new Map(
    (db.prepare('SELECT DISTINCT layer_key, shape_json FROM layers WHERE sweep_id = ?').raw().all(sweepId) as [string, string][]).map(([key, shape]) => {
      const layer = parseStoredLayer(shape);
      return [key, padded ? padLayer(layer) : layer];
    }),
  );

  const constraints = sweepConstraints(db, sweepId);
  const jobs = new Map<string, SharingJob>();
  // One object per design point: a large sweep has tens of thousands of jobs but few architectures.
  const architectures = new Map<number, Architecture>();
  const keeps = new Map<number, KeepPattern>();
  // Equal mapping text on equally named levels parses to one object, which neighbours.ts then
  // evaluates once per target instead of once per design point that found it.
  const parsed = new Map<string, Mapping>();
  // A job used by several design points is read once; its other points only add grid values.
  const addedPoint = (row: JobRow) => {
    const existing = jobs.get(row.key);
    existing?.points.push(JSON.parse(row.parametersJson) as Record<string, GridValue>);
    return existing !== undefined;
  };

  const failed: JobRow[] = [];
  for (const row of rows) {
    // Parsing the stored mappings takes about 1 ms per job.
    if (breaks.due() && (await breaks.stopRequested())) return undefined;
    if (addedPoint(row)) continue;
    const layer = layers.get(row.layerKey);
    if (layer === undefined) continue;
    if (row.status !== 'done' || row.mappingYaml === null) {
      failed.push(row);
      continue;
    }

    const architecture = architectureOf(row, architectures);
    const cacheKey = JSON.stringify([row.layerKey, architecture.levels.map((level) => level.name), row.mappingYaml]);
    let mapping = parsed.get(cacheKey);
    if (mapping === undefined) {
      mapping = parseMapping(row.mappingYaml, `job ${row.key}`, architecture, layer);
      parsed.set(cacheKey, mapping);
    }
    if (!keeps.has(row.pointId)) keeps.set(row.pointId, mapping.levels.map((level) => level.keep));
    const points = [JSON.parse(row.parametersJson) as Record<string, GridValue>];
    jobs.set(row.key, { key: row.key, layerKey: row.layerKey, layer, architecture, points, keep: keeps.get(row.pointId)!, constraints, mapping, cycles: row.cycles!, energy_pJ: row.energyPJ! });
  }

  for (const row of failed) {
    if (addedPoint(row)) continue;
    const keep = keeps.get(row.pointId);
    if (keep === undefined) continue;
    const architecture = architectureOf(row, architectures);
    const points = [JSON.parse(row.parametersJson) as Record<string, GridValue>];
    jobs.set(row.key, { key: row.key, layerKey: row.layerKey, layer: layers.get(row.layerKey)!, architecture, points, keep, constraints, mapping: undefined, cycles: Infinity, energy_pJ: Infinity });
  }
  return [...jobs.values()];
}

/** Interval between returns to the event loop, in ms: Ctrl-C is seen within about this time. */
const BREAK_INTERVAL_MS = 50;

/** Returns to the event loop now and then during a long synchronous computation, so that a stop request is seen. */
class EventLoopBreaks {
  private last = performance.now();

  constructor(private readonly signal: AbortSignal | undefined) {}

  /** True when BREAK_INTERVAL_MS have passed since the last break. */
  due(): boolean {
    return performance.now() - this.last >= BREAK_INTERVAL_MS;
  }

  /** Returns to the event loop once, then returns true when the signal has aborted. */
  async stopRequested(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
    return this.signal?.aborted === true;
  }
}

function architectureOf(row: JobRow, cache: Map<number, Architecture>): Architecture {
  let architecture = cache.get(row.pointId);
  if (architecture === undefined) {
    architecture = JSON.parse(row.architectureJson) as Architecture;
    cache.set(row.pointId, architecture);
  }
  return architecture;
}
