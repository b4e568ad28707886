// Every mapper, CoSA's repair and local search, and the random draws meet a mapspace file's factor,
// loop-order, split and utilization constraints. Constraints that no mapping meets give 'infeasible'.
import { describe, expect, it } from 'vitest';

import { parseMapspaceConstraints } from '../src/arch/constraints.js';
import { placementCount } from '../src/mappers/exhaustive.js';
import { runMapper } from '../src/mappers/index.js';
import { bestDraws } from '../src/mappers/multistart.js';
import { repairMapping } from '../src/mappers/refine.js';
import type { MapperName } from '../src/mappers/types.js';
import { constraintViolation } from '../src/mapping/constraints-check.js';
import { resolveConstraints } from '../src/mapping/constraints-resolve.js';
import { parseMapping } from '../src/mapping/parse.js';
import type { LevelMapping } from '../src/mapping/types.js';
import { evaluate } from '../src/model/evaluate.js';
import type { Dimension, Layer } from '../src/workload/layer.js';
import { ARCH, BYPASS_ENTRIES, CONSTRAINTS, KEEP, LAYER } from './constraint-fixtures.js';

const MAPPERS: MapperName[] = ['cosa', 'random', 'exhaustive'];

function settings(name: MapperName) {
  return { name, objective: 'edp', timeLimitS: 20, samples: 400, seed: 3 } as const;
}

/** Dimensions with spatial loops of bound > 1 on one axis of a level. */
function onAxis(level: LevelMapping, axis: 'X' | 'Y'): Dimension[] {
  return level.spatialPermutation.filter((dimension, position) => level.spatial[dimension] > 1 && (position < level.split) === (axis === 'X'));
}

describe.each(MAPPERS)('%s mapper under mapspace constraints', async (name) => {
  const result = await runMapper(ARCH, LAYER, KEEP, settings(name), CONSTRAINTS);
  const mapping = result.mapping!;
  const [regFile, globalBuffer, dram] = mapping?.levels ?? [];

  it('finds a valid mapping', () => {
    expect(result.status, result.reason).not.toBe('infeasible');
    expect(evaluate(ARCH, LAYER, mapping).ok).toBe(true);
  });

  it('takes the whole dimension for 0', () => {
    expect(regFile.temporal.R).toBe(3);
  });

  it('keeps fixed temporal factors', () => {
    expect(dram.temporal.C).toBe(2);
    expect(dram.temporal.P).toBe(2);
  });

  it('keeps fixed fan-out on its axis', () => {
    expect(globalBuffer.spatial.K).toBe(4);
    expect(onAxis(globalBuffer, 'X')).toEqual(['K']);
  });

  it('follows the temporal permutation', () => {
    const active = dram.permutation.filter((dimension) => dram.temporal[dimension] > 1);
    expect(active.indexOf('C')).toBeLessThan(active.indexOf('P'));
  });

  it('passes the shared check', () => {
    expect(constraintViolation(resolveConstraints(CONSTRAINTS, LAYER, ARCH), ARCH, mapping)).toBeUndefined();
  });
});

function constrained(entries: string) {
  return parseMapspaceConstraints(`mapspace:\n  constraints:\n${BYPASS_ENTRIES}${entries}`, 'm.yaml', ARCH)!;
}

describe('unsatisfiable constraints', () => {
  it.each(MAPPERS)('make %s report infeasible', async (name) => {
    const result = await runMapper(ARCH, LAYER, KEEP, settings(name), constrained('  - {target: RegFile, type: temporal, factors: K=3}\n'));
    expect(result.status).toBe('infeasible');
    expect(result.reason).toBe("the mapspace's temporal K=3 at RegFile does not divide the layer's K = 4");
  });

  it('name the row in a CoSA conflict', async () => {
    // At most 4 x 3 of the 16 MACs can work on these factors, so full utilization is out of reach.
    const layer: Layer = { ...LAYER, P: 1, Q: 1, C: 2 };
    const result = await runMapper(ARCH, layer, KEEP, settings('cosa'), constrained('  - {target: RegFile, type: utilization, min: 1}\n'));
    expect(result.status).toBe('infeasible');
    expect(result.reason).toContain("the mapspace's utilization min 1");
    const exhaustive = await runMapper(ARCH, layer, KEEP, settings('exhaustive'), constrained('  - {target: RegFile, type: utilization, min: 1}\n'));
    expect(exhaustive.status).toBe('infeasible');
  });
});

describe('searches that change a mapping', () => {
  const resolved = resolveConstraints(CONSTRAINTS, LAYER, ARCH);

  it('enumerate only allowed placements', () => {
    expect(placementCount(ARCH, LAYER, resolved)).toBe(36);
  });

  it('draw only conforming mappings', () => {
    const draws = bestDraws(ARCH, LAYER, KEEP, 'edp', 200, 3, 1, Infinity, resolved).best;
    expect(draws).toHaveLength(3);
    for (const draw of draws) expect(constraintViolation(resolved, ARCH, draw.mapping)).toBeUndefined();
  });

  it('repair without moving fixed factors', () => {
    // RegFile's Weights tile is R x C = 3 x 32 words, above its 64 entries. Moving R's 3 would
    // shrink it most, but R=0 fixes all of R there, so the repair moves a 2 of C instead.
    const layer: Layer = { ...LAYER, C: 64 };
    const text = `mapping:
- {target: RegFile, type: temporal, factors: R=3 C=32 Q=2}
- {target: GlobalBuffer, type: spatial, factors: K=4, permutation: KC, split: 1}
- {target: GlobalBuffer, type: temporal, factors: P=2}
- {target: DRAM, type: temporal, factors: C=2 P=2, permutation: CP}
`;
    const overfull = parseMapping(text, 'map.yaml', ARCH, layer, { defaultKeep: KEEP });
    const constraints = resolveConstraints(CONSTRAINTS, layer, ARCH);
    expect(evaluate(ARCH, layer, overfull).ok).toBe(false);

    const repaired = repairMapping(ARCH, layer, overfull, constraints);
    expect(repaired).toBeDefined();
    expect(repaired!.mapping.levels[0].temporal.R).toBe(3);
    expect(repaired!.mapping.levels[0].temporal.C).toBe(16);
    expect(constraintViolation(constraints, ARCH, repaired!.mapping)).toBeUndefined();
  });
});
