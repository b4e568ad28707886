// The report of a small real sweep: `cosa sweep run` solves every job with CoSA on HiGHS in worker
// threads, `cosa report` writes the page, and Chromium opens it. Runs the compiled CLI
// (bin/cosa.js → dist/src/cli/main.js), so build first: `npx tsc -p .`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.js';
import { designPointResults, findSweep, type DesignPointResult } from '../src/store/queries.js';
import { chartSeriesCounts, openReport, skipBrowserTests, type OpenReport } from './report-chromium.js';
import { runCli } from './sweep-helpers.js';

const REPO = join(import.meta.dirname, '..');
const OUTPUT_DIR = join(REPO, 'test-output');

const SPEC = `name: report-sweep
architecture:
  design: simba
  grid:
    pes: [1, 4, 16]
    global_buffer_kib: [16, 64]
networks:
  - { folder: tinynet, name: tinynet }
mapper: { name: cosa, objective: edp, time_limit_s: 5 }
`;

const PROBLEMS: Record<string, string> = {
  'conv.yaml': 'problem: {R: 3, S: 3, P: 8, Q: 8, C: 8, K: 16, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1}\n',
  'fc.yaml': 'problem: {R: 1, S: 1, P: 1, Q: 1, C: 64, K: 32, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1}\n',
};

function dominates(a: number[], b: number[]): boolean {
  return a.every((value, i) => value <= b[i]) && a.some((value, i) => value < b[i]);
}

function bruteForceFront(rows: DesignPointResult[], metrics: ('latencyCycles' | 'energyPJ' | 'areaUm2')[]): number {
  const complete = rows.filter((row) => row.complete);
  const values = (row: DesignPointResult) => metrics.map((metric) => row[metric] as number);
  return complete.filter((row) => !complete.some((other) => dominates(values(other), values(row)))).length;
}

describe.skipIf(skipBrowserTests)('report of a real sweep', () => {
  let workDir: string;
  let rows: DesignPointResult[];
  let report: OpenReport;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'cosa-report-sweep-'));
    mkdirSync(join(workDir, 'tinynet'));
    for (const [file, text] of Object.entries(PROBLEMS)) writeFileSync(join(workDir, 'tinynet', file), text);
    writeFileSync(join(workDir, 'sweep.yaml'), SPEC);
    const dbPath = join(workDir, 'sweep.sqlite');

    const sweep = await runCli(['sweep', 'run', join(workDir, 'sweep.yaml'), '--db', dbPath, '--workers', '2'], REPO);
    expect(sweep.status, sweep.stderr).toBe(0);

    const db = openStore(dbPath, { readonly: true });
    rows = designPointResults(db, findSweep(db).id, 'tinynet');
    db.close();

    mkdirSync(OUTPUT_DIR, { recursive: true });
    const htmlPath = join(OUTPUT_DIR, 'report-sweep.html');
    const written = await runCli(['report', '--db', dbPath, '--out', htmlPath], REPO);
    expect(written.status, written.stderr).toBe(0);
    report = await openReport(htmlPath);
  });

  afterAll(async () => {
    await report?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('has every design point complete', () => {
    expect(rows).toHaveLength(6);
    expect(rows.every((row) => row.complete)).toBe(true);
  });

  it('logs no console errors', () => {
    expect(report.errors).toEqual([]);
  });

  it('plots every point and the fronts', async () => {
    const latencyEnergy = await chartSeriesCounts(report.page, '[data-plot="latency-energy"]');
    expect(latencyEnergy.points).toBe(rows.length);
    expect(latencyEnergy.front).toBe(bruteForceFront(rows, ['latencyCycles', 'energyPJ']));

    const energyArea = await chartSeriesCounts(report.page, '[data-plot="energy-area"]');
    expect(energyArea.points).toBe(rows.length);
    expect(energyArea.front).toBe(bruteForceFront(rows, ['energyPJ', 'areaUm2']));

    const tableRows = await report.page.locator('table.pareto tbody tr').count();
    expect(tableRows).toBe(bruteForceFront(rows, ['latencyCycles', 'energyPJ', 'areaUm2']));
  });

  it('shows per-layer bars of both layers', async () => {
    expect(await chartSeriesCounts(report.page, '.layer-chart')).toEqual({ 'layer-latency': 2, 'layer-energy': 2 });
  });

  it('saves a screenshot', async () => {
    await report.page.screenshot({ path: join(OUTPUT_DIR, 'report-sweep.png'), fullPage: true });
    expect(report.errors).toEqual([]);
  });
});
