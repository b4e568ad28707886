// The cost model on grouped layers, where G is a dimension of every data space. Expected numbers
// are worked out by hand in the comment above each check, with the rules of model-unit.test.ts.
import { describe, expect, it } from 'vitest';

import { parseArchitecture } from '../src/arch/load.js';
import type { Architecture } from '../src/arch/types.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import type { DataSpaceStats, Evaluation } from '../src/model/types.js';
import type { DataSpace } from '../src/workload/layer.js';
import { parseProblem } from '../src/workload/problem.js';

/** Energies of 1 pJ per action, so that the tests need only the access counts. */
const ERT = `
ERT:
  version: 0.3
  tables:
  - {name: system.MAC, actions: [{name: mac_random, energy: 1}]}
  - {name: system.Reg, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
  - {name: system.Buffer, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
  - {name: system.GB, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
ART:
  version: 0.3
  tables:
  - {name: system.MAC, area: 100}
  - {name: system.Reg, area: 100}
  - {name: system.Buffer, area: 100}
  - {name: system.GB, area: 100}
  - {name: system.DRAM, area: 100}
`;

/** One MAC, a 64-word Buffer, a 1024-word GB, DRAM: three levels without fan-out. */
const BUFFER_GB_DRAM = `
arch:
  arithmetic: {name: MAC, instances: 1, word-bits: 8}
  storage:
  - {name: Buffer, entries: 64, instances: 1, word-bits: 8}
  - {name: GB, entries: 1024, instances: 1, word-bits: 8}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 8}
`;

/** Two MACs, each with its own Reg; GB fans out 2 ways to the Regs. */
const TWO_PES = `
arch:
  arithmetic: {name: MAC, instances: 2, word-bits: 8}
  storage:
  - {name: Reg, entries: 16, instances: 2, word-bits: 8}
  - {name: GB, entries: 1024, instances: 1, word-bits: 8}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 8}
`;

function evaluateValid(archYaml: string, problem: string, mapping: string): Evaluation {
  const arch: Architecture = parseArchitecture(archYaml, 'arch.yaml', { text: ERT, file: 'ert.yaml' });
  const layer = parseProblem(`problem: {${problem}}`, 'problem.yaml');
  const result = evaluate(arch, layer, parseMapping(mapping, 'map.yaml', arch, layer));
  if (!result.ok) throw new Error(`expected a valid mapping: ${result.error}`);
  return result;
}

function stats(result: Evaluation, level: string, dataSpace: DataSpace): DataSpaceStats {
  const found = result.levels[level].dataspaces[dataSpace];
  if (found === undefined) throw new Error(`${level} does not keep ${dataSpace}`);
  return found;
}

describe('a depthwise layer', () => {
  // R = S = 3, P = Q = 4, one input and one output channel per group, G = 8. The problem file
  // gives C and K as totals, as cnn-layer files do. Buffer keeps one 3x3 window and GB one group's
  // 6x6 input plane (it steps P innermost, then Q). DRAM steps the groups.
  const result = evaluateValid(
    BUFFER_GB_DRAM,
    'R: 3, S: 3, P: 4, Q: 4, C: 8, K: 8, G: 8',
    `mapping:
    - {target: Buffer, type: temporal, factors: R3 S3, permutation: RSPQCKNG}
    - {target: GB, type: temporal, factors: P4 Q4, permutation: PQRSCKNG}
    - {target: DRAM, type: temporal, factors: G8, permutation: GRSPQCKN}`,
  );

  it('counts MACs over all groups', () => {
    // 3·3·4·4·1·1·1·8 = 1152.
    expect(result.macc_count).toBe(1152);
    expect(stats(result, 'Buffer', 'Inputs').reads_per_instance).toBe(1152);
  });

  it('holds each group its own Inputs', () => {
    // Input plane W = H = (4-1) + (3-1) + 1 = 6, so the tensor is 6·6·8 = 288 words. GB keeps one
    // group's 36 words and is filled once per group: 8·36 = 288, each read once from DRAM.
    expect(stats(result, 'DRAM', 'Inputs').utilized_capacity).toBe(288);
    expect(stats(result, 'GB', 'Inputs').utilized_capacity).toBe(36);
    expect(stats(result, 'GB', 'Inputs').fills_per_instance).toBe(288);
    expect(stats(result, 'DRAM', 'Inputs').reads_per_instance).toBe(288);
  });

  it('slides the window within each group', () => {
    // Each of the 8·4 = 32 rows of windows starts with a full 3x3 window (9 words) and then moves
    // by one column 3 times (3 words each): 32·(9 + 3·3) = 576 Buffer fills, all read from GB.
    expect(stats(result, 'Buffer', 'Inputs').utilized_capacity).toBe(9);
    expect(stats(result, 'Buffer', 'Inputs').fills_per_instance).toBe(576);
    expect(stats(result, 'GB', 'Inputs').reads_per_instance).toBe(576);
  });

  it('keeps each group its own Weights and Outputs', () => {
    // Weights: 3·3 per group. P and Q steps reuse them, and each G step fills the next 9: 8·9 = 72.
    expect(stats(result, 'Buffer', 'Weights').utilized_capacity).toBe(9);
    expect(stats(result, 'Buffer', 'Weights').fills_per_instance).toBe(72);
    expect(stats(result, 'DRAM', 'Weights').utilized_capacity).toBe(72);
    // Outputs: 4·4 per group, 8·16 = 128 in all.
    expect(stats(result, 'GB', 'Outputs').utilized_capacity).toBe(16);
    expect(stats(result, 'DRAM', 'Outputs').utilized_capacity).toBe(128);
  });
});

describe('a spatial G loop', () => {
  // Reg keeps C4 of one output channel. GB steps K4 and spreads a loop over the 2 Regs. Each Reg
  // fills the same Inputs in both tests, so what GB reads shows whether it multicasts.
  const mapping = (spatial: string, order: string) => `mapping:
    - {target: Reg, type: temporal, factors: C4, permutation: CKRSPQNG}
    - {target: GB, type: spatial, factors: ${spatial}, permutation: ${order}}
    - {target: GB, type: temporal, factors: K4, permutation: KCRSPQNG}`;

  it('does not multicast Inputs or Weights across groups', () => {
    // G = 2 with C = K = 4 per group, G2 across the Regs. Each Reg reads its own group's 4 Inputs
    // once (K does not move them), so 4 fills per Reg and GB reads 2·4 = 8: no multicast. Weights:
    // each Reg fills 4 per K step, 16 in all. GB reads 2·16 = 32, the whole tensor (2·4·4).
    const result = evaluateValid(TWO_PES, 'C: 8, K: 8, G: 2', mapping('G2', 'GCKRSPQN'));
    expect(result.macc_count).toBe(32);
    expect(result.arithmetic.utilized_instances).toBe(2);
    expect(stats(result, 'Reg', 'Inputs').fills_per_instance).toBe(4);
    expect(stats(result, 'Reg', 'Inputs').fills_total).toBe(8);
    expect(stats(result, 'GB', 'Inputs').reads_per_instance).toBe(8);
    expect(stats(result, 'Reg', 'Weights').fills_per_instance).toBe(16);
    expect(stats(result, 'GB', 'Weights').reads_per_instance).toBe(32);
    // Outputs: each Reg completes one output per K step, so GB receives 2·4 = 8 updates.
    expect(stats(result, 'GB', 'Outputs').updates_per_instance).toBe(8);
  });

  it('multicasts Inputs across output channels of one group', () => {
    // The same work without groups, C = 4 and K = 8 with K2 across the Regs: both Regs need the
    // same 4 Inputs, so GB reads them once for both.
    const result = evaluateValid(TWO_PES, 'C: 4, K: 8', mapping('K2', 'KCRSPQN'));
    expect(result.macc_count).toBe(32);
    expect(stats(result, 'Reg', 'Inputs').fills_total).toBe(8);
    expect(stats(result, 'GB', 'Inputs').reads_per_instance).toBe(4);
    expect(stats(result, 'GB', 'Weights').reads_per_instance).toBe(32);
  });
});
