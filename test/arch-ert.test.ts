// Accelergy ERT/ART reading and the per-level resolution rules of Timeloop.
import { describe, expect, it } from 'vitest';
import { parseEnergyTables, tableComponentName } from '../src/arch/ert.js';
import { parseArchitecture } from '../src/arch/load.js';
import { inputError } from './input-error-helper.js';

const ARCH = `
arch:
  arithmetic: {instances: 4, word-bits: 8}
  storage:
  - {name: RF, entries: 16, instances: 4, word-bits: 8}
  - {name: Dummy, entries: 0, instances: 1, word-bits: 8}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 8, block-size: 8}
`;

function withErt(ert: string) {
  return parseArchitecture(ARCH, 'arch.yaml', ert);
}

describe('table names', () => {
  it.each([
    ['system.RF', 'RF'],
    ['system.PE[0..15].RF', 'RF'],
    ['system.RF[0..15]', 'RF'],
    ['system.chip.PE[0..167].ifmap_spad[0..11]', 'ifmap_spad'],
    ['RF', 'RF'],
  ])('%s belongs to %s', (tableName, component) => {
    expect(tableComponentName(tableName)).toBe(component);
  });
});

describe('ERT version 0.3', () => {
  it('prefers random_read, random_fill and random_update', () => {
    const arch = withErt(`
ERT:
  version: 0.3
  tables:
  - name: system.__ARITH__
    actions: [{name: compute, energy: 9}, {name: mac, energy: 3}, {name: mult_random, energy: 2}]
  - name: system.RF
    actions:
    - {name: read, energy: 1}
    - {name: random_read, energy: 1.5}
    - {name: write, energy: 2}
    - {name: random_fill, energy: 2.5}
    - {name: random_update, energy: 3.5}
  - name: system.DRAM
    actions: [{name: read, energy: 100}, {name: write, energy: 120}]
`);
    expect(arch.arithmetic.macEnergyPJ).toBe(2);
    expect(arch.levels[0]).toMatchObject({ readEnergyPJ: 1.5, fillEnergyPJ: 2.5, updateEnergyPJ: 3.5 });
    expect(arch.levels[2]).toMatchObject({ readEnergyPJ: 100, fillEnergyPJ: 120, updateEnergyPJ: 120 });
  });

  it('charges updates as fills when only random_fill is given', () => {
    const arch = withErt(`
ERT:
  version: 0.3
  tables:
  - {name: system.__ARITH__, actions: [{name: mac_random, energy: 1}]}
  - {name: system.RF, actions: [{name: read, energy: 1}, {name: write, energy: 2}, {name: random_fill, energy: 4}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
`);
    expect(arch.levels[0].updateEnergyPJ).toBe(4);
  });

  it('gives a 0-entry level without a table no energy', () => {
    const arch = withErt(`
ERT:
  version: 0.3
  tables:
  - {name: system.__ARITH__, actions: [{name: mac_random, energy: 1}]}
  - {name: system.RF, actions: [{name: read, energy: 1}, {name: write, energy: 2}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
`);
    expect(arch.levels[1]).toMatchObject({ readEnergyPJ: 0, fillEnergyPJ: 0, areaUm2: 0 });
  });

  it('names a level without a table', () => {
    const error = inputError(() =>
      withErt(`
ERT:
  version: 0.3
  tables:
  - {name: system.__ARITH__, actions: [{name: mac_random, energy: 1}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
`),
    );
    expect(error.value).toBe('RF');
    expect(error.message).toContain('storage level RF');
  });

  it('names a level without a usable action', () => {
    const error = inputError(() =>
      withErt(`
ERT:
  version: 0.3
  tables:
  - {name: system.__ARITH__, actions: [{name: mac_random, energy: 1}]}
  - {name: system.RF, actions: [{name: idle, energy: 0}, {name: write, energy: 2}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
`),
    );
    expect(error.field).toBe('ERT.tables.RF');
    expect(error.message).toContain('random_read, read');
  });

  it('rejects an unknown version', () => {
    expect(inputError(() => parseEnergyTables('ERT: {version: 0.4, tables: []}', 'ert.yaml')).field).toBe('ERT.version');
  });
});

describe('ERT version 0.2', () => {
  it('reads per-component action maps and keeps the largest argument set', () => {
    const tables = parseEnergyTables(
      `
ERT:
  version: 0.2
  tables:
    system.PE[0..3].RF:
      read:
      - {arguments: {data_delta: 0, address_delta: 0}, energy: 0.5}
      - {arguments: {data_delta: 1, address_delta: 1}, energy: 1.25}
      write: {energy: 2}
    system.DRAM:
      read: [{energy: 100}]
`,
      'ert.yaml',
    );
    expect(tables.energies.get('RF')).toEqual(new Map([['read', 1.25], ['write', 2]]));
    expect(tables.energies.get('DRAM')!.get('read')).toBe(100);
    expect(tables.areas).toBeUndefined();
  });
});

describe('ERT version 0.2 as a list', () => {
  it('reads listed tables like version 0.3', () => {
    const tables = parseEnergyTables('ERT:\n  version: 0.2\n  tables:\n  - {name: system.RF, actions: [{name: read, energy: 3}]}', 'ert.yaml');
    expect(tables.energies.get('RF')!.get('read')).toBe(3);
  });
});

describe('ART', () => {
  it('rounds areas to 32-bit floats', () => {
    const tables = parseEnergyTables('ERT: {version: 0.3, tables: []}\nART: {version: 0.3, tables: [{name: system.RF, area: 1.49503}]}', 'ert.yaml');
    expect(tables.areas!.get('RF')).toBe(1.4950300455093384);
  });

  it('falls back to hw-library areas when the file has no ART', () => {
    const arch = withErt(`
ERT:
  version: 0.3
  tables:
  - {name: system.__ARITH__, actions: [{name: mac_random, energy: 1}]}
  - {name: system.RF, actions: [{name: read, energy: 1}, {name: write, energy: 2}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
`);
    expect(arch.levels[0].areaUm2).toBeGreaterThan(0);
    expect(arch.arithmetic.areaUm2).toBeGreaterThan(0);
    expect(arch.arithmetic.macEnergyPJ).toBe(1);
  });

  it('names a component the ART leaves out', () => {
    const error = inputError(() =>
      withErt(`
ERT:
  version: 0.3
  tables:
  - {name: system.__ARITH__, actions: [{name: mac_random, energy: 1}]}
  - {name: system.RF, actions: [{name: read, energy: 1}, {name: write, energy: 2}]}
  - {name: system.DRAM, actions: [{name: read, energy: 1}, {name: write, energy: 1}]}
ART:
  version: 0.3
  tables: [{name: system.__ARITH__, area: 10}, {name: system.RF, area: 5}]
`),
    );
    expect(error.value).toBe('DRAM');
  });
});
