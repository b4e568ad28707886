import { describe, expect, it } from 'vitest';

import { parseMapping } from '../src/mapping/parse.js';
import type { Mapping } from '../src/mapping/types.js';
import { checkFactorProducts, checkFanout, checkStructure, factorProduct } from '../src/mapping/validate.js';
import { caseArchitecture, caseLayer, readCaseText, readExpected } from './mapping-fixtures.js';

const FACTOR_PRODUCT_CASE = 'eyeriss256__resnet50-1x1s2-down-c1024k2048__inv-factor-product-lt';
const FANOUT_CASE = 'simba-ref__resnet50-1x1-c64k256__inv-fanout-InputBuffer';
const MINI3 = 'mini3__resnet50-1x1-c64k64__m1';

function parseCase(id: string): Mapping {
  return parseMapping(readCaseText(id, 'map.yaml'), 'map.yaml', caseArchitecture(id), caseLayer(id));
}

function parseForMini3(text: string): Mapping {
  return parseMapping(text, 'map.yaml', caseArchitecture(MINI3), caseLayer(MINI3));
}

describe('checkFactorProducts', () => {
  it('matches the Timeloop message of the reference case', () => {
    const message = checkFactorProducts(parseCase(FACTOR_PRODUCT_CASE), caseLayer(FACTOR_PRODUCT_CASE));

    expect(message).toBe(readExpected(FACTOR_PRODUCT_CASE).error);
  });

  it('reports the first failing dimension in RSPQCKN order', () => {
    // mini3's layer is P = Q = 56 and C = K = 64. Here Q and C are short and K is too long.
    const mapping = parseForMini3('mapping: [{target: DRAM, type: temporal, factors: "P56 Q28 C32 K128"}]');

    expect(factorProduct(mapping, 'Q')).toBe(28);
    expect(checkFactorProducts(mapping, caseLayer(MINI3))).toBe(
      'ERROR: parsing mapping: product of all factors of dimension Q is 28, which is not equal to the dimension size of the workload 56.',
    );
  });

  it('counts spatial factors in the product', () => {
    const mapping = parseForMini3(`
mapping:
  - {target: GlobalBuffer, type: spatial, factors: "K4 C4", split: 1}
  - {target: DRAM, type: temporal, factors: "P56 Q56 C16 K16"}
`);

    expect(checkFactorProducts(mapping, caseLayer(MINI3))).toBeUndefined();
  });
});

describe('checkFanout', () => {
  it('flags the oversized spatial loops of the reference case', () => {
    const violations = checkFanout(caseArchitecture(FANOUT_CASE), parseCase(FANOUT_CASE));

    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ levelIndex: 3, levelName: 'InputBuffer', axis: 'X', mapped: 128, available: 8 });
    expect(violations[0].reason).toBe('InputBuffer: spatial factors on X multiply to 128, but InputBuffer fans out only 8 on X to WeightBuffer');
  });

  it('reports X and Y separately', () => {
    // mini3's GlobalBuffer fans out 4 x 4 to the RegFiles. C is at position 0 (X), K at 1 (Y).
    const mapping = parseForMini3('mapping: [{target: GlobalBuffer, type: spatial, factors: "C8 K16", permutation: CK, split: 1}]');
    const violations = checkFanout(caseArchitecture(MINI3), mapping);

    expect(violations.map(({ axis, mapped, available }) => ({ axis, mapped, available }))).toEqual([
      { axis: 'X', mapped: 8, available: 4 },
      { axis: 'Y', mapped: 16, available: 4 },
    ]);
  });

  it('checks levels without a spatial entry in the file', () => {
    const mapping = parseForMini3('mapping: []');
    mapping.levels[2].spatial.K = 2;

    const violations = checkFanout(caseArchitecture(MINI3), mapping);

    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ levelName: 'DRAM', axis: 'X', mapped: 2, available: 1 });
  });

  it('accepts spatial loops that fill the mesh', () => {
    const mapping = parseForMini3('mapping: [{target: GlobalBuffer, type: spatial, factors: "C4 K4", permutation: CK, split: 1}]');

    expect(checkFanout(caseArchitecture(MINI3), mapping)).toEqual([]);
  });
});

describe('checkStructure', () => {
  it('lists defects of a hand-built mapping', () => {
    const mapping = parseForMini3('mapping: []');
    mapping.levels[0].permutation = ['R', 'S', 'P'];
    mapping.levels[1].temporal.C = 0.5;
    mapping.levels[2].split = 9;

    expect(checkStructure(caseArchitecture(MINI3), mapping)).toEqual([
      'RegFile: permutation RSP does not list each of RSPQCKNG once',
      'GlobalBuffer: temporal factor C = 0.5 is not a positive integer',
      'DRAM: split 9 is outside 0..8',
    ]);
  });

  it('flags a level count that differs from the architecture', () => {
    const mapping = parseForMini3('mapping: []');
    mapping.levels.pop();

    expect(checkStructure(caseArchitecture(MINI3), mapping)).toEqual(['the mapping has 2 levels but the architecture has 3']);
  });
});
