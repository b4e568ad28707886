// The cost model: cycles, energy and area of one layer mapped onto one architecture, with
// Timeloop's semantics (NVlabs/timeloop 019f107, dense tensors, perfect factorization).
import type { Architecture, StorageLevel } from '../arch/types.js';
import { checkFactorProducts } from '../mapping/validate.js';
import type { Mapping } from '../mapping/types.js';
import { DATA_SPACES, macCount, type DataSpace, type Layer } from '../workload/layer.js';
import { computeAccessCounts, levelTileSizes, type LevelAccesses } from './access-counts.js';
import { firstMappingError } from './checks.js';
import { buildNest, spatialExpansionAbove, temporalProduct } from './nest.js';
import type { DataSpaceStats, EvaluationResult, LevelStats } from './types.js';

export function evaluate(arch: Architecture, layer: Layer, mapping: Mapping): EvaluationResult {
  const factorError = checkFactorProducts(mapping, layer);
  if (factorError !== undefined) return { ok: false, error: factorError };
  if (mapping.levels.length !== arch.levels.length) {
    return { ok: false, error: `mapping has ${mapping.levels.length} levels but the architecture has ${arch.levels.length}` };
  }
  for (const dataSpace of DATA_SPACES) {
    if (!mapping.levels.some((level) => level.keep[dataSpace])) {
      return { ok: false, error: 'ERROR: one of the tensors is bypassed in all storage levels' };
    }
  }

  // The checks need only tile sizes, so they run before the access counts: those enumerate the
  // children of each spatial fan-out, which an invalid mapping can make astronomically many.
  const nest = buildNest(mapping);
  const tileSizes = Object.fromEntries(DATA_SPACES.map((dataSpace) => [dataSpace, levelTileSizes(layer, nest, dataSpace)])) as Record<DataSpace, number[]>;
  const use = mapping.levels.map((levelMapping, level) => ({
    utilizedCapacity: DATA_SPACES.reduce((sum, dataSpace) => sum + (levelMapping.keep[dataSpace] ? tileSizes[dataSpace][level] : 0), 0),
  }));
  const mappingError = firstMappingError(arch, nest, use);
  if (mappingError !== undefined) return { ok: false, error: mappingError };

  const counts = {} as Record<DataSpace, LevelAccesses[]>;
  for (const dataSpace of DATA_SPACES) {
    const keep = mapping.levels.map((level) => level.keep[dataSpace]);
    counts[dataSpace] = computeAccessCounts(arch, layer, nest, dataSpace, keep, tileSizes[dataSpace]);
  }

  const computeCycles = temporalProduct(nest);
  const maccCount = macCount(layer);
  const compute = spatialExpansionAbove(nest, -1);

  const levels: Record<string, LevelStats> = {};
  let cycles = computeCycles;
  arch.levels.forEach((storage, level) => {
    const stats = levelStats(storage, level, counts, computeCycles);
    levels[storage.name] = stats;
    cycles = Math.max(cycles, stats.cycles);
  });

  const arithmeticEnergy = maccCount * arch.arithmetic.macEnergyPJ;
  const arithmeticArea = arch.arithmetic.instances * arch.arithmetic.areaUm2;
  let energy = arithmeticEnergy;
  let area = arithmeticArea;
  for (const storage of arch.levels) {
    energy += levels[storage.name].energy_pJ;
    area += levels[storage.name].area_um2;
  }

  return {
    ok: true,
    cycles,
    energy_pJ: energy,
    area_um2: area,
    utilization: maccCount / (arch.arithmetic.instances * cycles),
    macc_count: maccCount,
    arithmetic: {
      name: arch.arithmetic.name,
      energy_pJ: arithmeticEnergy,
      utilized_instances: compute.x * compute.y,
      area_um2: arithmeticArea,
    },
    level_order: arch.levels.map((storage) => storage.name),
    levels,
  };
}

function levelStats(
  storage: StorageLevel,
  level: number,
  counts: Record<DataSpace, LevelAccesses[]>,
  computeCycles: number,
): LevelStats {
  const dataspaces: Partial<Record<DataSpace, DataSpaceStats>> = {};
  let energy = 0;
  // Words per compute cycle, summed over data spaces in Timeloop's order and floating-point
  // operations, so that the ceiling of the throttled cycles rounds as timeloop-model's does.
  let readDemand = 0;
  let writeDemand = 0;

  for (const dataSpace of DATA_SPACES) {
    const access = counts[dataSpace][level];
    if (!access.kept) continue;

    // Energy per action is per block; clustered instances share one access (Timeloop's utilized clusters).
    const block = storage.blockSize;
    const clusters = Math.min(access.utilizedInstances, Math.floor(storage.instances / storage.clusterSize));
    const perInstance =
      Math.ceil(access.reads / block) * storage.readEnergyPJ +
      Math.ceil(access.fills / block) * storage.fillEnergyPJ +
      Math.ceil(access.updates / block) * storage.updateEnergyPJ;
    const dataSpaceEnergy = (perInstance / (access.utilizedInstances / clusters)) * access.utilizedInstances;

    dataspaces[dataSpace] = {
      utilized_capacity: access.tileSize,
      utilized_instances: access.utilizedInstances,
      reads_per_instance: access.reads,
      fills_per_instance: access.fills,
      updates_per_instance: access.updates,
      reads_total: access.reads * access.utilizedInstances,
      fills_total: access.fills * access.utilizedInstances,
      updates_total: access.updates * access.utilizedInstances,
      energy_pJ: dataSpaceEnergy,
    };
    energy += dataSpaceEnergy;
    readDemand += access.reads / computeCycles;
    writeDemand += (access.fills + access.updates) / computeCycles;
  }

  return {
    energy_pJ: energy,
    cycles: throttledCycles(storage, computeCycles, readDemand, writeDemand),
    area_um2: storage.instances * storage.areaUm2,
    dataspaces,
  };
}

/** Cycles after bandwidth throttling: demand in words per cycle at full speed against words per cycle available. */
function throttledCycles(storage: StorageLevel, computeCycles: number, readDemand: number, writeDemand: number): number {
  let slowdown = 1;
  if (storage.readBandwidth !== undefined && storage.readBandwidth < readDemand) {
    slowdown = Math.min(slowdown, storage.readBandwidth / readDemand);
  }
  if (storage.writeBandwidth !== undefined && storage.writeBandwidth < writeDemand) {
    slowdown = Math.min(slowdown, storage.writeBandwidth / writeDemand);
  }
  return Math.ceil(computeCycles / slowdown);
}
