// Merging results databases of one sweep, such as those of the shards of a Slurm job array,
// into one database. Every shard records the sweep's whole plan (design points, layers and
// job keys) and the results of its own jobs, so a merge copies the plan once and the job rows
// by key. Merging is idempotent: a job already in the output keeps its row, unless that row
// is a failure and the input has a result, or the input's result is better by the sweep's objective.
import { createHash } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import { InputError } from '../input-error.js';
import { isBetter } from '../mappers/space.js';
import type { Objective } from '../mappers/types.js';
import { failWhenBusy } from './busy.js';
import { acquireRunLock } from './lock.js';
import { shareSweepMappings, type ShareSummary } from './share.js';
import { openStore, type Db } from './open.js';
import { hasSharedMappings, listSweeps, sweepConstraints, sweepSettings, type SweepRow } from './queries.js';
import { updateNetworkResults } from './write.js';

export interface MergeSummary {
  sweepName: string;
  sweepId: number;
  /** Inputs merged; inputs that hold no sweep yet are skipped and not counted. */
  merged: number;
  skipped: string[];
  /** Job rows new to the output. */
  added: number;
  /** Jobs of the output replaced by an input's result: failed ones by a done one, done ones by a better one. */
  replaced: number;
  /** Job rows the output already had. */
  unchanged: number;
}

interface CheckedInput {
  path: string;
  sweep: SweepRow;
  /** planFingerprint of the sweep in this input. */
  plan: string;
}

/** Merges the sweep results of `inputs` into `output`, which is created when it does not exist. */
export function mergeResults(output: string, inputs: readonly string[]): MergeSummary {
  const target = openMergeTarget(output, inputs);
  try {
    return mergeInto(target);
  } finally {
    target.close();
  }
}

/**
 * Merges as mergeResults does, then shares mappings between the sweep's neighbouring design points
 * (src/store/share.ts), holding the output's run lock for both. `signal` stops the exchange
 * between layer shapes; what it computed until then is saved.
 */
export async function mergeAndShareResults(output: string, inputs: readonly string[], signal?: AbortSignal): Promise<{ merge: MergeSummary; share: ShareSummary }> {
  const target = openMergeTarget(output, inputs);
  try {
    const merge = mergeInto(target);
    return { merge, share: await shareSweepMappings(target.db, merge.sweepId, signal) };
  } finally {
    target.close();
  }
}

interface MergeTarget {
  db: Db;
  output: string;
  usable: CheckedInput[];
  skipped: string[];
  close: () => void;
}

/**
 * Checks the inputs and the output, then opens the output and takes its run lock. Every check runs
 * before the output is opened for writing, so a rejected merge writes nothing.
 */
function openMergeTarget(output: string, inputs: readonly string[]): MergeTarget {
  if (inputs.length === 0) throw new InputError('command line', 'IN.sqlite', undefined, 'give at least one database to merge');
  const outputPath = canonicalPath(output);
  for (const input of inputs) {
    if (canonicalPath(input) === outputPath) {
      throw new InputError(input, 'db', undefined, 'is also the output database; merge into a new file, such as results/SWEEP.sqlite');
    }
  }

  // An input named twice (as by overlapping globs) is merged once and counted once.
  const unique = [...new Map(inputs.map((input) => [canonicalPath(input), input])).values()];
  const checked = unique.map(checkInput);
  const usable = checked.filter((input): input is CheckedInput => input.sweep !== undefined);
  if (usable.length === 0) {
    throw new InputError(inputs[0], 'sweeps', undefined, 'none of the databases contains a sweep yet; run `cosa sweep run SPEC --shard I/N` first');
  }
  const reference = usable[0];
  for (const input of usable.slice(1)) checkSameSweep(input, reference);
  if (existsSync(output) && statSync(output).isFile() && statSync(output).size > 0) checkOutput(output, reference);

  const db = openStore(output, { create: true });
  let release: () => void;
  try {
    // A sweep run into the output would solve again the jobs merged under it.
    release = acquireRunLock(output, 'cosa results merge');
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    db,
    output,
    usable,
    skipped: checked.filter((input) => input.sweep === undefined).map((input) => input.path),
    close: () => {
      db.close();
      release();
    },
  };
}

/** Copies every usable input into the output in one transaction, so an input rejected midway leaves it as it was. */
function mergeInto({ db, output, usable, skipped }: MergeTarget): MergeSummary {
  const summary: MergeSummary = { sweepName: usable[0].sweep.name, sweepId: 0, merged: usable.length, skipped, added: 0, replaced: 0, unchanged: 0 };
  const merge = db.transaction(() => {
    for (const input of usable) {
      const counts = mergeOne(db, output, input);
      summary.sweepId = counts.sweepId;
      summary.added += counts.added;
      summary.replaced += counts.replaced;
      summary.unchanged += counts.unchanged;
    }
    updateNetworkResults(db, summary.sweepId);
  });
  // One transaction, so a locked output is left as it was.
  failWhenBusy(output, 'merging into it', () => merge());
  return summary;
}

/** Rejects an existing output that contains another sweep. It opens the output read-only, so a rejected merge changes nothing. */
function checkOutput(output: string, reference: CheckedInput): void {
  const db = openStore(output, { readonly: true });
  try {
    for (const sweep of listSweeps(db)) checkOutputSweep(output, sweep, reference);
  } finally {
    db.close();
  }
}

/** Resolves symbolic links when the file exists, so two names of one file compare equal. */
function canonicalPath(path: string): string {
  return existsSync(path) ? realpathSync(path) : resolve(path);
}

/** Opens an input read-only (which checks its schema version) and returns its single sweep, if any. */
function checkInput(path: string): { path: string; sweep: SweepRow | undefined; plan: string } {
  const db = openStore(path, { readonly: true });
  try {
    const sweeps = listSweeps(db);
    if (sweeps.length > 1) {
      const names = sweeps.map((sweep) => sweep.name).join(', ');
      throw new InputError(path, 'sweeps', names, 'holds several sweeps; merge only databases written by `cosa sweep run --shard` for one sweep');
    }
    return { path, sweep: sweeps[0], plan: sweeps[0] === undefined ? '' : planFingerprint(db, sweeps[0].id) };
  } finally {
    db.close();
  }
}

/** Rejects `input` unless it contains the sweep of `reference`: the same spec hash, model version and plan. */
function checkSameSweep(input: CheckedInput, reference: CheckedInput): void {
  const { sweep } = input;
  const expected = reference.sweep;
  if (sweep.specHash !== expected.specHash) {
    const hint = `is sweep ${sweep.name} (spec hash ${sweep.specHash.slice(0, 12)}), but ${reference.path} is sweep ${expected.name} (spec hash ${expected.specHash.slice(0, 12)}); merge only databases of one sweep spec`;
    throw new InputError(input.path, 'sweep', sweep.name, hint);
  }
  if (sweep.modelVersion !== expected.modelVersion) {
    const hint = `was written by model version ${sweep.modelVersion}, but ${reference.path} by ${expected.modelVersion}; rerun the older shards with the same cosa version`;
    throw new InputError(input.path, 'model_version', sweep.modelVersion, hint);
  }
  if (input.plan !== reference.plan) {
    const hint = `plans other design points, layers or jobs than ${reference.path} for the same spec; a network folder or design file probably changed between their runs, so rerun the sweep into a new database`;
    throw new InputError(input.path, 'plan', sweep.name, hint);
  }
}

/** Rejects an output that already contains another sweep, so results of two sweeps never mix by accident. */
function checkOutputSweep(output: string, sweep: SweepRow, reference: CheckedInput): void {
  if (sweep.specHash === reference.sweep.specHash && sweep.modelVersion === reference.sweep.modelVersion) return;
  const expected = reference.sweep;
  const hint = `holds sweep ${sweep.name} (spec hash ${sweep.specHash.slice(0, 12)}, model version ${sweep.modelVersion}), but the inputs hold sweep ${expected.name} (spec hash ${expected.specHash.slice(0, 12)}, model version ${expected.modelVersion}); merge into a new file or into a database of the same sweep`;
  throw new InputError(output, 'sweep', sweep.name, hint);
}

/** Copies one input's sweep plan (if the output lacks it) and its job rows. */
function mergeOne(db: Db, outputPath: string, input: CheckedInput): { sweepId: number; added: number; replaced: number; unchanged: number } {
  const source = openStore(input.path, { readonly: true });
  try {
    const existing = db.prepare('SELECT id FROM sweeps WHERE spec_hash = ?').pluck().get(input.sweep.specHash) as number | undefined;
    let sweepId: number;
    if (existing === undefined) {
      sweepId = copyPlan(source, input.sweep.id, db);
    } else {
      sweepId = existing;
      if (planFingerprint(db, sweepId) !== planFingerprint(source, input.sweep.id)) {
        const hint = `plans other design points, layers or jobs than ${outputPath} for the same spec; a network folder or design file probably changed between runs, so rerun the sweep into a new database`;
        throw new InputError(input.path, 'plan', input.sweep.name, hint);
      }
    }
    const objective = sweepSettings(source, input.sweep.id).mapper.objective;
    return { sweepId, ...copyJobs(source, input.sweep.id, db, objective) };
  } finally {
    source.close();
  }
}

/**
 * Hashes a sweep's plan: design point keys, layers and the job key of every (design point,
 * layer shape). Two databases of one sweep spec have equal fingerprints unless the files the
 * spec names changed between their runs.
 */
function planFingerprint(db: Db, sweepId: number): string {
  const hash = createHash('sha256');
  const points = db.prepare('SELECT point_index, point_key FROM design_points WHERE sweep_id = ? ORDER BY point_index').raw().all(sweepId);
  const layers = db.prepare('SELECT network, position, layer_key, repeats FROM layers WHERE sweep_id = ? ORDER BY network, position').raw().all(sweepId);
  const jobs = db.prepare(`
    SELECT dp.point_index, pj.layer_key, pj.job_key
    FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id
    WHERE dp.sweep_id = ? ORDER BY dp.point_index, pj.layer_key`).raw().all(sweepId);
  hash.update(JSON.stringify([points, layers, jobs]));
  return hash.digest('hex');
}

/** Copies the sweep row, design points, layers (in their order) and point jobs; returns the new sweep id. */
function copyPlan(source: Db, sourceSweepId: number, db: Db): number {
  const sweep = source.prepare('SELECT spec_hash, name, spec_path, spec_text, clock_ghz, model_version, created_at FROM sweeps WHERE id = ?').raw().get(sourceSweepId) as unknown[];
  const sweepId = Number(db.prepare(`
    INSERT INTO sweeps (spec_hash, name, spec_path, spec_text, clock_ghz, model_version, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`).run(...sweep).lastInsertRowid);
  const constraints = sweepConstraints(source, sourceSweepId);
  if (constraints !== undefined) db.prepare('INSERT INTO sweep_constraints (sweep_id, constraints_json) VALUES (?, ?)').run(sweepId, JSON.stringify(constraints));

  const insertPoint = db.prepare(`
    INSERT INTO design_points (sweep_id, point_index, point_key, parameters_json, architecture_json, area_um2)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const pointIds = new Map<number, number>();
  const points = source.prepare(`
    SELECT id, point_index, point_key, parameters_json, architecture_json, area_um2
    FROM design_points WHERE sweep_id = ? ORDER BY point_index`).raw().all(sourceSweepId) as [number, ...unknown[]][];
  for (const [sourceId, ...row] of points) {
    pointIds.set(sourceId, Number(insertPoint.run(sweepId, ...row).lastInsertRowid));
  }

  // Readers list networks and layers in rowid order, so the layers keep the order of the source.
  const insertLayer = db.prepare('INSERT INTO layers (sweep_id, network, position, name, layer_key, shape_json, repeats) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const layers = source.prepare('SELECT network, position, name, layer_key, shape_json, repeats FROM layers WHERE sweep_id = ? ORDER BY rowid').raw().all(sourceSweepId) as unknown[][];
  for (const row of layers) insertLayer.run(sweepId, ...row);

  const insertPointJob = db.prepare('INSERT INTO point_jobs (design_point_id, layer_key, job_key) VALUES (?, ?, ?)');
  const pointJobs = source.prepare(`
    SELECT pj.design_point_id, pj.layer_key, pj.job_key
    FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id
    WHERE dp.sweep_id = ? ORDER BY pj.rowid`).raw().all(sourceSweepId) as [number, string, string][];
  for (const [sourcePointId, layerKey, jobKey] of pointJobs) insertPointJob.run(pointIds.get(sourcePointId), layerKey, jobKey);
  return sweepId;
}

const JOB_COLUMNS = 'key, status, reason, mapper_status, solve_seconds, worker_seconds, gap, cycles, energy_pj, mapping_yaml, evaluation_json, finished_at';

/**
 * Copies the rows of the sweep's jobs. A job the output lacks is added. A failed job of the
 * output is replaced when the input has it done, because a later retry succeeded. A done job is
 * replaced when the input's mapping is better by the sweep's objective, as after a retry, so the
 * outcome does not depend on the order of the inputs. Otherwise the output's row stays, so
 * merging an input twice changes nothing.
 */
function copyJobs(source: Db, sourceSweepId: number, db: Db, objective: Objective): { added: number; replaced: number; unchanged: number } {
  const rows = source.prepare(`
    SELECT ${JOB_COLUMNS} FROM jobs
    WHERE key IN (
      SELECT pj.job_key FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id WHERE dp.sweep_id = ?
    )
    ORDER BY key`).raw().iterate(sourceSweepId) as IterableIterator<unknown[]>;
  const currentOf = db.prepare('SELECT status, mapper_status AS mapperStatus, cycles, energy_pj AS energyPJ FROM jobs WHERE key = ?');
  const placeholders = JOB_COLUMNS.split(',').map(() => '?').join(', ');
  const insertJob = db.prepare(`INSERT OR REPLACE INTO jobs (${JOB_COLUMNS}) VALUES (${placeholders})`);
  const shared = sharedMappingCopier(source, db);
  const insert = (row: unknown[]) => {
    insertJob.run(...row);
    shared.copy(row[0] as string);
  };
  // A newer own result of a job whose stored mapping came from a neighbour, and stays, goes to the
  // job's record and mapper status, as a retry in `sweep run` does (jobResultWriter).
  const updateOwnResult = db.prepare(`
    UPDATE shared_mappings SET mapper_cycles = ?, mapper_energy_pj = ?, mapper_mapping_yaml = ?, mapper_reason = NULL
    WHERE job_key = ? AND (SELECT finished_at FROM jobs WHERE key = ?) < ?`);
  const updateStatus = db.prepare('UPDATE jobs SET mapper_status = ?, finished_at = ? WHERE key = ? AND finished_at < ?');

  const counts = { added: 0, replaced: 0, unchanged: 0 };
  for (const row of rows) {
    const [key, status, , mapperStatus] = row as [string, string, unknown, string | null];
    const candidate = { mapperStatus, cycles: row[7] as number | null, energyPJ: row[8] as number | null };
    const current = currentOf.get(key) as StoredResult | undefined;
    if (current === undefined) {
      insert(row);
      counts.added++;
    } else if (status === 'done' && (current.status === 'failed' || isBetterResult(candidate, current, objective))) {
      insert(row);
      counts.replaced++;
    } else {
      if (status === 'done' && !shared.inSource(key)) {
        const finishedAt = row[11] as string;
        if (updateOwnResult.run(candidate.cycles, candidate.energyPJ, row[9], key, key, finishedAt).changes > 0) updateStatus.run(mapperStatus, finishedAt, key, finishedAt);
      }
      counts.unchanged++;
    }
  }
  return counts;
}

const SHARED_COLUMNS = 'job_key, source_job_key, mapper_cycles, mapper_energy_pj, mapper_mapping_yaml, mapper_reason, shared_at';

/**
 * Returns `copy`, which gives a job copied into `db` the shared-mapping record it has in `source`,
 * or none, and `inSource`, which is true when `source` has such a record for the job.
 */
function sharedMappingCopier(source: Db, db: Db): { copy: (jobKey: string) => void; inSource: (jobKey: string) => boolean } {
  const read = hasSharedMappings(source) ? source.prepare(`SELECT ${SHARED_COLUMNS} FROM shared_mappings WHERE job_key = ?`).raw() : undefined;
  const remove = db.prepare('DELETE FROM shared_mappings WHERE job_key = ?');
  const insert = db.prepare(`INSERT INTO shared_mappings (${SHARED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  return {
    copy: (jobKey) => {
      remove.run(jobKey);
      const row = read?.get(jobKey) as unknown[] | undefined;
      if (row !== undefined) insert.run(...row);
    },
    inSource: (jobKey) => read?.get(jobKey) !== undefined,
  };
}

interface StoredResult {
  status: string;
  mapperStatus: string | null;
  cycles: number | null;
  energyPJ: number | null;
}

/** Mapper statuses from the most to the least proven; see ScheduleStatus. */
const STATUS_RANK = ['optimal', 'sampled', 'time_limit'];

/**
 * True when `candidate` is better than `incumbent` by `objective`, ties broken as the mappers break
 * them. When the figures tie, the more proven mapper status wins, so that the outcome of a merge
 * does not depend on the order of its inputs.
 */
function isBetterResult(candidate: Omit<StoredResult, 'status'>, incumbent: Omit<StoredResult, 'status'>, objective: Objective): boolean {
  if (candidate.cycles === null || candidate.energyPJ === null || incumbent.cycles === null || incumbent.energyPJ === null) return false;
  const a = { cycles: candidate.cycles, energy_pJ: candidate.energyPJ };
  const b = { cycles: incumbent.cycles, energy_pJ: incumbent.energyPJ };
  if (isBetter(a, b, objective)) return true;
  if (isBetter(b, a, objective)) return false;
  const rank = (status: string | null) => (status !== null && STATUS_RANK.includes(status) ? STATUS_RANK.indexOf(status) : STATUS_RANK.length);
  return rank(candidate.mapperStatus) < rank(incumbent.mapperStatus);
}
