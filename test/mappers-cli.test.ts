// `cosa schedule` end to end. Runs the compiled CLI (bin/cosa.js → dist/src/cli/main.js), so build
// first: `npx tsc -p .`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { CASES_DIR } from './mappers-fixtures.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'cosa.js');
const CASE = join(CASES_DIR, 'simba-ref__resnet50-1x1-c64k64__refmap');
const workDir = mkdtempSync(join(tmpdir(), 'cosa-schedule-'));

/** Simba's bypass pattern as a Timeloop mapspace file. */
const MAPSPACE = `mapspace:
  constraints:
  - {target: Registers, type: datatype, keep: [Weights], bypass: [Inputs, Outputs]}
  - {target: AccumulationBuffer, type: datatype, keep: [Outputs], bypass: [Weights, Inputs]}
  - {target: WeightBuffer, type: datatype, keep: [Weights], bypass: [Inputs, Outputs]}
  - {target: InputBuffer, type: datatype, keep: [Inputs], bypass: [Weights, Outputs]}
  - {target: GlobalBuffer, type: datatype, keep: [Inputs, Outputs], bypass: [Weights]}
`;
const mapspacePath = join(workDir, 'mapspace.yaml');
writeFileSync(mapspacePath, MAPSPACE);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, COSA_DEBUG: '' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const caseArgs = ['--arch', join(CASE, 'arch.yaml'), '--problem', join(CASE, 'problem.yaml'), '--ert', join(CASE, 'ert.yaml')];

describe('cosa schedule', () => {
  it('prints evaluation JSON with a schedule object', () => {
    const run = runCli(['schedule', ...caseArgs, '--mapspace', mapspacePath, '--objective', 'latency', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output.ok).toBe(true);
    expect(output.cycles).toBe(12544);
    expect(output.schedule.mapper).toBe('cosa');
    expect(output.schedule.status).toBe('optimal');
    expect(output.schedule.solve_seconds).toBeGreaterThan(0);
    expect(output.schedule.mip_objective).toBeGreaterThanOrEqual(output.schedule.mip_bound - 1e-9);
    expect(output.schedule.gap).toBeLessThanOrEqual(0.01);
  });

  it('applies constraints, names ignored ones', () => {
    const constrained = join(workDir, 'constrained.yaml');
    const entries = [
      '  - {target: GlobalBuffer, type: spatial, factors: K=4 C=1, no_multicast_no_reduction: [Weights]}',
      '  - {target: AccumulationBuffer, type: temporal, permutation: KC}',
    ];
    writeFileSync(constrained, `${MAPSPACE}${entries.join('\n')}\n`);
    const out = join(workDir, 'constrained-map.yaml');
    const run = runCli(['schedule', ...caseArgs, '--mapspace', constrained, '--json', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('mapspace.constraints[5].no_multicast_no_reduction (spatial at GlobalBuffer) not applied');
    expect(run.stderr).not.toContain('mapspace.constraints[6]');

    const written = readFileSync(out, 'utf8');
    const globalBufferSpatial = /target: GlobalBuffer\n\s+type: spatial\n\s+factors: (.*)/.exec(written)?.[1];
    expect(globalBufferSpatial).toMatch(/\bK=4\b/);
    expect(globalBufferSpatial).toMatch(/\bC=1\b/);

    const bypassOnly = runCli(['schedule', ...caseArgs, '--mapspace', mapspacePath, '--json']);
    expect(bypassOnly.stderr).not.toContain('not applied');
  });

  it('exits 1 on unsatisfiable constraints', () => {
    const impossible = join(workDir, 'impossible.yaml');
    writeFileSync(impossible, `${MAPSPACE}  - {target: Registers, type: temporal, factors: K=3}\n`);
    const run = runCli(['schedule', ...caseArgs, '--mapspace', impossible, '--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).error).toBe("the mapspace's temporal K=3 at Registers does not divide the layer's K = 64");
  });

  it('writes a mapping that evaluate accepts', () => {
    const out = join(workDir, 'map.yaml');
    const run = runCli(['schedule', ...caseArgs, '--mapspace', mapspacePath, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('status optimal');
    expect(readFileSync(out, 'utf8')).toContain('permutation');

    const check = runCli(['evaluate', ...caseArgs, '--mapping', out, '--json']);
    expect(check.status, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).ok).toBe(true);
  });

  it('exits 1 with the binding constraint when infeasible', () => {
    // Without a mapspace every level keeps everything, and one register cannot hold three tiles.
    const run = runCli(['schedule', ...caseArgs, '--mapper', 'random', '--json']);
    expect(run.status).toBe(1);
    const output = JSON.parse(run.stdout);
    expect(output.ok).toBe(false);
    expect(output.schedule.status).toBe('infeasible');
    expect(output.error).toContain('Registers');
  });

  it('exits 2 on an unknown mapper', () => {
    const run = runCli(['schedule', ...caseArgs, '--mapper', 'greedy']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--mapper');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 on a negative time limit', () => {
    const run = runCli(['schedule', ...caseArgs, '--time-limit', '-1']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--time-limit');
  });
});
