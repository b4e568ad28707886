// CoSA scheduling speed and quality on ResNet-50 / Simba. Run after `npm run build`:
//   node dist/bench/schedule.js [objective]     (or: node dist/bench/run.js schedule)
// It schedules ResNet-50's unique layers (batch 1) on the Simba reference design. The energy table
// and bypass pattern come from shared/reference/cases/simba-ref__resnet50-1x1-c64k64__refmap beside
// the repository. The random mapper then gets 10x CoSA's time per layer. The bench prints solve
// seconds per layer (median, max, whole network) and network latency against the compute bound
// Σ ceil(MACs / 1024). It also prints network EDP (Σ cycles × Σ energy, each weighted by layer
// repeats) and the ratio of random to CoSA on latency, energy and EDP.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadArchitecture } from '../src/arch/load.js';
import { loadHighs } from '../src/mappers/cosa/solver.js';
import { runMapper } from '../src/mappers/index.js';
import type { KeepPattern, Objective, ScheduleResult } from '../src/mappers/types.js';
import { parseMapping } from '../src/mapping/parse.js';
import { macCount } from '../src/workload/layer.js';
import { getNetwork } from '../src/workload/networks/index.js';
import { loadProblem } from '../src/workload/problem.js';

const CASE = 'simba-ref__resnet50-1x1-c64k64__refmap';
/** The random mapper gets this multiple of CoSA's time on each layer. */
const RANDOM_TIME_FACTOR = 10;

interface NetworkTotals {
  cycles: number;
  energyPJ: number;
}

function caseDir(): string {
  // This file runs as <repo>/dist/bench/schedule.js.
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(repoRoot, '..', 'shared', 'reference', 'cases', CASE);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function addLayer(totals: NetworkTotals, result: ScheduleResult, repeats: number, name: string, mapper: string): void {
  if (result.evaluation === undefined) throw new Error(`${mapper} found no mapping for ${name}: ${result.status} ${result.reason ?? ''}`);
  totals.cycles += result.evaluation.cycles * repeats;
  totals.energyPJ += result.evaluation.energy_pJ * repeats;
}

export async function benchSchedule(objective: Objective = 'edp'): Promise<void> {
  const dir = caseDir();
  if (!existsSync(dir)) {
    console.log(`schedule: skipped, no reference case at ${dir}`);
    return;
  }
  const arch = loadArchitecture(join(dir, 'arch.yaml'), { ertPath: join(dir, 'ert.yaml') });
  const referenceLayer = loadProblem(join(dir, 'problem.yaml'));
  const mapPath = join(dir, 'map.yaml');
  const keep: KeepPattern = parseMapping(readFileSync(mapPath, 'utf8'), mapPath, arch, referenceLayer).levels.map((level) => level.keep);
  const network = getNetwork('resnet50');
  const macs = arch.arithmetic.instances;

  // A worker compiles HiGHS's WebAssembly once, so that is timed apart from the layers. The fc
  // layer's solve then warms up the JavaScript side.
  const loadStarted = performance.now();
  await loadHighs({ optimizeUpfront: true });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await runMapper(arch, network.layers[network.layers.length - 1].layer, keep, { name: 'cosa', objective, timeLimitS: 10 });

  const cosa: NetworkTotals = { cycles: 0, energyPJ: 0 };
  const random: NetworkTotals = { cycles: 0, energyPJ: 0 };
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let computeBound = 0;
  for (const { name, layer, repeats } of network.layers) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const scheduled = await runMapper(arch, layer, keep, { name: 'cosa', objective, timeLimitS: 10 });
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    seconds.push(elapsed);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
    addLayer(cosa, scheduled, repeats, name, 'cosa');
    computeBound += Math.ceil(macCount(layer) / macs) * repeats;

    const sampled = await runMapper(arch, layer, keep, { name: 'random', objective, timeLimitS: RANDOM_TIME_FACTOR * elapsed, seed: 1 });
    addLayer(random, sampled, repeats, name, 'random');
    const ratio = (sampled.evaluation!.cycles / scheduled.evaluation!.cycles).toFixed(2);
    console.log(
      `schedule: ${name.padEnd(36)} ${elapsed.toFixed(3)} s (CPU ${cpuSeconds[cpuSeconds.length - 1].toFixed(3)} s)  ${scheduled.status.padEnd(10)} cycles ${scheduled.evaluation!.cycles} ` +
        `(bound ${Math.ceil(macCount(layer) / macs)})  energy ${scheduled.evaluation!.energy_pJ.toExponential(3)} pJ  random/cosa cycles ${ratio}`,
    );
  }

  const total = seconds.reduce((sum, value) => sum + value, 0);
  const cosaEdp = cosa.cycles * cosa.energyPJ;
  const randomEdp = random.cycles * random.energyPJ;
  console.log(`schedule: objective ${objective}, ${seconds.length} unique layers, Simba reference design (${CASE})`);
  const cpuTotal = cpuSeconds.reduce((sum, value) => sum + value, 0);
  console.log(`schedule: load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs; wall-clock times grow with load, CPU times less so`);
  console.log(`schedule: loading and compiling HiGHS once per thread: ${loadSeconds.toFixed(2)} s`);
  console.log(`schedule: seconds per layer: median ${median(seconds).toFixed(3)}, max ${Math.max(...seconds).toFixed(3)}; whole network ${total.toFixed(2)} s`);
  console.log(`schedule: CPU seconds per layer: median ${median(cpuSeconds).toFixed(3)}, max ${Math.max(...cpuSeconds).toFixed(3)}; whole network ${cpuTotal.toFixed(2)} s`);
  console.log(`schedule: network latency ${cosa.cycles} cycles = ${(cosa.cycles / computeBound).toFixed(4)}x the compute bound ${computeBound}`);
  console.log(`schedule: network energy ${cosa.energyPJ.toExponential(4)} pJ, EDP ${cosaEdp.toExponential(4)} cycles·pJ`);
  console.log(
    `schedule: random with ${RANDOM_TIME_FACTOR}x the time / CoSA: latency ${(random.cycles / cosa.cycles).toFixed(2)}x, ` +
      `energy ${(random.energyPJ / cosa.energyPJ).toFixed(2)}x, EDP ${(randomEdp / cosaEdp).toFixed(2)}x`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchSchedule((process.argv[2] ?? 'edp') as Objective);
}
