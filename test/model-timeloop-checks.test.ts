// Random mappings with timeloop-model 019f107's own figures, each pinning a Timeloop rule that the
// reference cases do not exercise (see test/timeloop-checks/README.md). Architectures and energy
// tables come from the shared reference cases.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES_DIR, evaluateCaseFiles } from './reference.js';

const checksDir = join(import.meta.dirname, 'timeloop-checks');
const casesDir = CASES_DIR;
const caseNames = existsSync(casesDir) ? readdirSync(casesDir) : [];

interface Expected {
  /** The shared reference architecture; absent when the folder has its own arch.yaml and ert.yaml. */
  arch?: string;
  ok: boolean;
  error?: string;
  cycles?: number;
  levels?: Record<string, { cycles: number; dataspaces: Record<string, Record<string, number>> }>;
}

describe('timeloop-model checks', () => {
  it.each(readdirSync(checksDir).filter((name) => !name.includes('.')))('%s', (name) => {
    const dir = join(checksDir, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    if (expected.arch !== undefined && caseNames.length === 0) return;
    const archDir = expected.arch === undefined ? dir : join(casesDir, caseNames.find((caseName) => caseName.startsWith(`${expected.arch}__`))!);
    const { arch, result } = evaluateCaseFiles(archDir, dir);

    if (!expected.ok) {
      expect(result).toEqual({ ok: false, error: expected.error });
      return;
    }
    if (!result.ok) throw new Error(result.error);
    expect(result.cycles).toBe(expected.cycles);
    for (const [levelName, want] of Object.entries(expected.levels!)) {
      const got = levelName === arch.arithmetic.name ? undefined : result.levels[levelName];
      if (got === undefined) continue;
      expect(got.cycles, `${levelName} cycles`).toBe(want.cycles);
      for (const [dataSpace, counts] of Object.entries(want.dataspaces)) {
        expect(got.dataspaces[dataSpace as keyof typeof got.dataspaces], `${levelName}.${dataSpace}`).toMatchObject(counts);
      }
    }
  });
});
