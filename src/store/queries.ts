// Read queries over a results database, shared by the CLI commands and the HTML report.
// Metric names are looked up in METRIC_COLUMNS, never pasted into SQL.
import type { MappingConstraints } from '../arch/constraints.js';
import type { Objective } from '../mappers/types.js';
import { storedSpecSettings } from '../sweep/spec.js';
import { InputError } from '../input-error.js';
import type { Db } from './open.js';
import { OBJECTIVES, type ObjectiveName } from './pareto.js';
import { scanSweepFront } from './pareto-split.js';

export interface SweepRow {
  id: number;
  name: string;
  specHash: string;
  specPath: string;
  clockGHz: number;
  modelVersion: string;
  createdAt: string;
}

/** One design point's result for one network, or summed over all networks of the sweep. */
export interface DesignPointResult {
  designPointId: number;
  pointIndex: number;
  parameters: Record<string, number | string>;
  /** The network, or undefined for the sum over all networks of the sweep. */
  network: string | undefined;
  /** False when any layer failed or has no result yet; the metrics are then null. */
  complete: boolean;
  failedLayers: number;
  missingLayers: number;
  latencyCycles: number | null;
  latencyS: number | null;
  energyPJ: number | null;
  /** Energy in J times latency in cycles. */
  edpJCycles: number | null;
  areaUm2: number;
}

export const METRIC_COLUMNS: Record<ObjectiveName, keyof DesignPointResult> = {
  latency: 'latencyCycles',
  energy: 'energyPJ',
  area: 'areaUm2',
  edp: 'edpJCycles',
};

/** Checks a comma-separated list of 2 or 3 distinct objective names; `source` names the option. */
export function parseObjectives(text: string, source = '--objectives'): ObjectiveName[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.includes('')) {
    throw new InputError('command line', source, text, `an empty objective between commas; give 2 or 3 distinct objectives from ${OBJECTIVES.join(', ')}, such as latency,energy,area`);
  }
  for (const name of names) {
    if (!(OBJECTIVES as readonly string[]).includes(name)) {
      throw new InputError('command line', source, name, `unknown objective; choose 2 or 3 of ${OBJECTIVES.join(', ')}`);
    }
  }
  if (names.length < 2 || names.length > 3 || new Set(names).size !== names.length) {
    throw new InputError('command line', source, text, `give 2 or 3 distinct objectives from ${OBJECTIVES.join(', ')}, such as latency,energy,area`);
  }
  return names as ObjectiveName[];
}

export function listSweeps(db: Db): SweepRow[] {
  return db.prepare(`
    SELECT id, name, spec_hash AS specHash, spec_path AS specPath, clock_ghz AS clockGHz,
      model_version AS modelVersion, created_at AS createdAt
    FROM sweeps ORDER BY id`).all() as SweepRow[];
}

/** Returns the sweep named `name`, or the most recent one. Raises InputError when there is none. */
export function findSweep(db: Db, name?: string, dbPath = 'results database'): SweepRow {
  const sweeps = listSweeps(db);
  const matching = name === undefined ? sweeps : sweeps.filter((sweep) => sweep.name === name);
  const sweep = matching[matching.length - 1];
  if (sweep === undefined) {
    const known = sweeps.map((row) => row.name).join(', ') || '(none)';
    throw new InputError(dbPath, 'sweep', name, `no such sweep in this database; sweeps: ${known}`);
  }
  return sweep;
}

/** Reads the mapper settings (the objective by which each mapping was chosen) and grid axes of a stored sweep. */
export function sweepSettings(db: Db, sweepId: number): ReturnType<typeof storedSpecSettings> {
  const specText = db.prepare('SELECT spec_text FROM sweeps WHERE id = ?').pluck().get(sweepId) as string;
  return storedSpecSettings(specText, db.name);
}

/** Returns the mapspace constraints of a sweep, or undefined when it has none or the database predates them. */
export function sweepConstraints(db: Db, sweepId: number): MappingConstraints | undefined {
  if (!hasTable(db, 'sweep_constraints')) return undefined;
  const json = db.prepare('SELECT constraints_json FROM sweep_constraints WHERE sweep_id = ?').pluck().get(sweepId) as string | undefined;
  return json === undefined ? undefined : (JSON.parse(json) as MappingConstraints);
}

/** True when the database has the shared_mappings table, which databases written before it lack. */
export function hasSharedMappings(db: Db): boolean {
  return hasTable(db, 'shared_mappings');
}

/** True when the database has table `name`; the tables added after schema version 1 may be absent. */
function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Network names of a sweep, in spec order. */
export function sweepNetworks(db: Db, sweepId: number): string[] {
  return db.prepare('SELECT network FROM layers WHERE sweep_id = ? GROUP BY network ORDER BY MIN(rowid)').pluck().all(sweepId) as string[];
}

/**
 * Raises InputError unless `network` is one of the sweep's networks. The message names the sweep,
 * and the other sweeps of the database that have that network.
 */
export function checkNetwork(db: Db, sweep: SweepRow, network: string, dbPath = 'results database'): void {
  const networks = sweepNetworks(db, sweep.id);
  if (networks.includes(network)) return;
  const others = listSweeps(db).filter((other) => other.id !== sweep.id && sweepNetworks(db, other.id).includes(network));
  const hint = others.length === 0 ? '' : `; sweep ${others.map((other) => other.name).join(', ')} has it, so add --sweep ${others[others.length - 1].name}`;
  throw new InputError(dbPath, '--network', network, `not in sweep ${sweep.name}, whose networks are ${networks.join(', ')}${hint}`);
}

/**
 * Returns the line to print when a command read the newest of several sweeps because no --sweep
 * was given, or undefined when the database contains one sweep or --sweep named it.
 */
export function chosenSweepNote(db: Db, sweep: SweepRow, sweepOption: string | undefined): string | undefined {
  const sweeps = listSweeps(db);
  if (sweepOption !== undefined || sweeps.length < 2) return undefined;
  return `note: the database contains ${sweeps.length} sweeps (${sweeps.map((row) => row.name).join(', ')}); this is ${sweep.name}, the newest; choose another with --sweep NAME`;
}

// The SQL below is built from these fixed fragments only; no caller text is pasted into it.
const PER_NETWORK_COLUMNS = `dp.id, dp.point_index, dp.parameters_json, nr.network, nr.complete, nr.failed_layers,
  nr.missing_layers, nr.latency_cycles, nr.latency_s, nr.energy_pj, nr.edp_j_cycles, nr.area_um2`;
const PER_NETWORK_FROM = `FROM network_results nr JOIN design_points dp ON dp.id = nr.design_point_id
  WHERE nr.sweep_id = ? AND nr.network = ?`;

// Sums over networks; EDP is recomputed from the summed energy and latency, not summed.
const ALL_COMPLETE = 'MIN(nr.complete) = 1';
const ALL_NETWORKS_COLUMNS = `dp.id, dp.point_index, dp.parameters_json, NULL, MIN(nr.complete), SUM(nr.failed_layers),
  SUM(nr.missing_layers),
  CASE WHEN ${ALL_COMPLETE} THEN SUM(nr.latency_cycles) END,
  CASE WHEN ${ALL_COMPLETE} THEN SUM(nr.latency_s) END,
  CASE WHEN ${ALL_COMPLETE} THEN SUM(nr.energy_pj) END,
  CASE WHEN ${ALL_COMPLETE} THEN SUM(nr.energy_pj) * 1e-12 * SUM(nr.latency_cycles) END,
  MAX(nr.area_um2)`;
const ALL_NETWORKS_FROM = 'FROM network_results nr JOIN design_points dp ON dp.id = nr.design_point_id WHERE nr.sweep_id = ?';

/**
 * Starts a query from the design point ids in a JSON array, the first parameter, so that only
 * those rows are looked up; CROSS JOIN keeps SQLite to that order.
 */
const FROM_IDS = `FROM json_each(?) AS ids CROSS JOIN network_results nr CROSS JOIN design_points dp
  WHERE nr.design_point_id = ids.value AND dp.id = nr.design_point_id AND nr.sweep_id = ?`;

type ResultTuple = [number, number, string, string | null, number, number, number, number | null, number | null, number | null, number | null, number];

function toResult(row: ResultTuple): DesignPointResult {
  return {
    designPointId: row[0],
    pointIndex: row[1],
    parameters: JSON.parse(row[2]) as Record<string, number | string>,
    network: row[3] ?? undefined,
    complete: row[4] === 1,
    failedLayers: row[5],
    missingLayers: row[6],
    latencyCycles: row[7],
    latencyS: row[8],
    energyPJ: row[9],
    edpJCycles: row[10],
    areaUm2: row[11],
  };
}

function resultSql(network: string | undefined): string {
  if (network !== undefined) return `SELECT ${PER_NETWORK_COLUMNS} ${PER_NETWORK_FROM} ORDER BY dp.point_index`;
  return `SELECT ${ALL_NETWORKS_COLUMNS} ${ALL_NETWORKS_FROM} GROUP BY dp.id ORDER BY dp.point_index`;
}

/** Like resultSql, for the ids in a JSON array given before the other parameters. */
function resultsByIdSql(network: string | undefined): string {
  if (network !== undefined) return `SELECT ${PER_NETWORK_COLUMNS} ${FROM_IDS} AND nr.network = ? ORDER BY dp.point_index`;
  return `SELECT ${ALL_NETWORKS_COLUMNS} ${FROM_IDS} GROUP BY dp.id ORDER BY dp.point_index`;
}

function sqlParameters(sweepId: number, network: string | undefined): (number | string)[] {
  return network === undefined ? [sweepId] : [sweepId, network];
}

/** Reads every design point's result for `network`, or summed over all networks when it is undefined. */
export function designPointResults(db: Db, sweepId: number, network?: string): DesignPointResult[] {
  const rows = db.prepare(resultSql(network)).raw().all(...sqlParameters(sweepId, network)) as ResultTuple[];
  return rows.map(toResult);
}

export interface ParetoFront {
  objectives: ObjectiveName[];
  /** Non-dominated complete design points, sorted by the first objective. */
  front: DesignPointResult[];
  /** Design points left out because a layer failed or has no result yet. */
  incomplete: number;
  /** Complete design points considered. */
  considered: number;
}

/** Finds the non-dominated design points of a sweep for `network` (or all networks summed). */
export function paretoFront(db: Db, sweepId: number, objectives: ObjectiveName[], network?: string): ParetoFront {
  // Only ids and objectives are read for every design point. Parameters and the other figures
  // are read for the front rows alone.
  const { incomplete, considered, ids } = scanSweepFront(db, sweepId, objectives, network);
  const rows = db.prepare(resultsByIdSql(network)).raw().all(JSON.stringify(ids), ...sqlParameters(sweepId, network)) as ResultTuple[];
  const front = rows.map(toResult);
  const first = METRIC_COLUMNS[objectives[0]];
  front.sort((a, b) => (a[first] as number) - (b[first] as number) || a.pointIndex - b.pointIndex);
  return { objectives, front, incomplete, considered };
}

export interface LayerResult {
  network: string;
  position: number;
  name: string;
  layerKey: string;
  repeats: number;
  jobKey: string;
  status: 'done' | 'failed' | 'pending';
  reason: string | null;
  mapperStatus: string | null;
  solveSeconds: number | null;
  gap: number | null;
  cycles: number | null;
  energyPJ: number | null;
  /**
   * The design point whose job first found the stored mapping, when it was shared from a
   * neighbouring design point (src/store/share.ts): its sweep, which is another sweep of the
   * database when the two share the job, and its index. Both null for the job's own mapping.
   */
  mappingFromSweep: string | null;
  mappingFromPoint: number | null;
}

/** Per layer position of one design point: its job's status and figures (one repeat). */
export function layerResults(db: Db, designPointId: number, network?: string): LayerResult[] {
  // Databases written before shared mappings existed, and opened read-only, lack the table.
  const hasShared = hasSharedMappings(db);
  // A point of the same sweep when there is one, else the first point of the first sweep with the job.
  const source = (column: string) =>
    hasShared
      ? `(SELECT ${column} FROM shared_mappings s
          JOIN point_jobs source_pj ON source_pj.job_key = s.source_job_key
          JOIN design_points source_dp ON source_dp.id = source_pj.design_point_id
          JOIN sweeps source_sweep ON source_sweep.id = source_dp.sweep_id
          WHERE s.job_key = pj.job_key
          ORDER BY source_dp.sweep_id != dp.sweep_id, source_dp.sweep_id, source_dp.point_index LIMIT 1)`
      : 'NULL';
  const rows = db.prepare(`
    SELECT l.network, l.position, l.name, l.layer_key AS layerKey, l.repeats, pj.job_key AS jobKey,
      COALESCE(j.status, 'pending') AS status, j.reason, j.mapper_status AS mapperStatus,
      j.solve_seconds AS solveSeconds, j.gap, j.cycles, j.energy_pj AS energyPJ,
      ${source('source_sweep.name')} AS mappingFromSweep, ${source('source_dp.point_index')} AS mappingFromPoint
    FROM design_points dp
    JOIN layers l ON l.sweep_id = dp.sweep_id
    JOIN point_jobs pj ON pj.design_point_id = dp.id AND pj.layer_key = l.layer_key
    LEFT JOIN jobs j ON j.key = pj.job_key
    WHERE dp.id = ?
    ORDER BY l.rowid`).all(designPointId) as LayerResult[];
  return network === undefined ? rows : rows.filter((row) => row.network === network);
}

export interface JobDetails {
  key: string;
  status: 'done' | 'failed';
  reason: string | null;
  mappingYaml: string | null;
  /** The cost model's Evaluation (src/model/types.ts), parsed; null for a failed job. */
  evaluation: unknown;
}

/** Reads a finished job's mapping (Timeloop YAML) and evaluation; undefined when it has no result. */
export function jobDetails(db: Db, key: string): JobDetails | undefined {
  const row = db.prepare(`
    SELECT key, status, reason, mapping_yaml AS mappingYaml, evaluation_json AS evaluationJson FROM jobs WHERE key = ?`)
    .get(key) as (Omit<JobDetails, 'evaluation'> & { evaluationJson: string | null }) | undefined;
  if (row === undefined) return undefined;
  const { evaluationJson, ...rest } = row;
  return { ...rest, evaluation: evaluationJson === null ? null : JSON.parse(evaluationJson) };
}

/**
 * Lists the parameter names whose value differs between design points of a sweep, in first-seen
 * order. These are the grid axes that matter. A sweep with a single design point lists them all.
 */
export function varyingParameters(db: Db, sweepId: number): string[] {
  const rows = db.prepare('SELECT parameters_json FROM design_points WHERE sweep_id = ? ORDER BY point_index').pluck().all(sweepId) as string[];
  const points = rows.map((text) => JSON.parse(text) as Record<string, unknown>);
  const names = [...new Set(points.flatMap((point) => Object.keys(point)))];
  if (points.length <= 1) return names;
  return names.filter((name) => points.some((point) => point[name] !== points[0][name]));
}
