// Mapspace constraints in a sweep: they join the job and design point keys only when a mapspace
// file has them, every stored mapping meets them, and the mapping exchange shares a mapping only
// into a job whose constraints it meets.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { parseMapspaceConstraints } from '../src/arch/constraints.js';
import { outermostMapping } from '../src/mappers/refine.js';
import { runMapper } from '../src/mappers/index.js';
import { constraintViolation } from '../src/mapping/constraints-check.js';
import { resolveConstraints } from '../src/mapping/constraints-resolve.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import { openStore } from '../src/store/open.js';
import { sweepConstraints } from '../src/store/queries.js';
import { shareMappings, type SharingJob } from '../src/sweep/neighbours.js';
import { planSweep } from '../src/sweep/planner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { DIMENSIONS } from '../src/workload/layer.js';
import { parseStoredLayer } from '../src/workload/stored-layer.js';
import { layerKey } from '../src/workload/problem.js';
import { ARCH, ARCH_YAML, BYPASS_ENTRIES, CONSTRAINT_ENTRIES, CONSTRAINTS, ERT_YAML, KEEP, LAYER } from './constraint-fixtures.js';
import { runCli } from './sweep-helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes the fixture architecture, an ERT, a mapspace with `entries`, the layers and a spec over two buffer sizes. */
function writeSweep(entries: string, layers: Record<string, string>, mapper = '{name: cosa, objective: edp, time_limit_s: 5}'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cosa-constraints-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'arch.yaml'), ARCH_YAML);
  writeFileSync(join(dir, 'ert.yaml'), ERT_YAML);
  writeFileSync(join(dir, 'mapspace.yaml'), `mapspace:\n  constraints:\n${entries}`);
  mkdirSync(join(dir, 'tiny'));
  for (const [name, shape] of Object.entries(layers)) writeFileSync(join(dir, 'tiny', `${name}.yaml`), `problem: ${shape}\n`);
  writeFileSync(
    join(dir, 'spec.yaml'),
    `name: constrained
architecture:
  file: arch.yaml
  mapspace: mapspace.yaml
  ert: ert.yaml
  grid:
    GlobalBuffer.entries: [4096, 16384]
networks: [{folder: tiny}]
mapper: ${mapper}
`,
  );
  return join(dir, 'spec.yaml');
}

const CONV = { conv: '{R: 3, S: 3, P: 4, Q: 4, C: 8, K: 8, N: 1}' };

describe('sweep keys', () => {
  it('stay unchanged without constraints', () => {
    // Keys computed by the code before mapspace constraints were applied. MODEL_VERSION is part of
    // a job key, so a model change that bumps it changes the job keys here too, by design.
    const plan = planSweep(loadSweepSpec(writeSweep(BYPASS_ENTRIES, CONV)));
    expect(plan.points.map((point) => point.key)).toEqual([
      '697ab4bd9c809742a9169572de9e85d1e42c2d4580e1406db1835fdf8164010b',
      '102bae2f1d31d0ee3c76846f45a3c5e7cf63ed99b053a7fa3d67226ec23051c9',
    ]);
    expect(plan.jobs.map((job) => job.key)).toEqual([
      '50d11b896ea43304b979287b2df8c579a517af2407fc348d0dffd8910af29319',
      '5ed0c65fbdc15a371c3bcd5c03898d1aa1e6f31962b13d10cdbbb73df883e893',
    ]);
    expect(plan.jobs[0].constraints).toBeUndefined();

    const ignoredOnly = planSweep(loadSweepSpec(writeSweep(`${BYPASS_ENTRIES}  - {target: GlobalBuffer, type: spatial, no_multicast_no_reduction: [Weights]}\n`, CONV)));
    expect(ignoredOnly.jobs.map((job) => job.key)).toEqual(plan.jobs.map((job) => job.key));
  });

  it('change with constraints', () => {
    const plain = planSweep(loadSweepSpec(writeSweep(BYPASS_ENTRIES, CONV)));
    const constrained = planSweep(loadSweepSpec(writeSweep(`${BYPASS_ENTRIES}${CONSTRAINT_ENTRIES}`, CONV)));
    expect(constrained.points[0].key).not.toBe(plain.points[0].key);
    expect(constrained.jobs[0].key).not.toBe(plain.jobs[0].key);
    expect(constrained.jobs[0].constraints).toEqual(CONSTRAINTS);
  });
});

describe('cosa sweep run with constraints', () => {
  it('stores conforming mappings after merge', async () => {
    // The 1x1 layer has R = 1 for R=0, and K = 2 drops the fixed K=4 for the last layer.
    const layers = { conv: '{R: 3, S: 1, P: 4, Q: 2, C: 4, K: 4, N: 1}', pointwise: '{R: 1, S: 1, P: 2, Q: 2, C: 8, K: 8, N: 1}', narrow: '{R: 1, S: 1, P: 2, Q: 1, C: 2, K: 2, N: 1}' };
    const specPath = writeSweep(`${BYPASS_ENTRIES}${CONSTRAINT_ENTRIES}`, layers);
    const dir = join(specPath, '..');
    const shards = [0, 1].map((index) => join(dir, `shard-${index}.sqlite`));
    for (const [index, shard] of shards.entries()) {
      const run = await runCli(['sweep', 'run', specPath, '--shard', `${index}/2`, '--db', shard, '--workers', '1'], dir);
      expect(run.status, run.stderr).toBe(0);
    }
    const dbPath = join(dir, 'results.sqlite');
    // The merge runs the mapping exchange over all the shards' jobs.
    const merge = await runCli(['results', 'merge', dbPath, ...shards], dir);
    expect(merge.status, merge.stderr).toBe(0);

    const db = openStore(dbPath, { readonly: true });
    try {
      const sweepId = db.prepare('SELECT id FROM sweeps').pluck().get() as number;
      expect(sweepConstraints(db, sweepId)).toEqual(CONSTRAINTS);
      const rows = db.prepare(`
        SELECT j.status, j.mapping_yaml AS mappingYaml, dp.architecture_json AS architectureJson, l.shape_json AS shapeJson
        FROM point_jobs pj JOIN design_points dp ON dp.id = pj.design_point_id JOIN jobs j ON j.key = pj.job_key
        JOIN layers l ON l.layer_key = pj.layer_key AND l.sweep_id = dp.sweep_id`).all() as { status: string; mappingYaml: string; architectureJson: string; shapeJson: string }[];
      expect(rows).toHaveLength(6);
      for (const row of rows) {
        expect(row.status).toBe('done');
        const architecture = JSON.parse(row.architectureJson);
        const layer = parseStoredLayer(row.shapeJson);
        const mapping = parseMapping(row.mappingYaml, 'stored', architecture, layer);
        expect(constraintViolation(resolveConstraints(CONSTRAINTS, layer, architecture), architecture, mapping), row.shapeJson).toBeUndefined();
      }
    } finally {
      db.close();
    }
  });
});

describe('mapping exchange under constraints', async () => {
  const grid = [{ key: 'GlobalBuffer.entries', values: [8192, 16384] }];
  const free = await runMapper(ARCH, LAYER, KEEP, { name: 'cosa', objective: 'edp', timeLimitS: 10, refine: false });
  const source: SharingJob = {
    key: 'source',
    layerKey: layerKey(LAYER),
    layer: LAYER,
    architecture: ARCH,
    points: [{ 'GlobalBuffer.entries': 16384 }],
    keep: KEEP,
    mapping: free.mapping!,
    cycles: free.evaluation!.cycles,
    energy_pJ: free.evaluation!.energy_pJ,
  };

  // The target runs every loop at DRAM, a valid but poor mapping that the source's mapping beats.
  const smaller = { ...ARCH, levels: ARCH.levels.map((level) => (level.name === 'GlobalBuffer' ? { ...level, entries: 8192 } : level)) };
  const poor = outermostMapping(smaller, LAYER, KEEP);
  const poorEvaluation = evaluate(smaller, LAYER, poor);
  if (!poorEvaluation.ok) throw new Error(poorEvaluation.error);
  const target: SharingJob = { ...source, key: 'target', architecture: smaller, points: [{ 'GlobalBuffer.entries': 8192 }], mapping: poor, cycles: poorEvaluation.cycles, energy_pJ: poorEvaluation.energy_pJ };

  // A dimension that the source's mapping splits below DRAM, which the target's constraint keeps whole there.
  const dimension = DIMENSIONS.find((candidate) => LAYER[candidate] > 1 && source.mapping!.levels[2].temporal[candidate] !== LAYER[candidate])!;
  const text = `mapspace:\n  constraints:\n${BYPASS_ENTRIES}  - {target: DRAM, type: temporal, factors: ${dimension}=0}\n`;
  const constraints = parseMapspaceConstraints(text, 'm.yaml', smaller)!;

  it('shares into an unconstrained job', () => {
    expect(shareMappings([source, target], grid, 'edp').shared.map((shared) => shared.key)).toEqual(['target']);
  });

  it('skips a mapping that breaks constraints', () => {
    expect(constraintViolation(resolveConstraints(constraints, LAYER, smaller), smaller, source.mapping!)).toContain(`the mapspace fixes ${dimension}=`);
    const outcome = shareMappings([source, { ...target, constraints }], grid, 'edp');
    expect(outcome.shared).toEqual([]);
  });
});
