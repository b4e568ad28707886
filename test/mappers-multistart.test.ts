// CoSA's polish by multi-start local search: it recovers the cost model's quality that the MIP's
// log-space objective misses, and it is deterministic (budgets count evaluations, not seconds).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runMapper } from '../src/mappers/index.js';
import { bestDraws, multiStartRefine } from '../src/mappers/multistart.js';
import { isBetter } from '../src/mappers/space.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import { CASES_DIR, loadMapperCase } from './mappers-fixtures.js';

// A 1x1 stride-2 layer on Eyeriss where the MIP optimum within a 1 % gap costs 2513 uJ in the
// cost model, about 4x the reference mapping.
const EYERISS_ID = 'eyeriss256__resnet50-1x1s2-down-c1024k2048__m1';

describe('cosa multi-start refinement', () => {
  it('comes within 1.2x of the reference mapping on the Eyeriss case', async () => {
    const item = loadMapperCase(EYERISS_ID);
    const mapPath = join(CASES_DIR, EYERISS_ID, 'map.yaml');
    const reference = evaluate(item.arch, item.layer, parseMapping(readFileSync(mapPath, 'utf8'), mapPath, item.arch, item.layer));
    expect(reference.ok).toBe(true);
    if (!reference.ok) return;

    const result = await runMapper(item.arch, item.layer, item.keep, { name: 'cosa', objective: 'edp', timeLimitS: 10 });
    expect(result.evaluation).toBeDefined();
    expect(result.evaluation!.energy_pJ).toBeLessThan(1.2 * reference.energy_pJ);

    const unrefined = await runMapper(item.arch, item.layer, item.keep, { name: 'cosa', objective: 'edp', timeLimitS: 10, refine: false });
    expect(isBetter(result.evaluation!, unrefined.evaluation, 'edp')).toBe(true);
  });

  it('gives the same mapping on repeated runs', async () => {
    const item = loadMapperCase('simba-ref__resnet50-1x1-c64k64__refmap');
    const settings = { name: 'cosa', objective: 'energy', timeLimitS: 10 } as const;
    const first = await runMapper(item.arch, item.layer, item.keep, settings);
    const second = await runMapper(item.arch, item.layer, item.keep, settings);
    expect(first.mapping).toBeDefined();
    expect(second.mapping).toEqual(first.mapping);
    expect(second.evaluation?.energy_pJ).toBe(first.evaluation?.energy_pJ);
  });

  it('keeps the best draws in order, valid, and no more than asked', () => {
    const item = loadMapperCase('simba-ref__resnet50-1x1-c64k64__refmap');
    const draws = bestDraws(item.arch, item.layer, item.keep, 'energy', 300, 3, 7).best;
    expect(draws.length).toBe(3);
    for (const [index, draw] of draws.entries()) {
      expect(evaluate(item.arch, item.layer, draw.mapping).ok).toBe(true);
      if (index > 0) expect(isBetter(draw.evaluation, draws[index - 1].evaluation, 'energy')).toBe(false);
    }
  });

  it('reports draws stopped by a passed deadline', () => {
    const item = loadMapperCase('simba-ref__resnet50-1x1-c64k64__refmap');
    const draws = bestDraws(item.arch, item.layer, item.keep, 'energy', 300, 3, 7, performance.now() - 1);
    expect(draws.timedOut).toBe(true);
    expect(draws.best).toEqual([]);
  });

  it('flags a search cut by the clock', () => {
    const item = loadMapperCase('simba-ref__resnet50-1x1-c64k64__refmap');
    const mapPath = join(CASES_DIR, 'simba-ref__resnet50-1x1-c64k64__refmap', 'map.yaml');
    const mapping = parseMapping(readFileSync(mapPath, 'utf8'), mapPath, item.arch, item.layer);
    const evaluation = evaluate(item.arch, item.layer, mapping);
    if (!evaluation.ok) throw new Error(evaluation.error);
    const budget = { samples: 100, starts: 1, firstEvaluations: 50, evaluationsPerStart: 20, seed: 1 };

    const cut = multiStartRefine(item.arch, item.layer, item.keep, { mapping, evaluation }, 'energy', { ...budget, seconds: 0 });
    expect(cut.timedOut).toBe(true);
    expect(cut.mapping).toEqual(mapping);

    const finished = multiStartRefine(item.arch, item.layer, item.keep, { mapping, evaluation }, 'energy', { ...budget, seconds: 60 });
    expect(finished.timedOut).toBe(false);
  });
});
