// Runs the compiled CLI (bin/cosa.js → dist/src/cli/main.js), so build first: `npx tsc -p .`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

import { reportError } from '../src/cli/errors.js';
import { InputError } from '../src/input-error.js';
import { caseIds, casePath, readCaseText, readExpected } from './mapping-fixtures.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'cosa.js');
const RELATIVE_TOLERANCE = 1e-6;
const REFMAP = 'simba-ref__resnet50-1x1-c64k64__refmap';

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string> = {}): RunResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, COSA_DEBUG: '', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function caseArgs(id: string, overrides: { mapping?: string; problem?: string } = {}): string[] {
  return [
    'evaluate',
    '--arch', casePath(id, 'arch.yaml'),
    '--problem', overrides.problem ?? casePath(id, 'problem.yaml'),
    '--mapping', overrides.mapping ?? casePath(id, 'map.yaml'),
    '--ert', casePath(id, 'ert.yaml'),
  ];
}

/** Lists every difference between `actual` and `expected`: missing or extra keys, and numbers outside the tolerance. */
function differences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: expected number ${expected}, got ${JSON.stringify(actual)}`];
    const scale = Math.max(Math.abs(expected), Math.abs(actual));
    return Math.abs(actual - expected) <= RELATIVE_TOLERANCE * scale ? [] : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((item, index) => differences(actual[index], item, `${path}[${index}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    const actualRecord = actual as Record<string, unknown>;
    const expectedRecord = expected as Record<string, unknown>;
    const missing = Object.keys(expectedRecord).filter((key) => !(key in actualRecord)).map((key) => `${path}.${key}: missing`);
    const extra = Object.keys(actualRecord).filter((key) => !(key in expectedRecord)).map((key) => `${path}.${key}: not in expected.json`);
    const nested = Object.keys(expectedRecord)
      .filter((key) => key in actualRecord)
      .flatMap((key) => differences(actualRecord[key], expectedRecord[key], `${path}.${key}`));
    return [...missing, ...extra, ...nested];
  }
  return actual === expected ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function expectOneLineWithoutStack(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

let scratch: string;

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('dist/src/cli/main.js is missing: run `npx tsc -p .` before this test');
  }
  scratch = mkdtempSync(join(tmpdir(), 'cosa-cli-evaluate-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('cosa evaluate --json on reference cases', () => {
  for (const id of caseIds()) {
    it(`matches ${id}`, () => {
      const expected = readExpected(id);
      const result = runCli([...caseArgs(id), '--json']);

      expect(result.stderr).toBe('');
      expect(result.status).toBe(expected.ok === true ? 0 : 1);
      const actual: unknown = JSON.parse(result.stdout);
      expect(differences(actual, expected)).toEqual([]);
    });
  }
});

describe('cosa evaluate text output', () => {
  it('prints loop nest, table and totals', () => {
    const expected = readExpected(REFMAP) as { cycles: number; macc_count: number };
    const result = runCli(caseArgs(REFMAP));

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('DRAM [ Weights:');
    expect(result.stdout).toContain('| for Q in [0:7)');
    expect(result.stdout).toMatch(/^AccumulationBuffer\s+Outputs\s+128\s+56\s+3010560\s+200704\s+3211264\s+523034\.624$/m);
    expect(result.stdout).toMatch(/^MACC\s+\(MACs\)\s+1024\s+7206076\.416$/m);
    expect(result.stdout).toMatch(new RegExp(`^MACs:\\s+${expected.macc_count}$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^Cycles:\\s+${expected.cycles}$`, 'm'));
    expect(result.stdout).toMatch(/^Energy:\s+17027251\.200 pJ \(17\.027 uJ\)$/m);
    expect(result.stdout).toMatch(/^Area:\s+\S+ um² \(2\.060 mm²\)$/m);
    expect(result.stdout).toMatch(/^Utilization:\s+[\d.]+ %$/m);
  });

  it('reports an invalid mapping on stderr', () => {
    const id = 'eyeriss256__resnet50-1x1s2-down-c1024k2048__inv-factor-product-lt';
    const result = runCli(caseArgs(id));

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('GlobalBuffer [ Inputs Outputs ]');
    expect(result.stderr).toBe(`invalid mapping: ${readExpected(id).error}\n`);
  });
});

describe('cosa evaluate --mapspace', () => {
  it('takes bypass from the mapspace where the mapping has none', () => {
    const id = 'mini3__resnet50-1x1-c64k64__m1';
    const entries = parseYaml(readCaseText(id, 'map.yaml')).mapping as { type: string }[];
    const mapping = join(scratch, 'loops-only.yaml');
    writeFileSync(mapping, stringifyYaml({ mapping: entries.filter((entry) => entry.type !== 'datatype') }));
    const mapspace = join(scratch, 'mapspace.yaml');
    writeFileSync(
      mapspace,
      stringifyYaml({
        mapspace: {
          constraints: [
            { target: 'RegFile', type: 'bypass', keep: ['Weights'], bypass: ['Inputs', 'Outputs'] },
            { target: 'GlobalBuffer', type: 'bypass', keep: ['Inputs', 'Outputs'], bypass: ['Weights'] },
          ],
        },
      }),
    );

    const withMapspace = runCli([...caseArgs(id, { mapping }), '--mapspace', mapspace, '--json']);
    const withoutMapspace = runCli([...caseArgs(id, { mapping }), '--json']);

    expect(withMapspace.status).toBe(0);
    expect(Object.keys(JSON.parse(withMapspace.stdout).levels.RegFile.dataspaces)).toEqual(['Weights']);
    expect(differences(JSON.parse(withMapspace.stdout), readExpected(id))).toEqual([]);
    // Without the mapspace RegFile keeps all three data spaces, which overflow its 64 entries.
    expect(withoutMapspace.status).toBe(1);
    expect(JSON.parse(withoutMapspace.stdout).error).toMatch(/^ERROR: couldn't map level RegFile: mapped tile size \d+ exceeds buffer capacity 64$/);
  });

  it('rejects a factor constraint at an unknown level, as schedule does', () => {
    const id = 'mini3__resnet50-1x1-c64k64__m1';
    const mapspace = join(scratch, 'misspelt-level.yaml');
    writeFileSync(mapspace, stringifyYaml({ mapspace: { constraints: [{ target: 'GlobalBufer', type: 'temporal', factors: 'R=1' }] } }));

    const result = runCli([...caseArgs(id), '--mapspace', mapspace, '--json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('target = "GlobalBufer": unknown storage level; did you mean GlobalBuffer?');
  });
});

describe('cosa evaluate input errors', () => {
  it('rejects malformed YAML with exit 2', () => {
    const mapping = join(scratch, 'malformed.yaml');
    writeFileSync(mapping, 'mapping:\n  - target: DRAM\n    type: [temporal\n');

    const result = runCli([...caseArgs(REFMAP, { mapping }), '--json']);

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^error: ${mapping}: YAML: invalid YAML: `));
    expectOneLineWithoutStack(result.stderr);
  });

  it('rejects an unknown mapping key with exit 2', () => {
    const mapping = join(scratch, 'unknown-key.yaml');
    writeFileSync(mapping, readCaseText(REFMAP, 'map.yaml').replace('permutation: PRSQCKN', 'permutaton: PRSQCKN'));

    const result = runCli([...caseArgs(REFMAP, { mapping }), '--json']);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`error: ${mapping}: mapping[0].permutaton: unknown key; did you mean permutation? valid keys: target, type, factors, permutation (in a temporal entry)\n`);
    expectOneLineWithoutStack(result.stderr);
  });

  it('rejects an unknown problem key with exit 2', () => {
    const problem = join(scratch, 'problem.yaml');
    writeFileSync(problem, readCaseText(REFMAP, 'problem.yaml').replace('Wstride:', 'Wstrde:'));

    const result = runCli(caseArgs(REFMAP, { problem }));

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^error: ${problem}: .*Wstrde`));
    expectOneLineWithoutStack(result.stderr);
  });

  it('rejects a missing file with exit 2', () => {
    const mapping = join(scratch, 'absent.yaml');
    const result = runCli(caseArgs(REFMAP, { mapping }));

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`error: ${mapping}: file: not found; check the path\n`);
  });

  it('rejects a missing option with exit 2', () => {
    const result = runCli(['evaluate', '--arch', casePath(REFMAP, 'arch.yaml')]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("required option '--problem <file>' not specified");
  });
});

describe('cosa help', () => {
  it('lists the evaluate command', () => {
    const result = runCli(['--help']);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: cosa /m);
    expect(result.stdout).toMatch(/^\s+evaluate \[options\]\s+evaluate one mapping/m);
  });

  it('explains every evaluate option with its unit', () => {
    const result = runCli(['evaluate', '--help']);

    expect(result.status).toBe(0);
    for (const option of ['--arch <file>', '--problem <file>', '--mapping <file>', '--ert <file>', '--mapspace <file>', '--json']) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toContain('energy per action in pJ');
    expect(result.stdout).toContain('area per instance in um²');
    expect(result.stdout).toContain('Exit status:');
  });
});

describe('reportError', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  function captureStderr(): string[] {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  }

  it('prints an input error as one line', () => {
    const written = captureStderr();

    const status = reportError(new InputError('arch.yaml', 'storage[2].entries', -1, 'must be a positive integer'));

    expect(status).toBe(2);
    expect(written).toEqual(['error: arch.yaml: storage[2].entries = -1: must be a positive integer\n']);
  });

  it('asks to report other errors as bugs', () => {
    vi.stubEnv('COSA_DEBUG', '');
    const written = captureStderr();

    const status = reportError(new TypeError('cannot read x\nof undefined'));

    expect(status).toBe(1);
    expect(written[0]).toBe('internal error: TypeError: cannot read x of undefined\n');
    expect(written[1]).toMatch(/bug in cosa.*COSA_DEBUG=1/);
    expect(written.join('')).not.toMatch(/^\s+at /m);
  });

  it('prints the stack trace with COSA_DEBUG=1', () => {
    vi.stubEnv('COSA_DEBUG', '1');
    const written = captureStderr();

    reportError(new Error('boom'));

    expect(written.join('')).toMatch(/^\s+at /m);
  });
});
