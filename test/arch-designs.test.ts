// Parameterised designs: defaults reproduce the reference architectures, parameters change them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesign, DESIGN_NAMES, designParameters, describeDesignParameters } from '../src/arch/designs.js';
import { parseArchitectureSpec } from '../src/arch/parse.js';
import type { Architecture } from '../src/arch/types.js';
import { inputError } from './input-error-helper.js';

const casesDir = join(import.meta.dirname, '..', '..', 'shared', 'reference', 'cases');
const caseNames = existsSync(casesDir) ? readdirSync(casesDir) : [];

/** Keep the structural fields of an architecture: everything but energies, areas and model traits. */
function structure(arch: { arithmetic: object; levels: object[] }) {
  const pick = (level: Record<string, unknown>) => {
    const { readEnergyPJ, fillEnergyPJ, updateEnergyPJ, areaUm2, macEnergyPJ, className, type, ...rest } = level;
    return rest;
  };
  return { arithmetic: pick(arch.arithmetic as Record<string, unknown>), levels: arch.levels.map((level) => pick(level as Record<string, unknown>)) };
}

function referenceSpec(prefix: string) {
  const caseName = caseNames.find((name) => name.startsWith(prefix))!;
  const file = join(casesDir, caseName, 'arch.yaml');
  return parseArchitectureSpec(readFileSync(file, 'utf8'), file);
}

function totalArea(arch: Architecture): number {
  return arch.arithmetic.instances * arch.arithmetic.areaUm2 + arch.levels.reduce((sum, level) => sum + level.instances * level.areaUm2, 0);
}

describe('design defaults', () => {
  it.each(DESIGN_NAMES)('%s builds with its defaults', (name) => {
    const { architecture, keep } = buildDesign(name);
    expect(architecture.name).toBe(name);
    expect(keep).toHaveLength(architecture.levels.length);
    expect(architecture.levels.every((level) => level.readEnergyPJ >= 0 && level.areaUm2 >= 0)).toBe(true);
    expect(architecture.arithmetic.macEnergyPJ).toBeGreaterThan(0);
    expect(Object.keys(designParameters(name))).toEqual(describeDesignParameters(name).map((parameter) => parameter.name));
  });

  it.skipIf(caseNames.length === 0)('simba defaults equal the simba-ref structure', () => {
    const { architecture } = buildDesign('simba');
    expect(structure(architecture)).toEqual(structure(referenceSpec('simba-ref__')));
  });

  it.skipIf(caseNames.length === 0)('eyeriss defaults equal the eyeriss256 structure', () => {
    const { architecture } = buildDesign('eyeriss');
    expect(structure(architecture)).toEqual(structure(referenceSpec('eyeriss256__')));
  });

  it('gives simba the CoSA keep pattern', () => {
    const { architecture, keep } = buildDesign('simba');
    const kept = Object.fromEntries(
      architecture.levels.map((level, index) => [level.name, Object.entries(keep[index]).filter(([, isKept]) => isKept).map(([name]) => name)]),
    );
    expect(kept).toEqual({
      Registers: ['Weights'],
      AccumulationBuffer: ['Outputs'],
      WeightBuffer: ['Weights'],
      InputBuffer: ['Inputs'],
      GlobalBuffer: ['Inputs', 'Outputs'],
      DRAM: ['Weights', 'Inputs', 'Outputs'],
    });
  });

  it('gives eyeriss the row-stationary keep pattern', () => {
    const { keep } = buildDesign('eyeriss');
    expect(keep.map((level) => Object.entries(level).filter(([, isKept]) => isKept).map(([name]) => name))).toEqual([
      ['Outputs'],
      ['Weights'],
      ['Inputs'],
      [],
      ['Inputs', 'Outputs'],
      ['Weights', 'Inputs', 'Outputs'],
    ]);
  });
});

describe('design parameters', () => {
  it.skipIf(caseNames.length === 0)('reproduce simba-s16x4 with 4 lanes of 4 MACs', () => {
    const { architecture } = buildDesign('simba', {
      lanes: 4,
      macs_per_lane: 4,
      accumulation_buffer_kib: 0.09375,
      weight_buffer_kib: 4,
      input_buffer_kib: 2,
      global_buffer_kib: 32,
      global_buffer_block: 32,
    });
    expect(architecture.arithmetic.instances).toBe(256);
    expect(structure(architecture)).toEqual(structure(referenceSpec('simba-s16x4__')));
  });

  it('change energy and area with the buffer size', () => {
    const small = buildDesign('simba', { global_buffer_kib: 32 }).architecture;
    const large = buildDesign('simba', { global_buffer_kib: 256 }).architecture;
    const buffer = (arch: Architecture) => arch.levels.find((level) => level.name === 'GlobalBuffer')!;
    expect(buffer(large).readEnergyPJ).toBeGreaterThan(buffer(small).readEnergyPJ);
    expect(totalArea(large)).toBeGreaterThan(totalArea(small));
  });

  it('size eyeriss register files in KiB', () => {
    const { architecture } = buildDesign('eyeriss', { weight_buffer_kib: 0.75 });
    expect(architecture.levels[1]).toMatchObject({ name: 'WeightRegFile', entries: 384 });
    expect(inputError(() => buildDesign('eyeriss', { input_buffer_kib: 0.001 })).field).toContain('input_buffer_kib');
  });

  it('change area with the PE count', () => {
    const base = buildDesign('eyeriss').architecture;
    const wider = buildDesign('eyeriss', { pes: 512 }).architecture;
    expect(wider.arithmetic.instances).toBe(512);
    expect(totalArea(wider)).toBeGreaterThan(totalArea(base));
  });

  it('set the MAC number format', () => {
    const integer = buildDesign('simba').architecture.arithmetic;
    const float = buildDesign('simba', { mac_type: 'fp16', word_bits: 16 }).architecture.arithmetic;
    expect(float.macEnergyPJ).toBeCloseTo(2.0, 12);
    expect(float.areaUm2).toBeGreaterThan(integer.areaUm2);
  });

  it('set the DRAM type and bandwidth', () => {
    const dram = buildDesign('simba', { dram: 'HBM2', dram_bandwidth: '16' }).architecture.levels.at(-1)!;
    expect(dram.readBandwidth).toBe(16);
    expect(dram.writeBandwidth).toBe(16);
    expect(dram.readEnergyPJ).toBeCloseTo(3.9 * 512, 9);
    expect(buildDesign('simba').architecture.levels.at(-1)!.readBandwidth).toBeUndefined();
  });

  it('reject an unknown parameter with the nearest name', () => {
    const error = inputError(() => buildDesign('simba', { lane: 4 }));
    expect(error.field).toBe('parameters.lane');
    expect(error.message).toContain('did you mean lanes?');
  });

  it.each([
    ['pes', 0],
    ['pes', 2.5],
    ['dram', 'ddr5'],
    ['dram_bandwidth', -1],
    ['global_buffer_kib', 'big'],
  ])('reject %s = %s', (name, value) => {
    expect(inputError(() => buildDesign('simba', { [name]: value })).field).toBe(`parameters.${name}`);
  });

  it('reject sizes that are not whole words', () => {
    const error = inputError(() => buildDesign('simba', { accumulation_buffer_kib: 0.1 }));
    expect(error.field).toContain('accumulation_buffer_kib');
  });

  it('reject a PE count that does not fill the grid rows', () => {
    const error = inputError(() => buildDesign('eyeriss', { pe_columns: 7 }));
    expect(error.field).toContain('pe_columns');
  });

  it('reject an unknown design name', () => {
    expect(inputError(() => buildDesign('simbaa')).message).toContain('did you mean simba?');
  });
});
