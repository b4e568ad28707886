// Cost-model throughput on one thread. Run after `npm run build`:
//   node dist/bench/model.js        (or: node dist/bench/run.js model)
// Evaluates every valid Timeloop reference case (shared/reference/cases beside the repository)
// repeatedly. Prints evaluations per second for each case, over all cases and over the Simba
// cases, and the ratio to the target of 20,000 evaluations per second. Parsing is done once per
// case, outside the timed loop, because a mapper evaluates many mappings of one parsed
// architecture and layer. Rates are per second of this process's CPU time, which other work on
// the machine disturbs less than wall-clock time. The wall-clock rate and the load average are
// printed too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadArchitecture } from '../src/arch/load.js';
import type { Architecture } from '../src/arch/types.js';
import type { Mapping } from '../src/mapping/types.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import type { Layer } from '../src/workload/layer.js';
import { loadProblem } from '../src/workload/problem.js';

const TARGET_PER_SECOND = 20_000;
const MEASURE_SECONDS = 2;
const WARM_UP_SECONDS = 0.5;
/** Evaluations between two clock reads, so that reading the clock costs little. */
const BATCH = 50;

interface BenchCase {
  name: string;
  arch: Architecture;
  layer: Layer;
  mapping: Mapping;
}

interface Measurement {
  evaluations: number;
  /** CPU time of this process, user plus system. */
  cpuSeconds: number;
  wallSeconds: number;
}

interface CaseRate extends Measurement {
  name: string;
}

/** Returns the reference cases folder, `shared/reference/cases` beside the repository root. */
function casesDir(): string {
  // This file runs as <repo>/dist/bench/model.js.
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(repoRoot, '..', 'shared', 'reference', 'cases');
}

function loadValidCases(dir: string): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const name of readdirSync(dir).filter((entry) => !entry.startsWith('.')).sort()) {
    const caseDir = join(dir, name);
    const expected = JSON.parse(readFileSync(join(caseDir, 'expected.json'), 'utf8')) as { ok: boolean };
    if (!expected.ok) continue;

    const arch = loadArchitecture(join(caseDir, 'arch.yaml'), { ertPath: join(caseDir, 'ert.yaml') });
    const layer = loadProblem(join(caseDir, 'problem.yaml'));
    const mapPath = join(caseDir, 'map.yaml');
    const mapping = parseMapping(readFileSync(mapPath, 'utf8'), mapPath, arch, layer);
    const result = evaluate(arch, layer, mapping);
    if (!result.ok) throw new Error(`${name}: the model rejects a valid reference mapping: ${result.error}`);
    cases.push({ name, arch, layer, mapping });
  }
  return cases;
}

/** Evaluates one case in batches until `seconds` of wall-clock time have passed. */
function runFor(benchCase: BenchCase, seconds: number): Measurement {
  const { arch, layer, mapping } = benchCase;
  let evaluations = 0;
  let failures = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const stop = start + seconds * 1000;
  let now = start;
  while (now < stop) {
    for (let index = 0; index < BATCH; index++) {
      // Reading the result keeps the engine from dropping the call as dead code.
      if (!evaluate(arch, layer, mapping).ok) failures++;
    }
    evaluations += BATCH;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  if (failures > 0) throw new Error(`${benchCase.name}: ${failures} evaluations failed`);
  return { evaluations, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (now - start) / 1000 };
}

/**
 * Evaluations per second when every case is evaluated equally often (the harmonic mean of the
 * per-case rates), which is what a caller evaluating this mix of cases would observe.
 */
function overallRate(rates: CaseRate[], clock: 'cpuSeconds' | 'wallSeconds'): number {
  let secondsPerRound = 0;
  for (const rate of rates) secondsPerRound += rate[clock] / rate.evaluations;
  return rates.length / secondsPerRound;
}

function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

export async function benchModel(): Promise<void> {
  const dir = casesDir();
  if (!existsSync(dir)) {
    console.log(`model: skipped, no reference cases at ${dir}`);
    return;
  }
  const cases = loadValidCases(dir);
  if (cases.length === 0) {
    console.log(`model: skipped, no valid reference cases in ${dir}`);
    return;
  }

  // Warm-up lets V8 optimise evaluate() on every case shape before anything is timed.
  for (const benchCase of cases) runFor(benchCase, WARM_UP_SECONDS / cases.length);

  const rates: CaseRate[] = [];
  for (const benchCase of cases) {
    const measured = runFor(benchCase, MEASURE_SECONDS / cases.length);
    rates.push({ name: benchCase.name, ...measured });
  }

  const nameWidth = Math.max(...rates.map((rate) => rate.name.length));
  for (const rate of rates) {
    console.log(`model: ${rate.name.padEnd(nameWidth)}  ${formatRate(rate.evaluations / rate.cpuSeconds).padStart(10)}`);
  }

  const overall = overallRate(rates, 'cpuSeconds');
  const simba = rates.filter((rate) => rate.name.startsWith('simba'));
  console.log(
    `model: all ${rates.length} valid cases: ${formatRate(overall)} evaluations per CPU-second on one thread, ` +
      `${(overall / TARGET_PER_SECOND).toFixed(2)}x the target of ${formatRate(TARGET_PER_SECOND)}`,
  );
  if (simba.length > 0) {
    const simbaRate = overallRate(simba, 'cpuSeconds');
    console.log(
      `model: ${simba.length} Simba cases: ${formatRate(simbaRate)}, ${(simbaRate / TARGET_PER_SECOND).toFixed(2)}x the target`,
    );
  }
  console.log(
    `model: wall clock ${formatRate(overallRate(rates, 'wallSeconds'))} over all cases; ` +
      `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (a load above 1 per core lowers both figures)`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchModel();
}
