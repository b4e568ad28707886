// Shared set-up for the shard, merge and Slurm tests: a small network folder, a sweep spec with
// the seeded random mapper (so equal jobs give equal results in any process), and readers that
// dump a results database for comparisons.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { openStore } from '../src/store/open.js';
import { findSweep, paretoFront } from '../src/store/queries.js';

const LAYERS: Record<string, string> = {
  conv3x3: 'problem: {R: 3, S: 3, P: 8, Q: 8, C: 16, K: 16, N: 1}',
  conv1x1: 'problem: {R: 1, S: 1, P: 8, Q: 8, C: 32, K: 16, N: 1}',
  fc: 'problem: {R: 1, S: 1, P: 1, Q: 1, C: 64, K: 32, N: 1}',
};

const createdDirs: string[] = [];

/** Removes every folder that makeMergeFixture created in this test file. */
export function removeMergeFixtures(): void {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface MergeFixture {
  dir: string;
  specPath: string;
}

/**
 * Writes the network folder and a spec named `name` over `pes` Simba design points. `samples`
 * sets the random mapper's work per job: about 0.3 s per 5000 samples on one core.
 */
export function makeMergeFixture({ name = 'shards', pes = [2, 4, 8], samples = 300 } = {}): MergeFixture {
  const dir = mkdtempSync(join(tmpdir(), 'cosa-merge-'));
  createdDirs.push(dir);
  const network = join(dir, 'tiny');
  mkdirSync(network);
  for (const [layer, text] of Object.entries(LAYERS)) writeFileSync(join(network, `${layer}.yaml`), `${text}\n`);
  writeFileSync(join(network, 'repeats.yaml'), 'conv3x3: 2\n');

  const specPath = join(dir, `${name}.yaml`);
  // A time limit far above the sampling time, so the sample count alone ends every job.
  writeFileSync(
    specPath,
    `name: ${name}
architecture:
  design: simba
  grid:
    pes: [${pes.join(', ')}]
networks: [{folder: tiny}]
mapper: {name: random, objective: edp, samples: ${samples}, seed: 7, time_limit_s: 120}
`,
  );
  return { dir, specPath };
}

/** Dumps every row of every table, in a fixed order, timing columns included. */
export function dumpTables(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const dump = (table: string) => (db.prepare(`SELECT * FROM ${table}`).raw().all() as unknown[][]).map((row) => JSON.stringify(row)).sort();
    return Object.fromEntries(tables.map((table) => [table, dump(table)]));
  } finally {
    db.close();
  }
}

/** Job results without the columns that vary between runs (timings, finish time). */
export function jobResults(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`
      SELECT key, status, reason, mapper_status, gap, cycles, energy_pj, mapping_yaml, evaluation_json
      FROM jobs ORDER BY key`).raw().all();
  } finally {
    db.close();
  }
}

/** Per design point and network results, keyed by point index rather than row id. */
export function networkResults(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`
      SELECT dp.point_index, nr.network, nr.complete, nr.failed_layers, nr.missing_layers, nr.latency_cycles,
        nr.latency_s, nr.energy_pj, nr.edp_j_cycles, nr.area_um2
      FROM network_results nr JOIN design_points dp ON dp.id = nr.design_point_id
      ORDER BY dp.point_index, nr.network`).raw().all();
  } finally {
    db.close();
  }
}

/** Reads the latency-energy-area front as (point index, latency, energy, area) rows. */
export function frontRows(path: string): unknown[] {
  const db = openStore(path, { readonly: true });
  try {
    const front = paretoFront(db, findSweep(db).id, ['latency', 'energy', 'area']);
    return front.front.map((point) => [point.pointIndex, point.latencyCycles, point.energyPJ, point.areaUm2]);
  } finally {
    db.close();
  }
}

/** Rows of the jobs table as key → finished_at. */
export function finishTimes(path: string): Map<string, string> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT key, finished_at FROM jobs').raw().all() as [string, string][];
    return new Map(rows);
  } finally {
    db.close();
  }
}
