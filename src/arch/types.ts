// The architecture as the cost model and the mappers see it: arithmetic plus storage levels,
// innermost first, each with its per-action energy and per-instance area already resolved.

export interface Arithmetic {
  name: string;
  instances: number;
  /** Instances along the X axis of the mesh; equals `instances` when the mesh is 1-D. */
  meshX: number;
  wordBits: number;
  /** Energy of one MAC in pJ. */
  macEnergyPJ: number;
  /** Area of one instance in um². */
  areaUm2: number;
}

export interface StorageLevel {
  name: string;
  /** Capacity of one instance in words; undefined means unbounded (DRAM). */
  entries: number | undefined;
  instances: number;
  /** Instances along X; equals `instances` when meshX is not given, as in Timeloop. */
  meshX: number;
  wordBits: number;
  /** Words per access; energies are per block access. */
  blockSize: number;
  /** Instances that share one set of address and control lines; scales energy as Timeloop does. */
  clusterSize: number;
  numBanks: number;
  numPorts: number;
  /** Words per cycle per instance; undefined means unlimited. */
  readBandwidth: number | undefined;
  writeBandwidth: number | undefined;
  /** 'DRAM' for off-chip memory (no capacity limit), otherwise a free-form name such as 'SRAM'. */
  technology: string | undefined;
  /** Energy of one block read, fill and update in pJ. */
  readEnergyPJ: number;
  fillEnergyPJ: number;
  updateEnergyPJ: number;
  /** Area of one instance in um². */
  areaUm2: number;
}

export interface Architecture {
  name: string;
  arithmetic: Arithmetic;
  /** Storage levels, innermost (next to the arithmetic) first. */
  levels: StorageLevel[];
}

/** The instance counts of an architecture, which decide its fan-outs. */
export interface InstanceShape {
  arithmetic: { instances: number; meshX: number };
  levels: readonly { name: string; instances: number; meshX: number }[];
}

/** Fan-out from level `index` to the level below it (or to the arithmetic for index 0), in X and Y. */
export function fanout(arch: InstanceShape, index: number): { x: number; y: number } {
  const parent = arch.levels[index];
  const child = index === 0 ? arch.arithmetic : arch.levels[index - 1];
  const parentMeshY = parent.instances / parent.meshX;
  const childMeshY = child.instances / child.meshX;
  return { x: child.meshX / parent.meshX, y: childMeshY / parentMeshY };
}

/**
 * Describes the first level whose fan-out is not a whole number >= 1 in X or Y, or returns
 * undefined when every fan-out is whole. The cost model and the mappers assume whole fan-outs.
 */
export function fanoutProblem(arch: InstanceShape): string | undefined {
  for (let index = 0; index < arch.levels.length; index++) {
    const { x, y } = fanout(arch, index);
    if (Number.isInteger(x) && Number.isInteger(y) && x >= 1 && y >= 1) continue;
    const child = index === 0 ? 'the arithmetic' : arch.levels[index - 1].name;
    return `the fan-out from ${arch.levels[index].name} to ${child} would be ${x} x ${y}; instances (and meshX) of inner levels must be whole multiples of outer ones`;
  }
  return undefined;
}
