// Architecture files in the Accelergy v0.3 tree format, checked against their flat equivalents.
import { describe, expect, it } from 'vitest';
import { parseArchitecture } from '../src/arch/load.js';
import { parseArchitectureSpec } from '../src/arch/parse.js';
import { inputError } from './input-error-helper.js';

/** Eyeriss-like 16 x 16 PEs: the same structure as eyeriss256's flat file below. `update_fifo_depth` is an Accelergy-only attribute. */
const EYERISS_TREE = `
architecture:
  version: 0.3
  subtree:
    - name: system
      local:
        - name: DRAM
          class: DRAM
          attributes: {type: LPDDR4, word-bits: 16}
        - name: GlobalBuffer
          class: smartbuffer_SRAM
          attributes: {depth: 16384, width: 64, word-bits: 16, block-size: 4, read_bandwidth: 16, write_bandwidth: 16, technology: 45nm}
      subtree:
        - name: Column[0..15]
          local:
            - name: DummyBuffer
              class: regfile
              attributes: {entries: 0, word-bits: 16, meshX: 16}
            - name: column_bus
              class: XY_NoC
              attributes: {datawidth: 16}
          subtree:
            - name: PE[0..15]
              local:
                - {name: InputRegFile, class: regfile, attributes: {depth: 12, width: 16, datawidth: 16, meshX: 16, read_bandwidth: 2, write_bandwidth: 2}}
                - {name: WeightRegFile, class: regfile, attributes: {depth: 192, width: 16, datawidth: 16, meshX: 16, read_bandwidth: 2, write_bandwidth: 2}}
                - {name: PsumRegFile, class: smartbuffer_RF, attributes: {depth: 16, width: 16, update_fifo_depth: 2, datawidth: 16, meshX: 16, read_bandwidth: 2, write_bandwidth: 2}}
                - {name: MACs, class: intmac, attributes: {datawidth: 16, meshX: 16}}
`;

const EYERISS_FLAT = `
arch:
  storage:
  - {name: PsumRegFile, entries: 16, instances: 256, meshX: 16, word-bits: 16, read_bandwidth: 2, write_bandwidth: 2}
  - {name: WeightRegFile, entries: 192, instances: 256, meshX: 16, word-bits: 16, read_bandwidth: 2, write_bandwidth: 2}
  - {name: InputRegFile, entries: 12, instances: 256, meshX: 16, word-bits: 16, read_bandwidth: 2, write_bandwidth: 2}
  - {name: DummyBuffer, entries: 0, instances: 16, meshX: 16, word-bits: 16}
  - {name: GlobalBuffer, sizeKB: 128, instances: 1, meshX: 1, word-bits: 16, block-size: 4, read_bandwidth: 16, write_bandwidth: 16}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 16}
  arithmetic: {name: MACs, instances: 256, meshX: 16, word-bits: 16}
`;

/** ERT v0.3 with Accelergy's hierarchical names, one action with two argument sets. */
const EYERISS_ERT = `
ERT:
  version: 0.3
  tables:
    - name: system.Column[0..15].PE[0..15].MACs
      actions: [{name: mac_random, energy: 1.1}]
    - name: system.Column[0..15].PE[0..15].PsumRegFile
      actions: [{name: read, energy: 0.24}, {name: write, energy: 0.28}]
    - name: system.Column[0..15].PE[0..15].WeightRegFile
      actions: [{name: read, energy: 0.42}, {name: write, energy: 0.48}]
    - name: system.Column[0..15].PE[0..15].InputRegFile
      actions: [{name: read, energy: 0.18}, {name: write, energy: 0.22}]
    - name: system.GlobalBuffer
      actions:
        - {name: read, arguments: {address_delta: 0}, energy: 9.0}
        - {name: read, arguments: {address_delta: 1}, energy: 10.4}
        - {name: write, energy: 11.6}
    - name: system.DRAM
      actions: [{name: read, energy: 150.0}, {name: write, energy: 170.0}]
ART:
  version: 0.3
  tables:
    - {name: "system.Column[0..15].PE[0..15].MACs", area: 1250.0}
    - {name: "system.Column[0..15].PE[0..15].PsumRegFile", area: 380.0}
    - {name: "system.Column[0..15].PE[0..15].WeightRegFile", area: 3100.0}
    - {name: "system.Column[0..15].PE[0..15].InputRegFile", area: 300.0}
    - {name: system.GlobalBuffer, area: 1540000.0}
    - {name: system.DRAM, area: 0.0}
`;

describe('v0.3 tree format', () => {
  it('matches the flat eyeriss equivalent', () => {
    const ert = { text: EYERISS_ERT, file: 'ert.yaml' };
    const tree = parseArchitecture(EYERISS_TREE, 'tree.yaml', ert, 'eyeriss');
    const flat = parseArchitecture(EYERISS_FLAT, 'flat.yaml', ert, 'eyeriss');

    expect(tree.arithmetic).toEqual(flat.arithmetic);
    expect(tree.levels.map((level) => level.name)).toEqual(flat.levels.map((level) => level.name));
    tree.levels.forEach((level, index) => {
      // The tree names the memory class where the flat file names no technology.
      const { technology: treeTechnology, ...treeRest } = level;
      const { technology: flatTechnology, ...flatRest } = flat.levels[index];
      expect(treeRest, level.name).toEqual(flatRest);
      if (flatTechnology === 'DRAM') expect(treeTechnology).toBe('DRAM');
    });
  });

  it('takes the largest energy over argument sets', () => {
    const tree = parseArchitecture(EYERISS_TREE, 'tree.yaml', { text: EYERISS_ERT, file: 'ert.yaml' });
    const buffer = tree.levels.find((level) => level.name === 'GlobalBuffer')!;
    expect(buffer.readEnergyPJ).toBe(10.4);
  });

  it('multiplies instances down the tree', () => {
    const spec = parseArchitectureSpec(EYERISS_TREE, 'tree.yaml');
    const instances = Object.fromEntries(spec.levels.map((level) => [level.name, level.instances]));
    expect(instances).toEqual({ PsumRegFile: 256, WeightRegFile: 256, InputRegFile: 256, DummyBuffer: 16, GlobalBuffer: 1, DRAM: 1 });
    expect(spec.arithmetic.className).toBe('intmac');
    expect(spec.levels.at(-1)!.type).toBe('LPDDR4');
  });

  it('orders one local list outermost first and reads ranges in names', () => {
    const text = `
architecture:
  version: 0.3
  subtree:
    - name: system
      local:
        - {name: DRAM, class: DRAM, attributes: {word-bits: 8, block-size: 64}}
        - {name: Shared, class: SRAM, attributes: {depth: 4096, width: 512, word-bits: 8, block-size: 64}}
        - {name: "Acc[0..15]", class: SRAM, attributes: {depth: 128, width: 24, word-bits: 24}}
        - {name: "MAC[0..1023]", class: intmac, attributes: {datawidth: 8, meshX: 16}}
        - {name: "Registers[0..1023]", class: regfile, attributes: {depth: 1, width: 512, word-bits: 8, meshX: 16, cluster-size: 64}}
`;
    const spec = parseArchitectureSpec(text, 'tree.yaml');
    expect(spec.levels.map((level) => [level.name, level.instances, level.entries])).toEqual([
      ['Registers', 1024, 1],
      ['Acc', 16, 128],
      ['Shared', 1, 262144],
      ['DRAM', 1, undefined],
    ]);
    expect(spec.arithmetic).toMatchObject({ name: 'MAC', instances: 1024, meshX: 16, wordBits: 8 });
  });

  it('reads attributes given on the component itself', () => {
    const text = `
architecture:
  version: 0.2
  subtree:
    - name: system
      local:
        - {name: DRAM, class: DRAM, word-bits: 8}
        - {name: "MAC[0..7]", class: intmac, datawidth: 8}
`;
    const spec = parseArchitectureSpec(text, 'tree.yaml');
    expect(spec.levels[0]).toMatchObject({ name: 'DRAM', technology: 'DRAM', wordBits: 8 });
    expect(spec.arithmetic).toMatchObject({ name: 'MAC', instances: 8, wordBits: 8 });
  });

  it('rejects two subtrees at one level', () => {
    const text = `
architecture:
  version: 0.3
  subtree:
    - {name: a, local: [{name: M, class: intmac, attributes: {instances: 1}}]}
    - {name: b}
`;
    expect(inputError(() => parseArchitectureSpec(text, 'tree.yaml')).field).toBe('architecture.subtree');
  });

  it('rejects a tree without arithmetic', () => {
    const text = `
architecture:
  version: 0.3
  subtree:
    - {name: system, local: [{name: D, class: DRAM, attributes: {word-bits: 8}}]}
`;
    expect(inputError(() => parseArchitectureSpec(text, 'tree.yaml')).message).toContain('no arithmetic');
  });

  it('rejects an unknown attribute with the nearest spelling', () => {
    const text = EYERISS_TREE.replace('depth: 16384', 'deptth: 16384');
    const error = inputError(() => parseArchitectureSpec(text, 'tree.yaml'));
    expect(error.field).toBe('architecture.subtree[0].local[1].attributes.deptth');
    expect(error.message).toContain('did you mean depth?');
  });

  it('rejects a width that does not fit the word and block size', () => {
    const text = EYERISS_TREE.replace('width: 64', 'width: 60');
    expect(inputError(() => parseArchitectureSpec(text, 'tree.yaml')).field).toBe('architecture.subtree[0].local[1].attributes.width');
  });
});
