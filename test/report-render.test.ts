import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount, formatNumber } from '../src/report/client-charts.js';
import type { ReportPoint, ReportLayerResult, ReportData } from '../src/report/data.js';
import { renderReport } from '../src/report/render.js';
import { chartSeriesCounts, openReport, skipBrowserTests, type OpenReport } from './report-chromium.js';

const OUTPUT_DIR = join(import.meta.dirname, '..', 'test-output');

/** pes, global buffer KiB, latency cycles, energy pJ, area um² of the complete points. */
const COMPLETE_POINTS: [number, number, number, number, number][] = [
  [4, 32, 1000, 50, 4],
  [4, 128, 900, 60, 2],
  [16, 32, 300, 70, 3],
  [16, 128, 280, 65, 5],
  [64, 32, 100, 200, 1.5],
  [64, 128, 90, 300, 8],
];
// Worked by hand from the table above.
const LATENCY_ENERGY_FRONT = 5;
const ENERGY_AREA_FRONT = 3;

function dominates(a: number[], b: number[]): boolean {
  return a.every((value, i) => value <= b[i]) && a.some((value, i) => value < b[i]);
}

function onFront(point: ReportPoint, points: ReportPoint[], metrics: (keyof ReportPoint)[]): boolean {
  const values = (p: ReportPoint) => metrics.map((metric) => p[metric] as number);
  return point.complete && !points.some((other) => other.complete && dominates(values(other), values(point)));
}

function layerResults(cycles: number, energy: number): ReportLayerResult[] {
  return [
    { status: 'done', cycles: cycles * 0.5, energyPJ: energy * 0.25 },
    { status: 'done', cycles: cycles * 0.1, energyPJ: energy * 0.25 },
    { status: 'done', cycles: cycles * 0.2, energyPJ: energy * 0.25 },
  ];
}

function fixture(): ReportData {
  const points: ReportPoint[] = COMPLETE_POINTS.map(([pes, glb, cycles, energy, area], index) => ({
    index,
    parameters: { pes, lanes: 8, global_buffer_kib: glb, dram: index % 2 === 0 ? 'LPDDR4' : 'HBM2' },
    complete: true,
    latencyCycles: cycles,
    latencyS: cycles * 1e-9,
    energyPJ: energy,
    areaUm2: area,
    edpJCycles: energy * 1e-12 * cycles,
    pareto: { latencyEnergy: false, energyArea: false, latencyEnergyArea: false },
    layers: layerResults(cycles, energy),
  }));
  points.push({
    index: 6,
    parameters: { pes: 256, lanes: 8, global_buffer_kib: 512, dram: '</script><b>x</b>' },
    complete: false,
    latencyCycles: null,
    latencyS: null,
    energyPJ: null,
    areaUm2: 20,
    edpJCycles: null,
    pareto: { latencyEnergy: false, energyArea: false, latencyEnergyArea: false },
    layers: [
      { status: 'done', cycles: 10, energyPJ: 5 },
      { status: 'failed', cycles: null, energyPJ: null, reason: 'infeasible: Weights tile exceeds <GlobalBuffer>' },
      { status: 'pending', cycles: null, energyPJ: null },
    ],
  });
  for (const point of points) {
    point.pareto = {
      latencyEnergy: onFront(point, points, ['latencyCycles', 'energyPJ']),
      energyArea: onFront(point, points, ['energyPJ', 'areaUm2']),
      latencyEnergyArea: onFront(point, points, ['latencyCycles', 'energyPJ', 'areaUm2']),
    };
  }

  return {
    title: 'tiny-grid',
    source: 'results/tiny.sqlite',
    generatedAt: '2026-01-01T00:00:00.000Z',
    clockGHz: 1,
    parameterNames: ['pes', 'global_buffer_kib', 'dram'],
    fixedParameters: { lanes: 8 },
    colorBy: 'pes',
    networks: [
      {
        name: 'tinynet',
        layers: [
          { name: 'conv1', shape: 'R3 S3 P8 Q8 C3 K16 N1', repeats: 1 },
          { name: 'conv2', shape: 'R3 S3 P8 Q8 C16 K16 N1', repeats: 3 },
          { name: 'fc', shape: 'R1 S1 P1 Q1 C1024 K10 N1', repeats: 1 },
        ],
        points,
        allLayerResults: true,
        jobs: { done: 19, failed: 1, pending: 1 },
      },
    ],
    status: {
      jobs: { done: 19, failed: 1, pending: 1 },
      reasons: [{ reason: 'infeasible: Weights tile exceeds <GlobalBuffer>', jobs: 1 }],
      failures: [{ pointIndex: 6, layer: 'conv2', reason: 'infeasible: Weights tile exceeds <GlobalBuffer>' }],
      failureCount: 1,
      timeLimited: 2,
    },
  };
}

describe('renderReport', () => {
  const data = fixture();
  const html = renderReport(data);

  it('fixture fronts match the hand count', () => {
    const points = data.networks[0].points;
    expect(points.filter((point) => point.pareto.latencyEnergy)).toHaveLength(LATENCY_ENERGY_FRONT);
    expect(points.filter((point) => point.pareto.energyArea)).toHaveLength(ENERGY_AREA_FRONT);
  });

  it('is one self-contained document', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)[^"'\s]*\.(js|css)\b/);
  });

  it('shows fixed parameters once', () => {
    expect(html).toContain('Parameters equal at every design point: lanes=8.');
    expect(html).not.toContain('<th>lanes</th>');
    expect(html).toContain('<th>global_buffer_kib</th>');
  });

  it('counts time-limited jobs', () => {
    expect(html).toContain("2 done jobs stopped at the mapper's time limit");
    expect(renderReport({ ...data, status: { ...data.status, timeLimited: 0 } })).not.toContain('time_limit');
  });

  it('escapes parameter values and failure reasons', () => {
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;GlobalBuffer&gt;');
    // Three script elements would close early if the data's "</script>" were not escaped.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});

describe.skipIf(skipBrowserTests)('report in Chromium', () => {
  let report: OpenReport;
  const htmlPath = join(OUTPUT_DIR, 'report-render.html');

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(htmlPath, renderReport(fixture()));
    report = await openReport(htmlPath);
  });

  afterAll(async () => {
    await report?.close();
  });

  it('logs no console errors', () => {
    expect(report.errors).toEqual([]);
  });

  it('plots every complete point and the fronts', async () => {
    const latencyEnergy = await chartSeriesCounts(report.page, '[data-plot="latency-energy"]');
    expect(latencyEnergy.points).toBe(COMPLETE_POINTS.length);
    expect(latencyEnergy.front).toBe(LATENCY_ENERGY_FRONT);
    expect(latencyEnergy['front-line']).toBe(LATENCY_ENERGY_FRONT);

    const energyArea = await chartSeriesCounts(report.page, '[data-plot="energy-area"]');
    expect(energyArea.points).toBe(COMPLETE_POINTS.length);
    expect(energyArea.front).toBe(ENERGY_AREA_FRONT);

    const attributes = await report.page.$eval('[data-plot="latency-energy"]', (element) => ({ ...(element as HTMLElement).dataset }));
    expect(attributes.points).toBe(String(COMPLETE_POINTS.length));
    expect(attributes.frontPoints).toBe(String(LATENCY_ENERGY_FRONT));
  });

  it('uses a log axis only for a range over 10x', async () => {
    const axes = await report.page.$eval('[data-plot="latency-energy"]', (element) => {
      const chart = (window as unknown as { echarts: typeof import('echarts') }).echarts.getInstanceByDom(element as HTMLElement);
      const option = chart!.getOption() as { xAxis: { type: string }[]; yAxis: { type: string }[] };
      return { x: option.xAxis[0].type, y: option.yAxis[0].type };
    });
    expect(axes.x).toBe('log');
    expect(axes.y).toBe('value');
  });

  it('recolours by the chosen parameter', async () => {
    const pieceCount = () =>
      report.page.$eval('[data-plot="energy-area"]', (element) => {
        const chart = (window as unknown as { echarts: typeof import('echarts') }).echarts.getInstanceByDom(element as HTMLElement);
        const option = chart!.getOption() as { visualMap: { pieces?: unknown[] }[] };
        return option.visualMap[0].pieces?.length;
      });
    expect(await pieceCount()).toBe(3);

    await report.page.selectOption('select.color-by', 'dram');
    expect(await pieceCount()).toBe(2);
    await report.page.selectOption('select.color-by', 'pes');
  });

  it('lists the 3-objective front in the table', async () => {
    const expected = fixture().networks[0].points.filter((point) => point.pareto.latencyEnergyArea).length;
    expect(await report.page.locator('table.pareto tbody tr').count()).toBe(expected);
  });

  it('sorts the table by a clicked column', async () => {
    const headers = await report.page.locator('table.pareto th').allInnerTexts();
    const column = headers.indexOf('Energy (pJ)');
    expect(column).toBeGreaterThan(0);

    await report.page.locator('table.pareto th').nth(column).click();
    const energies = await report.page.$$eval(
      'table.pareto tbody tr',
      (rows, index) => rows.map((row) => Number((row as HTMLTableRowElement).cells[index].dataset.sort)),
      column,
    );
    expect(energies).toEqual([...energies].sort((a, b) => a - b));
    expect(energies.length).toBeGreaterThan(1);
  });

  it('shows the layers of a clicked table row', async () => {
    const layerChart = report.page.locator('.layer-chart');
    await report.page.locator('table.pareto tbody tr[data-point-index="1"]').click();
    expect(await layerChart.getAttribute('data-point-index')).toBe('1');
    expect(await chartSeriesCounts(report.page, '.layer-chart')).toEqual({ 'layer-latency': 3, 'layer-energy': 3 });
    expect(await report.page.inputValue('select.point-select')).toBe('1');
  });

  it('lists the failure with its reason', async () => {
    const text = await report.page.locator('#status').innerText();
    expect(text).toContain('infeasible: Weights tile exceeds <GlobalBuffer>');
  });

  it('saves a screenshot', async () => {
    const path = join(OUTPUT_DIR, 'report-render.png');
    await report.page.screenshot({ path, fullPage: true });
    expect(report.errors).toEqual([]);
  });
});

describe('formatCount', () => {
  it('prints cycle counts exactly', () => {
    expect(formatCount(16128)).toBe('16128');
    expect(formatCount(128772)).toBe('128772');
    expect(formatNumber(128772)).toBe('1.288e+5');
  });

  it('formats other values as numbers', () => {
    expect(formatCount(null)).toBe('–');
    expect(formatCount(2.5e-9)).toBe(formatNumber(2.5e-9));
  });
});
