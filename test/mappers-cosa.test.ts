// CoSA on HiGHS against the cost model: every schedule of the reference layers is valid on every
// reference architecture, and the infeasible, time-limit and large-prime paths behave.
import { describe, expect, it } from 'vitest';

import { runMapper } from '../src/mappers/index.js';
import type { MapperSettings, Objective } from '../src/mappers/types.js';
import { evaluate } from '../src/model/evaluate.js';
import { macCount, type Layer } from '../src/workload/layer.js';
import { getNetwork } from '../src/workload/networks/index.js';
import { distinctLayerCases, loadMapperCase, type MapperCase } from './mappers-fixtures.js';

const cases = distinctLayerCases();

/** One architecture per name, with the bypass pattern of one of its cases. */
const architectures = [...new Map(cases.map((item) => [item.archName, item])).values()];

function cosa(objective: Objective, extra: Partial<MapperSettings> = {}): MapperSettings {
  return { name: 'cosa', objective, timeLimitS: 10, ...extra };
}

async function expectValidSchedule(item: MapperCase, layer: Layer, settings: MapperSettings): Promise<number> {
  const result = await runMapper(item.arch, layer, item.keep, settings);
  expect(result.status, `${item.archName}: ${result.reason}`).toMatch(/^(optimal|time_limit)$/);
  expect(result.mapping).toBeDefined();

  const scheduledLayer = result.layer ?? layer;
  const check = evaluate(item.arch, scheduledLayer, result.mapping!);
  expect(check.ok, check.ok ? '' : check.error).toBe(true);
  expect(result.evaluation?.cycles).toBe(check.ok ? check.cycles : undefined);
  return check.ok ? check.cycles : Infinity;
}

describe('cosa on the reference cases', () => {
  it.each(cases.map((item) => [item.id, item] as const))('schedules %s validly', async (_, item) => {
    const cycles = await expectValidSchedule(item, item.layer, cosa('edp'));
    // Perfect utilization is the floor: no schedule beats MACs / arithmetic instances.
    expect(cycles).toBeGreaterThanOrEqual(Math.ceil(macCount(item.layer) / item.arch.arithmetic.instances));
  });
});

describe('cosa on every layer and architecture', () => {
  const layers = [...new Map(cases.map((item) => [item.id.split('__')[1], item.layer])).entries()];
  for (const target of architectures) {
    it(`schedules every reference layer on ${target.archName}`, async () => {
      for (const [, layer] of layers) {
        await expectValidSchedule(target, layer, cosa('latency', { refine: false }));
      }
    });
  }
});

describe('cosa on ResNet-50 and every architecture', () => {
  const network = getNetwork('resnet50');
  for (const target of architectures) {
    it(`schedules ResNet-50's unique layers on ${target.archName}`, async () => {
      for (const { layer } of network.layers) {
        await expectValidSchedule(target, layer, cosa('latency', { refine: false }));
      }
    });
  }
});

describe('cosa edge cases', () => {
  const simba = loadMapperCase('simba-ref__resnet50-1x1-c64k64__refmap');

  it('reaches the compute bound on the refmap layer', async () => {
    const cycles = await expectValidSchedule(simba, simba.layer, cosa('latency'));
    expect(cycles).toBe(macCount(simba.layer) / 1024);
  });

  it('accepts user weights with a utilization reward', async () => {
    const weights = { compute: 1, traffic: 0, utilization: 0.1 };
    const cycles = await expectValidSchedule(simba, simba.layer, cosa('latency', { weights, refine: false }));
    expect(cycles).toBe(macCount(simba.layer) / 1024);
  });

  it('schedules a prime dimension of 79', async () => {
    const layer: Layer = { ...simba.layer, P: 79, Q: 7, C: 32, K: 32 };
    await expectValidSchedule(simba, layer, cosa('edp'));
  });

  it('schedules 161 and 700 with padding', async () => {
    const layer: Layer = { ...simba.layer, R: 5, S: 5, P: 700, Q: 161, C: 1, K: 32, Wstride: 2, Hstride: 2 };
    const result = await runMapper(simba.arch, layer, simba.keep, cosa('latency', { padding: true }));
    expect(result.layer?.P).toBe(700);
    expect(result.layer?.Q).toBe(162);
    expect(result.evaluation?.macc_count).toBe(macCount({ ...layer, Q: 162 }));
    const check = evaluate(simba.arch, result.layer!, result.mapping!);
    expect(check.ok).toBe(true);
  });

  it('reports a tensor that cannot fit the outermost level', async () => {
    const arch = { ...simba.arch, levels: simba.arch.levels.slice(0, 5) };
    const keep = simba.keep.slice(0, 4).concat([{ Weights: true, Inputs: true, Outputs: true }]);
    const result = await runMapper(arch, simba.layer, keep, cosa('edp'));
    expect(result.status).toBe('infeasible');
    expect(result.reason).toContain('GlobalBuffer');
    expect(result.mapping).toBeUndefined();
  });

  it('reports a level too small for its smallest tiles', async () => {
    const keep = simba.keep.map((level, index) => (index === 0 ? { Weights: true, Inputs: true, Outputs: false } : level));
    const result = await runMapper(simba.arch, simba.layer, keep, cosa('edp'));
    expect(result.status).toBe('infeasible');
    expect(result.reason).toContain('Registers');
  });

  it('returns an incumbent or none at a tiny time limit', async () => {
    const big = loadMapperCase('mini3__deepbench-5x5s2-p700q161-c1k64__m1');
    const result = await runMapper(big.arch, big.layer, big.keep, cosa('edp', { timeLimitS: 0.001, refine: false }));
    expect(['time_limit', 'no_incumbent']).toContain(result.status);
    if (result.status === 'time_limit') {
      expect(result.gap).toBeGreaterThanOrEqual(0);
      expect(evaluate(big.arch, big.layer, result.mapping!).ok).toBe(true);
    }
    if (result.status === 'no_incumbent') expect(result.reason).toMatch(/time limit/);
  });
});
