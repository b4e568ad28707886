// Running the mapping exchange of src/sweep/neighbours.ts on a sweep stored in a results database:
// read its done jobs, share mappings between neighbouring design points, and write the improved
// jobs back with the figures their own mapper found.
import { performance } from 'node:perf_hooks';

import type { Architecture } from '../arch/types.js';
import { padLayer } from '../mappers/index.js';
import { objectiveScore } from '../mappers/space.js';
import type { Objective } from '../mappers/types.js';
import { parseMapping } from '../mapping/parse.js';
import type { Mapping } from '../mapping/types.js';
import { writeMappingYaml } from '../mapping/write.js';
import { shareMappings, type SharedMapping, type SharingJob } from '../sweep/neighbours.js';
import { storedSpecSettings, type GridValue } from '../sweep/spec.js';
import type { Layer } from '../workload/layer.js';
import type { Db } from './open.js';
import { sweepsSharingJobs, updateNetworkResults } from './write.js';

export interface ShareSummary {
  /** The sweep's objective, by which mappings were compared. */
  objective: Objective;
  /** Done jobs of the sweep that took part. */
  jobs: number;
  /** Jobs that took a neighbour's mapping in this call. */
  improved: number;
  /** Largest ratio of a job's objective before to after, 1 when none improved. */
  bestGain: number;
  evaluations: number;
  seconds: number;
}

interface JobRow {
  key: string;
  pointId: number;
  layerKey: string;
  parametersJson: string;
  architectureJson: string;
  cycles: number;
  energyPJ: number;
  mappingYaml: string;
}

/**
 * Shares mappings between the neighbouring design points of sweep `sweepId` and rebuilds the
 * network results of every sweep whose jobs changed. Jobs already improved keep their record of
 * what their own mapper found. Layer shapes are done one at a time, each written in its own
 * transaction, with a return to the event loop in between, so that `signal` (Ctrl-C) can stop a
 * long exchange and keep the shapes already done.
 */
export async function shareSweepMappings(db: Db, sweepId: number, signal?: AbortSignal): Promise<ShareSummary> {
  const start = performance.now();
  const specText = db.prepare('SELECT spec_text FROM sweeps WHERE id = ?').pluck().get(sweepId) as string;
  const { mapper, gridKeys } = storedSpecSettings(specText, db.name);
  const jobs = loadSharingJobs(db, sweepId, mapper.padding === true);
  const summary: ShareSummary = { objective: mapper.objective, jobs: jobs.length, improved: 0, bestGain: 1, evaluations: 0, seconds: 0 };

  const update = db.prepare('UPDATE jobs SET cycles = ?, energy_pj = ?, mapping_yaml = ?, evaluation_json = ? WHERE key = ?');
  // A job improved before keeps the figures of its own mapper, not those of the last exchange.
  const record = db.prepare(`
    INSERT INTO shared_mappings (job_key, source_job_key, mapper_cycles, mapper_energy_pj, mapper_mapping_yaml, shared_at)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (job_key) DO UPDATE SET source_job_key = excluded.source_job_key, shared_at = excluded.shared_at`);
  const yamlOf = db.prepare('SELECT mapping_yaml FROM jobs WHERE key = ?').pluck();
  const write = db.transaction((group: SharingJob[], shared: SharedMapping[]) => {
    const byKey = new Map(group.map((job) => [job.key, job]));
    const now = new Date().toISOString();
    for (const { key, sourceKey, mapping, evaluation } of shared) {
      const job = byKey.get(key)!;
      record.run(key, sourceKey, job.cycles, job.energy_pJ, yamlOf.get(key) as string, now);
      update.run(evaluation.cycles, evaluation.energy_pJ, writeMappingYaml(job.architecture, mapping), JSON.stringify(evaluation), key);
      summary.bestGain = Math.max(summary.bestGain, objectiveScore(job, mapper.objective) / objectiveScore(evaluation, mapper.objective));
    }
  });

  for (const group of groupByLayer(jobs)) {
    if (signal?.aborted === true) break;
    const outcome = shareMappings(group, gridKeys, mapper.objective);
    write(group, outcome.shared);
    summary.improved += outcome.shared.length;
    summary.evaluations += outcome.evaluations;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  if (summary.improved > 0) {
    db.transaction(() => {
      for (const id of sweepsSharingJobs(db, sweepId)) updateNetworkResults(db, id);
    })();
  }
  summary.seconds = (performance.now() - start) / 1000;
  return summary;
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

/** Reads the done jobs of a sweep with their design points' grid values, architectures and mappings. */
function loadSharingJobs(db: Db, sweepId: number, padded: boolean): SharingJob[] {
  const rows = db.prepare(`
    SELECT j.key AS key, dp.id AS pointId, pj.layer_key AS layerKey, dp.parameters_json AS parametersJson,
      dp.architecture_json AS architectureJson, j.cycles AS cycles, j.energy_pj AS energyPJ, j.mapping_yaml AS mappingYaml
    FROM design_points dp
    JOIN point_jobs pj ON pj.design_point_id = dp.id
    JOIN jobs j ON j.key = pj.job_key
    WHERE dp.sweep_id = ? AND j.status = 'done' AND j.mapping_yaml IS NOT NULL
    ORDER BY dp.point_index, pj.layer_key`).all(sweepId) as JobRow[];
  const layers = new Map(
    (db.prepare('SELECT DISTINCT layer_key, shape_json FROM layers WHERE sweep_id = ?').raw().all(sweepId) as [string, string][]).map(([key, shape]) => {
      const layer = JSON.parse(shape) as Layer;
      return [key, padded ? padLayer(layer) : layer];
    }),
  );

  const jobs = new Map<string, SharingJob>();
  // One object per design point: a large sweep has tens of thousands of jobs but few architectures.
  const architectures = new Map<number, Architecture>();
  // Equal mapping text on equally named levels parses to one object, which neighbours.ts then
  // evaluates once per target instead of once per design point that found it.
  const parsed = new Map<string, Mapping>();
  for (const row of rows) {
    const parameters = JSON.parse(row.parametersJson) as Record<string, GridValue>;
    const existing = jobs.get(row.key);
    if (existing !== undefined) {
      existing.points.push(parameters);
      continue;
    }
    const layer = layers.get(row.layerKey);
    if (layer === undefined) continue;
    let architecture = architectures.get(row.pointId);
    if (architecture === undefined) {
      architecture = JSON.parse(row.architectureJson) as Architecture;
      architectures.set(row.pointId, architecture);
    }
    const cacheKey = JSON.stringify([row.layerKey, architecture.levels.map((level) => level.name), row.mappingYaml]);
    let mapping = parsed.get(cacheKey);
    if (mapping === undefined) {
      mapping = parseMapping(row.mappingYaml, `job ${row.key}`, architecture, layer);
      parsed.set(cacheKey, mapping);
    }
    jobs.set(row.key, { key: row.key, layerKey: row.layerKey, layer, architecture, points: [parameters], mapping, cycles: row.cycles, energy_pJ: row.energyPJ });
  }
  return [...jobs.values()];
}

/** Distinct jobs of a sweep whose stored mapping was shared from a neighbouring design point. */
export function sharedJobCount(db: Db, sweepId: number): number {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'shared_mappings'").get() !== undefined;
  if (!hasTable) return 0;
  return db.prepare(`
    SELECT COUNT(DISTINCT pj.job_key)
    FROM point_jobs pj
    JOIN design_points dp ON dp.id = pj.design_point_id
    JOIN shared_mappings s ON s.job_key = pj.job_key
    WHERE dp.sweep_id = ?`).pluck().get(sweepId) as number;
}
