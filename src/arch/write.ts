// An `Architecture` written back as Timeloop input: the legacy flat architecture file and an
// Accelergy v0.3 ERT/ART, so a design point can be checked with timeloop-model itself.
import { stringify } from 'yaml';
import type { Architecture, StorageLevel } from './types.js';

/** Prefix of every table name; Timeloop matches tables by the part after the last dot. */
const TABLE_PREFIX = 'system';

/** Write the flat `arch:` format, storage innermost first. Defaults are written out so the file does not depend on them. */
export function architectureToYaml(arch: Architecture): string {
  const arithmetic: Record<string, unknown> = {
    name: arch.arithmetic.name,
    instances: arch.arithmetic.instances,
    meshX: arch.arithmetic.meshX,
    'word-bits': arch.arithmetic.wordBits,
  };
  return stringify({ arch: { arithmetic, storage: arch.levels.map(storageEntry) } });
}

function storageEntry(level: StorageLevel): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: level.name };
  if (level.technology !== undefined) entry.technology = level.technology;
  if (level.technology !== 'DRAM') entry.entries = level.entries;
  Object.assign(entry, {
    instances: level.instances,
    meshX: level.meshX,
    'word-bits': level.wordBits,
    'block-size': level.blockSize,
    'cluster-size': level.clusterSize,
    'num-ports': level.numPorts,
    'num-banks': level.numBanks,
  });
  if (level.readBandwidth !== undefined) entry.read_bandwidth = level.readBandwidth;
  if (level.writeBandwidth !== undefined) entry.write_bandwidth = level.writeBandwidth;
  return entry;
}

/**
 * Write an ERT and ART (version 0.3) with one table per component. Updates get their own
 * `random_update` action only when they differ from fills, because Timeloop falls back to the
 * fill energy otherwise. Timeloop reads areas as 32-bit floats, so they round on the way back.
 */
export function energyTablesToYaml(arch: Architecture): string {
  const tableName = (name: string) => `${TABLE_PREFIX}.${name}`;
  const ertTables = [
    { name: tableName(arch.arithmetic.name), actions: [{ name: 'mac_random', energy: arch.arithmetic.macEnergyPJ }] },
    ...arch.levels.map((level) => {
      const actions = [
        { name: 'read', energy: level.readEnergyPJ },
        { name: 'write', energy: level.fillEnergyPJ },
      ];
      if (level.updateEnergyPJ !== level.fillEnergyPJ) actions.push({ name: 'random_update', energy: level.updateEnergyPJ });
      return { name: tableName(level.name), actions };
    }),
  ];
  const artTables = [
    { name: tableName(arch.arithmetic.name), area: arch.arithmetic.areaUm2 },
    ...arch.levels.map((level) => ({ name: tableName(level.name), area: level.areaUm2 })),
  ];
  return stringify({ ERT: { version: 0.3, tables: ertTables }, ART: { version: 0.3, tables: artTables } });
}
