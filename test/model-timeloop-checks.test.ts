// Random mappings with timeloop-model 019f107's own figures, each pinning a Timeloop rule that the
// reference cases do not exercise (see test/timeloop-checks/README.md). Architectures and energy
// tables come from the shared reference cases.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../src/arch/load.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import { loadProblem } from '../src/workload/problem.js';

const checksDir = join(import.meta.dirname, 'timeloop-checks');
const casesDir = join(import.meta.dirname, '..', '..', 'shared', 'reference', 'cases');
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
    const arch = loadArchitecture(join(archDir, 'arch.yaml'), { ertPath: join(archDir, 'ert.yaml') });
    const layer = loadProblem(join(dir, 'problem.yaml'));
    const mapping = parseMapping(readFileSync(join(dir, 'map.yaml'), 'utf8'), join(dir, 'map.yaml'), arch, layer);

    const result = evaluate(arch, layer, mapping);

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
