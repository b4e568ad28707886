// hw-library estimates: their shape, and how they compare with the simba-ref ERT of the reference cases.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/input-error.js';
import { parseEnergyTables } from '../src/arch/ert.js';
import { estimateArithmetic, estimateStorage, sramAccessEnergy, wireEnergyPJPerBitMm } from '../src/arch/hw-library.js';
import { loadArchitecture } from '../src/arch/load.js';
import type { ArithmeticSpec, StorageLevelSpec } from '../src/arch/spec.js';

const casesDir = join(import.meta.dirname, '..', '..', 'shared', 'reference', 'cases');
const simbaCase = existsSync(casesDir) ? readdirSync(casesDir).find((name) => name.startsWith('simba-ref__')) : undefined;

/**
 * Components whose cited sources disagree with the simba-ref ERT by more than 2x at the sizes that
 * arch.yaml declares. The reference table charges 5.212 pJ for every SRAM access whatever its size
 * and width, and 1 pJ/bit for DRAM. `REFERENCE_PROVENANCE` below gives the source of those numbers.
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {
  Registers: 'Aladdin 40 nm flip-flop, 0.009 pJ/bit x 8 bits = 0.072 pJ; the reference charges 0.00225 pJ',
  WeightBuffer: 'Horowitz 45 nm SRAM at 16 KB, 64-bit access = 14.1 pJ; the reference charges 5.212 pJ',
  GlobalBuffer: 'Horowitz 45 nm SRAM at 64 KB with a 512-bit access = 163 pJ; the reference charges 5.212 pJ',
  DRAM: 'LPDDR4 at 8 pJ/bit x 512 bits = 4096 pJ; the reference charges 512 pJ (1 pJ/bit)',
};

function storage(overrides: Partial<StorageLevelSpec>): StorageLevelSpec {
  return {
    name: 'Buffer',
    entries: 1024,
    instances: 1,
    meshX: 1,
    wordBits: 8,
    blockSize: 8,
    clusterSize: 1,
    numBanks: 1,
    numPorts: 2,
    readBandwidth: undefined,
    writeBandwidth: undefined,
    technology: undefined,
    className: undefined,
    type: undefined,
    ...overrides,
  };
}

function arithmetic(overrides: Partial<ArithmeticSpec>): ArithmeticSpec {
  return { name: 'MAC', instances: 1, meshX: 1, wordBits: 8, className: undefined, type: undefined, ...overrides };
}

describe.skipIf(simbaCase === undefined)('hw-library beside the simba-ref ERT', () => {
  it('is within 2x except for the documented disagreements', () => {
    const dir = join(casesDir, simbaCase!);
    const estimated = loadArchitecture(join(dir, 'arch.yaml'));
    const tables = parseEnergyTables(readFileSync(join(dir, 'ert.yaml'), 'utf8'), 'ert.yaml');

    const rows = [
      { name: estimated.arithmetic.name, action: 'mac_random', estimate: estimated.arithmetic.macEnergyPJ },
      ...estimated.levels.flatMap((level) => [
        { name: level.name, action: 'read', estimate: level.readEnergyPJ },
        { name: level.name, action: 'write', estimate: level.fillEnergyPJ },
      ]),
    ];
    const lines = ['component           action      hw-library pJ   reference pJ   ratio'];
    for (const row of rows) {
      const reference = tables.energies.get(row.name)!.get(row.action)!;
      const ratio = Math.max(row.estimate / reference, reference / row.estimate);
      lines.push(`${row.name.padEnd(20)}${row.action.padEnd(12)}${row.estimate.toPrecision(5).padStart(13)}${reference.toPrecision(5).padStart(15)}${ratio.toFixed(2).padStart(8)}`);

      if (row.name in KNOWN_DISAGREEMENTS) {
        expect(ratio, `${row.name} ${row.action} agrees now; drop it from KNOWN_DISAGREEMENTS`).toBeGreaterThan(2);
      } else {
        expect(ratio, `${row.name} ${row.action}`).toBeLessThanOrEqual(2);
      }
    }
    console.log(lines.join('\n'));
  });
});

/**
 * Source of each simba-ref ERT entry, inferred from the published estimator data that reproduces
 * it, with hw-library's estimate for that same component. All energies are in pJ.
 * - MACC: Aladdin 40 nm int8 MAC at 5 ns (accelergy-aladdin-plug-in, data/adder.csv and
 *   data/multiplier.csv: 32-bit adder 0.0857 pJ scaled by 8/32, 32-bit multiplier 8.63 pJ scaled
 *   by (8/32)^2), 0.0214 + 0.539 = 0.561.
 * - SRAM buffers: one SRAM for all three, whatever their declared size: 8 KB with a 64-bit port.
 *   CACTI at 40 nm gives 5.26 pJ per read for it (accelergy-cacti-plug-in, cacti/out.csv).
 * - AccumulationBuffer: the same SRAM shared by a cluster of 8, 5.212 / 8 (area 10673.2 / 8).
 * - DRAM: LPDDR4 at 8 pJ/bit over a 64-bit access (accelergy-cacti-plug-in, cacti_wrapper.py,
 *   8 x width), while Timeloop charges it per 512-bit block.
 * - Registers: a quarter of the Aladdin 40 nm 1-bit register in both energy (0.009 pJ) and area
 *   (5.98 um^2). No width gives that, so no like-for-like estimate exists.
 */
const REFERENCE_PROVENANCE = [
  { component: 'MACC', as: 'int8 MAC', estimate: () => estimateArithmetic(arithmetic({ wordBits: 8 }), 'a.yaml').macEnergyPJ },
  { component: 'WeightBuffer', as: '8 KB SRAM, 64-bit read', estimate: () => sramAccessEnergy(8192, 64) },
  { component: 'InputBuffer', as: '8 KB SRAM, 64-bit read', estimate: () => sramAccessEnergy(8192, 64) },
  { component: 'GlobalBuffer', as: '8 KB SRAM, 64-bit read', estimate: () => sramAccessEnergy(8192, 64) },
  { component: 'AccumulationBuffer', as: 'that SRAM / cluster of 8', estimate: () => sramAccessEnergy(8192, 64) / 8 },
  {
    component: 'DRAM',
    as: 'LPDDR4, 64-bit access',
    estimate: () => estimateStorage(storage({ technology: 'DRAM', entries: undefined, blockSize: 8 }), 'a.yaml').readEnergyPJ,
  },
];

describe.skipIf(simbaCase === undefined)('hw-library for the components the simba-ref ERT describes', () => {
  it('matches each sourced entry within 2x', () => {
    const tables = parseEnergyTables(readFileSync(join(casesDir, simbaCase!, 'ert.yaml'), 'utf8'), 'ert.yaml');
    const lines = ['component           estimated as                hw-library pJ   reference pJ   ratio'];
    for (const row of REFERENCE_PROVENANCE) {
      const reference = tables.energies.get(row.component)!.get(row.component === 'MACC' ? 'mac_random' : 'read')!;
      const estimate = row.estimate();
      const ratio = Math.max(estimate / reference, reference / estimate);
      lines.push(`${row.component.padEnd(20)}${row.as.padEnd(28)}${estimate.toPrecision(5).padStart(13)}${reference.toPrecision(5).padStart(15)}${ratio.toFixed(2).padStart(8)}`);
      expect(ratio, row.component).toBeLessThanOrEqual(2);
    }
    console.log(lines.join('\n'));
  });
});

describe('SRAM model', () => {
  it('matches CACTI 40 nm within 2.3x', () => {
    // Reads recorded by CACTI 7 at 40 nm in accelergy-cacti-plug-in, cacti/out.csv, in pJ. The
    // 448 B point lies below the model's smallest source point (8 KB), where it extrapolates.
    const cacti = [
      { capacityBytes: 448, accessBits: 16, readPJ: 0.4997 },
      { capacityBytes: 8192, accessBits: 64, readPJ: 5.2586 },
      { capacityBytes: 102400, accessBits: 64, readPJ: 32.081 },
    ];
    for (const point of cacti) {
      const ratio = sramAccessEnergy(point.capacityBytes, point.accessBits) / point.readPJ;
      expect(ratio, `${point.capacityBytes} B`).toBeGreaterThan(1 / 2.3);
      expect(ratio, `${point.capacityBytes} B`).toBeLessThan(2.3);
    }
  });


  it('passes through the Horowitz 64-bit points', () => {
    expect(sramAccessEnergy(8192, 64)).toBeCloseTo(10, 12);
    expect(sramAccessEnergy(32768, 64)).toBeCloseTo(20, 12);
    expect(sramAccessEnergy(1048576, 64)).toBeCloseTo(100, 12);
  });

  it('grows with capacity and width', () => {
    expect(sramAccessEnergy(4096, 64)).toBeLessThan(sramAccessEnergy(8192, 64));
    expect(sramAccessEnergy(65536, 64)).toBeGreaterThan(sramAccessEnergy(32768, 64));
    expect(sramAccessEnergy(4 * 1048576, 64)).toBeGreaterThan(100);
    expect(sramAccessEnergy(8192, 32)).toBeCloseTo(10 * (0.3 + 0.7 * 0.5), 12);
    expect(sramAccessEnergy(8192, 128)).toBeGreaterThan(10);
  });

  it('charges larger buffers more energy and area', () => {
    const small = estimateStorage(storage({ entries: 4096 }), 'a.yaml');
    const large = estimateStorage(storage({ entries: 65536 }), 'a.yaml');
    expect(large.readEnergyPJ).toBeGreaterThan(small.readEnergyPJ);
    expect(large.areaUm2).toBeCloseTo(16 * small.areaUm2, 6);
  });

  it('divides a cluster array among its instances', () => {
    const single = estimateStorage(storage({ entries: 64, wordBits: 24, blockSize: 1 }), 'a.yaml');
    const clustered = estimateStorage(storage({ entries: 64, wordBits: 24, blockSize: 1, clusterSize: 8 }), 'a.yaml');
    expect(clustered.areaUm2).toBeCloseTo(single.areaUm2, 6);
    expect(clustered.readEnergyPJ).toBeCloseTo(sramAccessEnergy(64 * 24, 8 * 24) / 8, 12);
    expect(single.readEnergyPJ).toBeCloseTo(sramAccessEnergy((64 * 24) / 8, 24), 12);
  });

  it('models a single-row level as registers', () => {
    const registers = estimateStorage(storage({ entries: 1, blockSize: 1, clusterSize: 64 }), 'a.yaml');
    expect(registers.readEnergyPJ).toBeCloseTo(0.009 * 8, 12);
    expect(registers.areaUm2).toBeCloseTo(5.98 * 8, 12);
  });

  it('gives register files flip-flop area', () => {
    for (const className of ['regfile', 'smartbuffer_RF']) {
      const estimate = estimateStorage(storage({ entries: 16, wordBits: 16, blockSize: 1, className }), 'a.yaml');
      expect(estimate.areaUm2, className).toBeCloseTo(16 * 16 * 5.98, 9);
    }
    const sram = estimateStorage(storage({ entries: 16, wordBits: 16, blockSize: 1, className: 'SRAM' }), 'a.yaml');
    expect(sram.areaUm2).toBeCloseTo(16 * 16 * 1.856, 9);
  });

  it('costs nothing for a 0-entry level', () => {
    expect(estimateStorage(storage({ entries: 0 }), 'a.yaml')).toEqual({ readEnergyPJ: 0, fillEnergyPJ: 0, updateEnergyPJ: 0, areaUm2: 0 });
  });
});

describe('DRAM model', () => {
  it('charges per bit of the block by type', () => {
    const energy = (type: string | undefined) =>
      estimateStorage(storage({ technology: 'DRAM', entries: undefined, blockSize: 64, type }), 'a.yaml').readEnergyPJ;
    expect(energy(undefined)).toBe(8 * 512);
    expect(energy('hbm2')).toBeCloseTo(3.9 * 512, 9);
    expect(energy('DDR4')).toBeCloseTo(44.8 * 512, 9);
  });

  it('rejects an unknown DRAM type', () => {
    const level = storage({ technology: 'DRAM', entries: undefined, type: 'DDR9' });
    expect(() => estimateStorage(level, 'a.yaml')).toThrow(InputError);
  });
});

describe('MAC model', () => {
  it('orders number formats by cost', () => {
    const energy = (overrides: Partial<ArithmeticSpec>) => estimateArithmetic(arithmetic(overrides), 'a.yaml').macEnergyPJ;
    expect(energy({ wordBits: 8 })).toBeCloseTo(0.2 + 0.1, 12);
    expect(energy({ type: 'int16' })).toBeGreaterThan(energy({ type: 'int8' }));
    expect(energy({ type: 'fp16' })).toBeCloseTo(1.1 + 0.9, 12);
    expect(energy({ type: 'bf16' })).toBe(energy({ type: 'fp16' }));
    expect(energy({ type: 'fp32' })).toBeCloseTo(3.7 + 0.9, 12);
    expect(energy({ className: 'fpmac', wordBits: 32 })).toBe(energy({ type: 'fp32' }));
  });

  it('sums multiplier and adder areas', () => {
    expect(estimateArithmetic(arithmetic({ wordBits: 8 }), 'a.yaml').areaUm2).toBeCloseTo(282 + 137, 9);
    expect(estimateArithmetic(arithmetic({ type: 'fp32' }), 'a.yaml').areaUm2).toBe(7700 + 4184);
  });

  it('rejects a format without a model', () => {
    expect(() => estimateArithmetic(arithmetic({ type: 'fp8' }), 'a.yaml')).toThrow(InputError);
  });
});

describe('wire model', () => {
  it('reports energy per bit and mm', () => {
    expect(wireEnergyPJPerBitMm()).toBe(0.1);
  });
});
