// Mapping files, problem files and stored shapes of layers with and without groups. What is
// written for G = 1 stays cnn-layer's, and what is written for G > 1 declares G and reads back.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { parseArchitecture } from '../src/arch/load.js';
import { parseMapping } from '../src/mapping/parse.js';
import { writeMappingYaml } from '../src/mapping/write.js';
import { evaluate } from '../src/model/evaluate.js';
import { createLayer, layerKey } from '../src/workload/layer-spec.js';
import { parseProblem } from '../src/workload/problem.js';
import { writeProblemYaml } from '../src/workload/problem-write.js';
import { isFoldedGroupedShape, parseStoredLayer } from '../src/workload/stored-layer.js';

const ERT = `
ERT:
  version: 0.3
  tables:
  - {name: system.MAC, actions: [{name: mac_random, energy: 1}]}
  - {name: system.Reg, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
  - {name: system.GB, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
`;

/** Four MACs on a 2x2 mesh, each with its own Reg, and a GB that fans out 2x2. */
const arch = parseArchitecture(
  `
arch:
  arithmetic: {name: MAC, instances: 4, meshX: 2, word-bits: 8}
  storage:
  - {name: Reg, entries: 64, instances: 4, meshX: 2, word-bits: 8}
  - {name: GB, entries: 4096, instances: 1, word-bits: 8}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 8}
`,
  'arch.yaml',
  { text: ERT, file: 'ert.yaml' },
);

function entries(yaml: string): Record<string, unknown>[] {
  return parse(yaml).mapping as Record<string, unknown>[];
}

describe('mapping files with groups', () => {
  it('round-trips a grouped mapping with G', () => {
    const layer = createLayer({ C: 8, K: 8, P: 4, groups: 2 });
    const text = `mapping:
    - {target: Reg, type: temporal, factors: C4 K2, permutation: CKGRSPQN}
    - {target: GB, type: spatial, factors: G2 K2, permutation: GKRSPQCN, split: 1}
    - {target: GB, type: temporal, factors: P4, permutation: PGRSQCKN}`;
    const mapping = parseMapping(text, 'map.yaml', arch, layer);
    expect(evaluate(arch, layer, mapping).ok).toBe(true);

    const written = writeMappingYaml(arch, mapping);
    const spatial = entries(written).find((entry) => entry.type === 'spatial');
    expect(spatial?.factors).toBe('R=1 S=1 P=1 Q=1 C=1 K=2 N=1 G=2');
    expect(spatial?.permutation).toBe('GKRSPQCN');
    expect(spatial?.split).toBe(1);
    expect(parseMapping(written, 'written.yaml', arch, layer)).toEqual(mapping);
  });

  it('round-trips an ungrouped mapping without G', () => {
    const layer = createLayer({ C: 4, K: 4, P: 4 });
    const text = `mapping:
    - {target: Reg, type: temporal, factors: C4, permutation: CKRSPQN}
    - {target: GB, type: spatial, factors: K2 P2, permutation: KPRSQCN, split: 1}
    - {target: GB, type: temporal, factors: K2 P2, permutation: PKRSQCN}`;
    const mapping = parseMapping(text, 'map.yaml', arch, layer);
    expect(mapping.levels[1].permutation.at(-1)).toBe('G');

    const written = writeMappingYaml(arch, mapping);
    for (const entry of entries(written).filter((item) => item.type !== 'datatype')) {
      expect(entry.factors).not.toContain('G');
      expect(entry.permutation).not.toContain('G');
    }
    const temporal = entries(written).filter((entry) => entry.type === 'temporal');
    expect(temporal[0].factors).toBe('R=1 S=1 P=1 Q=1 C=4 K=1 N=1');
    expect(temporal[0].permutation).toBe('CKRSPQN');
    expect(parseMapping(written, 'written.yaml', arch, layer)).toEqual(mapping);
  });

  it('reads a cnn-layer split of 7 with G on X', () => {
    const layer = createLayer({ K: 4 });
    const text = `mapping:
    - {target: GB, type: spatial, factors: K2, permutation: KRSPQCN, split: 7}`;
    expect(parseMapping(text, 'map.yaml', arch, layer).levels[1].split).toBe(8);
  });
});

describe('problem files with groups', () => {
  it('writes cnn-layer for G = 1', () => {
    const layer = createLayer({ R: 3, S: 3, P: 8, Q: 8, C: 16, K: 32 });
    const text = writeProblemYaml(layer);
    expect(parse(text).problem.shape).toBe('cnn-layer');
    expect(text).not.toContain('G');
    expect(parseProblem(text, 'problem.yaml')).toEqual(layer);
  });

  it('declares the G dimension for G > 1', () => {
    const layer = createLayer({ R: 3, S: 3, P: 8, Q: 8, C: 32, K: 64, groups: 4 });
    const text = writeProblemYaml(layer);
    const problem = parse(text).problem;
    expect(problem.shape.dimensions).toEqual(['R', 'S', 'P', 'Q', 'C', 'K', 'N', 'G']);
    const dataSpaces = problem.shape['data-spaces'];
    expect(dataSpaces.map((space: { name: string }) => space.name)).toEqual(['Weights', 'Inputs', 'Outputs']);
    expect(dataSpaces[1].projection[1]).toEqual([['G']]);
    expect(dataSpaces[2]['read-write']).toBe(true);
    expect(text).toContain('read-write: True');
    expect(problem.instance).toMatchObject({ C: 8, K: 16, G: 4 });
  });

  it('reads a written grouped problem back', () => {
    const layer = createLayer({ R: 3, S: 3, P: 8, Q: 8, C: 32, K: 64, groups: 4, Wstride: 2 });
    const reread = parseProblem(writeProblemYaml(layer), 'problem.yaml');
    expect(reread).toEqual(layer);
    expect(layerKey(reread)).toBe(layerKey(layer));
  });

  it('rejects a G shape with other projections', () => {
    const text = writeProblemYaml(createLayer({ C: 4, K: 4, groups: 2 })).replace('- [ [ G ] ]', '- [ [ N ] ]');
    expect(() => parseProblem(text, 'problem.yaml')).toThrow('declares G but differs from the grouped-cnn-layer shape');
  });
});

describe('layer keys with groups', () => {
  it('keeps the key of an ungrouped layer', () => {
    const layer = createLayer({ R: 3, S: 3, P: 56, Q: 56, C: 64, K: 64 });
    expect(layerKey(layer)).toBe('R3_S3_P56_Q56_C64_K64_N1_Ws1_Hs1_Wd1_Hd1_G1');
  });

  it('gives a grouped layer a key of its own', () => {
    const layer = createLayer({ R: 3, S: 3, P: 14, Q: 14, C: 32, K: 32, groups: 32 });
    expect(layerKey(layer)).toBe('R3_S3_P14_Q14_C1_K1_N1_Ws1_Hs1_Wd1_Hd1_Gdim32');
  });
});

describe('stored layer shapes', () => {
  it('reads a shape with G as it is', () => {
    const layer = createLayer({ C: 32, K: 64, groups: 4 });
    expect(parseStoredLayer(JSON.stringify(layer))).toEqual(layer);
  });

  it('converts a shape with groups and K over all groups', () => {
    // Stored as C per group and K over all groups, without G.
    const stored = { R: 3, S: 3, P: 14, Q: 14, C: 1, K: 32, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1, groups: 32 };
    expect(parseStoredLayer(JSON.stringify(stored))).toEqual(createLayer({ R: 3, S: 3, P: 14, Q: 14, C: 32, K: 32, groups: 32 }));
    expect(isFoldedGroupedShape(JSON.stringify(stored))).toBe(true);
  });

  it('tells folded shapes from current and ungrouped ones', () => {
    expect(isFoldedGroupedShape(JSON.stringify(createLayer({ C: 32, K: 64, groups: 4 })))).toBe(false);
    const ungrouped = { R: 1, S: 1, P: 7, Q: 7, C: 64, K: 64, N: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1, groups: 1 };
    expect(isFoldedGroupedShape(JSON.stringify(ungrouped))).toBe(false);
  });
});
