// Architecture files in Timeloop's flat format: the reference cases and the parser's rules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchitecture, parseArchitecture } from '../src/arch/load.js';
import { parseArchitectureSpec } from '../src/arch/parse.js';
import { inputError } from './input-error-helper.js';

const casesDir = join(import.meta.dirname, '..', '..', 'shared', 'reference', 'cases');
const caseNames = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];

/** Write flat YAML with one arithmetic unit and the given storage levels. */
function flatArch(storage: string, arithmetic = '  arithmetic: {name: MAC, instances: 4, word-bits: 8}'): string {
  return `arch:\n${arithmetic}\n  storage:\n${storage}`;
}

describe.skipIf(caseNames.length === 0)('reference case architectures', () => {
  it.each(caseNames)('%s areas and level order', (caseName) => {
    const dir = join(casesDir, caseName);
    const arch = loadArchitecture(join(dir, 'arch.yaml'), { ertPath: join(dir, 'ert.yaml') });
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    if (!expected.ok) return;

    expect(arch.levels.map((level) => level.name)).toEqual(expected.level_order);
    expect(arch.arithmetic.name).toBe(expected.arithmetic.name);
    expect(arch.arithmetic.instances * arch.arithmetic.areaUm2).toBe(expected.arithmetic.area_um2);
    for (const level of arch.levels) {
      expect(level.instances * level.areaUm2, level.name).toBe(expected.levels[level.name].area_um2);
    }
  });
});

describe.skipIf(caseNames.length === 0)('reference case details', () => {
  const load = (prefix: string) => {
    const caseName = caseNames.find((name) => name.startsWith(prefix))!;
    return loadArchitecture(join(casesDir, caseName, 'arch.yaml'), { ertPath: join(casesDir, caseName, 'ert.yaml') });
  };

  it('halves the flat bandwidth of simba-bw20 DRAM', () => {
    const dram = load('simba-bw20__').levels.at(-1)!;
    expect(dram.readBandwidth).toBe(10);
    expect(dram.writeBandwidth).toBe(10);
    expect(dram.entries).toBeUndefined();
  });

  it('names unnamed arithmetic __ARITH__ and finds its ERT entry', () => {
    const arch = load('simba-bw20__');
    expect(arch.arithmetic.name).toBe('__ARITH__');
    expect(arch.arithmetic.macEnergyPJ).toBe(0.561);
  });

  it('reads sizeKB of eyeriss256 GlobalBuffer as words', () => {
    const buffer = load('eyeriss256__').levels.find((level) => level.name === 'GlobalBuffer')!;
    expect(buffer.entries).toBe(65536);
    expect(buffer.blockSize).toBe(4);
    expect(buffer.readBandwidth).toBe(16);
    expect(buffer.meshX).toBe(1);
  });

  it('keeps separate read and write bandwidths of simba-l64x8', () => {
    const dram = load('simba-l64x8__').levels.at(-1)!;
    expect(dram.readBandwidth).toBe(64);
    expect(dram.writeBandwidth).toBe(32);
  });

  it('reads simba-ref clusters, banks and ports', () => {
    const [registers, accumulation, weights] = load('simba-ref__').levels;
    expect(registers).toMatchObject({ entries: 1, instances: 1024, meshX: 1024, clusterSize: 64, numBanks: 8, numPorts: 2 });
    expect(accumulation).toMatchObject({ entries: 64, wordBits: 24, instances: 128, clusterSize: 8, numBanks: 2 });
    expect(weights).toMatchObject({ entries: 16384, blockSize: 8, numPorts: 1, readEnergyPJ: 5.212, fillEnergyPJ: 5.212 });
  });

  it('uses separate read and write energies of eyeriss256', () => {
    const psum = load('eyeriss256__').levels[0];
    expect(psum.readEnergyPJ).toBe(0.24);
    expect(psum.fillEnergyPJ).toBe(0.28);
    expect(psum.updateEnergyPJ).toBe(0.28);
  });
});

describe('flat format rules', () => {
  it('applies Timeloop defaults', () => {
    const spec = parseArchitectureSpec(flatArch('  - {name: Buffer, entries: 32, instances: 1}'), 'a.yaml');
    expect(spec.levels[0]).toMatchObject({ wordBits: 16, blockSize: 1, clusterSize: 1, numPorts: 2, numBanks: 2 });
    expect(spec.levels[0].readBandwidth).toBeUndefined();
  });

  it('converts sizeKB with the word size', () => {
    const spec = parseArchitectureSpec(flatArch('  - {name: Buffer, sizeKB: 2, word-bits: 8, instances: 1}'), 'a.yaml');
    expect(spec.levels[0].entries).toBe(2048);
  });

  it('halves a flat bandwidth and lets explicit keys win', () => {
    const spec = parseArchitectureSpec(
      flatArch('  - {name: Buffer, entries: 8, instances: 1, bandwidth: 6, write_bandwidth: 5}'),
      'a.yaml',
    );
    expect(spec.levels[0].readBandwidth).toBe(3);
    expect(spec.levels[0].writeBandwidth).toBe(5);
  });

  it('gives DRAM unbounded capacity', () => {
    const spec = parseArchitectureSpec(flatArch('  - {name: Main, technology: DRAM, instances: 1}'), 'a.yaml');
    expect(spec.levels[0].entries).toBeUndefined();
    expect(spec.levels[0].technology).toBe('DRAM');
  });

  it('rejects a clustered DRAM', () => {
    const error = inputError(() => parseArchitectureSpec(flatArch('  - {name: D, technology: DRAM, instances: 1, cluster-size: 2}'), 'a.yaml'));
    expect(error.field).toBe('arch.storage[0].cluster-size');
  });

  it('derives meshX from meshY', () => {
    const spec = parseArchitectureSpec(flatArch('  - {name: Buffer, entries: 8, instances: 8, meshY: 2}', '  arithmetic: {name: MAC, instances: 16, meshX: 8}'), 'a.yaml');
    expect(spec.levels[0].meshX).toBe(4);
  });

  it('rejects more instances above than below', () => {
    const error = inputError(() => parseArchitectureSpec(flatArch('  - {name: Buffer, entries: 8, instances: 8}'), 'a.yaml'));
    expect(error.message).toContain('the fan-out from Buffer to the arithmetic would be 0.5 x 1');
  });

  it('rejects a mesh that does not divide the one below', () => {
    const arithmetic = '  arithmetic: {name: MAC, instances: 12, meshX: 6}';
    const error = inputError(() => parseArchitectureSpec(flatArch('  - {name: Buffer, entries: 8, instances: 4, meshX: 4}', arithmetic), 'a.yaml'));
    expect(error.message).toContain('the fan-out from Buffer to the arithmetic would be 1.5 x 2');
  });

  it('derives block size from depth and width', () => {
    const spec = parseArchitectureSpec(flatArch('  - {name: Buffer, depth: 16, width: 64, word-bits: 8, instances: 1}'), 'a.yaml');
    expect(spec.levels[0].blockSize).toBe(8);
    expect(spec.levels[0].entries).toBe(128);
  });

  it('rejects an unknown key with the nearest spelling', () => {
    const error = inputError(() => parseArchitectureSpec(flatArch('  - {name: Buffer, entries: 8, instances: 1, blocksize: 4}'), 'a.yaml'));
    expect(error.field).toBe('arch.storage[0].blocksize');
    expect(error.message).toContain('did you mean block-size?');
  });

  it('rejects an unknown arithmetic key', () => {
    const error = inputError(() =>
      parseArchitectureSpec(flatArch('  - {name: B, entries: 8, instances: 1}', '  arithmetic: {instances: 4, wordbits: 8}'), 'a.yaml'),
    );
    expect(error.message).toContain('did you mean word-bits?');
  });

  it('rejects two sizes for one level', () => {
    const error = inputError(() => parseArchitectureSpec(flatArch('  - {name: B, entries: 8, sizeKB: 1, instances: 1}'), 'a.yaml'));
    expect(error.field).toBe('arch.storage[0].sizeKB');
  });

  it('rejects a level without instances', () => {
    const error = inputError(() => parseArchitectureSpec(flatArch('  - {name: B, entries: 8}'), 'a.yaml'));
    expect(error.field).toBe('arch.storage[0].instances');
  });

  it('rejects a meshX that does not divide instances', () => {
    const error = inputError(() => parseArchitectureSpec(flatArch('  - {name: B, entries: 8, instances: 6, meshX: 4}'), 'a.yaml'));
    expect(error.field).toBe('arch.storage[0].meshX');
  });

  it('rejects multiple buffering, which the cost model lacks', () => {
    const error = inputError(() =>
      parseArchitectureSpec(flatArch('  - {name: B, entries: 8, instances: 1, multiple-buffering: 2}'), 'a.yaml'),
    );
    expect(error.field).toBe('arch.storage[0].multiple-buffering');
  });

  it('rejects duplicate level names', () => {
    const error = inputError(() =>
      parseArchitectureSpec(flatArch('  - {name: B, entries: 8, instances: 1}\n  - {name: B, entries: 8, instances: 1}'), 'a.yaml'),
    );
    expect(error.message).toContain('duplicate');
  });

  it('rejects a missing arch section', () => {
    const error = inputError(() => parseArchitectureSpec('problem: {}', 'a.yaml'));
    expect(error.field).toBe('arch');
  });

  it('accepts harmless network keys and a string number', () => {
    const arch = parseArchitecture(
      flatArch('  - {name: B, entries: 8, instances: 1, network-word-bits: 16, network_read: Net}\n  - {name: D, technology: "DRAM", instances: 1, bandwidth: "20.0"}'),
      'a.yaml',
    );
    expect(arch.levels[1].readBandwidth).toBe(10);
  });
});
