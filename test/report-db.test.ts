// The report of a real results database, which a sweep planned from a spec fills through the store
// API, opened in Chromium. Also the one-line errors of databases that cannot give a report.
// The CLI cases run the compiled CLI (bin/cosa.js → dist/src/cli/main.js), so build first: `npx tsc -p .`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/input-error.js';
import { loadReportData, writeReport } from '../src/report/index.js';
import { openStore } from '../src/store/open.js';
import { designPointResults, type DesignPointResult } from '../src/store/queries.js';
import { jobResultWriter, registerSweep, updateNetworkResults } from '../src/store/write.js';
import { planSweep, type SweepPlan } from '../src/sweep/planner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import type { JobResult } from '../src/sweep/worker.js';
import { macCount } from '../src/workload/layer.js';
import { chartSeriesCounts, openReport, skipBrowserTests, type OpenReport } from './report-chromium.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'cosa.js');
const OUTPUT_DIR = join(REPO, 'test-output');
const NETWORKS = ['tinynet', 'gemmnet'];

const SPEC = `name: report-grid
architecture:
  design: simba
  grid:
    pes: [1, 4, 16]
    global_buffer_kib: [16, 64]
    dram: [lpddr4, hbm2]
networks:
  - { folder: tinynet, name: tinynet }
  - { folder: gemmnet, name: gemmnet }
mapper: { name: cosa, objective: edp, time_limit_s: 5 }
`;

const PROBLEMS: Record<string, Record<string, string>> = {
  tinynet: {
    'conv1.yaml': 'problem: {R: 3, S: 3, P: 8, Q: 8, C: 8, K: 16, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1}\n',
    'conv2.yaml': 'problem: {R: 3, S: 3, P: 4, Q: 4, C: 16, K: 32, N: 1, Wstride: 2, Hstride: 2, Wdilation: 1, Hdilation: 1}\n',
    'fc.yaml': 'problem: {R: 1, S: 1, P: 1, Q: 1, C: 512, K: 10, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1}\n',
    'repeats.yaml': 'conv2: 3\n',
  },
  gemmnet: {
    'gemm.yaml': 'problem: {R: 1, S: 1, P: 1, Q: 64, C: 128, K: 128, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1}\n',
  },
};

/** Grid indices of the design points whose first layer failed and whose first layer is pending. */
const FAILED_POINT = 2;
const PENDING_POINT = 5;
const FAILURE_REASON = 'infeasible: the Inputs tile of conv1 exceeds InputBuffer (1152 > 512 words)';

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): RunResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, COSA_DEBUG: '' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Compute-bound figures in place of a solver's, so the database contains realistic trade-offs
 * without running HiGHS: more PEs cut cycles and add area, HBM2 and a larger buffer change energy.
 */
function syntheticResult(plan: SweepPlan, jobIndex: number): JobResult {
  const job = plan.jobs[jobIndex];
  const macs = macCount(job.layer);
  const arch = job.architecture;
  const cycles = Math.ceil(macs / arch.arithmetic.instances) + arch.levels.length * 10;
  const accessEnergyPJ = arch.levels.reduce((sum, level) => sum + level.readEnergyPJ / level.blockSize, 0);
  const energyPJ = macs * (arch.arithmetic.macEnergyPJ + accessEnergyPJ * 0.05);
  return { key: job.key, status: 'done', mapperStatus: 'optimal', solveSeconds: 0.01, cycles, energyPJ };
}

/** Writes the sweep with every job done except one failed and one pending, on two design points. */
function buildDatabase(dir: string): string {
  for (const [network, files] of Object.entries(PROBLEMS)) {
    mkdirSync(join(dir, network), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, network, file), text);
  }
  writeFileSync(join(dir, 'sweep.yaml'), SPEC);

  const plan = planSweep(loadSweepSpec(join(dir, 'sweep.yaml')));
  const dbPath = join(dir, 'results.sqlite');
  const db = openStore(dbPath, { create: true });
  const sweepId = registerSweep(db, plan);

  const failedJob = plan.pointJobs.find((entry) => entry.pointIndex === FAILED_POINT)!.jobKey;
  const pendingJob = plan.pointJobs.find((entry) => entry.pointIndex === PENDING_POINT)!.jobKey;
  const results = plan.jobs
    .map((job, index): JobResult => (job.key === failedJob ? { key: job.key, status: 'failed', reason: FAILURE_REASON } : syntheticResult(plan, index)))
    .filter((result) => result.key !== pendingJob);
  jobResultWriter(db)(results);
  updateNetworkResults(db, sweepId);
  db.close();
  return dbPath;
}

function dominates(a: number[], b: number[]): boolean {
  return a.every((value, i) => value <= b[i]) && a.some((value, i) => value < b[i]);
}

/** Brute-force front size over the complete rows, independent of the store's Pareto code. */
function bruteForceFront(rows: DesignPointResult[], metrics: ('latencyCycles' | 'energyPJ' | 'areaUm2')[]): number {
  const complete = rows.filter((row) => row.complete);
  const values = (row: DesignPointResult) => metrics.map((metric) => row[metric] as number);
  return complete.filter((row) => !complete.some((other) => dominates(values(other), values(row)))).length;
}

let workDir: string;
let dbPath: string;
const storedRows = new Map<string, DesignPointResult[]>();

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'cosa-report-db-'));
  dbPath = buildDatabase(workDir);
  const db = openStore(dbPath, { readonly: true });
  for (const network of NETWORKS) {
    storedRows.set(network, designPointResults(db, db.prepare('SELECT id FROM sweeps').pluck().get() as number, network));
  }
  db.close();
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('loadReportData', () => {
  it('marks the failed and pending points incomplete', () => {
    const data = loadReportData(dbPath);
    const tinynet = data.networks.find((network) => network.name === 'tinynet')!;
    const incomplete = tinynet.points.filter((point) => !point.complete).map((point) => point.index);
    expect(incomplete).toEqual([FAILED_POINT, PENDING_POINT]);
  });

  it('lists the failure with its layer', () => {
    const data = loadReportData(dbPath);
    expect(data.status.failures).toEqual([{ pointIndex: FAILED_POINT, layer: 'conv1', reason: FAILURE_REASON }]);
    expect(data.status.reasons).toEqual([{ reason: FAILURE_REASON, jobs: 1 }]);
    expect(data.status.jobs.failed).toBe(1);
    expect(data.status.jobs.pending).toBe(1);
  });

  it('keeps per-layer results aligned with layers', () => {
    const tinynet = loadReportData(dbPath).networks.find((network) => network.name === 'tinynet')!;
    expect(tinynet.layers.map((layer) => layer.name)).toEqual(['conv1', 'conv2', 'fc']);
    expect(tinynet.layers[1].repeats).toBe(3);
    expect(tinynet.layers[1].shape).toBe('R3 S3 P4 Q4 C16 K32 N1 stride 2');
    for (const point of tinynet.points) expect(point.layers).toHaveLength(3);

    const failed = tinynet.points.find((point) => point.index === FAILED_POINT)!;
    expect(failed.layers[0].status).toBe('failed');
    expect(failed.layers[0].reason).toBe(FAILURE_REASON);
  });

  it('cuts down a network above the point limit', () => {
    const tinynet = loadReportData(dbPath, { maxFullPoints: 1 }).networks.find((network) => network.name === 'tinynet')!;
    expect(tinynet.allLayerResults).toBe(false);
    expect(tinynet.points.every((point) => point.complete)).toBe(true);
    for (const point of tinynet.points) {
      const onFront = point.pareto.latencyEnergy || point.pareto.energyArea || point.pareto.latencyEnergyArea;
      expect(point.layers).toHaveLength(onFront ? 3 : 0);
    }
    expect(tinynet.points.some((point) => point.layers.length === 0)).toBe(true);
  });

  it('matches brute-force fronts', () => {
    for (const network of loadReportData(dbPath).networks) {
      const rows = storedRows.get(network.name)!;
      expect(network.points.filter((point) => point.pareto.latencyEnergy)).toHaveLength(bruteForceFront(rows, ['latencyCycles', 'energyPJ']));
      expect(network.points.filter((point) => point.pareto.energyArea)).toHaveLength(bruteForceFront(rows, ['energyPJ', 'areaUm2']));
      expect(network.points.filter((point) => point.pareto.latencyEnergyArea)).toHaveLength(
        bruteForceFront(rows, ['latencyCycles', 'energyPJ', 'areaUm2']),
      );
    }
  });

  it('restricts to one network', () => {
    const data = loadReportData(dbPath, { network: 'gemmnet' });
    expect(data.networks.map((network) => network.name)).toEqual(['gemmnet']);
  });

  it('writeReport counts plotted points', () => {
    const written = writeReport(dbPath, join(workDir, 'written', 'report.html'));
    expect(written.networks).toBe(2);
    expect(written.plottedPoints).toBe(10 + 12);
    expect(existsSync(written.path)).toBe(true);
  });

  it('rejects an unknown colour parameter', () => {
    expect(() => loadReportData(dbPath, { colorBy: 'pe' })).toThrow(InputError);
  });
});

describe.skipIf(skipBrowserTests)('report of a stored sweep in Chromium', () => {
  let report: OpenReport;
  const htmlPath = join(OUTPUT_DIR, 'report-db.html');

  // Written by the compiled CLI, so the page runs the client code as tsc emits it; the render
  // test covers the same code as vitest transforms it.
  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const result = runCli(['report', '--db', dbPath, '--out', htmlPath]);
    expect(result.stderr).toBe('');
    report = await openReport(htmlPath);
  });

  afterAll(async () => {
    await report?.close();
  });

  it('logs no console errors', () => {
    expect(report.errors).toEqual([]);
  });

  for (const network of NETWORKS) {
    it(`plots ${network} points and fronts`, async () => {
      const rows = storedRows.get(network)!;
      const section = `section[data-network="${network}"]`;

      const latencyEnergy = await chartSeriesCounts(report.page, `${section} [data-plot="latency-energy"]`);
      expect(latencyEnergy.points).toBe(rows.filter((row) => row.complete).length);
      expect(latencyEnergy.front).toBe(bruteForceFront(rows, ['latencyCycles', 'energyPJ']));

      const energyArea = await chartSeriesCounts(report.page, `${section} [data-plot="energy-area"]`);
      expect(energyArea.points).toBe(rows.filter((row) => row.complete).length);
      expect(energyArea.front).toBe(bruteForceFront(rows, ['energyPJ', 'areaUm2']));

      const tableRows = await report.page.locator(`${section} table.pareto tbody tr`).count();
      expect(tableRows).toBe(bruteForceFront(rows, ['latencyCycles', 'energyPJ', 'areaUm2']));
    });
  }

  it('plots fewer points where results are incomplete', async () => {
    const counts = await chartSeriesCounts(report.page, 'section[data-network="tinynet"] [data-plot="latency-energy"]');
    expect(counts.points).toBe(10);
  });

  it('shows per-layer bars of a clicked point', async () => {
    const section = report.page.locator('section[data-network="tinynet"]');
    const firstRow = section.locator('table.pareto tbody tr').first();
    const pointIndex = await firstRow.getAttribute('data-point-index');
    await firstRow.click();
    expect(await section.locator('.layer-chart').getAttribute('data-point-index')).toBe(pointIndex);
    expect(await chartSeriesCounts(report.page, 'section[data-network="tinynet"] .layer-chart')).toEqual({ 'layer-latency': 3, 'layer-energy': 3 });
  });

  it('saves a screenshot', async () => {
    await report.page.screenshot({ path: join(OUTPUT_DIR, 'report-db.png'), fullPage: true });
    expect(report.errors).toEqual([]);
  });
});

describe('cosa report', () => {
  it('writes the report and prints its path', () => {
    const outPath = join(workDir, 'out', 'report.html');
    mkdirSync(join(workDir, 'out'));
    const result = runCli(['report', '--db', dbPath, '--out', outPath, '--color-by', 'dram']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(outPath);
    expect(readFileSync(outPath, 'utf8')).toContain('"colorBy":"dram"');
  });

  it('defaults the output beside the database', () => {
    const result = runCli(['report', '--db', dbPath, '--network', 'gemmnet']);
    expect(result.status).toBe(0);
    expect(existsSync(join(workDir, 'results.html'))).toBe(true);
  });

  it('rejects an unknown network', () => {
    const result = runCli(['report', '--db', dbPath, '--network', 'resnet50', '--out', join(workDir, 'unused.html')]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('tinynet, gemmnet');
    expect(existsSync(join(workDir, 'unused.html'))).toBe(false);
  });
});

describe('cosa report on unusable databases', () => {
  /** Each case makes a file and names a phrase its one-line error must contain. */
  const cases: { name: string; make: (path: string) => void; message: string }[] = [
    { name: 'missing file', make: () => {}, message: 'not found' },
    { name: 'text file', make: (path) => writeFileSync(path, 'name,latency\nsimba,12\n'), message: 'not a results database' },
    { name: 'zero-byte file', make: (path) => writeFileSync(path, ''), message: 'is not a results database (the file is empty)' },
    {
      name: 'other SQLite database',
      make: (path) => {
        const db = new Database(path);
        db.exec('CREATE TABLE results (latency REAL)');
        db.close();
      },
      message: 'no schema_version table',
    },
    {
      name: 'other schema version',
      make: (path) => {
        const db = openStore(path, { create: true });
        db.prepare('UPDATE schema_version SET version = 99').run();
        db.close();
      },
      message: 'schema version',
    },
    { name: 'no sweep', make: (path) => openStore(path, { create: true }).close(), message: 'contains no sweep' },
    {
      name: 'no finished job',
      make: (path) => {
        const db = openStore(path, { create: true });
        registerSweep(db, planSweep(loadSweepSpec(join(workDir, 'sweep.yaml'))));
        db.close();
      },
      message: 'no finished job',
    },
  ];

  for (const { name, make, message } of cases) {
    it(`reports ${name} in one line`, () => {
      const casePath = join(workDir, `${name.replace(/\W+/g, '-')}.sqlite`);
      const outPath = join(workDir, `${name.replace(/\W+/g, '-')}.html`);
      make(casePath);

      const result = runCli(['report', '--db', casePath, '--out', outPath]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(message);
      expect(existsSync(outPath)).toBe(false);
    });
  }
});
