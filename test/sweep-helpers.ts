// Shared set-up for the sweep integration tests: a temporary folder with a small network of
// Timeloop problem files and a sweep spec over a few Simba design points.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..');
export const CLI = join(REPO, 'bin', 'cosa.js');

const LAYERS: Record<string, string> = {
  conv3x3: 'problem: {R: 3, S: 3, P: 8, Q: 8, C: 16, K: 16, N: 1}',
  conv1x1: 'problem: {R: 1, S: 1, P: 8, Q: 8, C: 32, K: 16, N: 1}',
  down: 'problem: {R: 3, S: 3, P: 4, Q: 4, C: 16, K: 32, N: 1, Wstride: 2, Hstride: 2}',
  fc: 'problem: {R: 1, S: 1, P: 1, Q: 1, C: 64, K: 32, N: 1}',
};

export interface SweepFixture {
  dir: string;
  specPath: string;
}

/**
 * Writes the network folder and a spec; `extra` is appended to the spec text. CoSA's local search
 * is off, so a job's result does not depend on how fast the machine is.
 */
export function makeSweepFixture(grid = '    pes: [1, 2, 4]\n    global_buffer_kib: [8, 16]\n', extra = '', timeLimitS = 10): SweepFixture {
  const dir = mkdtempSync(join(tmpdir(), 'cosa-sweep-'));
  const network = join(dir, 'tiny');
  mkdirSync(network);
  for (const [name, text] of Object.entries(LAYERS)) writeFileSync(join(network, `${name}.yaml`), `${text}\n`);
  writeFileSync(join(network, 'repeats.yaml'), 'conv3x3: 2\n');

  const specPath = join(dir, 'spec.yaml');
  writeFileSync(
    specPath,
    `name: tiny-sweep
architecture:
  design: simba
  grid:
${grid}networks: [{folder: tiny}]
mapper: {name: cosa, objective: edp, time_limit_s: ${timeLimitS}, refine: false}
${extra}`,
  );
  return { dir, specPath };
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(args: string[], cwd: string): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolveDone) => {
    child.on('close', (status, signal) => resolveDone({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], cwd: string): Promise<CliResult> {
  return startCli(args, cwd).done;
}
