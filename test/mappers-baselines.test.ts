// The random and exhaustive mappers, and CoSA against the exhaustive optimum on small layers.
import { describe, expect, it } from 'vitest';

import type { Architecture } from '../src/arch/types.js';
import { compositions, distinctOrders, exhaustiveMapper, MAX_PLACEMENTS, placementCount } from '../src/mappers/exhaustive.js';
import { runMapper } from '../src/mappers/index.js';
import { createRng, randomComposition } from '../src/mappers/random.js';
import { objectiveScore } from '../src/mappers/space.js';
import type { Objective } from '../src/mappers/types.js';
import { evaluate } from '../src/model/evaluate.js';
import { unitFactors, type Layer } from '../src/workload/layer.js';
import { loadMapperCase } from './mappers-fixtures.js';

const mini3 = loadMapperCase('mini3__resnet50-1x1-c64k64__m1');

/** mini3 with buffers small enough that capacity shapes the optimum. */
const tightMini3: Architecture = {
  ...mini3.arch,
  levels: mini3.arch.levels.map((level) => (level.name === 'RegFile' ? { ...level, entries: 8 } : level.name === 'GlobalBuffer' ? { ...level, entries: 96 } : level)),
};
const keepAll = mini3.arch.levels.map(() => ({ Weights: true, Inputs: true, Outputs: true }));

function smallLayer(shape: Partial<Layer>): Layer {
  return { ...mini3.layer, R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1, Wstride: 1, Hstride: 1, ...shape };
}

describe('random mapper', () => {
  it('splits items uniformly over ordered parts', () => {
    const rng = createRng(7);
    const counts = new Map<string, number>();
    const draws = 6000;
    for (let draw = 0; draw < draws; draw++) {
      const split = randomComposition(2, 3, rng);
      expect(split.reduce((sum, part) => sum + part, 0)).toBe(2);
      counts.set(split.join(','), (counts.get(split.join(',')) ?? 0) + 1);
    }
    // C(4, 2) = 6 splits of 2 items over 3 parts, each expected 1000 times.
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - draws / 6)).toBeLessThan(150);
  });

  it('returns the same valid mapping for the same seed', async () => {
    const settings = { name: 'random', objective: 'edp', timeLimitS: 60, samples: 300, seed: 5 } as const;
    const first = await runMapper(mini3.arch, mini3.layer, mini3.keep, settings);
    const second = await runMapper(mini3.arch, mini3.layer, mini3.keep, settings);
    expect(first.status).toBe('sampled');
    expect(second.mapping).toEqual(first.mapping);
    expect(evaluate(mini3.arch, mini3.layer, first.mapping!).ok).toBe(true);
  });

  it('stops at its time limit', async () => {
    const result = await runMapper(mini3.arch, mini3.layer, mini3.keep, { name: 'random', objective: 'latency', timeLimitS: 0.2, seed: 1 });
    expect(result.status).toBe('time_limit');
    expect(result.solveSeconds).toBeGreaterThanOrEqual(0.2);
  });
});

describe('exhaustive mapper', () => {
  it('lists every composition', () => {
    expect(compositions(2, 3)).toHaveLength(6);
    expect(compositions(3, 5)).toHaveLength(35);
    for (const split of compositions(3, 4)) expect(split.reduce((sum, part) => sum + part, 0)).toBe(3);
  });

  it('keeps one loop order per traffic signature', () => {
    const temporal = { ...unitFactors(), P: 2, K: 2 };
    // P and K are relevant to different data spaces, so both orders differ.
    expect(distinctOrders(temporal)).toHaveLength(2);
    const channels = { ...unitFactors(), C: 2, K: 2, P: 2 };
    expect(distinctOrders(channels).length).toBeLessThanOrEqual(6);
    expect(distinctOrders(unitFactors())).toHaveLength(1);
  });

  it('does not search a map space that is too large', async () => {
    const layer = smallLayer({ P: 56, Q: 56, C: 64, K: 64 });
    expect(placementCount(mini3.arch, layer)).toBeGreaterThan(1e6);
    const result = await exhaustiveMapper(mini3.arch, layer, mini3.keep, { name: 'exhaustive', objective: 'edp', timeLimitS: 10 });
    expect(result.status).toBe('no_incumbent');
    expect(result.mapping).toBeUndefined();
    expect(result.reason).toContain(`above its limit of ${MAX_PLACEMENTS}`);
  });
});

describe('cosa against the exhaustive optimum', () => {
  const layers: [string, Layer][] = [
    ['1x1 P4 Q2 C2 K4', smallLayer({ P: 4, Q: 2, C: 2, K: 4 })],
    ['3x1 P4 C2 K4', smallLayer({ R: 3, P: 4, C: 2, K: 4 })],
  ];
  const objectives: Objective[] = ['latency', 'energy', 'edp'];

  for (const [label, layer] of layers) {
    it(`comes within 10% on ${label}`, async () => {
      for (const objective of objectives) {
        const optimum = await runMapper(tightMini3, layer, keepAll, { name: 'exhaustive', objective, timeLimitS: 120 });
        expect(optimum.status).toBe('optimal');
        const scheduled = await runMapper(tightMini3, layer, keepAll, { name: 'cosa', objective, timeLimitS: 10 });
        expect(scheduled.evaluation, scheduled.reason).toBeDefined();

        const best = objectiveScore(optimum.evaluation!, objective);
        const found = objectiveScore(scheduled.evaluation!, objective);
        expect(found, `${objective}: cosa ${found}, exhaustive ${best}`).toBeLessThanOrEqual(best * 1.1);
        // The oracle is exhaustive, so nothing may beat it by more than rounding.
        expect(found).toBeGreaterThanOrEqual(best * (1 - 1e-9));
      }
    });
  }
});
