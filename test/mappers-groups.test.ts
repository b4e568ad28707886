// The mappers on grouped layers: G's prime factors are placed like those of any other dimension,
// and every schedule is checked with the cost model. `cosa schedule` runs the compiled CLI, so
// build first: `npx tsc -p .`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { Architecture } from '../src/arch/types.js';
import { runMapper } from '../src/mappers/index.js';
import { objectiveScore } from '../src/mappers/space.js';
import type { Objective } from '../src/mappers/types.js';
import { factorProduct } from '../src/mapping/validate.js';
import { evaluate } from '../src/model/evaluate.js';
import { macCount, type Layer } from '../src/workload/layer.js';
import { loadMapperCase } from './mappers-fixtures.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'cosa.js');
const SIMBA = join(REPO, 'examples', 'simba');
const workDir = mkdtempSync(join(tmpdir(), 'cosa-groups-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, COSA_DEBUG: '' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cosa schedule on a depthwise layer', () => {
  // MobileNet-V2's 3x3 depthwise layer on 14x14 with 96 channels, as a cnn-layer file gives it.
  const problem = join(workDir, 'depthwise.yaml');
  writeFileSync(problem, 'problem: {shape: cnn-layer, R: 3, S: 3, P: 14, Q: 14, C: 96, K: 96, G: 96}\n');
  const args = ['--arch', join(SIMBA, 'arch.yaml'), '--ert', join(SIMBA, 'ert.yaml'), '--mapspace', join(SIMBA, 'mapspace.yaml'), '--problem', problem];

  it('writes a mapping that evaluate accepts', () => {
    const out = join(workDir, 'depthwise-map.yaml');
    const run = runCli(['schedule', ...args, '--objective', 'edp', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/factors: .*G=/);

    const check = runCli(['evaluate', ...args, '--mapping', out, '--json']);
    expect(check.status, check.stderr).toBe(0);
    const evaluation = JSON.parse(check.stdout);
    expect(evaluation.ok).toBe(true);
    // 3·3·14·14·96 MACs, with C = K = 1 per group.
    expect(evaluation.macc_count).toBe(9 * 14 * 14 * 96);
  });
});

/** mini3 with buffers small enough that capacity shapes the optimum. */
const mini3 = loadMapperCase('mini3__resnet50-1x1-c64k64__m1');
const tightMini3: Architecture = {
  ...mini3.arch,
  levels: mini3.arch.levels.map((level) => (level.name === 'RegFile' ? { ...level, entries: 8 } : level.name === 'GlobalBuffer' ? { ...level, entries: 96 } : level)),
};
const keepAll = mini3.arch.levels.map(() => ({ Weights: true, Inputs: true, Outputs: true }));

function groupedLayer(shape: Partial<Layer>): Layer {
  return { R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1, G: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1, ...shape };
}

describe('mappers on a tiny grouped layer', () => {
  // G = 4 with 2 input and 2 output channels per group and P = 2: few enough placements for the
  // exhaustive mapper, and G competes with C, K and P for mini3's 2-D fan-outs.
  const layer = groupedLayer({ P: 2, C: 2, K: 2, G: 4 });
  const objectives: Objective[] = ['latency', 'energy', 'edp'];

  it('finds an exhaustive optimum no worse than cosa', async () => {
    for (const objective of objectives) {
      const optimum = await runMapper(tightMini3, layer, keepAll, { name: 'exhaustive', objective, timeLimitS: 120 });
      expect(optimum.status).toBe('optimal');
      const scheduled = await runMapper(tightMini3, layer, keepAll, { name: 'cosa', objective, timeLimitS: 10 });
      expect(scheduled.mapping, scheduled.reason).toBeDefined();

      const check = evaluate(tightMini3, layer, scheduled.mapping!);
      expect(check.ok, check.ok ? '' : check.error).toBe(true);
      expect(factorProduct(scheduled.mapping!, 'G')).toBe(4);

      const best = objectiveScore(optimum.evaluation!, objective);
      const found = objectiveScore(scheduled.evaluation!, objective);
      expect(best, `${objective}: cosa ${found}, exhaustive ${best}`).toBeLessThanOrEqual(found * (1 + 1e-9));
    }
  });

  it('lets the random mapper place G', async () => {
    const result = await runMapper(tightMini3, layer, keepAll, { name: 'random', objective: 'edp', timeLimitS: 60, samples: 200, seed: 3 });
    expect(result.mapping, result.reason).toBeDefined();
    const check = evaluate(tightMini3, layer, result.mapping!);
    if (!check.ok) throw new Error(`expected a valid mapping: ${check.error}`);
    expect(check.macc_count).toBe(macCount(layer));
  });

  it('puts G on a fan-out when that is fastest', async () => {
    // With one channel per group, G is the only dimension that can use the PEs.
    const depthwise = groupedLayer({ G: 8 });
    const result = await runMapper(mini3.arch, depthwise, mini3.keep, { name: 'exhaustive', objective: 'latency', timeLimitS: 120 });
    expect(result.status).toBe('optimal');
    const spatialG = result.mapping!.levels.reduce((product, level) => product * level.spatial.G, 1);
    expect(spatialG).toBeGreaterThan(1);
  });
});
