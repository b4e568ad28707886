// Energy and area estimates from the component models in hw-library/, for architectures given
// without an ERT. Every number comes from those files, which cite their sources.
import { InputError } from '../input-error.js';
import type { StorageEnergies } from './ert.js';
import { hardwareLibrary, type IntegerOperator } from './hw-library-data.js';
import type { ArithmeticSpec, StorageLevelSpec } from './spec.js';

export interface StorageEstimate extends StorageEnergies {
  /** Area of one instance in um². */
  areaUm2: number;
}

/**
 * Per-block-access energies and per-instance area of a storage level. Like Timeloop's built-in
 * model, the array of a cluster is `word-bits x block-size x cluster-size` bits wide, and each
 * instance is charged 1/cluster-size of its access energy and area.
 */
export function estimateStorage(level: StorageLevelSpec, file: string): StorageEstimate {
  const library = hardwareLibrary();
  const accessBits = level.wordBits * level.blockSize;

  if (level.technology === 'DRAM') {
    const type = (level.type ?? library.dram.defaultType).toUpperCase();
    const perBit = library.dram.energyPJPerBit.get(type);
    if (perBit === undefined) {
      const known = [...library.dram.energyPJPerBit.keys()].join(', ');
      throw new InputError(file, `storage ${level.name}.type`, level.type, `unknown DRAM type; known types: ${known}`);
    }
    const energy = perBit * accessBits;
    return { readEnergyPJ: energy, fillEnergyPJ: energy, updateEnergyPJ: energy, areaUm2: library.dram.areaUm2 };
  }

  const entries = level.entries ?? 0;
  if (entries === 0) return { readEnergyPJ: 0, fillEnergyPJ: 0, updateEnergyPJ: 0, areaUm2: 0 };

  const rows = Math.ceil(entries / level.blockSize);
  const arrayBits = accessBits * level.clusterSize;
  // Accelergy names register files `regfile` or `..._RF` (such as smartbuffer_RF).
  const isRegisterFile = /regfile|(^|_)rf$/i.test(level.className ?? '');

  let arrayReadPJ: number;
  let arrayWritePJ: number;
  let areaPerBit: number;
  if (rows === 1) {
    arrayReadPJ = library.registers.energyPJPerBit * arrayBits;
    arrayWritePJ = arrayReadPJ;
    areaPerBit = library.registers.areaUm2PerBit;
  } else {
    arrayReadPJ = sramAccessEnergy((rows * arrayBits) / 8, arrayBits);
    arrayWritePJ = arrayReadPJ * library.sram.writeToReadRatio;
    areaPerBit = isRegisterFile ? library.registers.areaUm2PerBit : library.sram.areaUm2PerBit;
  }

  const perInstance = 1 / level.clusterSize;
  return {
    readEnergyPJ: arrayReadPJ * perInstance,
    fillEnergyPJ: arrayWritePJ * perInstance,
    updateEnergyPJ: arrayWritePJ * perInstance,
    areaUm2: rows * arrayBits * areaPerBit * perInstance,
  };
}

/** Energy of one access `accessBits` wide to an SRAM of `capacityBytes`, in pJ. */
export function sramAccessEnergy(capacityBytes: number, accessBits: number): number {
  const { points, referenceAccessBits, widthFixedFraction } = hardwareLibrary().sram;

  // Pick the segment that contains the capacity, or the nearest end segment, and follow it in log-log.
  let segment = 0;
  while (segment < points.length - 2 && capacityBytes > points[segment + 1].capacityBytes) segment++;
  const low = points[segment];
  const high = points[segment + 1];
  const slope = Math.log(high.energyPJ / low.energyPJ) / Math.log(high.capacityBytes / low.capacityBytes);
  const referenceEnergy = low.energyPJ * (capacityBytes / low.capacityBytes) ** slope;

  return referenceEnergy * (widthFixedFraction + (1 - widthFixedFraction) * (accessBits / referenceAccessBits));
}

export interface ArithmeticEstimate {
  macEnergyPJ: number;
  areaUm2: number;
}

/**
 * Energy of one MAC and area of one unit. The number format comes from the `type` attribute
 * (`int8`, `int16`, `fp16`, `bf16`, `fp32`, or `int`/`fp` with the word size), else from an
 * `fpmac` class, else integer of `word-bits`.
 */
export function estimateArithmetic(arithmetic: ArithmeticSpec, file: string): ArithmeticEstimate {
  const library = hardwareLibrary().mac;
  const format = numberFormat(arithmetic);

  if (format.kind === 'fp') {
    const costs = library.floatingPoint.get(format.name);
    if (costs === undefined) {
      const known = [...library.floatingPoint.keys()].join(', ');
      throw new InputError(file, `arithmetic ${arithmetic.name}.type`, format.name, `no MAC model for this format; known: int<bits>, ${known}`);
    }
    return {
      macEnergyPJ: costs.multiply.energyPJ + costs.add.energyPJ,
      areaUm2: costs.multiply.areaUm2 + costs.add.areaUm2,
    };
  }

  const accumulatorBits = Math.max(library.integer.minAccumulatorBits, 2 * format.bits);
  return {
    macEnergyPJ: powerLaw(library.integer.multiply, 'energyPJ', format.bits) + powerLaw(library.integer.add, 'energyPJ', accumulatorBits),
    areaUm2: powerLaw(library.integer.multiply, 'areaUm2', format.bits) + powerLaw(library.integer.add, 'areaUm2', accumulatorBits),
  };
}

type NumberFormat = { kind: 'int'; bits: number } | { kind: 'fp'; name: string };

function numberFormat(arithmetic: ArithmeticSpec): NumberFormat {
  const type = arithmetic.type?.toLowerCase();
  if (type === undefined) {
    const isFloat = arithmetic.className?.toLowerCase().includes('fpmac') ?? false;
    return isFloat ? { kind: 'fp', name: `fp${arithmetic.wordBits}` } : { kind: 'int', bits: arithmetic.wordBits };
  }
  if (type === 'int') return { kind: 'int', bits: arithmetic.wordBits };
  if (type === 'fp' || type === 'float') return { kind: 'fp', name: `fp${arithmetic.wordBits}` };
  const integer = /^u?int(\d+)$/.exec(type);
  if (integer !== null) return { kind: 'int', bits: Number(integer[1]) };
  return { kind: 'fp', name: type };
}

/** Value at `bits` of the power law through the operator's two (bits, value) points. */
function powerLaw(operator: IntegerOperator, field: 'energyPJ' | 'areaUm2', bits: number): number {
  const [lowBits, highBits] = operator.bits;
  const [low, high] = operator[field];
  const exponent = Math.log(high / low) / Math.log(highBits / lowBits);
  return low * (bits / lowBits) ** exponent;
}

/** Energy of moving one bit over one mm of on-chip wire, in pJ; reported only, never charged by the cost model. */
export function wireEnergyPJPerBitMm(): number {
  return hardwareLibrary().wires.energyPJPerBitMm;
}
