// Reads the ids and objectives of one range of a sweep's design points and keeps the range's own
// non-dominated points. A point that some point of the sweep dominates is also dominated by a
// front point of its own range, so the sweep's front is the front of the ranges' fronts, and
// ranges can be read in parallel (src/store/pareto-split.ts).
import type { Db } from './open.js';
import { paretoIndices, type ObjectiveName } from './pareto.js';

/** One range of design point ids of a sweep, for one network or summed over all of them. */
export interface ScanRequest {
  sweepId: number;
  /** The network, or undefined for the sum over all networks of the sweep. */
  network: string | undefined;
  objectives: ObjectiveName[];
  firstId: number;
  lastId: number;
}

/** The front of one range. Structured-clonable, so a worker thread can return it. */
export interface RangeFront {
  /** Design points of the range left out because a layer failed or has no result yet. */
  incomplete: number;
  /** Complete design points of the range. */
  considered: number;
  /** Ids of the range's non-dominated design points. */
  ids: number[];
  /** One array per objective, with one value per id. */
  values: number[][];
}

// Objective columns per network and summed over networks. The SQL is built from these fixed
// fragments only; no caller text is pasted into it.
const OBJECTIVE_SQL: Record<ObjectiveName, string> = { latency: 'latency_cycles', energy: 'energy_pj', area: 'area_um2', edp: 'edp_j_cycles' };
const OBJECTIVE_SUM_SQL: Record<ObjectiveName, string> = {
  latency: 'SUM(latency_cycles)',
  energy: 'SUM(energy_pj)',
  area: 'MAX(area_um2)',
  edp: 'SUM(energy_pj) * 1e-12 * SUM(latency_cycles)',
};

/** Selects (id, complete, objectives...) of each design point of the range from network_results alone. */
function objectivesSql(objectives: ObjectiveName[], network: string | undefined): string {
  const names = objectives.map((_, index) => `objective${index}`);
  const range = 'design_point_id BETWEEN ? AND ?';
  if (network !== undefined) {
    const columns = objectives.map((objective, index) => `${OBJECTIVE_SQL[objective]} AS ${names[index]}`).join(', ');
    return `SELECT design_point_id AS id, complete, ${columns} FROM network_results WHERE sweep_id = ? AND network = ? AND ${range}`;
  }
  const columns = objectives.map((objective, index) => `${OBJECTIVE_SUM_SQL[objective]} AS ${names[index]}`).join(', ');
  return `SELECT design_point_id AS id, MIN(complete) AS complete, ${columns} FROM network_results WHERE sweep_id = ? AND ${range} GROUP BY design_point_id`;
}

/**
 * Packs the ids and objectives of the complete design points into one JSON array per column.
 * Creating a JavaScript row per design point costs about 1 us, so a million rows read this way
 * take a fraction of the time. SQLite 3.53 (bundled with better-sqlite3 12) prints doubles in JSON
 * with enough digits to read them back exactly, and a test checks that.
 */
function packedObjectivesSql(objectives: ObjectiveName[], network: string | undefined): string {
  const arrays = ['id', ...objectives.map((_, index) => `objective${index}`)].map((column) => `json_group_array(${column}) FILTER (WHERE complete = 1)`);
  return `SELECT COUNT(*) FILTER (WHERE complete = 0), ${arrays.join(', ')} FROM (${objectivesSql(objectives, network)})`;
}

export function scanRange(db: Db, request: ScanRequest): RangeFront {
  const { sweepId, network, objectives, firstId, lastId } = request;
  const parameters = network === undefined ? [sweepId, firstId, lastId] : [sweepId, network, firstId, lastId];
  const [incomplete, ...packed] = db.prepare(packedObjectivesSql(objectives, network)).raw().get(...parameters) as [number, ...(string | null)[]];
  const [ids, ...columns] = packed.map((json) => (json === null ? [] : (JSON.parse(json) as number[])));

  const keep = paretoIndices(columns.map((column) => Float64Array.from(column)));
  return {
    incomplete,
    considered: ids.length,
    ids: Array.from(keep, (index) => ids[index]),
    values: columns.map((column) => Array.from(keep, (index) => column[index])),
  };
}
