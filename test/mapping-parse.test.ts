import { describe, expect, it } from 'vitest';

import { InputError } from '../src/input-error.js';
import { parseMapping } from '../src/mapping/parse.js';
import { checkFactorProducts, checkFanout, checkStructure, spatialExtent } from '../src/mapping/validate.js';
import { DATA_SPACES } from '../src/workload/layer.js';
import { caseArchitecture, caseIds, caseLayer, readCaseText, readExpected } from './mapping-fixtures.js';

const REFMAP = 'simba-ref__resnet50-1x1-c64k64__refmap';
const EYERISS = 'eyeriss256__resnet50-1x1s2-down-c1024k2048__m1';

function parseCase(id: string) {
  return parseMapping(readCaseText(id, 'map.yaml'), `${id}/map.yaml`, caseArchitecture(id), caseLayer(id));
}

/** Parses `text` against the refmap case's architecture and layer. */
function parseRefmap(text: string, options = {}) {
  return parseMapping(text, 'map.yaml', caseArchitecture(REFMAP), caseLayer(REFMAP), options);
}

function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

describe('parseMapping on reference cases', () => {
  for (const id of caseIds()) {
    it(`parses ${id}`, () => {
      const arch = caseArchitecture(id);
      const mapping = parseCase(id);
      const expected = readExpected(id);

      expect(mapping.levels).toHaveLength(arch.levels.length);
      expect(checkStructure(arch, mapping)).toEqual([]);
      if (expected.ok !== true) return;

      // A valid case multiplies out, fits the fan-out, and keeps exactly the data spaces
      // for which Timeloop reported statistics.
      expect(checkFactorProducts(mapping, caseLayer(id))).toBeUndefined();
      expect(checkFanout(arch, mapping)).toEqual([]);
      const levels = expected.levels as Record<string, { dataspaces: Record<string, unknown> }>;
      arch.levels.forEach((level, index) => {
        const keptInTimeloop = DATA_SPACES.filter((dataSpace) => dataSpace in levels[level.name].dataspaces);
        const kept = DATA_SPACES.filter((dataSpace) => mapping.levels[index].keep[dataSpace]);
        expect(kept, level.name).toEqual(keptInTimeloop);
      });
    });
  }
});

describe('parseMapping details', () => {
  it('reads factors, permutations and keep of the Simba reference mapping', () => {
    const mapping = parseCase(REFMAP);
    const [registers, accumulation, , inputBuffer, , dram] = mapping.levels;

    expect(registers.temporal).toEqual({ R: 1, S: 1, P: 7, Q: 1, C: 1, K: 1, N: 1, G: 1 });
    expect(registers.permutation.join('')).toBe('PRSQCKNG');
    expect(registers.keep).toEqual({ Weights: true, Inputs: false, Outputs: false });
    expect(accumulation.spatial).toEqual({ R: 1, S: 1, P: 1, Q: 1, C: 4, K: 2, N: 1, G: 1 });
    expect(accumulation.spatialPermutation.join('')).toBe('CKRSPQNG');
    expect(accumulation.split).toBe(8);
    expect(inputBuffer.spatial.P * inputBuffer.spatial.Q).toBe(8);
    expect(dram.temporal.Q).toBe(7);
    expect(dram.keep).toEqual({ Weights: true, Inputs: true, Outputs: true });
  });

  it('puts dimensions at and after split on Y', () => {
    const mapping = parseCase(EYERISS);
    const dummyBuffer = mapping.levels[3];
    const globalBuffer = mapping.levels[4];

    expect(dummyBuffer.split).toBe(0);
    expect(spatialExtent(dummyBuffer)).toEqual({ X: 1, Y: dummyBuffer.spatial.C * dummyBuffer.spatial.K * dummyBuffer.spatial.S });
    expect(globalBuffer.split).toBe(2);
  });

  it('accepts both factor spellings and pads permutations', () => {
    const mapping = parseRefmap(`
mapping:
  - target: DRAM
    type: temporal
    factors: P = 56 Q56, C=64 K0
    permutation: Q P
`);
    const dram = mapping.levels[5];

    expect(dram.temporal).toEqual({ R: 1, S: 1, P: 56, Q: 56, C: 64, K: 64, N: 1, G: 1 });
    expect(dram.permutation.join('')).toBe('QPRSCKNG');
    expect(checkFactorProducts(mapping, caseLayer(REFMAP))).toBeUndefined();
  });

  it('fills levels without entries with unit loops', () => {
    const mapping = parseRefmap('mapping: []');

    for (const level of mapping.levels) {
      expect(level.temporal).toEqual({ R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1, G: 1 });
      expect(level.spatial).toEqual({ R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1, G: 1 });
      expect(level.permutation.join('')).toBe('RSPQCKNG');
      expect(level.split).toBe(8);
      expect(level.keep).toEqual({ Weights: true, Inputs: true, Outputs: true });
    }
  });

  it('reads a split above 7 as all on X', () => {
    const mapping = parseRefmap('- {target: GlobalBuffer, type: spatial, factors: K4, split: 9}\n');

    expect(mapping.levels[4].split).toBe(8);
  });

  it('accepts a bare list and numeric targets', () => {
    const mapping = parseRefmap('- {target: 5, type: temporal, factors: P56}\n');

    expect(mapping.levels[5].temporal.P).toBe(56);
  });

  it('ignores other top-level Timeloop sections', () => {
    const mapping = parseRefmap('problem: {P: 56}\nmapping: [{target: DRAM, type: temporal, factors: P56}]\n');

    expect(mapping.levels[5].temporal.P).toBe(56);
  });

  it('uses the default keep pattern where no datatype entry exists', () => {
    const defaultKeep = caseArchitecture(REFMAP).levels.map(() => ({ Weights: false, Inputs: true, Outputs: false }));
    const mapping = parseRefmap(
      `
mapping:
  - target: GlobalBuffer
    type: bypass
    keep: [Weights]
`,
      { defaultKeep },
    );

    expect(mapping.levels[0].keep).toEqual({ Weights: false, Inputs: true, Outputs: false });
    expect(mapping.levels[4].keep).toEqual({ Weights: true, Inputs: true, Outputs: false });
  });
});

describe('parseMapping input errors', () => {
  const cases: { name: string; text: string; field: string; value: unknown; hint: RegExp }[] = [
    { name: 'unknown target', text: '- {target: GlobalBufer, type: temporal}', field: 'mapping[0].target', value: 'GlobalBufer', hint: /unknown storage level; did you mean GlobalBuffer\?/ },
    { name: 'target index out of range', text: '- {target: 6, type: temporal}', field: 'mapping[0].target', value: 6, hint: /index from 0 to 5/ },
    { name: 'unknown type', text: '- {target: DRAM, type: temporl}', field: 'mapping[0].type', value: 'temporl', hint: /temporal, spatial, datatype or bypass/ },
    { name: 'missing type', text: '- {target: DRAM}', field: 'mapping[0].type', value: undefined, hint: /missing/ },
    { name: 'bad factor string', text: '- {target: DRAM, type: temporal, factors: "P=7 Q=x"}', field: 'mapping[0].factors', value: 'P=7 Q=x', hint: /cannot read a factor at "Q=x"/ },
    { name: 'factors not a string', text: '- {target: DRAM, type: temporal, factors: 7}', field: 'mapping[0].factors', value: 7, hint: /expected a string/ },
    { name: 'unknown factor dimension', text: '- {target: DRAM, type: temporal, factors: "P7 X2"}', field: 'mapping[0].factors', value: 'P7 X2', hint: /unknown dimension X/ },
    { name: 'repeated factor dimension', text: '- {target: DRAM, type: temporal, factors: "P7 P2"}', field: 'mapping[0].factors', value: 'P7 P2', hint: /more than one factor/ },
    { name: 'residual factor', text: '- {target: DRAM, type: temporal, factors: "P7,3"}', field: 'mapping[0].factors', value: 'P7,3', hint: /residual/ },
    { name: 'unknown permutation letter', text: '- {target: DRAM, type: temporal, permutation: PQX}', field: 'mapping[0].permutation', value: 'PQX', hint: /unknown dimension X/ },
    { name: 'repeated permutation letter', text: '- {target: DRAM, type: temporal, permutation: PQP}', field: 'mapping[0].permutation', value: 'PQP', hint: /more than once/ },
    { name: 'bad split', text: '- {target: GlobalBuffer, type: spatial, split: -1}', field: 'mapping[0].split', value: -1, hint: /non-negative integer.*X axis/ },
    { name: 'spatial without fan-out', text: '- {target: DRAM, type: spatial}', field: 'mapping[0].target', value: 'DRAM', hint: /no spatial fan-out \(GlobalBuffer has as many instances\)/ },
    { name: 'unknown data space', text: '- {target: DRAM, type: datatype, keep: [Weight]}', field: 'mapping[0].keep', value: 'Weight', hint: /unknown data space; did you mean Weights\?/ },
    { name: 'keep and bypass', text: '- {target: DRAM, type: datatype, keep: [Inputs], bypass: [Inputs]}', field: 'mapping[0].bypass', value: 'Inputs', hint: /both keep and bypass/ },
    { name: 'unknown entry key', text: '- {target: DRAM, type: temporal, factor: P7}', field: 'mapping[0].factor', value: undefined, hint: /unknown key; did you mean factors\?.*\(in a temporal entry\)/ },
    { name: 'key of another type', text: '- {target: DRAM, type: temporal, keep: [Inputs]}', field: 'mapping[0].keep', value: undefined, hint: /unknown key/ },
    { name: 'unsupported Timeloop key', text: '- {target: GlobalBuffer, type: spatial, no_link_transfer: [Inputs]}', field: 'mapping[0].no_link_transfer', value: undefined, hint: /not supported/ },
    { name: 'duplicate entry', text: '- {target: DRAM, type: datatype}\n- {target: DRAM, type: bypass}', field: 'mapping[1]', value: undefined, hint: /second datatype entry for DRAM; the first is mapping\[0\]/ },
    { name: 'misspelt mapping key', text: 'maping: []', field: 'mapping', value: undefined, hint: /missing.*found maping: is it misspelt/ },
    { name: 'no mapping list', text: 'mapping: {target: DRAM}', field: 'mapping', value: { target: 'DRAM' }, hint: /list of mapping entries/ },
    { name: 'malformed YAML', text: 'mapping: [\n  - {target: DRAM', field: 'YAML', value: undefined, hint: /invalid YAML/ },
  ];

  for (const { name, text, field, value, hint } of cases) {
    it(`rejects ${name}`, () => {
      const error = inputErrorOf(() => parseRefmap(text));

      expect(error.file).toBe('map.yaml');
      expect(error.field).toBe(field);
      expect(error.value).toEqual(value);
      expect(error.hint).toMatch(hint);
      expect(error.message).not.toContain('\n');
    });
  }
});
