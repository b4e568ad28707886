import { describe, expect, it } from 'vitest';

import { parseWhere, WhereError } from '../src/sweep/where.js';

const NAMES = ['pes', 'kib', 'dram', 'GlobalBuffer.entries'];

function test(source: string, parameters: Record<string, number | string>): boolean {
  return parseWhere(source, NAMES).test(parameters);
}

describe('where filter', () => {
  it('follows arithmetic precedence', () => {
    expect(test('pes + kib * 2 == 20', { pes: 4, kib: 8 })).toBe(true);
    expect(test('(pes + kib) * 2 == 24', { pes: 4, kib: 8 })).toBe(true);
    expect(test('pes - kib - 2 == -6', { pes: 4, kib: 8 })).toBe(true);
    expect(test('kib / pes % 3 == 2', { pes: 4, kib: 8 })).toBe(true);
    expect(test('-pes < 0', { pes: 4 })).toBe(true);
  });

  it('combines comparisons with and, or and not', () => {
    expect(test('pes >= 4 and kib <= 8', { pes: 4, kib: 8 })).toBe(true);
    expect(test('pes > 4 or kib < 8', { pes: 4, kib: 8 })).toBe(false);
    expect(test('not pes > 4 and kib == 8', { pes: 4, kib: 8 })).toBe(true);
    expect(test('pes == 1 or pes == 4 and kib == 9', { pes: 1, kib: 8 })).toBe(true);
    expect(test('pes != 4', { pes: 4 })).toBe(false);
  });

  it('compares strings and dotted names', () => {
    expect(test('dram == "hbm2"', { dram: 'hbm2' })).toBe(true);
    expect(test("dram != 'hbm2'", { dram: 'ddr4' })).toBe(true);
    expect(test('GlobalBuffer.entries * 2 <= 8192', { 'GlobalBuffer.entries': 4096 })).toBe(true);
  });

  it('lists the names it reads', () => {
    expect(parseWhere('pes * kib <= 4096 and pes > 1', NAMES).names.sort()).toEqual(['kib', 'pes']);
  });

  const invalid: [string, RegExp][] = [
    ['pes >> 2', /unexpected|expected a number/],
    ['pes <= ', /end of expression/],
    ['(pes < 4', /missing "\)"/],
    ['pes < 4)', /unexpected "\)"/],
    ['pes ; 4', /unexpected character ";"/],
    ['cores > 4', /unknown name "cores"/],
    ['pes < 4 4', /unexpected "4"/],
  ];
  for (const [source, message] of invalid) {
    it(`rejects ${JSON.stringify(source)}`, () => {
      expect(() => parseWhere(source, NAMES)).toThrow(WhereError);
      expect(() => parseWhere(source, NAMES)).toThrow(message);
    });
  }

  it('rejects operands of the wrong type when evaluated', () => {
    expect(() => test('pes + 1', { pes: 4 })).toThrow(/needs a comparison/);
    expect(() => test('dram * 2 > 1', { dram: 'hbm2' })).toThrow(/needs numbers/);
    expect(() => test('pes and kib', { pes: 1, kib: 2 })).toThrow(/needs a comparison/);
  });

  it('rejects division and modulo by zero', () => {
    expect(() => test('pes / 0 > 1', { pes: 4 })).toThrow('division by zero in "pes / 0"');
    expect(() => test('pes % (kib - 2) == 0', { pes: 4, kib: 2 })).toThrow('division by zero in "pes % (kib - 2)"');
    expect(test('pes / kib > 1', { pes: 4, kib: 2 })).toBe(true);
  });

  it('never evaluates JavaScript', () => {
    expect(() => parseWhere('process.exit(1)', NAMES)).toThrow(WhereError);
    expect(() => parseWhere('constructor.constructor("x")()', NAMES)).toThrow(WhereError);
  });
});
