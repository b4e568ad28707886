// Every Timeloop reference case: cycles and access counts equal, energy and area within 1e-6.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES_DIR, evaluateCaseFiles } from './reference.js';

const casesDir = CASES_DIR;
const caseNames = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];
if (caseNames.length === 0 && process.env.CI) {
  throw new Error(`reference cases not found in ${casesDir}: CI must provide the shared reference folder`);
}

function expectClose(actual: number, expected: number, label: string): void {
  const scale = Math.max(Math.abs(expected), 1e-12);
  expect(Math.abs(actual - expected) / scale, `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-6);
}

describe.skipIf(caseNames.length === 0)('Timeloop reference cases', () => {
  it.each(caseNames)('%s', (caseName) => {
    const dir = join(casesDir, caseName);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const { result } = evaluateCaseFiles(dir, dir);

    if (!expected.ok) {
      expect(result).toEqual({ ok: false, error: expected.error });
      return;
    }
    if (!result.ok) throw new Error(result.error);

    expect(result.cycles).toBe(expected.cycles);
    expect(result.macc_count).toBe(expected.macc_count);
    expect(result.level_order).toEqual(expected.level_order);
    expect(result.arithmetic.utilized_instances).toBe(expected.arithmetic.utilized_instances);
    expectClose(result.arithmetic.energy_pJ, expected.arithmetic.energy_pJ, 'arithmetic energy');
    for (const levelName of expected.level_order as string[]) {
      const want = expected.levels[levelName];
      const got = result.levels[levelName];
      expect(got.cycles, `${levelName} cycles`).toBe(want.cycles);
      expect(Object.keys(got.dataspaces).sort(), `${levelName} kept data spaces`).toEqual(Object.keys(want.dataspaces).sort());
      for (const [dataSpace, wantStats] of Object.entries<Record<string, number>>(want.dataspaces)) {
        const gotStats = (got.dataspaces as Record<string, Record<string, number>>)[dataSpace];
        for (const key of Object.keys(wantStats)) {
          if (key === 'energy_pJ') expectClose(gotStats[key], wantStats[key], `${levelName}.${dataSpace}.${key}`);
          else expect(gotStats[key], `${levelName}.${dataSpace}.${key}`).toBe(wantStats[key]);
        }
      }
      expectClose(got.energy_pJ, want.energy_pJ, `${levelName} energy`);
      expectClose(got.area_um2, want.area_um2, `${levelName} area`);
    }
    expectClose(result.energy_pJ, expected.energy_pJ, 'total energy');
    expectClose(result.area_um2, expected.area_um2, 'total area');
    expectClose(result.utilization, expected.utilization, 'utilization');
  });
});
