// Runs the benchmarks. After `npm run build`:
//   node dist/bench/run.js [model|schedule|sweep|all]      (default: all)
// Each benchmark is a module next to this one that exports an async `bench<Name>()` function.
// A benchmark whose module has not been built is reported and skipped.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCHMARKS = {
  model: 'benchModel',
  schedule: 'benchSchedule',
  sweep: 'benchSweep',
} as const;

type BenchmarkName = keyof typeof BENCHMARKS;

function isBenchmarkName(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}

async function runBenchmark(name: BenchmarkName): Promise<void> {
  const file = join(dirname(fileURLToPath(import.meta.url)), `${name}.js`);
  if (!existsSync(file)) {
    console.log(`${name}: skipped, ${file} not found (is the benchmark written and built?)`);
    return;
  }

  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const run = module[BENCHMARKS[name]];
  if (typeof run !== 'function') {
    throw new Error(`${file} does not export a function ${BENCHMARKS[name]}()`);
  }
  await (run as () => Promise<void>)();
}

const requested = process.argv[2] ?? 'all';
if (requested !== 'all' && !isBenchmarkName(requested)) {
  console.error(`unknown benchmark ${JSON.stringify(requested)}; use one of ${Object.keys(BENCHMARKS).join(', ')} or all`);
  process.exit(2);
}

const names = requested === 'all' ? (Object.keys(BENCHMARKS) as BenchmarkName[]) : [requested];
for (const name of names) await runBenchmark(name);
