// Compares the cost model with a timeloop-model binary on random layers and mappings, on the shared
// reference designs or on random designs. Build first (`npm run build`), then:
//   node dist/tools/timeloop-diff/run.js --timeloop PATH/timeloop-model [--designs reference|random]
//     [--trials N] [--seed N] [--work DIR]
// It prints one line per disagreement and a summary, and exits 1 when any figure differs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { parseMapspaceKeep, type KeepPattern } from '../../src/arch/bypass.js';
import { loadArchitecture } from '../../src/arch/load.js';
import type { Architecture } from '../../src/arch/types.js';
import { createRng, randomComposition, shuffledDimensions } from '../../src/mappers/random.js';
import { mappingSlots, placementToMapping, primeGroups } from '../../src/mappers/space.js';
import type { Mapping } from '../../src/mapping/types.js';
import { parseMapping } from '../../src/mapping/parse.js';
import { writeMappingYaml } from '../../src/mapping/write.js';
import { evaluate } from '../../src/model/evaluate.js';
import type { Evaluation } from '../../src/model/types.js';
import type { Layer } from '../../src/workload/layer.js';
import { parseProblem } from '../../src/workload/problem.js';
import { pick, randomDesign, type Rng } from './random-design.js';
import { parseTimeloopStats, type TimeloopStats } from './stats.js';

const CASES_DIR = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'reference', 'cases');

/** Tolerance in pJ for the two-decimal energies of the stats file. */
const ENERGY_TOLERANCE_PJ = 0.006;

/** Draws of a mapping before a trial gives up on finding a valid one. */
const MAX_DRAWS = 20_000;

interface Trial {
  dir: string;
  archPath: string;
  ertPath: string;
  keep: KeepPattern;
  problemText: string;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      timeloop: { type: 'string' },
      designs: { type: 'string', default: 'reference' },
      trials: { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      work: { type: 'string' },
      'timeout-s': { type: 'string', default: '60' },
    },
  });
  if (values.timeloop === undefined || !existsSync(values.timeloop)) {
    process.stderr.write('--timeloop: missing or not found; give the path of the timeloop-model binary to compare with\n');
    return 2;
  }
  if (values.designs !== 'reference' && values.designs !== 'random') {
    process.stderr.write(`--designs ${values.designs}: invalid; use reference or random\n`);
    return 2;
  }
  if (values.designs === 'reference' && !existsSync(CASES_DIR)) {
    process.stderr.write(`reference cases not found in ${CASES_DIR}; use --designs random\n`);
    return 2;
  }

  const rng = createRng(Number(values.seed));
  const work = values.work ?? mkdtempSync(join(tmpdir(), 'timeloop-diff-'));
  const caseNames = values.designs === 'reference' ? readdirSync(CASES_DIR).filter((name) => !name.includes('__inv-')) : [];
  const counts = { compared: 0, differing: 0, bothInvalid: 0, validityDiffers: 0, timedOut: 0 };

  for (let index = 0; index < Number(values.trials); index++) {
    const dir = join(work, `trial-${index}`);
    mkdirSync(dir, { recursive: true });
    const trial = values.designs === 'reference' ? referenceTrial(rng, dir, caseNames) : randomTrial(rng, dir);
    const arch = loadArchitecture(trial.archPath, { ertPath: trial.ertPath });
    const layer = parseProblem(trial.problemText, join(dir, 'problem.yaml'));
    const mapping = drawMapping(rng, arch, layer, trial.keep, rng() < 0.15);
    if (mapping === undefined) continue;

    const mapText = writeMappingYaml(arch, mapping);
    writeFileSync(join(dir, 'problem.yaml'), trial.problemText);
    writeFileSync(join(dir, 'map.yaml'), mapText);
    const ours = evaluate(arch, layer, parseMapping(mapText, join(dir, 'map.yaml'), arch, layer));
    const run = spawnSync(values.timeloop, [trial.archPath, join(dir, 'problem.yaml'), join(dir, 'map.yaml'), trial.ertPath], {
      cwd: dir,
      encoding: 'utf8',
      timeout: Number(values['timeout-s']) * 1000,
    });
    if (run.error !== undefined || run.signal !== null) {
      counts.timedOut++;
      continue;
    }

    const statsPath = join(dir, 'timeloop-model.stats.txt');
    const timeloopValid = run.status === 0 && existsSync(statsPath);
    if (!timeloopValid || !ours.ok) {
      const timeloopError = (`${run.stdout}${run.stderr}`.match(/ERROR:.*/) ?? [''])[0];
      const ourError = ours.ok ? '' : ours.error;
      if (timeloopValid !== ours.ok) {
        counts.validityDiffers++;
        console.log(`${dir}: valid for ${ours.ok ? 'the model' : 'timeloop-model'} only: ${ours.ok ? timeloopError : ourError}`);
      } else {
        counts.bothInvalid++;
        if (timeloopError.trim() !== ourError.trim()) console.log(`${dir}: error differs\n  model:    ${ourError}\n  timeloop: ${timeloopError}`);
      }
      continue;
    }

    counts.compared++;
    const differences = compare(ours, parseTimeloopStats(readFileSync(statsPath, 'utf8')));
    if (differences.length > 0) {
      counts.differing++;
      console.log(`${dir}:\n  ${differences.slice(0, 8).join('\n  ')}`);
    }
  }

  console.log(
    `${values.designs} designs, seed ${values.seed}: ${counts.compared} valid mappings compared, ${counts.differing} differ; ` +
      `${counts.bothInvalid} invalid for both, ${counts.validityDiffers} valid for one only; ${counts.timedOut} timeloop-model runs timed out. Files in ${work}`,
  );
  return counts.differing + counts.validityDiffers > 0 ? 1 : 0;
}

function referenceTrial(rng: Rng, dir: string, caseNames: string[]): Trial {
  const archName = pick(rng, caseNames).split('__')[0];
  const sameArch = caseNames.filter((name) => name.startsWith(`${archName}__`));
  const archDir = join(CASES_DIR, sameArch[0]);
  const archPath = join(archDir, 'arch.yaml');
  const arch = loadArchitecture(archPath, { ertPath: join(archDir, 'ert.yaml') });
  const keepCase = join(CASES_DIR, pick(rng, sameArch), 'map.yaml');
  const keep = parseMapspaceKeep(readFileSync(keepCase, 'utf8'), keepCase, arch);
  const problemText = rng() < 0.5 ? readFileSync(join(CASES_DIR, pick(rng, caseNames), 'problem.yaml'), 'utf8') : randomProblem(rng);
  return { dir, archPath, ertPath: join(archDir, 'ert.yaml'), keep, problemText };
}

function randomTrial(rng: Rng, dir: string): Trial {
  const design = randomDesign(rng);
  const archPath = join(dir, 'arch.yaml');
  const ertPath = join(dir, 'ert.yaml');
  writeFileSync(archPath, design.archYaml);
  writeFileSync(ertPath, design.ertYaml);
  const arch = loadArchitecture(archPath, { ertPath });
  // The outermost level keeps everything; a zero-entry level keeps nothing.
  const keep = arch.levels.map((level, index) => {
    if (index === arch.levels.length - 1) return { Weights: true, Inputs: true, Outputs: true };
    if (level.entries === 0) return { Weights: false, Inputs: false, Outputs: false };
    return { Weights: rng() < 0.7, Inputs: rng() < 0.7, Outputs: rng() < 0.7 };
  });
  return { dir, archPath, ertPath, keep, problemText: randomProblem(rng) };
}

/** Returns a convolution with small random dimensions, strides and dilations. */
function randomProblem(rng: Rng): string {
  const size = () => pick(rng, [1, 1, 2, 3, 4, 5, 6, 7, 8, 12, 14, 16]);
  const fields = {
    R: pick(rng, [1, 1, 2, 3, 3, 5, 7]),
    S: pick(rng, [1, 1, 2, 3, 3, 5, 7]),
    P: size(),
    Q: size(),
    C: pick(rng, [1, 2, 3, 4, 8, 16, 24, 32]),
    K: pick(rng, [1, 2, 4, 8, 16, 32, 48]),
    N: pick(rng, [1, 1, 2, 4]),
    Wstride: pick(rng, [1, 1, 2, 3]),
    Hstride: pick(rng, [1, 1, 2, 4]),
    Wdilation: pick(rng, [1, 1, 1, 2]),
    Hdilation: pick(rng, [1, 1, 3]),
  };
  return `problem: {${Object.entries(fields).map(([key, value]) => `${key}: ${value}`).join(', ')}, shape: cnn-layer}\n`;
}

/** Draws a mapping uniformly until the model accepts one; with `allowInvalid`, returns the first draw. */
function drawMapping(rng: Rng, arch: Architecture, layer: Layer, keep: KeepPattern, allowInvalid: boolean): Mapping | undefined {
  const slots = mappingSlots(arch);
  const groups = primeGroups(layer);
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const placement = groups.map((group) => randomComposition(group.count, slots.length, rng));
    const mapping = placementToMapping(slots, groups, placement, arch.levels.map(() => shuffledDimensions(rng, layer.G > 1)), keep);
    if (mapping !== undefined && (allowInvalid || evaluate(arch, layer, mapping).ok)) return mapping;
  }
  return undefined;
}

/** Lists every figure on which the model and Timeloop disagree. */
function compare(ours: Evaluation, timeloop: TimeloopStats): string[] {
  const differences: string[] = [];
  if (timeloop.cycles !== ours.cycles) differences.push(`cycles: model ${ours.cycles}, timeloop ${timeloop.cycles}`);
  for (const levelName of ours.level_order) {
    const theirs = timeloop.levels[levelName];
    const mine = ours.levels[levelName];
    if (theirs === undefined) {
      differences.push(`${levelName}: not in timeloop-model's statistics`);
      continue;
    }
    if (theirs.cycles !== undefined && theirs.cycles !== mine.cycles) differences.push(`${levelName} cycles: model ${mine.cycles}, timeloop ${theirs.cycles}`);

    const dataSpaces = new Set([...Object.keys(theirs.dataspaces), ...Object.keys(mine.dataspaces)]);
    for (const dataSpace of dataSpaces) {
      const want = theirs.dataspaces[dataSpace];
      const got = (mine.dataspaces as Record<string, Record<string, number>>)[dataSpace];
      if (want === undefined || got === undefined) {
        differences.push(`${levelName}.${dataSpace}: kept in ${want === undefined ? 'the model' : 'timeloop-model'} only`);
        continue;
      }
      for (const [field, value] of Object.entries(want)) {
        if (value === undefined) continue;
        const tolerance = field === 'energy_pJ' ? ENERGY_TOLERANCE_PJ + 1e-5 * Math.abs(value) : 0;
        if (Math.abs(got[field] - value) > tolerance) differences.push(`${levelName}.${dataSpace}.${field}: model ${got[field]}, timeloop ${value}`);
      }
    }
  }
  return differences;
}

process.exitCode = main();
