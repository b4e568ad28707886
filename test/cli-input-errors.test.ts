// Bad paths, files and values given to the compiled CLI (build first: `npx tsc -p .`). Each must
// give one `error:` line naming the input and exit 2, never an internal error or a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { parseMapspaceKeep } from '../src/arch/bypass.js';
import { loadArchitecture } from '../src/arch/load.js';
import { reportError } from '../src/cli/errors.js';
import { openStore } from '../src/store/open.js';
import { jobResultWriter, registerSweep, updateNetworkResults } from '../src/store/write.js';
import { planSweep } from '../src/sweep/planner.js';
import { parseShard } from '../src/sweep/shard.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { parseProblem } from '../src/workload/problem.js';
import { casePath } from './mapping-fixtures.js';
import { makeSweepFixture } from './sweep-helpers.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'cosa.js');
const SIMBA_CASE = 'simba-bw20__resnet50-1x1-c64k64__m2';

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let notDatabase: string;
let folder: string;
let specPath: string;

function run(args: string[]): RunResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, COSA_DEBUG: '' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Asserts exit status 2 and a last stderr line `error: ...` containing `expected`. Only with
 * `afterPlan` (sweep run prints its plan first) may other lines, none of them errors, precede it.
 */
function expectInputError(result: RunResult, expected: string, { afterPlan = false } = {}): string {
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  const lines = result.stderr.trimEnd().split('\n');
  if (afterPlan) expect(lines.slice(0, -1).filter((line) => line.startsWith('error'))).toEqual([]);
  else expect(lines).toHaveLength(1);
  const line = lines[lines.length - 1];
  expect(line).toMatch(/^error: /);
  expect(line).toContain(expected);
  expect(result.status).toBe(2);
  return line;
}

function simbaArgs(command: 'schedule' | 'evaluate'): string[] {
  return [command, '--arch', casePath(SIMBA_CASE, 'arch.yaml'), '--problem', casePath(SIMBA_CASE, 'problem.yaml'), '--ert', casePath(SIMBA_CASE, 'ert.yaml')];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosa-input-errors-'));
  notDatabase = join(dir, 'notes.sqlite');
  writeFileSync(notDatabase, 'These are notes, not a SQLite database. '.repeat(4));
  folder = join(dir, 'folder');
  mkdirSync(folder);
  specPath = makeSweepFixture('    pes: [1]\n').specPath;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a file that is not a results database', () => {
  it.each([
    ['sweep status', ['sweep', 'status', '--db']],
    ['pareto', ['pareto', '--db']],
    ['export', ['export', '--csv', '--db']],
    ['report', ['report', '--db']],
  ])('is one input line in %s', (_name, args) => {
    expectInputError(run([...args, notDatabase]), `${notDatabase}: db: is not a results database`);
  });

  it('is one input line as a merge input', () => {
    expectInputError(run(['results', 'merge', join(dir, 'merged.sqlite'), notDatabase]), `${notDatabase}: db: is not a results database`);
  });

  it('is one input line as the merge output', () => {
    const input = join(dir, 'shard.sqlite');
    const db = openStore(input, { create: true });
    registerSweep(db, planSweep(loadSweepSpec(specPath)));
    db.close();
    expectInputError(run(['results', 'merge', notDatabase, input]), `${notDatabase}: db: is not a results database`);
  });

  it('is one input line in sweep run after the plan', () => {
    const result = run(['sweep', 'run', specPath, '--db', notDatabase]);
    const line = expectInputError(result, 'is not a results database', { afterPlan: true });
    expect(line).toContain('a new file name');
    expect(readFileSync(notDatabase, 'utf8')).toMatch(/^These are notes/);
  });
});

/** The four commands that only read a results database; each takes the path last. */
const READ_ONLY_COMMANDS: [string, string[]][] = [
  ['sweep status', ['sweep', 'status', '--db']],
  ['pareto', ['pareto', '--db']],
  ['export', ['export', '--csv', '--db']],
  ['report', ['report', '--db']],
];

/** Size and modification time, to check that a command left a file as it was. */
function fileState(path: string): { size: number; mtimeMs: number } {
  const { size, mtimeMs } = statSync(path);
  return { size, mtimeMs };
}

/** Sets a file's times to 2020, so that any write would change its mtime visibly. */
function ageFile(path: string): void {
  const old = new Date('2020-01-01T00:00:00Z');
  utimesSync(path, old, old);
}

describe('an empty file as --db', () => {
  it.each(READ_ONLY_COMMANDS)('is rejected and left unchanged by %s', (_name, args) => {
    const empty = join(dir, 'zero.sqlite');
    writeFileSync(empty, '');
    ageFile(empty);
    const before = fileState(empty);
    expectInputError(run([...args, empty]), `${empty}: db: is not a results database (the file is empty)`);
    expect(fileState(empty)).toEqual(before);
  });
});

describe('read-only commands on a results database', () => {
  let dbPath: string;

  beforeAll(() => {
    // One design point whose jobs are done with figures as a solve leaves them: fractional seconds
    // and energies with binary rounding noise.
    dbPath = join(dir, 'read-only.sqlite');
    const db = openStore(dbPath, { create: true });
    const plan = planSweep(loadSweepSpec(specPath));
    const sweepId = registerSweep(db, plan);
    jobResultWriter(db)(plan.jobs.map((job) => ({ key: job.key, status: 'done' as const, mapperStatus: 'optimal' as const, solveSeconds: 0.1 + 0.2, cycles: 10269727973505, energyPJ: 10184792.064000001 })));
    updateNetworkResults(db, sweepId);
    db.close();
    ageFile(dbPath);
  });

  it.each(READ_ONLY_COMMANDS)('leaves the file unchanged in %s', (_name, args) => {
    const before = fileState(dbPath);
    const result = run([...args, dbPath, ...(args[0] === 'report' ? ['--out', join(dir, 'read-only.html')] : [])]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fileState(dbPath)).toEqual(before);
  });

  it('prints CSV numbers with 12 significant digits', () => {
    const result = run(['export', '--csv', '--layers', '--db', dbPath]);
    expect(result.status).toBe(0);
    const row = result.stdout.trimEnd().split('\n')[1];
    expect(row).toContain(',0.3,');
    expect(row).toContain(',10269727973505,10184792.064');
    expect(result.stdout).not.toContain('10184792.064000001');
  });

  it('shows no parameter columns for one design point', () => {
    const result = run(['pareto', '--db', dbPath]);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toContain('1 Pareto-optimal of 1 complete design point');
    expect(lines[1]).toMatch(/^point\s+latency \(cycles\)/);
  });
});

describe('pareto without complete design points', () => {
  it('prints how to finish the sweep and exits 0', () => {
    const path = join(dir, 'pending.sqlite');
    const db = openStore(path, { create: true });
    // As a run stopped before its first result leaves the database.
    updateNetworkResults(db, registerSweep(db, planSweep(loadSweepSpec(specPath))));
    db.close();

    const result = run(['pareto', '--db', path]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `no design point has results for every layer yet (1 design point with a failed or missing layer); run or resume the sweep with \`cosa sweep run ${specPath} --db ${path}\` (4 jobs pending)\n`,
    );
  });
});

describe('sweep status hints', () => {
  function registeredDb(name: string): string {
    const path = join(dir, name);
    const db = openStore(path, { create: true });
    registerSweep(db, planSweep(loadSweepSpec(specPath)));
    db.close();
    return path;
  }

  it('names --shard for a shard database', () => {
    const path = registeredDb('hint.shard-1.sqlite');
    const result = run(['sweep', 'status', '--db', path]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`rerun \`cosa sweep run ${specPath} --db ${path} --shard 1/N\``);
    expect(result.stdout).toContain('the jobs of the other shards stay pending');
  });

  it('reminds of --shard for any other database', () => {
    const path = registeredDb('hint.sqlite');
    const result = run(['sweep', 'status', '--db', path]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`rerun \`cosa sweep run ${specPath} --db ${path}\` to finish them (for a shard's database, add the same --shard I/N as its run)`);
  });
});

describe('database paths', () => {
  it('rejects a folder as --db', () => {
    expectInputError(run(['sweep', 'status', '--db', folder]), 'is a folder, not a database file');
  });

  it('rejects a missing database', () => {
    expectInputError(run(['pareto', '--db', join(dir, 'missing.sqlite')]), 'results database not found');
  });

  it('rejects a new database under a file', () => {
    const result = run(['sweep', 'run', specPath, '--db', join(notDatabase, 'results.sqlite')]);
    expectInputError(result, `${notDatabase} is a file, not a folder`, { afterPlan: true });
  });
});

describe('output paths', () => {
  it('rejects export --out in a missing folder', () => {
    expectInputError(run(['export', '--csv', '--db', notDatabase, '--out', join(dir, 'nowhere', 'x.csv')]), 'nowhere does not exist');
  });

  it('rejects report --out in a missing folder', () => {
    const missing = join(dir, 'no-report-folder');
    expectInputError(run(['report', '--db', notDatabase, '--out', join(missing, 'r.html')]), `folder ${missing} does not exist; create it first`);
    expect(existsSync(missing)).toBe(false);
  });

  it('rejects export --out that is a folder', () => {
    expectInputError(run(['export', '--csv', '--db', notDatabase, '--out', folder]), `${folder}: --out: is a folder`);
  });

  it('rejects report --out that is a folder', () => {
    expectInputError(run(['report', '--db', notDatabase, '--out', folder]), `${folder}: --out: is a folder`);
  });

  it('rejects schedule --out that is a folder', () => {
    expectInputError(run([...simbaArgs('schedule'), '--out', folder]), `${folder}: --out: is a folder`);
  });

  it('rejects schedule --out that is the problem file', () => {
    const problem = join(dir, 'own-problem.yaml');
    const text = 'problem: {P: 4, Q: 2, C: 8, K: 8}\n';
    writeFileSync(problem, text);
    const args = simbaArgs('schedule');
    args[4] = problem;
    // A relative spelling of the same file, from the CLI's working folder `dir`.
    expectInputError(run([...args, '--out', './own-problem.yaml']), `--out: is also the --problem input file`);
    expect(readFileSync(problem, 'utf8')).toBe(text);
  });

  it('rejects export and report --out that is the database', () => {
    expectInputError(run(['export', '--csv', '--db', notDatabase, '--out', notDatabase]), '--out: is also the --db input file');
    expectInputError(run(['report', '--db', notDatabase, '--out', notDatabase]), '--out: is also the --db input file');
    expect(readFileSync(notDatabase, 'utf8')).toMatch(/^These are notes/);
  });

  it('rejects sweep slurm --out-dir that is a file', () => {
    expectInputError(run(['sweep', 'slurm', specPath, '--tasks', '2', '--out-dir', notDatabase]), '--out-dir: is a file, not a folder');
  });
});

describe('input paths', () => {
  it('rejects a path too long for the file system', () => {
    const args = simbaArgs('evaluate');
    args[2] = 'a'.repeat(300);
    expectInputError(run([...args, '--mapping', casePath(SIMBA_CASE, 'map.yaml')]), 'the path is too long');
  });

  it('rejects empty paths', () => {
    const args = simbaArgs('evaluate');
    args[2] = '';
    expectInputError(run([...args, '--mapping', casePath(SIMBA_CASE, 'map.yaml')]), '"": file: the path is empty');
    expectInputError(run(['pareto', '--db', '']), '"": db: the path is empty');
  });

  it('rejects a folder as the sweep spec', () => {
    expectInputError(run(['sweep', 'run', folder]), `${folder}: file: is a folder, not a file`);
  });

  it('reports an uncaught fs error as input', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'gone.yaml'"), { code: 'ENOENT', path: 'gone.yaml' });
    const status = reportError(error);
    const printed = write.mock.calls.map((call) => String(call[0])).join('');
    write.mockRestore();
    expect(status).toBe(2);
    expect(printed).toBe('error: gone.yaml: file: not found; check the path\n');
  });
});

describe('spec messages', () => {
  function runSpec(mapperLine: string, networks = '[resnet50]'): RunResult {
    const path = join(dir, 'messages.yaml');
    writeFileSync(path, `name: messages\narchitecture: {design: simba}\nnetworks: ${networks}\nmapper: ${mapperLine}\n`);
    return run(['sweep', 'run', path]);
  }

  it('words the network name rule plainly', () => {
    const line = expectInputError(runSpec('{name: cosa}', '[{folder: tiny, name: réseau}]'), "network names use letters, digits, '.', '_' and '-'");
    expect(line).not.toContain('pattern');
  });

  it('words a negative time limit plainly', () => {
    expectInputError(runSpec('{name: cosa, time_limit_s: -1}'), 'mapper.time_limit_s = -1: must be a positive number of seconds');
  });

  it('says an integer above 2^53 is too large', () => {
    expectInputError(runSpec('{name: random, seed: 99999999999999999999}'), 'is too large (above 2^53)');
  });

  it('words a fractional sample count', () => {
    expectInputError(runSpec('{name: random, samples: 1.5}'), 'must be a positive integer');
  });

  it('asks to quote a string in where', () => {
    const path = join(dir, 'where-string.yaml');
    writeFileSync(path, 'name: where-string\narchitecture: {design: simba, grid: {dram: [lpddr4, hbm2]}, where: "dram == hbm2"}\nnetworks: [resnet50]\nmapper: {name: cosa}\n');
    const line = expectInputError(run(['sweep', 'run', path]), 'unknown name "hbm2" (a string value needs quotes, such as \'hbm2\')');
    expect(line).toContain('known names: ');
  });

  it('says an architecture file is a folder', () => {
    const path = join(dir, 'arch-folder.yaml');
    writeFileSync(path, 'name: arch-folder\narchitecture: {file: folder}\nnetworks: [resnet50]\nmapper: {name: cosa}\n');
    expectInputError(run(['sweep', 'run', path]), `architecture.file = "folder": is a folder, not a file (${folder})`);
  });
});

describe('problem files', () => {
  it('rejects a misspelt shape with a suggestion', () => {
    expect(() => parseProblem('problem: {K: 8, shape: cnn-lyer}', 'p.yaml')).toThrow('did you mean cnn-layer?');
  });

  it('rejects a shape other than cnn-layer', () => {
    expect(() => parseProblem('problem: {shape: {name: gemm-ABZ}, instance: {K: 8}}', 'p.yaml')).toThrow('problem.shape.name = "gemm-ABZ": unknown problem shape');
  });

  it.each(['cnn-layer', 'cnn_layer', 'CNN-Layer', '{name: CNN-Layer, dimensions: [R, S, P, Q, C, K, N]}'])('accepts shape %s', (shape) => {
    expect(parseProblem(`problem: {shape: ${shape}, instance: {K: 8}}`, 'p.yaml').K).toBe(8);
  });

  it('says a dimension above 2^53 is too large', () => {
    expect(() => parseProblem('problem: {P: 99999999999999999999}', 'p.yaml')).toThrow('problem.P = 100000000000000000000: is too large (above 2^53)');
  });

  it('rejects a misspelt shape on the command line', () => {
    const problem = join(dir, 'misspelt.yaml');
    writeFileSync(problem, 'problem: {K: 8, shape: cnn-lyer}\n');
    const args = simbaArgs('schedule');
    args[4] = problem;
    expectInputError(run(args), 'did you mean cnn-layer?');
  });

  it('drops the colon that ends a YAML error', () => {
    const problem = join(dir, 'broken.yaml');
    writeFileSync(problem, 'problem:\n  R: 3\n  not a key\n x: [\n');
    const args = simbaArgs('schedule');
    args[4] = problem;
    const line = expectInputError(run(args), 'invalid YAML');
    expect(line).not.toMatch(/:$/);
  });
});

describe('bypass patterns', () => {
  it('reads the datatype entries of a mapping file', () => {
    const arch = loadArchitecture(casePath(SIMBA_CASE, 'arch.yaml'), { ertPath: casePath(SIMBA_CASE, 'ert.yaml') });
    const fromMapping = parseMapspaceKeep(readFileSync(casePath(SIMBA_CASE, 'map.yaml'), 'utf8'), 'map.yaml', arch);
    const fromMapspace = parseMapspaceKeep(readFileSync(join(REPO, 'examples', 'simba', 'mapspace.yaml'), 'utf8'), 'mapspace.yaml', arch);
    expect(fromMapping).toEqual(fromMapspace);
    expect(fromMapping[0]).toEqual({ Weights: true, Inputs: false, Outputs: false });
  });

  it('suggests --mapspace when the default pattern is infeasible', () => {
    const result = run(simbaArgs('schedule'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("give --mapspace FILE with the design's bypass pattern");
  });
});

describe('mapper options', () => {
  it('warns that cosa ignores --samples and --seed', () => {
    const result = run([...simbaArgs('schedule'), '--samples', '3', '--seed', '5']);
    expect(result.stderr).toContain('warning: --samples is ignored by --mapper cosa');
    expect(result.stderr).toContain('warning: --seed is ignored by --mapper cosa');
  });

  it('fails a too large exhaustive space with status 1', () => {
    const args = [...simbaArgs('schedule'), '--mapspace', casePath(SIMBA_CASE, 'map.yaml'), '--mapper', 'exhaustive'];
    const result = run(args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^no mapping \(no_incumbent\): map space too large for the exhaustive mapper: \d+ factor placements, above its limit of 200000; use the cosa or random mapper\n$/);

    const json = run([...args, '--json']);
    expect(json.status).toBe(1);
    const body = JSON.parse(json.stdout) as { ok: boolean; error: string; schedule: { status: string } };
    expect(body.ok).toBe(false);
    expect(body.error).toContain('above its limit of 200000');
    expect(body.schedule.status).toBe('no_incumbent');
  });

  it('prints real and padded MACs with --padding', () => {
    const problem = join(dir, 'prime.yaml');
    writeFileSync(problem, 'problem: {P: 11, Q: 2, C: 8, K: 8}\n');
    const args = [...simbaArgs('schedule'), '--mapspace', casePath(SIMBA_CASE, 'map.yaml'), '--padding', '--no-refine', '--time-limit', '5'];
    args[4] = problem;
    const result = run(args);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/MACs: 1408 in the layer, 1536 in the padded layer \(8\.33 % padding\)/);
  });

  it('writes the padded problem beside --out', () => {
    const problem = join(dir, 'prime-out.yaml');
    writeFileSync(problem, 'problem: {P: 11, Q: 2, C: 8, K: 8}\n');
    const mapping = join(dir, 'padded-map.yaml');
    const args = [...simbaArgs('schedule'), '--mapspace', casePath(SIMBA_CASE, 'map.yaml'), '--padding', '--no-refine', '--time-limit', '5', '--out', mapping];
    args[4] = problem;
    const result = run(args);
    expect(result.status).toBe(0);

    const paddedProblem = join(dir, 'padded-map.problem.yaml');
    expect(result.stderr).toContain(`wrote its problem file ${paddedProblem}`);
    expect(parseProblem(readFileSync(paddedProblem, 'utf8'), paddedProblem).P).toBe(12);
    const evaluateArgs = simbaArgs('evaluate');
    evaluateArgs[4] = paddedProblem;
    const evaluated = run([...evaluateArgs, '--mapping', mapping]);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.status).toBe(0);
  });

  it.each([
    ['0/3 ', { index: 0, count: 3 }],
    [' 2 / 4', { index: 2, count: 4 }],
  ])('trims --shard %j', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });
});

describe('mapping factors', () => {
  it('explains that a 0 factor is the whole dimension', () => {
    const mapping = join(dir, 'zero-factor.yaml');
    const text = readFileSync(casePath(SIMBA_CASE, 'map.yaml'), 'utf8');
    expect(text).toContain('factors: R1 S1 P2 Q4 C1 K1 N1');
    writeFileSync(mapping, text.replace('factors: R1 S1 P2 Q4 C1 K1 N1', 'factors: R1 S1 P0 Q4 C1 K1 N1'));
    const result = run([...simbaArgs('evaluate'), '--mapping', mapping]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('P0 in mapping[8].factors stands for the whole dimension P = 56');
    expect(result.stderr).toContain('write the factor that is left, P=2');
  });
});
