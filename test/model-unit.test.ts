// The cost model on tiny hand-computed cases: sliding-window halos, multicast, spatial reduction,
// link transfers, bandwidth throttling, bypass, first-read elision, energy and the invalid-mapping
// messages. Every expected number is worked out in the comment above it from Timeloop's rules
// (reads deliver data toward the MACs, fills arrive from the parent, updates are partial sums
// arriving from below).
import { describe, expect, it } from 'vitest';

import { parseArchitecture } from '../src/arch/load.js';
import type { Architecture } from '../src/arch/types.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import type { DataSpaceStats, Evaluation } from '../src/model/types.js';
import type { DataSpace } from '../src/workload/layer.js';
import { parseProblem } from '../src/workload/problem.js';

/** Energy per action in pJ: `read` for reads, `write` for fills and updates. */
interface UnitEnergy {
  name: string;
  read?: number;
  write?: number;
  mac?: number;
}

/** Builds an ERT and ART with round numbers, so that energies can be checked by hand. */
function energyTables(units: UnitEnergy[]): string {
  const ert = units.map((unit) => {
    const actions =
      unit.mac !== undefined
        ? `[{name: mac_random, energy: ${unit.mac}}]`
        : `[{name: read, energy: ${unit.read}}, {name: write, energy: ${unit.write}}]`;
    return `  - {name: system.${unit.name}, actions: ${actions}}`;
  });
  const art = units.map((unit) => `  - {name: system.${unit.name}, area: 100}`);
  return ['ERT:', '  version: 0.3', '  tables:', ...ert, 'ART:', '  version: 0.3', '  tables:', ...art].join('\n');
}

const ENERGIES: UnitEnergy[] = [
  { name: 'MAC', mac: 1 },
  { name: 'Reg', read: 1, write: 2 },
  { name: 'Buffer', read: 1, write: 2 },
  { name: 'GB', read: 4, write: 8 },
  { name: 'DRAM', read: 10, write: 20 },
];

function architecture(yaml: string): Architecture {
  return parseArchitecture(yaml, 'arch.yaml', { text: energyTables(ENERGIES), file: 'ert.yaml' });
}

/** One MAC, a 64-word Buffer, DRAM. */
const BUFFER_DRAM = `
arch:
  arithmetic: {name: MAC, instances: 1, word-bits: 8}
  storage:
  - {name: Buffer, entries: 64, instances: 1, word-bits: 8}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 8, block-size: 4}
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

/** 16 MACs on a 4x4 mesh, 4 Regs on a 2x2 mesh (each Reg feeds 2x2 MACs), GB fans out 2x2. */
const MESH = `
arch:
  arithmetic: {name: MAC, instances: 16, meshX: 4, word-bits: 8}
  storage:
  - {name: Reg, entries: 64, instances: 4, meshX: 2, word-bits: 8}
  - {name: GB, entries: 4096, instances: 1, word-bits: 8}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 8}
`;

function run(archYaml: string, problem: string, mapping: string) {
  const arch = architecture(archYaml);
  const layer = parseProblem(`problem: {${problem}, shape: cnn-layer}`, 'problem.yaml');
  return evaluate(arch, layer, parseMapping(mapping, 'map.yaml', arch, layer));
}

function evaluateValid(archYaml: string, problem: string, mapping: string): Evaluation {
  const result = run(archYaml, problem, mapping);
  if (!result.ok) throw new Error(`expected a valid mapping: ${result.error}`);
  return result;
}

function stats(result: Evaluation, level: string, dataSpace: DataSpace): DataSpaceStats {
  const found = result.levels[level].dataspaces[dataSpace];
  if (found === undefined) throw new Error(`${level} does not keep ${dataSpace}`);
  return found;
}

describe('Inputs halo of a sliding window', () => {
  // Buffer holds all of R; DRAM steps P. One P step moves the Inputs window by Wstride (or
  // Hstride for Q) words, and a window spans ·Wdilation + 1 words.
  const cases = [
    {
      // Window 2·1 + 1 = 3 words at w = 2p..2p+2. Consecutive windows share 3 - 2 = 1 word, so
      // each of the 3 later P steps fills 2 words: 3 + 3·2 = 9 = W = (4-1)·2 + (3-1)·1 + 1.
      label: 'stride 2 along W',
      problem: 'R: 3, P: 4, Wstride: 2',
      buffer: 'R3',
      dram: 'P4',
      tile: 3,
      fills: 9,
      tensor: 9,
    },
    {
      // The same along H: S with Hstride and Q.
      label: 'stride 2 along H',
      problem: 'S: 3, Q: 4, Hstride: 2',
      buffer: 'S3',
      dram: 'Q4',
      tile: 3,
      fills: 9,
      tensor: 9,
    },
    {
      // Window (3-1)·2 + 1 = 5 words (the bounding box of taps p, p+2, p+4). A P step moves it
      // by 1, so each later step fills 1 word: 5 + 3·1 = 8 = W = (4-1)·1 + (3-1)·2 + 1.
      label: 'dilation 2 along W',
      problem: 'R: 3, P: 4, Wdilation: 2',
      buffer: 'R3',
      dram: 'P4',
      tile: 5,
      fills: 8,
      tensor: 8,
    },
    {
      // Stride 2 > kernel 1: 1-word windows at w = 0, 2, 4, 6 never overlap, so 4 fills, though
      // DRAM holds the bounding box W = (4-1)·2 + 1 = 7.
      label: 'stride larger than the kernel',
      problem: 'R: 1, P: 4, Wstride: 2',
      buffer: 'R1',
      dram: 'P4',
      tile: 1,
      fills: 4,
      tensor: 7,
    },
  ];

  it.each(cases)('$label', ({ problem, buffer, dram, tile, fills, tensor }) => {
    const result = evaluateValid(
      BUFFER_DRAM,
      problem,
      `mapping:
      - {target: Buffer, type: temporal, factors: ${buffer}, permutation: RSPQCKN}
      - {target: DRAM, type: temporal, factors: ${dram}, permutation: PQRSCKN}`,
    );
    const bufferInputs = stats(result, 'Buffer', 'Inputs');
    const dramInputs = stats(result, 'DRAM', 'Inputs');

    expect(bufferInputs.utilized_capacity).toBe(tile);
    expect(bufferInputs.fills_per_instance).toBe(fills);
    // The MAC reads one Inputs word per MAC.
    expect(bufferInputs.reads_per_instance).toBe(result.macc_count);
    expect(dramInputs.utilized_capacity).toBe(tensor);
    expect(dramInputs.reads_per_instance).toBe(fills);
  });

  it('halo kept with P innermost above the tile', () => {
    // R3 and K2 inside the Buffer, P4 at DRAM: the window slides by 1 word per P step, so
    // fills = 3 + 3·1 = 6 = W.
    const result = evaluateValid(
      BUFFER_DRAM,
      'R: 3, P: 4, K: 2',
      `mapping:
      - {target: Buffer, type: temporal, factors: R3 K2, permutation: RKSPQCN}
      - {target: DRAM, type: temporal, factors: P4, permutation: PRSQCKN}`,
    );
    expect(stats(result, 'Buffer', 'Inputs').fills_per_instance).toBe(6);
  });

  it('halo lost with a K loop inside P', () => {
    // DRAM runs K2 inside P4. K leaves the window in place (translation 0), then a P step moves it
    // by +1. Timeloop 019f107 delivers only the difference from the previous window while the
    // translation repeats the previous one (OperationSpace::SaveAndSubtractIfSameStride) and
    // otherwise the whole window. Every P step changes the translation from 0 to +1, so each of
    // the 4 P positions fills all 3 words: 4·3 = 12. The K steps fill nothing.
    const result = evaluateValid(
      BUFFER_DRAM,
      'R: 3, P: 4, K: 2',
      `mapping:
      - {target: Buffer, type: temporal, factors: R3, permutation: RSPQCKN}
      - {target: DRAM, type: temporal, factors: K2 P4, permutation: KPRSQCN}`,
    );
    expect(stats(result, 'Buffer', 'Inputs').fills_per_instance).toBe(12);
    expect(stats(result, 'DRAM', 'Inputs').reads_per_instance).toBe(12);
  });

  it('halo kept with P split over two levels', () => {
    // Buffer holds R3 (a 3-word window), GB steps P by 1 (bound 2), DRAM steps P by 2 (bound 2).
    // Timeloop simulates the first and one more iteration of each loop: windows at p = 0, 1 (GB),
    // then p = 2, 3 (DRAM's second iteration, GB back at 0). The translations are +1, +1, +1, all
    // equal, so each later window fills 1 word: 3 + 1 + 1 + 1 = 6 = W = (4-1) + (3-1) + 1.
    const result = evaluateValid(
      BUFFER_GB_DRAM,
      'R: 3, P: 4',
      `mapping:
      - {target: Buffer, type: temporal, factors: R3, permutation: RSPQCKN}
      - {target: GB, type: temporal, factors: P2, permutation: PRSQCKN}
      - {target: DRAM, type: temporal, factors: P2, permutation: PRSQCKN}`,
    );
    expect(stats(result, 'Buffer', 'Inputs').fills_per_instance).toBe(6);
  });
});

describe('multicast, reduction and link transfers', () => {
  it('multicasts Inputs over a K fan-out', () => {
    // C4 inside each Reg, GB spreads K2 over the 2 Regs and steps P3. K does not index Inputs,
    // so both Regs need the same 4 Inputs words per P step and GB reads them once for both.
    const result = evaluateValid(
      TWO_PES,
      'C: 4, K: 2, P: 3',
      `mapping:
      - {target: Reg, type: temporal, factors: C4, permutation: CKRSPQN}
      - {target: GB, type: spatial, factors: K2, permutation: KCRSPQN}
      - {target: GB, type: temporal, factors: P3, permutation: PCRSQKN}`,
    );
    const regInputs = stats(result, 'Reg', 'Inputs');
    const gbInputs = stats(result, 'GB', 'Inputs');
    const regWeights = stats(result, 'Reg', 'Weights');
    const gbWeights = stats(result, 'GB', 'Weights');

    expect(result.arithmetic.utilized_instances).toBe(2);
    // Each Reg: 3 P steps x 4 new words (a 1-wide window does not overlap) = 12, both Regs 24.
    expect(regInputs.utilized_instances).toBe(2);
    expect(regInputs.utilized_capacity).toBe(4);
    expect(regInputs.fills_per_instance).toBe(12);
    expect(regInputs.fills_total).toBe(24);
    // Multicast: GB reads = child fills 24 / fan-out 2 = 12.
    expect(gbInputs.reads_per_instance).toBe(12);
    // Weights differ per Reg (K indexes them): each Reg loads its 4 once (P does not move them),
    // and GB reads 2 x 4 = 8, with no multicast.
    expect(regWeights.fills_per_instance).toBe(4);
    expect(gbWeights.reads_per_instance).toBe(8);
    // Outputs differ per Reg too: each Reg holds 3 outputs (its K, P = 0..2), each updated once per
    // C (4 times), so 12 updates, 12 - 3 = 9 reads and 3 fills; GB takes 2 x 3 = 6 updates.
    const regOutputs = stats(result, 'Reg', 'Outputs');
    expect(regOutputs.updates_per_instance).toBe(12);
    expect(regOutputs.reads_per_instance).toBe(9);
    expect(regOutputs.fills_per_instance).toBe(3);
    expect(stats(result, 'GB', 'Outputs').updates_per_instance).toBe(6);
  });

  it('reduces Outputs over a C fan-out', () => {
    // K2 inside each Reg, GB spreads C2 over the 2 Regs and steps P3. Both Regs compute partial
    // sums of the same 2·3 = 6 outputs, which GB adds up.
    const result = evaluateValid(
      TWO_PES,
      'C: 2, K: 2, P: 3',
      `mapping:
      - {target: Reg, type: temporal, factors: K2, permutation: KCRSPQN}
      - {target: GB, type: spatial, factors: C2, permutation: CKRSPQN}
      - {target: GB, type: temporal, factors: P3, permutation: PCRSQKN}`,
    );
    const regOutputs = stats(result, 'Reg', 'Outputs');
    const gbOutputs = stats(result, 'GB', 'Outputs');
    const dramOutputs = stats(result, 'DRAM', 'Outputs');

    // Each Reg: 6 MACs, one per output it holds, so 6 updates, 6 fills (2 per P step), and
    // 6 - 6 = 0 reads because no output is updated twice (the first update reads nothing).
    expect(regOutputs.utilized_instances).toBe(2);
    expect(regOutputs.utilized_capacity).toBe(2);
    expect(regOutputs.updates_per_instance).toBe(6);
    expect(regOutputs.fills_per_instance).toBe(6);
    expect(regOutputs.reads_per_instance).toBe(0);
    // Spatial reduction: the 2 Regs send 2 x 6 = 12 partial sums, reduced by 2 on the way to GB,
    // so GB takes 12 / 2 = 6 updates. Each output arrives once, so GB reads 6 - 6 = 0.
    expect(gbOutputs.updates_per_instance).toBe(6);
    expect(gbOutputs.reads_per_instance).toBe(0);
    expect(gbOutputs.fills_per_instance).toBe(6);
    expect(dramOutputs.updates_per_instance).toBe(6);
    expect(dramOutputs.reads_per_instance).toBe(0);
    // Inputs are not shared (C indexes them): 1 word per Reg per P step, GB reads 2 x 3 = 6.
    expect(stats(result, 'Reg', 'Inputs').fills_per_instance).toBe(3);
    expect(stats(result, 'GB', 'Inputs').reads_per_instance).toBe(6);
  });

  it('passes Inputs between neighbouring Regs', () => {
    // GB spreads P2 over the 2 Regs (neighbours on X) and steps R3; each Reg holds 1 Inputs word.
    // Reg j needs w = j + r at step r. From step r = 1 on, Reg 0 needs w = r, which Reg 1 received
    // at step r - 1, so it takes that word from Reg 1 (a link transfer) and only Reg 1's word
    // comes from GB. GB reads 2 + 2·1 = 4 words (each of the 4 input words once), with 2 link
    // transfers. Each Reg receives 3 words (6 in all, 4 from GB and 2 from the neighbour). Reg
    // reads are 3 MAC reads plus the 2 words sent to the neighbour, averaged over 2 Regs: 3 + 1 = 4.
    const result = evaluateValid(
      TWO_PES,
      'R: 3, P: 2',
      `mapping:
      - {target: GB, type: spatial, factors: P2, permutation: PRSQCKN}
      - {target: GB, type: temporal, factors: R3, permutation: RSPQCKN}`,
    );
    const regInputs = stats(result, 'Reg', 'Inputs');

    expect(stats(result, 'GB', 'Inputs').reads_per_instance).toBe(4);
    expect(regInputs.utilized_capacity).toBe(1);
    expect(regInputs.fills_per_instance).toBe(3);
    expect(regInputs.reads_per_instance).toBe(4);
  });
});

describe('bandwidth throttling', () => {
  // C8 inside the Buffer: 8 MACs in 8 compute cycles. DRAM reads 8 Weights + 8 Inputs = 16 words
  // and takes 1 Outputs update.
  const readBound = `mapping:
  - {target: Buffer, type: temporal, factors: C8, permutation: CRSPQKN}`;

  it('throttles a read-bound level', () => {
    // Read demand 16 / 8 = 2 words/cycle against 0.6: slowdown 0.6 / 2 = 0.3, so DRAM needs
    // ceil(8 / 0.3) = ceil(26.67) = 27 cycles. The Buffer has no limit and stays at 8.
    const result = evaluateValid(BUFFER_DRAM.replace('block-size: 4', 'read_bandwidth: 0.6'), 'C: 8', readBound);
    expect(result.levels.DRAM.cycles).toBe(27);
    expect(result.levels.Buffer.cycles).toBe(8);
    expect(result.cycles).toBe(27);
    expect(result.utilization).toBeCloseTo(8 / 27, 12);
  });

  it('throttles a write-bound level', () => {
    // K8 inside the Buffer: DRAM takes 8 Outputs updates in 8 cycles, 1 word/cycle against 0.25,
    // so ceil(8 / 0.25) = 32 cycles. Reads (8 Weights + 1 Inputs) are not limited.
    const result = evaluateValid(
      BUFFER_DRAM.replace('block-size: 4', 'write_bandwidth: 0.25'),
      'K: 8',
      `mapping:
      - {target: Buffer, type: temporal, factors: K8, permutation: KRSPQCN}`,
    );
    expect(stats(result, 'DRAM', 'Outputs').updates_per_instance).toBe(8);
    expect(result.levels.DRAM.cycles).toBe(32);
    expect(result.cycles).toBe(32);
  });

  it('splits flat bandwidth between read and write', () => {
    // `bandwidth: 1` means 0.5 words/cycle for reads and 0.5 for writes. Read demand 2 gives
    // slowdown 0.25 and ceil(8 / 0.25) = 32 cycles (16 if reads had the whole 1 word/cycle).
    const archYaml = BUFFER_DRAM.replace('block-size: 4', 'bandwidth: 1');
    const dram = architecture(archYaml).levels[1];
    expect(dram.readBandwidth).toBe(0.5);
    expect(dram.writeBandwidth).toBe(0.5);

    const result = evaluateValid(archYaml, 'C: 8', readBound);
    expect(result.levels.DRAM.cycles).toBe(32);
  });

  it('leaves an unthrottled level at compute cycles', () => {
    // Read demand 2 words/cycle against 2: slowdown 1.
    const result = evaluateValid(BUFFER_DRAM.replace('block-size: 4', 'read_bandwidth: 2'), 'C: 8', readBound);
    expect(result.levels.DRAM.cycles).toBe(8);
  });
});

describe('bypass', () => {
  it('moves bypassed Inputs between the nearest keeping levels', () => {
    // GB bypasses Inputs and steps P4 (stride 2). Inputs go straight from DRAM to the Buffer:
    // the Buffer fills 3 + 3·2 = 9 as in the halo test, DRAM reads those 9, GB has no entry.
    const result = evaluateValid(
      BUFFER_GB_DRAM,
      'R: 3, P: 4, Wstride: 2',
      `mapping:
      - {target: Buffer, type: temporal, factors: R3, permutation: RSPQCKN}
      - {target: GB, type: temporal, factors: P4, permutation: PRSQCKN}
      - {target: GB, type: datatype, keep: [Weights, Outputs], bypass: [Inputs]}`,
    );
    expect(Object.keys(result.levels.GB.dataspaces).sort()).toEqual(['Outputs', 'Weights']);
    expect(stats(result, 'Buffer', 'Inputs').fills_per_instance).toBe(9);
    expect(stats(result, 'DRAM', 'Inputs').reads_per_instance).toBe(9);
    expect(stats(result, 'DRAM', 'Inputs').utilized_capacity).toBe(9);
    // GB still holds the Weights (3 words, filled once) and all 4 Outputs.
    expect(stats(result, 'GB', 'Weights').fills_per_instance).toBe(3);
    expect(stats(result, 'GB', 'Outputs').utilized_capacity).toBe(4);
  });

  it('keeps multicast when the fanning-out level is bypassed', () => {
    // The multicast case with GB bypassing Inputs: DRAM takes GB's place and reads each Inputs
    // word once for both Regs, 12 reads for 2 x 12 fills.
    const result = evaluateValid(
      TWO_PES,
      'C: 4, K: 2, P: 3',
      `mapping:
      - {target: Reg, type: temporal, factors: C4, permutation: CKRSPQN}
      - {target: GB, type: spatial, factors: K2, permutation: KCRSPQN}
      - {target: GB, type: temporal, factors: P3, permutation: PCRSQKN}
      - {target: GB, type: datatype, keep: [Weights, Outputs], bypass: [Inputs]}`,
    );
    expect(result.levels.GB.dataspaces.Inputs).toBeUndefined();
    expect(stats(result, 'Reg', 'Inputs').fills_per_instance).toBe(12);
    expect(stats(result, 'DRAM', 'Inputs').reads_per_instance).toBe(12);
  });
});

describe('Outputs at the backing store', () => {
  it('elides the first read of each output', () => {
    // DRAM runs K2 inside C2; the Buffer holds 1 output. Each of the 2 outputs is sent to DRAM
    // twice (once per C), so DRAM takes 4 updates and reads back only the 2 partial sums written
    // in the first C iteration: 4 - 2 = 2 reads. The Buffer still counts 4 fills, including the
    // 2 outputs DRAM never read. It updates its word on each of the 4 MACs and reads 4 - 2 = 2.
    const result = evaluateValid(
      BUFFER_DRAM,
      'C: 2, K: 2',
      `mapping:
      - {target: DRAM, type: temporal, factors: K2 C2, permutation: KCRSPQN}`,
    );
    const dramOutputs = stats(result, 'DRAM', 'Outputs');
    const bufferOutputs = stats(result, 'Buffer', 'Outputs');

    expect(dramOutputs.updates_per_instance).toBe(4);
    expect(dramOutputs.reads_per_instance).toBe(2);
    expect(dramOutputs.fills_per_instance).toBe(0);
    expect(bufferOutputs.fills_per_instance).toBe(4);
    expect(bufferOutputs.updates_per_instance).toBe(4);
    expect(bufferOutputs.reads_per_instance).toBe(2);
  });

  it('reads nothing when each output is written once', () => {
    // The stride-2 halo mapping: P4 at DRAM, one output per P step, 4 updates and 4 - 4 = 0 reads.
    const result = evaluateValid(
      BUFFER_DRAM,
      'R: 3, P: 4, Wstride: 2',
      `mapping:
      - {target: Buffer, type: temporal, factors: R3, permutation: RSPQCKN}
      - {target: DRAM, type: temporal, factors: P4, permutation: PRSQCKN}`,
    );
    expect(stats(result, 'DRAM', 'Outputs').updates_per_instance).toBe(4);
    expect(stats(result, 'DRAM', 'Outputs').reads_per_instance).toBe(0);
    expect(stats(result, 'Buffer', 'Outputs').fills_per_instance).toBe(4);
  });
});

describe('energy', () => {
  it('charges whole blocks per action', () => {
    // Stride-2 halo mapping. Buffer Inputs: 12 reads x 1 pJ + 9 fills x 2 pJ = 30 pJ. DRAM
    // (block 4) Inputs: ceil(9 / 4) = 3 block reads x 10 pJ = 30 pJ; Outputs: ceil(4 / 4) = 1
    // block update x 20 pJ = 20 pJ. MACs: 12 x 1 pJ.
    const result = evaluateValid(
      BUFFER_DRAM,
      'R: 3, P: 4, Wstride: 2',
      `mapping:
      - {target: Buffer, type: temporal, factors: R3, permutation: RSPQCKN}
      - {target: DRAM, type: temporal, factors: P4, permutation: PRSQCKN}`,
    );
    expect(stats(result, 'Buffer', 'Inputs').energy_pJ).toBe(30);
    expect(stats(result, 'DRAM', 'Inputs').energy_pJ).toBe(30);
    expect(stats(result, 'DRAM', 'Outputs').energy_pJ).toBe(20);
    expect(result.arithmetic.energy_pJ).toBe(12);
  });

  it('shares accesses within a cluster', () => {
    // The multicast case with cluster-size 2: the 2 Regs form 1 cluster, so Timeloop divides
    // each instance's energy by 2 utilized instances per cluster. Reg Inputs per instance:
    // 12 reads x 1 + 12 fills x 2 = 36 pJ; total 36 / 2 x 2 = 36 pJ (72 without clustering).
    const result = evaluateValid(
      TWO_PES.replace('instances: 2, word-bits: 8}\n  - {name: GB', 'instances: 2, cluster-size: 2, word-bits: 8}\n  - {name: GB'),
      'C: 4, K: 2, P: 3',
      `mapping:
      - {target: Reg, type: temporal, factors: C4, permutation: CKRSPQN}
      - {target: GB, type: spatial, factors: K2, permutation: KCRSPQN}
      - {target: GB, type: temporal, factors: P3, permutation: PCRSQKN}`,
    );
    expect(stats(result, 'Reg', 'Inputs').energy_pJ).toBe(36);
  });
});

describe('invalid mappings', () => {
  const meshMapping = (spatial: string, permutation: string, split: number) => `mapping:
  - {target: GB, type: spatial, factors: ${spatial}, permutation: ${permutation}, split: ${split}}`;

  const cases = [
    {
      // Buffer tile: Weights R3 = 3, Inputs window 3, Outputs 1: 7 words in a 6-word Buffer.
      label: 'capacity',
      arch: BUFFER_DRAM.replace('entries: 64', 'entries: 6'),
      problem: 'R: 3, P: 4, Wstride: 2',
      mapping: `mapping:
      - {target: Buffer, type: temporal, factors: R3, permutation: RSPQCKN}
      - {target: DRAM, type: temporal, factors: P4, permutation: PRSQCKN}`,
      error: "ERROR: couldn't map level Buffer: mapped tile size 7 exceeds buffer capacity 6",
    },
    {
      // K4 over 2 MACs.
      label: 'arithmetic instances',
      arch: TWO_PES,
      problem: 'K: 4',
      mapping: `mapping:
      - {target: GB, type: spatial, factors: K4, permutation: KCRSPQN}`,
      error: "ERROR: couldn't map level MAC: mapped max Arithmetic instances 4 exceeds hardware instances 2",
    },
    {
      // 2^32 children of one fan-out: the check must come before any per-child work.
      label: 'astronomic fan-out',
      arch: TWO_PES,
      problem: 'C: 65536, K: 65536',
      mapping: `mapping:
      - {target: GB, type: spatial, factors: C65536 K65536, permutation: KCRSPQN}`,
      error: "ERROR: couldn't map level MAC: mapped max Arithmetic instances 4294967296 exceeds hardware instances 2",
    },
    {
      // K8 all on X: 8 MACs of 16, but the MAC mesh is 4 wide.
      label: 'arithmetic X expansion',
      arch: MESH,
      problem: 'K: 8',
      mapping: meshMapping('K8', 'KCRSPQN', 7),
      error: "ERROR: couldn't map level MAC: mapped max Arithmetic X expansion 8 exceeds hardware instances 4",
    },
    {
      // K8 all on Y (split 0): the MAC mesh is 16 / 4 = 4 high.
      label: 'arithmetic Y expansion',
      arch: MESH,
      problem: 'K: 8',
      mapping: meshMapping('K8', 'KCRSPQN', 0),
      error: "ERROR: couldn't map level MAC: mapped max Arithmetic Y expansion 8 exceeds hardware instances 4",
    },
    {
      // K4 on X fits the 4-wide MAC mesh but not the 2-wide Reg mesh.
      label: 'storage X expansion',
      arch: MESH,
      problem: 'K: 4',
      mapping: meshMapping('K4', 'KCRSPQN', 7),
      error: "ERROR: couldn't map level Reg: mapped X expansion 4 exceeds available hardware instances 2",
    },
    {
      // K4 on Y fits the 4-high MAC mesh but not the 2-high Reg mesh.
      label: 'storage Y expansion',
      arch: MESH,
      problem: 'K: 4',
      mapping: meshMapping('K4', 'KCRSPQN', 0),
      error: "ERROR: couldn't map level Reg: mapped Y expansion 4 exceeds available hardware instances 2",
    },
    {
      // K4 on X and C2 on Y: 4 x 2 MACs fit the 4 x 4 mesh, but 8 Reg tiles exceed 4 Regs.
      label: 'storage instances',
      arch: MESH,
      problem: 'K: 4, C: 2',
      mapping: meshMapping('K4 C2', 'KCRSPQN', 1),
      error: "ERROR: couldn't map level Reg: mapped instances 8 exceeds available hardware instances 4",
    },
    {
      // Both the arithmetic (4 MACs of 2) and the Reg capacity (16 Weights words in 1) fail; only
      // the first level checked, the arithmetic, is reported.
      label: 'first failing level only',
      arch: TWO_PES.replace('entries: 16', 'entries: 1'),
      problem: 'K: 4, C: 16',
      mapping: `mapping:
      - {target: Reg, type: temporal, factors: C16, permutation: CKRSPQN}
      - {target: GB, type: spatial, factors: K4, permutation: KCRSPQN}`,
      error: "ERROR: couldn't map level MAC: mapped max Arithmetic instances 4 exceeds hardware instances 2",
    },
    {
      label: 'tensor bypassed everywhere',
      arch: BUFFER_GB_DRAM,
      problem: 'K: 2',
      mapping: `mapping:
      - {target: DRAM, type: temporal, factors: K2, permutation: KRSPQCN}
      - {target: Buffer, type: datatype, keep: [Inputs, Outputs], bypass: [Weights]}
      - {target: GB, type: datatype, keep: [Inputs, Outputs], bypass: [Weights]}
      - {target: DRAM, type: datatype, keep: [Inputs, Outputs], bypass: [Weights]}`,
      error: 'ERROR: one of the tensors is bypassed in all storage levels',
    },
    {
      // P factors multiply to 2 for P = 4.
      label: 'factor product',
      arch: BUFFER_DRAM,
      problem: 'P: 4',
      mapping: `mapping:
      - {target: DRAM, type: temporal, factors: P2, permutation: PRSQCKN}`,
      error:
        'ERROR: parsing mapping: product of all factors of dimension P is 2, which is not equal to the dimension size of the workload 4.',
    },
  ];

  it.each(cases)('$label', ({ arch, problem, mapping, error }) => {
    expect(run(arch, problem, mapping)).toEqual({ ok: false, error });
  });
});
