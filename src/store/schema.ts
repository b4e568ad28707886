// The results database schema. A sweep is identified by the hash of its normalised spec, and a job
// by the hash of its inputs. So databases of Slurm shards merge row by row: jobs by key, sweeps by
// spec hash, and design points and layers by (sweep, index).

export const SCHEMA_VERSION = 1;

/**
 * Jobs whose mapping was replaced by a neighbouring design point's (src/sweep/neighbours.ts), with
 * the result of their own mapper: a mapping, or a failure that a neighbour's mapping made good. Added after version 1 without a version change:
 * older databases get the table when they are next opened for writing, and older readers ignore it.
 */
export const SHARED_MAPPINGS_SQL = `
CREATE TABLE IF NOT EXISTS shared_mappings (
  job_key TEXT PRIMARY KEY,
  -- The job whose mapper first found the mapping now stored in jobs.
  source_job_key TEXT NOT NULL,
  -- The job's own result: cycles, energy and mapping when it was done, the reason when it failed.
  mapper_cycles REAL,
  mapper_energy_pj REAL,
  mapper_mapping_yaml TEXT,
  mapper_reason TEXT,
  shared_at TEXT NOT NULL
);
`;

/**
 * The factor, loop-order and utilization constraints of a sweep's mapspace file, as the JSON of
 * MappingConstraints (src/arch/constraints.ts), for the mapping exchange to apply. A sweep without
 * such constraints has no row. Added after version 1 without a version change, as shared_mappings.
 */
export const SWEEP_CONSTRAINTS_SQL = `
CREATE TABLE IF NOT EXISTS sweep_constraints (
  sweep_id INTEGER PRIMARY KEY REFERENCES sweeps(id),
  constraints_json TEXT NOT NULL
);
`;

export const SCHEMA_SQL = `
CREATE TABLE schema_version (
  version INTEGER NOT NULL
);

CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  spec_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  spec_path TEXT NOT NULL,
  spec_text TEXT NOT NULL,
  clock_ghz REAL NOT NULL,
  model_version TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One row per combination of the grid that passed the where filter.
CREATE TABLE design_points (
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
  point_index INTEGER NOT NULL,
  -- sha256 of the resolved architecture and keep pattern; equal keys model the same hardware.
  point_key TEXT NOT NULL,
  parameters_json TEXT NOT NULL,
  architecture_json TEXT NOT NULL,
  -- Sum over the arithmetic and storage levels of instances x area per instance.
  area_um2 REAL NOT NULL,
  UNIQUE (sweep_id, point_index)
);

-- Every layer position of every network of a sweep; equal shapes share a layer_key.
CREATE TABLE layers (
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
  network TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  layer_key TEXT NOT NULL,
  shape_json TEXT NOT NULL,
  repeats INTEGER NOT NULL,
  PRIMARY KEY (sweep_id, network, position)
);

-- The job that schedules one layer shape on one design point.
CREATE TABLE point_jobs (
  design_point_id INTEGER NOT NULL REFERENCES design_points(id),
  layer_key TEXT NOT NULL,
  job_key TEXT NOT NULL,
  PRIMARY KEY (design_point_id, layer_key)
);
CREATE INDEX point_jobs_by_job ON point_jobs (job_key);

-- Finished jobs only: a planned job without a row here is pending.
CREATE TABLE jobs (
  key TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  reason TEXT,
  mapper_status TEXT,
  solve_seconds REAL,
  -- Wall time of the whole job inside the worker: set-up, solving and the cost model.
  worker_seconds REAL,
  gap REAL,
  cycles REAL,
  energy_pj REAL,
  mapping_yaml TEXT,
  -- The cost model's Evaluation (src/model/types.ts) with its per-level figures.
  evaluation_json TEXT,
  finished_at TEXT NOT NULL
);

-- Per design point and network: layer results x repeats, summed. Rebuilt from the rows above
-- after every run; a network with a failed or missing layer has complete = 0 and NULL metrics.
CREATE TABLE network_results (
  design_point_id INTEGER NOT NULL REFERENCES design_points(id),
  -- The design point's sweep, repeated so that the rows of one sweep and network are stored
  -- together and a Pareto query reads them in one sequential pass.
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
  network TEXT NOT NULL,
  complete INTEGER NOT NULL,
  failed_layers INTEGER NOT NULL,
  missing_layers INTEGER NOT NULL,
  latency_cycles REAL,
  latency_s REAL,
  energy_pj REAL,
  -- Energy in J times latency in cycles, as Timeloop reports EDP.
  edp_j_cycles REAL,
  area_um2 REAL NOT NULL,
  PRIMARY KEY (sweep_id, network, design_point_id)
) WITHOUT ROWID;
CREATE INDEX network_results_by_point ON network_results (design_point_id, network);
${SHARED_MAPPINGS_SQL}${SWEEP_CONSTRAINTS_SQL}`;
