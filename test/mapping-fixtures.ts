// Reference cases read just far enough for the mapping tests: level names, instances and
// meshX (for fan-out) and the layer's dimensions. Energies and areas are left at zero because
// parsing, writing and printing a mapping do not use them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

import type { Architecture, StorageLevel } from '../src/arch/types.js';
import type { Layer } from '../src/workload/layer.js';

import { CASES_DIR } from './reference.js';

export { CASES_DIR };

export function caseIds(): string[] {
  return readdirSync(CASES_DIR).filter((name) => !name.startsWith('.')).sort();
}

export function casePath(id: string, file: string): string {
  return join(CASES_DIR, id, file);
}

export function readCaseText(id: string, file: string): string {
  return readFileSync(casePath(id, file), 'utf8');
}

export function readExpected(id: string): Record<string, unknown> {
  return JSON.parse(readCaseText(id, 'expected.json'));
}

interface RawUnit {
  name?: string;
  instances?: number;
  meshX?: number;
  'word-bits'?: number;
}

export function caseArchitecture(id: string): Architecture {
  const raw = parse(readCaseText(id, 'arch.yaml')).arch as { arithmetic: RawUnit; storage: RawUnit[] };
  const arithmetic = raw.arithmetic;
  const arithmeticInstances = arithmetic.instances ?? 1;
  return {
    name: id.split('__')[0],
    arithmetic: {
      name: arithmetic.name ?? '__ARITH__',
      instances: arithmeticInstances,
      meshX: arithmetic.meshX ?? arithmeticInstances,
      wordBits: arithmetic['word-bits'] ?? 16,
      macEnergyPJ: 0,
      areaUm2: 0,
    },
    levels: raw.storage.map((unit): StorageLevel => {
      const instances = unit.instances ?? 1;
      return {
        name: unit.name ?? 'unnamed',
        entries: undefined,
        instances,
        meshX: unit.meshX ?? instances,
        wordBits: unit['word-bits'] ?? 16,
        blockSize: 1,
        clusterSize: 1,
        numBanks: 1,
        numPorts: 1,
        readBandwidth: undefined,
        writeBandwidth: undefined,
        technology: undefined,
        readEnergyPJ: 0,
        fillEnergyPJ: 0,
        updateEnergyPJ: 0,
        areaUm2: 0,
      };
    }),
  };
}

export function caseLayer(id: string): Layer {
  const raw = parse(readCaseText(id, 'problem.yaml')).problem as Record<string, number>;
  return {
    R: raw.R,
    S: raw.S,
    P: raw.P,
    Q: raw.Q,
    C: raw.C,
    K: raw.K,
    N: raw.N,
    Wstride: raw.Wstride ?? 1,
    Hstride: raw.Hstride ?? 1,
    Wdilation: raw.Wdilation ?? 1,
    Hdilation: raw.Hdilation ?? 1,
    G: 1,
  };
}
