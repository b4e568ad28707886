// `cosa results point`: a stored design point written as Timeloop files that evaluate to the
// stored figures again, on a real sweep database.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadArchitecture } from '../src/arch/load.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import { openStore } from '../src/store/open.js';
import { planSweep } from '../src/sweep/planner.js';
import { runSweep } from '../src/sweep/runner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { parseProblem } from '../src/workload/problem.js';
import { makeMergeFixture, removeMergeFixtures } from './merge-fixture.js';
import { runCli } from './sweep-helpers.js';

afterAll(removeMergeFixtures);

describe('cosa results point', () => {
  const fixture = makeMergeFixture({ name: 'point', pes: [2, 4], samples: 200 });
  const dbPath = join(fixture.dir, 'point.sqlite');
  const out = join(fixture.dir, 'point-1');

  beforeAll(async () => {
    const db = openStore(dbPath, { create: true });
    try {
      await runSweep(planSweep(loadSweepSpec(fixture.specPath)), db, { workers: 1 });
    } finally {
      db.close();
    }
  }, 120_000);

  it('writes files that evaluate to the stored figures', async () => {
    const result = await runCli(['results', 'point', '--db', dbPath, '--point', '1', '--out', out], fixture.dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('check one: cosa evaluate');

    const [header, ...rows] = readFileSync(join(out, 'layers.csv'), 'utf8').trimEnd().split('\n').map((line) => line.split(','));
    const column = (row: string[], name: string) => row[header.indexOf(name)];
    expect(rows).toHaveLength(3);
    const arch = loadArchitecture(join(out, 'arch.yaml'), { ertPath: join(out, 'ert.yaml') });
    for (const row of rows) {
      expect(column(row, 'status')).toBe('done');
      const layer = parseProblem(readFileSync(join(out, column(row, 'problem_file')), 'utf8'), column(row, 'problem_file'));
      const mapping = parseMapping(readFileSync(join(out, column(row, 'mapping_file')), 'utf8'), column(row, 'mapping_file'), arch, layer);
      const evaluation = evaluate(arch, layer, mapping);
      if (!evaluation.ok) throw new Error(evaluation.error);
      expect(evaluation.cycles).toBe(Number(column(row, 'cycles')));
      expect(evaluation.energy_pJ).toBeCloseTo(Number(column(row, 'energy_pj')), 3);
    }
  });

  it('replaces the files of an earlier point', async () => {
    const folder = join(fixture.dir, 'again');
    expect((await runCli(['results', 'point', '--db', dbPath, '--point', '0', '--out', folder], fixture.dir)).status).toBe(0);
    writeFileSync(join(folder, '99-stale.map.yaml'), 'mapping: []\n');
    expect((await runCli(['results', 'point', '--db', dbPath, '--point', '1', '--out', folder], fixture.dir)).status).toBe(0);
    expect(existsSync(join(folder, '99-stale.map.yaml'))).toBe(false);
    expect(readFileSync(join(folder, 'arch.yaml'), 'utf8')).toBe(readFileSync(join(out, 'arch.yaml'), 'utf8'));
  });

  it('rejects a folder of other files', async () => {
    const folder = join(fixture.dir, 'busy');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'mine\n');
    const result = await runCli(['results', 'point', '--db', dbPath, '--point', '1', '--out', folder], fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is a folder with other files');
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it("rejects a folder with someone else's layers.csv", async () => {
    const folder = join(fixture.dir, 'theirs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'layers.csv'), 'name,size\n');
    writeFileSync(join(folder, '2024-plan.map.yaml'), 'mapping: []\n');
    const result = await runCli(['results', 'point', '--db', dbPath, '--point', '1', '--out', folder], fixture.dir);
    expect(result.status).toBe(2);
    expect(existsSync(join(folder, '2024-plan.map.yaml'))).toBe(true);
  });

  it('rejects a point the sweep lacks', async () => {
    const result = await runCli(['results', 'point', '--db', dbPath, '--point', '7', '--out', join(fixture.dir, 'none')], fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--point = 7: sweep point has design points 0 to 1');
  });
});
