// Reference cases loaded in full for the mapper tests: architecture with its energy table, layer,
// and the bypass pattern of the case's mapping.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadArchitecture } from '../src/arch/load.js';
import type { Architecture } from '../src/arch/types.js';
import type { KeepPattern } from '../src/mappers/types.js';
import { parseMapping } from '../src/mapping/parse.js';
import type { Layer } from '../src/workload/layer.js';
import { loadProblem } from '../src/workload/problem.js';

import { CASES_DIR } from './reference.js';

export { CASES_DIR };

export interface MapperCase {
  id: string;
  archName: string;
  arch: Architecture;
  layer: Layer;
  keep: KeepPattern;
}

export function loadMapperCase(id: string): MapperCase {
  const dir = join(CASES_DIR, id);
  const arch = loadArchitecture(join(dir, 'arch.yaml'), { ertPath: join(dir, 'ert.yaml') });
  const layer = loadProblem(join(dir, 'problem.yaml'));
  const mapPath = join(dir, 'map.yaml');
  const keep = parseMapping(readFileSync(mapPath, 'utf8'), mapPath, arch, layer).levels.map((level) => level.keep);
  return { id, archName: id.split('__')[0], arch, layer, keep };
}

export function mapperCaseIds(): string[] {
  return readdirSync(CASES_DIR).filter((name) => !name.startsWith('.')).sort();
}

/** Loads the first case (by id) of each distinct (architecture, layer) pair. */
export function distinctLayerCases(): MapperCase[] {
  const seen = new Set<string>();
  const cases: MapperCase[] = [];
  for (const id of mapperCaseIds()) {
    const [archName, layerName] = id.split('__');
    const key = `${archName}__${layerName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    cases.push(loadMapperCase(id));
  }
  return cases;
}
