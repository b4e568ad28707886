// The component models of hw-library/*.yaml, read once and checked.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../input-error.js';
import { parseYamlText, readTextFile } from '../workload/yaml-input.js';
import { expectList, expectMap, expectNumber, expectPositive, type YamlMap } from './yaml-fields.js';

export interface OperatorCost {
  energyPJ: number;
  areaUm2: number;
}

export interface IntegerOperator {
  bits: [number, number];
  energyPJ: [number, number];
  areaUm2: [number, number];
}

export interface HardwareLibrary {
  sram: {
    referenceAccessBits: number;
    points: { capacityBytes: number; energyPJ: number }[];
    widthFixedFraction: number;
    writeToReadRatio: number;
    areaUm2PerBit: number;
  };
  registers: { energyPJPerBit: number; areaUm2PerBit: number };
  dram: { defaultType: string; areaUm2: number; energyPJPerBit: Map<string, number> };
  mac: {
    integer: { multiply: IntegerOperator; add: IntegerOperator; minAccumulatorBits: number };
    floatingPoint: Map<string, { multiply: OperatorCost; add: OperatorCost }>;
  };
  wires: { energyPJPerBitMm: number };
}

/** Find the hw-library folder: two levels above src/arch, or three above dist/src/arch. */
export function hardwareLibraryDirectory(): string {
  const moduleDirectory = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(moduleDirectory, '..', '..', 'hw-library'), join(moduleDirectory, '..', '..', '..', 'hw-library')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'sram.yaml')));
  if (found === undefined) throw new Error(`hw-library not found; looked in ${candidates.join(', ')}`);
  return found;
}

let cached: HardwareLibrary | undefined;

export function hardwareLibrary(): HardwareLibrary {
  cached ??= readHardwareLibrary(hardwareLibraryDirectory());
  return cached;
}

function readHardwareLibrary(directory: string): HardwareLibrary {
  const read = (name: string) => {
    const file = join(directory, name);
    return { file, root: expectMap(parseYamlText(readTextFile(file), file), file, 'top level') };
  };

  const sram = read('sram.yaml');
  const sramEnergy = expectMap(sram.root.energy, sram.file, 'energy');
  const sramArea = expectMap(sram.root.area, sram.file, 'area');
  const points = expectList(sramEnergy.points, sram.file, 'energy.points').map((point, index) => {
    const map = expectMap(point, sram.file, `energy.points[${index}]`);
    return {
      capacityBytes: expectPositive(map.capacity_bytes, sram.file, `energy.points[${index}].capacity_bytes`),
      energyPJ: expectPositive(map.energy_pj, sram.file, `energy.points[${index}].energy_pj`),
    };
  });
  if (points.length < 2) throw new InputError(sram.file, 'energy.points', points.length, 'need at least two points');

  const registers = read('registers.yaml');
  const dram = read('dram.yaml');
  const dramTypes = expectMap(dram.root.types, dram.file, 'types');
  const mac = read('mac.yaml');
  const integer = expectMap(mac.root.integer, mac.file, 'integer');
  const floatingPoint = expectMap(mac.root.floating_point, mac.file, 'floating_point');
  const wires = read('wires.yaml');

  return {
    sram: {
      referenceAccessBits: expectPositive(sramEnergy.reference_access_bits, sram.file, 'energy.reference_access_bits'),
      points: points.sort((a, b) => a.capacityBytes - b.capacityBytes),
      widthFixedFraction: expectNumber(sramEnergy.width_fixed_fraction, sram.file, 'energy.width_fixed_fraction'),
      writeToReadRatio: expectPositive(sramEnergy.write_to_read_ratio, sram.file, 'energy.write_to_read_ratio'),
      areaUm2PerBit: expectPositive(sramArea.um2_per_bit, sram.file, 'area.um2_per_bit'),
    },
    registers: {
      energyPJPerBit: expectPositive(registers.root.energy_pj_per_bit, registers.file, 'energy_pj_per_bit'),
      areaUm2PerBit: expectPositive(registers.root.area_um2_per_bit, registers.file, 'area_um2_per_bit'),
    },
    dram: {
      defaultType: String(dram.root.default_type),
      areaUm2: expectNumber(dram.root.area_um2, dram.file, 'area_um2'),
      energyPJPerBit: new Map(
        Object.entries(dramTypes).map(([type, value]) => [
          type.toUpperCase(),
          expectPositive(expectMap(value, dram.file, `types.${type}`).energy_pj_per_bit, dram.file, `types.${type}.energy_pj_per_bit`),
        ]),
      ),
    },
    mac: {
      integer: {
        multiply: readIntegerOperator(integer.multiply, mac.file, 'integer.multiply'),
        add: readIntegerOperator(integer.add, mac.file, 'integer.add'),
        minAccumulatorBits: expectPositive(integer.min_accumulator_bits, mac.file, 'integer.min_accumulator_bits'),
      },
      floatingPoint: new Map(
        Object.entries(floatingPoint).map(([format, value]) => {
          const map = expectMap(value, mac.file, `floating_point.${format}`);
          return [
            format.toLowerCase(),
            {
              multiply: readOperatorCost(map.multiply, mac.file, `floating_point.${format}.multiply`),
              add: readOperatorCost(map.add, mac.file, `floating_point.${format}.add`),
            },
          ];
        }),
      ),
    },
    wires: { energyPJPerBitMm: expectPositive(wires.root.energy_pj_per_bit_mm, wires.file, 'energy_pj_per_bit_mm') },
  };
}

function readIntegerOperator(value: unknown, file: string, path: string): IntegerOperator {
  const map: YamlMap = expectMap(value, file, path);
  const pair = (key: string): [number, number] => {
    const list = expectList(map[key], file, `${path}.${key}`).map((item, index) => expectPositive(item, file, `${path}.${key}[${index}]`));
    if (list.length !== 2) throw new InputError(file, `${path}.${key}`, list, 'expected two values, for the two widths');
    return [list[0], list[1]];
  };
  return { bits: pair('bits'), energyPJ: pair('energy_pj'), areaUm2: pair('area_um2') };
}

function readOperatorCost(value: unknown, file: string, path: string): OperatorCost {
  const map = expectMap(value, file, path);
  return {
    energyPJ: expectPositive(map.energy_pj, file, `${path}.energy_pj`),
    areaUm2: expectPositive(map.area_um2, file, `${path}.area_um2`),
  };
}
