// Accelergy energy and area reference tables (ERT versions 0.2 and 0.3, ART), resolved per level
// by Timeloop 019f107's rules (Topology::Specs::ParseAccelergyERT / ParseAccelergyART).
import { InputError } from '../input-error.js';
import { parseYamlText } from '../workload/yaml-input.js';
import type { ArithmeticSpec, StorageLevelSpec } from './spec.js';
import { expectList, expectMap, expectNumber, expectString, isYamlMap, type YamlMap } from './yaml-fields.js';

export interface EnergyTables {
  /** Energy in pJ per action name, per component name (the last dot-separated part of the table name). */
  energies: Map<string, Map<string, number>>;
  /** Area per instance in um², rounded to 32-bit floats as Timeloop reads them; undefined when the file has no ART. */
  areas: Map<string, number> | undefined;
}

/** ERT action names tried in order for each access kind (Timeloop's storageOperationMappings and arithmeticOperationMappings). */
export const READ_ACTIONS = ['random_read', 'read'] as const;
export const FILL_ACTIONS = ['random_fill', 'write'] as const;
export const UPDATE_ACTIONS = ['random_update', 'random_fill', 'write'] as const;
export const MAC_ACTIONS = ['mac_random', 'mult_random', 'mac', 'mult', 'compute'] as const;

/**
 * Return the component a table entry belongs to. Drop a trailing `[a..b]`, then keep the last
 * dot-separated part, so `system.PE[0..15].RegFile` and `system.RegFile[0..15]` both give `RegFile`.
 */
export function tableComponentName(tableName: string): string {
  const withoutRange = tableName.replace(/\[\d+\.\.\d+\]\s*$/, '');
  const parts = withoutRange.split('.');
  return parts[parts.length - 1];
}

/** Read a file holding `ERT:` and optionally `ART:` (Accelergy writes them to separate files; both may be concatenated). */
export function parseEnergyTables(text: string, file: string): EnergyTables {
  const root = expectMap(parseYamlText(text, file), file, 'top level');
  if (root.ERT === undefined) throw new InputError(file, 'ERT', undefined, 'missing; expected an `ERT:` section');
  return {
    energies: parseErt(expectMap(root.ERT, file, 'ERT'), file),
    areas: root.ART === undefined ? undefined : parseArt(expectMap(root.ART, file, 'ART'), file),
  };
}

function parseErt(ert: YamlMap, file: string): Map<string, Map<string, number>> {
  const version = String(ert.version);
  const energies = new Map<string, Map<string, number>>();

  // Version 0.3 lists tables; version 0.2 maps table names to actions, though some files list them too.
  if (version === '0.3' || (version === '0.2' && Array.isArray(ert.tables))) {
    const tables = expectList(ert.tables, file, 'ERT.tables');
    tables.forEach((entry, index) => {
      const path = `ERT.tables[${index}]`;
      const table = expectMap(entry, file, path);
      const tableName = expectString(table.name, file, `${path}.name`);
      const actions = new Map<string, number>();
      expectList(table.actions, file, `${path}.actions`).forEach((action, actionIndex) => {
        const actionPath = `${path}.actions[${actionIndex}]`;
        const actionMap = expectMap(action, file, actionPath);
        const actionName = expectString(actionMap.name, file, `${actionPath}.name`);
        keepMaximum(actions, actionName, readEnergy(actionMap, file, actionPath));
      });
      energies.set(tableComponentName(tableName), actions);
    });
    return energies;
  }

  if (version === '0.2') {
    const tables = expectMap(ert.tables, file, 'ERT.tables');
    for (const [tableName, table] of Object.entries(tables)) {
      const path = `ERT.tables.${tableName}`;
      const actions = new Map<string, number>();
      for (const [actionName, action] of Object.entries(expectMap(table, file, path))) {
        // An action with arguments lists one energy per argument set; Timeloop keeps the largest.
        const entries = Array.isArray(action) ? action : [action];
        entries.forEach((argumentSet, index) => {
          const argumentPath = `${path}.${actionName}[${index}]`;
          keepMaximum(actions, actionName, readEnergy(expectMap(argumentSet, file, argumentPath), file, argumentPath));
        });
      }
      energies.set(tableComponentName(tableName), actions);
    }
    return energies;
  }

  throw new InputError(file, 'ERT.version', ert.version, 'unsupported ERT version; expected 0.2 or 0.3');
}

function parseArt(art: YamlMap, file: string): Map<string, number> {
  const version = String(art.version);
  if (version !== '0.3' && version !== '0.2') {
    throw new InputError(file, 'ART.version', art.version, 'unsupported ART version; expected 0.3');
  }
  const areas = new Map<string, number>();
  const tables = art.tables;
  const entries = isYamlMap(tables)
    ? Object.entries(tables).map(([name, value]) => ({ name, area: isYamlMap(value) ? value.area : value }))
    : expectList(tables, file, 'ART.tables').map((entry, index) => expectMap(entry, file, `ART.tables[${index}]`));

  entries.forEach((entry, index) => {
    const path = `ART.tables[${index}]`;
    const name = expectString(entry.name, file, `${path}.name`);
    const area = expectNumber(entry.area, file, `${path}.area`);
    if (area < 0) throw new InputError(file, `${path}.area`, area, 'expected an area >= 0 in um^2');
    areas.set(tableComponentName(name), Math.fround(area));
  });
  return areas;
}

function readEnergy(action: YamlMap, file: string, path: string): number {
  const energy = expectNumber(action.energy, file, `${path}.energy`);
  if (energy < 0) throw new InputError(file, `${path}.energy`, energy, 'expected an energy >= 0 in pJ');
  return energy;
}

function keepMaximum(actions: Map<string, number>, name: string, energy: number): void {
  actions.set(name, Math.max(actions.get(name) ?? 0, energy));
}

export interface StorageEnergies {
  readEnergyPJ: number;
  fillEnergyPJ: number;
  updateEnergyPJ: number;
}

/**
 * Per-access energies of one storage level. A level with no table is an error, except a level of
 * 0 entries, which can hold no data and therefore never accesses anything.
 */
export function storageEnergies(level: StorageLevelSpec, tables: EnergyTables, file: string): StorageEnergies {
  const actions = tables.energies.get(level.name);
  if (actions === undefined) {
    if (level.entries === 0) return { readEnergyPJ: 0, fillEnergyPJ: 0, updateEnergyPJ: 0 };
    throw new InputError(file, 'ERT.tables', level.name, `no ERT table for storage level ${level.name}; add one named ...${level.name}`);
  }
  return {
    readEnergyPJ: pickAction(actions, READ_ACTIONS, level.name, file),
    fillEnergyPJ: pickAction(actions, FILL_ACTIONS, level.name, file),
    updateEnergyPJ: pickAction(actions, UPDATE_ACTIONS, level.name, file),
  };
}

export function macEnergy(arithmetic: ArithmeticSpec, tables: EnergyTables, file: string): number {
  const actions = tables.energies.get(arithmetic.name);
  if (actions === undefined) {
    throw new InputError(file, 'ERT.tables', arithmetic.name, `no ERT table for arithmetic ${arithmetic.name}; add one named ...${arithmetic.name}`);
  }
  return pickAction(actions, MAC_ACTIONS, arithmetic.name, file);
}

/** Area per instance from the ART; a component the ART leaves out is an error. */
export function componentArea(name: string, areas: Map<string, number>, file: string, entries?: number): number {
  const area = areas.get(name);
  if (area !== undefined) return area;
  if (entries === 0) return 0;
  throw new InputError(file, 'ART.tables', name, `no ART entry for ${name}; add one named ...${name}`);
}

function pickAction(actions: Map<string, number>, order: readonly string[], component: string, file: string): number {
  for (const name of order) {
    const energy = actions.get(name);
    if (energy !== undefined) return energy;
  }
  throw new InputError(file, `ERT.tables.${component}`, [...actions.keys()].join(', '), `none of the actions ${order.join(', ')} is given`);
}
