// Sharing mappings between the neighbouring design points of a stored sweep: real worker threads,
// real HiGHS solves, real SQLite files, and the merge of shards through the CLI.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Architecture } from '../src/arch/types.js';
import { isBetter } from '../src/mappers/space.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import { openStore, type Db } from '../src/store/open.js';
import { mergeResults } from '../src/store/merge.js';
import { shareSweepMappings } from '../src/store/share.js';
import { jobResultWriter } from '../src/store/write.js';
import { planSweep, type SweepPlan } from '../src/sweep/planner.js';
import { runSweep, type RunSummary } from '../src/sweep/runner.js';
import { shardPlan } from '../src/sweep/shard.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import type { Layer } from '../src/workload/layer.js';
import { formatShareSummary } from '../src/cli/commands/share-format.js';
import { runCli } from './sweep-helpers.js';

// Two ResNet-50 layers whose CoSA mappings differed most between neighbouring points of
// sweeps/example.yaml. Without local search the jobs are deterministic and fast.
const SPEC = `name: share
architecture:
  design: simba
  grid:
    pes: [8, 16]
    global_buffer_kib: [32, 64, 128]
networks: [{folder: layers}]
mapper: {name: cosa, objective: edp, time_limit_s: 20, refine: false}
`;

const dir = mkdtempSync(join(tmpdir(), 'cosa-share-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface StoredJob {
  key: string;
  cycles: number;
  energy_pJ: number;
  mappingYaml: string;
  architecture: Architecture;
  layer: Layer;
}

function storedJobs(db: Db): StoredJob[] {
  const rows = db.prepare(`
    SELECT DISTINCT j.key AS key, j.cycles AS cycles, j.energy_pj AS energy_pJ, j.mapping_yaml AS mappingYaml,
      dp.architecture_json AS architectureJson, l.shape_json AS shapeJson
    FROM jobs j JOIN point_jobs pj ON pj.job_key = j.key JOIN design_points dp ON dp.id = pj.design_point_id
    JOIN layers l ON l.sweep_id = dp.sweep_id AND l.layer_key = pj.layer_key
    ORDER BY j.key`).all() as (StoredJob & { architectureJson: string; shapeJson: string })[];
  return rows.map(({ architectureJson, shapeJson, ...row }) => ({ ...row, architecture: JSON.parse(architectureJson), layer: JSON.parse(shapeJson) }));
}

function latencies(db: Db): number[] {
  return db.prepare('SELECT latency_cycles FROM network_results ORDER BY design_point_id').pluck().all() as number[];
}

async function runInto(path: string, plan: SweepPlan, shareMappings: boolean): Promise<RunSummary> {
  const db = openStore(path, { create: true });
  try {
    return await runSweep(plan, db, { workers: 2, shareMappings });
  } finally {
    db.close();
  }
}

describe('shared mappings in a stored sweep', () => {
  let plan: SweepPlan;
  let shared: RunSummary;
  const sharedDb = join(dir, 'shared.sqlite');
  const ownDb = join(dir, 'own.sqlite');

  beforeAll(async () => {
    mkdirSync(join(dir, 'layers'));
    writeFileSync(join(dir, 'layers', 'a.yaml'), 'problem: {R: 1, S: 1, P: 14, Q: 14, C: 1024, K: 256, N: 1}\n');
    writeFileSync(join(dir, 'layers', 'b.yaml'), 'problem: {R: 1, S: 1, P: 28, Q: 28, C: 512, K: 128, N: 1}\n');
    writeFileSync(join(dir, 'share.yaml'), SPEC);
    plan = planSweep(loadSweepSpec(join(dir, 'share.yaml')));
    shared = await runInto(sharedDb, plan, true);
    await runInto(ownDb, plan, false);
  }, 240_000);

  it('records the own mapper results', () => {
    expect(shared.shared?.improved).toBeGreaterThan(0);
    const db = openStore(sharedDb, { readonly: true });
    const own = openStore(ownDb, { readonly: true });
    try {
      const records = db.prepare('SELECT job_key AS key, mapper_cycles AS cycles, mapper_energy_pj AS energy_pJ, mapper_mapping_yaml AS yaml FROM shared_mappings').all() as { key: string; cycles: number; energy_pJ: number; yaml: string }[];
      expect(records.length).toBe(shared.shared?.improved);
      const ownByKey = new Map(storedJobs(own).map((job) => [job.key, job]));
      const sharedByKey = new Map(storedJobs(db).map((job) => [job.key, job]));
      for (const record of records) {
        // The record contains exactly what a run without sharing stores, and the shared mapping beats it.
        expect({ cycles: record.cycles, energy_pJ: record.energy_pJ, yaml: record.yaml }).toEqual({ ...pick(ownByKey.get(record.key)!), yaml: ownByKey.get(record.key)!.mappingYaml });
        expect(isBetter(sharedByKey.get(record.key)!, record, 'edp')).toBe(true);
      }
      for (const [key, job] of ownByKey) {
        if (!records.some((record) => record.key === key)) expect(pick(sharedByKey.get(key)!)).toEqual(pick(job));
      }
    } finally {
      db.close();
      own.close();
    }
  });

  it('stores figures matching the mappings', () => {
    const db = openStore(sharedDb, { readonly: true });
    try {
      for (const job of storedJobs(db)) {
        const mapping = parseMapping(job.mappingYaml, job.key, job.architecture, job.layer);
        const result = evaluate(job.architecture, job.layer, mapping);
        if (!result.ok) throw new Error(result.error);
        expect({ cycles: result.cycles, energy_pJ: result.energy_pJ }).toEqual(pick(job));
      }
    } finally {
      db.close();
    }
  });

  it('rebuilds the network totals', () => {
    const db = openStore(sharedDb, { readonly: true });
    const own = openStore(ownDb, { readonly: true });
    try {
      expect(latencies(db)).not.toEqual(latencies(own));
      const sums = db.prepare(`
        SELECT SUM(j.cycles * l.repeats) FROM design_points dp JOIN layers l ON l.sweep_id = dp.sweep_id
        JOIN point_jobs pj ON pj.design_point_id = dp.id AND pj.layer_key = l.layer_key JOIN jobs j ON j.key = pj.job_key
        GROUP BY dp.id ORDER BY dp.id`).pluck().all();
      expect(latencies(db)).toEqual(sums);
    } finally {
      db.close();
      own.close();
    }
  });

  it('exports the source point per layer', async () => {
    const result = await runCli(['export', '--db', sharedDb, '--csv', '--layers'], dir);
    expect(result.status, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n').map((line) => line.split(','));
    const column = header.indexOf('mapping_from_point');
    const jobColumn = header.indexOf('job_key');
    expect(column).toBe(header.length - 1);
    expect(header[column - 1]).toBe('mapping_from_sweep');

    const db = openStore(sharedDb, { readonly: true });
    try {
      const sharedKeys = new Set(db.prepare('SELECT job_key FROM shared_mappings').pluck().all() as string[]);
      for (const row of rows) {
        expect(row[column] !== '', row[jobColumn]).toBe(sharedKeys.has(row[jobColumn]));
        expect(row[column - 1]).toBe(row[column] === '' ? '' : 'share');
        if (row[column] !== '') expect(Number(row[column])).not.toBe(Number(row[header.indexOf('point_index')]));
      }
    } finally {
      db.close();
    }
  });

  it('changes nothing on a second pass', async () => {
    const db = openStore(sharedDb);
    try {
      const before = db.prepare('SELECT * FROM shared_mappings ORDER BY job_key').all();
      const again = await shareSweepMappings(db, 1);
      expect(again.improved).toBe(0);
      expect(again.evaluations).toBeGreaterThan(0);
      expect(db.prepare('SELECT * FROM shared_mappings ORDER BY job_key').all()).toEqual(before);
    } finally {
      db.close();
    }
  });

  it('shares nothing once stopped', async () => {
    const path = join(dir, 'stopped.sqlite');
    copyFileSync(ownDb, path);
    const db = openStore(path);
    try {
      const stopped = await shareSweepMappings(db, 1, AbortSignal.abort());
      expect(stopped.evaluations).toBe(0);
      expect(stopped.interrupted).toBe(true);
      expect(formatShareSummary(stopped)).toContain('shared mappings: stopped after 0 evaluations');
      expect(db.prepare('SELECT COUNT(*) FROM shared_mappings').pluck().get()).toBe(0);

      const finished = await shareSweepMappings(db, 1, new AbortController().signal);
      expect(finished.improved).toBe(shared.shared!.improved);
      expect(finished.interrupted).toBe(false);
    } finally {
      db.close();
    }
  });

  it('rescues a failed job', async () => {
    const path = join(dir, 'rescue.sqlite');
    copyFileSync(ownDb, path);
    const db = openStore(path);
    try {
      const key = db.prepare('SELECT key FROM jobs ORDER BY key LIMIT 1').pluck().get() as string;
      db.prepare("UPDATE jobs SET status = 'failed', reason = 'no mapping in time', cycles = NULL, energy_pj = NULL, mapping_yaml = NULL, evaluation_json = NULL WHERE key = ?").run(key);
      db.prepare('UPDATE network_results SET complete = 0').run();

      const summary = await shareSweepMappings(db, 1);
      expect(summary.rescued).toBe(1);
      const job = db.prepare('SELECT status, reason, cycles FROM jobs WHERE key = ?').get(key) as { status: string; reason: string | null; cycles: number };
      expect(job.status).toBe('done');
      expect(job.reason).toBeNull();
      expect(job.cycles).toBeGreaterThan(0);
      const record = db.prepare('SELECT mapper_reason, mapper_cycles FROM shared_mappings WHERE job_key = ?').get(key);
      expect(record).toEqual({ mapper_reason: 'no mapping in time', mapper_cycles: null });
      expect(db.prepare('SELECT MIN(complete) FROM network_results').pluck().get()).toBe(1);
    } finally {
      db.close();
    }

    const status = await runCli(['sweep', 'status', '--db', path], dir);
    expect(status.stdout).toContain('1 job whose own mapper failed uses a valid mapping');

    // A retry whose own mapping is worse keeps the shared one, and the record takes the retry's result.
    const db2 = openStore(path);
    try {
      const key = db2.prepare('SELECT job_key FROM shared_mappings WHERE mapper_reason IS NOT NULL').pluck().get() as string;
      const stored = db2.prepare('SELECT cycles, energy_pj FROM jobs WHERE key = ?').get(key) as { cycles: number; energy_pj: number };
      jobResultWriter(db2)([{ key, objective: 'edp', status: 'done', mapperStatus: 'optimal', cycles: stored.cycles * 2, energyPJ: stored.energy_pj, mappingYaml: 'mapping: []\n' }]);
      expect(db2.prepare('SELECT cycles, mapper_status FROM jobs WHERE key = ?').get(key)).toEqual({ cycles: stored.cycles, mapper_status: 'optimal' });
      expect(db2.prepare('SELECT mapper_cycles, mapper_reason FROM shared_mappings WHERE job_key = ?').get(key)).toEqual({ mapper_cycles: stored.cycles * 2, mapper_reason: null });
    } finally {
      db2.close();
    }
  });

  it("records a merged input's newer own result", async () => {
    const output = join(dir, 'rescued-output.sqlite');
    const retry = join(dir, 'retry-input.sqlite');
    copyFileSync(ownDb, output);
    copyFileSync(ownDb, retry);
    const db = openStore(output);
    let key: string;
    let rescued: { cycles: number; energy_pj: number };
    try {
      key = db.prepare('SELECT key FROM jobs ORDER BY key LIMIT 1').pluck().get() as string;
      db.prepare("UPDATE jobs SET status = 'failed', reason = 'no mapping in time', mapper_status = 'no_incumbent', cycles = NULL, energy_pj = NULL, mapping_yaml = NULL, evaluation_json = NULL WHERE key = ?").run(key);
      expect((await shareSweepMappings(db, 1)).rescued).toBe(1);
      rescued = db.prepare('SELECT cycles, energy_pj FROM jobs WHERE key = ?').get(key) as { cycles: number; energy_pj: number };
    } finally {
      db.close();
    }
    // The input's own result for the job is newer and, with 100x the cycles, worse than the rescue.
    const edit = openStore(retry);
    edit.prepare("UPDATE jobs SET cycles = ?, energy_pj = ?, mapper_status = 'optimal', finished_at = '2999-01-01T00:00:00.000Z' WHERE key = ?").run(rescued.cycles * 100, rescued.energy_pj, key);
    edit.close();

    mergeResults(output, [retry]);
    const merged = openStore(output, { readonly: true });
    try {
      expect(merged.prepare('SELECT cycles, mapper_status FROM jobs WHERE key = ?').get(key)).toEqual({ cycles: rescued.cycles, mapper_status: 'optimal' });
      expect(merged.prepare('SELECT mapper_cycles, mapper_reason FROM shared_mappings WHERE job_key = ?').get(key)).toEqual({ mapper_cycles: rescued.cycles * 100, mapper_reason: null });
    } finally {
      merged.close();
    }
  });

  it('shares merged shards like one run', async () => {
    const shards = [0, 1].map((index) => join(dir, `share.shard-${index}.sqlite`));
    for (const [index, path] of shards.entries()) await runInto(path, shardPlan(plan, { index, count: 2 }), false);
    const merged = join(dir, 'merged.sqlite');
    const result = await runCli(['results', 'merge', merged, ...shards], dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`shared mappings: ${shared.shared?.improved} of 12 jobs improved`);

    const db = openStore(merged, { readonly: true });
    const single = openStore(sharedDb, { readonly: true });
    try {
      expect(storedJobs(db).map(pick)).toEqual(storedJobs(single).map(pick));
      expect(latencies(db)).toEqual(latencies(single));
    } finally {
      db.close();
      single.close();
    }
  });
});

function pick(job: { cycles: number; energy_pJ: number }): { cycles: number; energy_pJ: number } {
  return { cycles: job.cycles, energy_pJ: job.energy_pJ };
}

describe('shared mappings across sweeps', () => {
  it('names another sweep whose jobs changed', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'cosa-share-other-'));
    try {
      mkdirSync(join(dir2, 'layers'));
      writeFileSync(join(dir2, 'layers', 'a.yaml'), 'problem: {R: 1, S: 1, P: 14, Q: 14, C: 1024, K: 256, N: 1}\n');
      writeFileSync(join(dir2, 'layers', 'b.yaml'), 'problem: {R: 1, S: 1, P: 28, Q: 28, C: 512, K: 128, N: 1}\n');
      writeFileSync(join(dir2, 'share.yaml'), SPEC);
      writeFileSync(join(dir2, 'subset.yaml'), SPEC.replace('name: share', 'name: subset').replace('[32, 64, 128]', '[64]'));
      const db = openStore(join(dir2, 'two.sqlite'), { create: true });
      try {
        // The subset runs first and keeps its own mappings; the full sweep then improves some of them.
        await runSweep(planSweep(loadSweepSpec(join(dir2, 'subset.yaml'))), db, { workers: 2, shareMappings: false });
        const full = await runSweep(planSweep(loadSweepSpec(join(dir2, 'share.yaml'))), db, { workers: 2 });
        const [other] = full.shared!.otherSweeps;
        expect(other.name).toBe('subset');
        expect(other.jobs).toBeGreaterThan(0);
        expect(formatShareSummary(full.shared!)).toContain(`note: sweep subset uses ${other.jobs} of these jobs too`);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  }, 240_000);

  it('names the source point of another sweep', async () => {
    // A second sweep of the middle buffer size alone reuses those jobs, not their sources.
    const dir2 = mkdtempSync(join(tmpdir(), 'cosa-share-two-'));
    try {
      const first = join(dir2, 'first.sqlite');
      mkdirSync(join(dir2, 'layers'));
      writeFileSync(join(dir2, 'layers', 'a.yaml'), 'problem: {R: 1, S: 1, P: 14, Q: 14, C: 1024, K: 256, N: 1}\n');
      writeFileSync(join(dir2, 'layers', 'b.yaml'), 'problem: {R: 1, S: 1, P: 28, Q: 28, C: 512, K: 128, N: 1}\n');
      writeFileSync(join(dir2, 'share.yaml'), SPEC);
      writeFileSync(join(dir2, 'subset.yaml'), SPEC.replace('name: share', 'name: subset').replace('[32, 64, 128]', '[64]'));
      const db = openStore(first, { create: true });
      try {
        await runSweep(planSweep(loadSweepSpec(join(dir2, 'share.yaml'))), db, { workers: 2 });
        await runSweep(planSweep(loadSweepSpec(join(dir2, 'subset.yaml'))), db, { workers: 2, shareMappings: false });
        const fromOtherPoints = db.prepare(`
          SELECT COUNT(*) FROM shared_mappings s
          WHERE s.job_key IN (SELECT pj.job_key FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id JOIN sweeps w ON w.id = dp.sweep_id WHERE w.name = 'subset')
            AND s.source_job_key NOT IN (SELECT pj.job_key FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id JOIN sweeps w ON w.id = dp.sweep_id WHERE w.name = 'subset')`).pluck().get() as number;
        expect(fromOtherPoints, 'the first sweep shared a mapping into the middle buffer size').toBeGreaterThan(0);
      } finally {
        db.close();
      }

      const result = await runCli(['export', '--db', first, '--csv', '--layers', '--sweep', 'subset'], dir2);
      const [header, ...rows] = result.stdout.trimEnd().split('\n').map((line) => line.split(','));
      const sweeps = rows.map((row) => row[header.indexOf('mapping_from_sweep')]);
      expect(sweeps).toContain('share');
      for (const [index, row] of rows.entries()) {
        if (sweeps[index] === 'share') expect(Number(row[header.indexOf('mapping_from_point')])).toBeGreaterThanOrEqual(0);
      }
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  }, 240_000);
});
