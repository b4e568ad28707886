// Sharing mappings between neighbouring design points (src/sweep/neighbours.ts), on real Simba
// design points, real random-mapper mappings and the real cost model.
import { describe, expect, it } from 'vitest';

import { buildDesign } from '../src/arch/designs.js';
import { runMapper } from '../src/mappers/index.js';
import { isBetter } from '../src/mappers/space.js';
import type { Mapping } from '../src/mapping/types.js';
import { evaluate } from '../src/model/evaluate.js';
import { shareMappings, shareMappingSteps, type SharingJob } from '../src/sweep/neighbours.js';
import type { Layer } from '../src/workload/layer.js';
import { layerKey } from '../src/workload/problem.js';

// Two ResNet-50 layers whose CoSA mappings differed most between neighbouring points of sweeps/example.yaml.
const CONV: Layer = { R: 1, S: 1, P: 14, Q: 14, C: 1024, K: 256, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1, G: 1 };
const FC: Layer = { ...CONV, P: 28, Q: 28, C: 512, K: 128 };

const GRID = [
  { key: 'pes', values: [4, 8, 16] },
  { key: 'global_buffer_kib', values: [16, 32, 64, 128] },
];

/** Schedules a job with CoSA's MIP alone, without local search, whose objective only approximates the model. */
async function job(parameters: Record<string, number>, layer: Layer): Promise<SharingJob> {
  const { architecture, keep } = buildDesign('simba', parameters);
  const result = await runMapper(architecture, layer, keep, { name: 'cosa', objective: 'edp', timeLimitS: 10, refine: false });
  if (result.mapping === undefined || result.evaluation === undefined) throw new Error(`no mapping at ${JSON.stringify(parameters)}`);
  return {
    key: `${JSON.stringify(parameters)} ${layerKey(layer)}`,
    layerKey: layerKey(layer),
    layer,
    architecture,
    points: [parameters],
    keep,
    mapping: result.mapping,
    cycles: result.evaluation.cycles,
    energy_pJ: result.evaluation.energy_pJ,
  };
}

function differingAxes(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return Object.keys(a).filter((key) => a[key] !== b[key]).length;
}

/** Returns `source` with the target's keep pattern, as neighbours.ts tries it. */
function onTarget(source: Mapping, target: SharingJob): Mapping {
  return { levels: source.levels.map((level, index) => ({ ...level, keep: target.keep[index] })) };
}

describe('shareMappings', async () => {
  const grid: Record<string, number>[] = [];
  for (const pes of [8, 16]) for (const global_buffer_kib of [32, 64, 128]) grid.push({ pes, global_buffer_kib });
  const jobs: SharingJob[] = [];
  for (const parameters of grid) {
    jobs.push(await job(parameters, CONV));
    jobs.push(await job(parameters, FC));
  }
  const outcome = shareMappings(jobs, GRID, 'edp');
  const byKey = new Map(jobs.map((entry) => [entry.key, entry]));
  const finalMapping = (entry: SharingJob) => outcome.shared.find((shared) => shared.key === entry.key)?.mapping ?? entry.mapping!;

  it('runs in steps with the same outcome', () => {
    // Six copies of every job along a third axis give 72 jobs, more than one step's worth.
    const copies = [0, 1, 2, 3, 4, 5];
    const many = copies.flatMap((copy) => jobs.map((entry) => ({ ...entry, key: `${entry.key} ${copy}`, points: entry.points.map((point) => ({ ...point, copy })) })));
    const grid = [...GRID, { key: 'copy', values: copies }];
    const steps = shareMappingSteps(many, grid, 'edp');
    let yields = 0;
    let step = steps.next();
    while (step.done !== true) {
      yields++;
      step = steps.next();
    }
    expect(yields).toBeGreaterThan(2);
    expect(step.value).toEqual(shareMappings(many, grid, 'edp'));
  });

  it('improves jobs to better valid mappings', () => {
    expect(outcome.shared.length).toBeGreaterThan(0);
    for (const shared of outcome.shared) {
      const target = byKey.get(shared.key)!;
      const result = evaluate(target.architecture, target.layer, shared.mapping);
      expect(result.ok, shared.key).toBe(true);
      if (!result.ok) continue;
      expect(result.cycles).toBe(shared.evaluation.cycles);
      expect(isBetter(result, target, 'edp'), shared.key).toBe(true);
    }
  });

  it("keeps bypass and layer shape", () => {
    for (const shared of outcome.shared) {
      const target = byKey.get(shared.key)!;
      const source = byKey.get(shared.sourceKey)!;
      expect(source.layerKey).toBe(target.layerKey);
      expect(shared.mapping.levels.map((level) => level.keep)).toEqual(target.keep);
    }
  });

  it('ends at a fixed point', () => {
    for (const target of jobs) {
      const current = evaluate(target.architecture, target.layer, finalMapping(target));
      if (!current.ok) throw new Error(current.error);
      for (const neighbour of jobs) {
        if (neighbour === target || neighbour.layerKey !== target.layerKey || differingAxes(neighbour.points[0], target.points[0]) !== 1) continue;
        const offered = evaluate(target.architecture, target.layer, onTarget(finalMapping(neighbour), target));
        if (offered.ok) expect(isBetter(offered, current, 'edp'), `${neighbour.key} -> ${target.key}`).toBe(false);
      }
    }
  });

  it('passes mappings across two steps', async () => {
    // A fits the others' larger buffer and PE array. B and C start from one mapping with inflated
    // figures, so B takes A's mapping in the first pass and C, which is not A's neighbour, takes it
    // from B in the second.
    const a = await job({ pes: 4, global_buffer_kib: 16 }, CONV);
    const c = await job({ pes: 8, global_buffer_kib: 64 }, CONV);
    const inflated = { cycles: c.cycles * 1e6, energy_pJ: c.energy_pJ * 1e6 };
    const b = { ...(await job({ pes: 4, global_buffer_kib: 64 }, CONV)), mapping: c.mapping, ...inflated };
    const chain = shareMappings([a, b, { ...c, ...inflated }], GRID, 'edp');

    expect(chain.passes).toBeGreaterThanOrEqual(2);
    const toC = chain.shared.find((shared) => shared.key === c.key);
    expect(toC?.sourceKey).toBe(a.key);
    expect(toC?.mapping.levels.map((level) => level.temporal)).toEqual(a.mapping.levels.map((level) => level.temporal));
  });

  it('gives a failed job the best valid mapping', () => {
    const target = jobs.find((entry) => entry.layerKey === jobs[0].layerKey && entry.points[0].pes === 16 && entry.points[0].global_buffer_kib === 64)!;
    const failed = { ...target, mapping: undefined, cycles: Infinity, energy_pJ: Infinity };
    const group = jobs.filter((entry) => entry.layerKey === target.layerKey).map((entry) => (entry === target ? failed : entry));
    const rescue = shareMappings(group, GRID, 'edp').shared.find((shared) => shared.key === target.key);

    expect(rescue).toBeDefined();
    for (const neighbour of group) {
      if (neighbour === failed || differingAxes(neighbour.points[0], target.points[0]) !== 1) continue;
      const offered = evaluate(target.architecture, target.layer, onTarget(neighbour.mapping!, target));
      if (offered.ok) expect(isBetter(offered, rescue!.evaluation, 'edp'), neighbour.key).toBe(false);
    }
  });

  it('bounds neighbours on a long axis', () => {
    const long = [{ key: 'pes', values: [8] }, { key: 'global_buffer_kib', values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }];
    const source = { ...jobs[0], key: 'source', points: [{ pes: 8, global_buffer_kib: 0 }] };
    const target = (place: number) => ({ ...source, key: 'target', points: [{ pes: 8, global_buffer_kib: place }], mapping: structuredClone(source.mapping), cycles: source.cycles * 10 });

    expect(shareMappings([source, target(5)], long, 'edp').evaluations).toBe(0);
    const near = shareMappings([source, target(4)], long, 'edp');
    expect(near.shared.map((shared) => shared.key)).toEqual(['target']);
  });

  it('skips points two values apart', () => {
    const a = jobs[0];
    const b = jobs.find((entry) => entry.layerKey === a.layerKey && differingAxes(entry.points[0], a.points[0]) === 2)!;
    const worse = { ...b, cycles: b.cycles * 10, energy_pJ: b.energy_pJ * 10 };
    const result = shareMappings([a, worse], GRID, 'edp');
    expect(result.shared).toEqual([]);
    expect(result.evaluations).toBe(0);
  });
});
