// Where the shared Timeloop reference cases are (`shared/reference` beside the repository), and
// how a case folder is evaluated. Test files that need the cases throughout are listed in
// vitest.config.ts, and other files guard single tests.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { loadArchitecture } from '../src/arch/load.js';
import type { Architecture } from '../src/arch/types.js';
import { parseMapping } from '../src/mapping/parse.js';
import { evaluate } from '../src/model/evaluate.js';
import type { EvaluationResult } from '../src/model/types.js';
import { loadProblem } from '../src/workload/problem.js';

export const REFERENCE_DIR = resolve(import.meta.dirname, '..', '..', 'shared', 'reference');
export const CASES_DIR = join(REFERENCE_DIR, 'cases');
export const HAVE_REFERENCE = existsSync(CASES_DIR);

/**
 * Evaluates the mapping `map.yaml` of the layer `problem.yaml` in `dir` on the architecture and
 * energy table (`arch.yaml`, `ert.yaml`) in `archDir`.
 */
export function evaluateCaseFiles(archDir: string, dir: string): { arch: Architecture; result: EvaluationResult } {
  const arch = loadArchitecture(join(archDir, 'arch.yaml'), { ertPath: join(archDir, 'ert.yaml') });
  const layer = loadProblem(join(dir, 'problem.yaml'));
  const mapPath = join(dir, 'map.yaml');
  const mapping = parseMapping(readFileSync(mapPath, 'utf8'), mapPath, arch, layer);
  return { arch, result: evaluate(arch, layer, mapping) };
}
