// Random architectures in Timeloop's flat format with an energy and area table, for comparing the
// model with timeloop-model beyond the reference designs. They have one to four on-chip levels,
// fan-outs in X and Y, block and cluster sizes, bandwidth limits, sizeKB and zero-entry levels.

export type Rng = () => number;

export function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[Math.floor(rng() * values.length)];
}

type Spec = Record<string, string | number>;

export interface RandomDesign {
  archYaml: string;
  ertYaml: string;
}

export function randomDesign(rng: Rng): RandomDesign {
  const storage: Spec[] = [{ name: 'DRAM', technology: 'DRAM', instances: 1, meshX: 1, 'word-bits': 8, 'block-size': pick(rng, [1, 4, 8, 64]) }];
  if (rng() < 0.3) storage[0][pick(rng, ['bandwidth', 'read_bandwidth', 'write_bandwidth'])] = pick(rng, [1, 2, 4, 8, 16, 20]);

  // Outermost first: each on-chip level fans out from the one above it.
  let instances = 1;
  let meshX = 1;
  const count = 1 + Math.floor(rng() * 4);
  for (let index = 0; index < count; index++) {
    const fanoutX = rng() < 0.5 ? 1 : pick(rng, [2, 3, 4, 8]);
    const fanoutY = rng() < 0.6 ? 1 : pick(rng, [2, 4]);
    instances *= fanoutX * fanoutY;
    meshX *= fanoutX;
    storage.push(randomLevel(rng, `L${count - index}`, instances, meshX, fanoutY === 1 && meshX === instances));
  }

  const fanoutX = rng() < 0.4 ? 1 : pick(rng, [2, 4, 8]);
  const fanoutY = rng() < 0.6 ? 1 : pick(rng, [2, 4]);
  const arithmetic: Spec = { name: 'MAC', instances: instances * fanoutX * fanoutY, meshX: meshX * fanoutX, 'word-bits': 8 };
  const innermostFirst = storage.reverse();

  const archYaml = `arch:\n  arithmetic: ${JSON.stringify(arithmetic)}\n  storage:\n${innermostFirst.map((level) => `  - ${JSON.stringify(level)}`).join('\n')}\n`;
  return { archYaml, ertYaml: randomTables(rng, innermostFirst.map((level) => String(level.name))) };
}

function randomLevel(rng: Rng, name: string, instances: number, meshX: number, meshXOptional: boolean): Spec {
  const blockSize = pick(rng, [1, 1, 2, 4, 8]);
  const level: Spec = { name, instances, meshX, 'word-bits': pick(rng, [8, 16]), 'block-size': blockSize };
  const entries = Math.max(blockSize, pick(rng, [blockSize, 16, 64, 256, 1024, 4096, 65536, 1 << 20]));
  if (rng() < 0.1) level.entries = 0;
  else if (rng() < 0.15) level.sizeKB = pick(rng, [1, 2, 16, 64]);
  else level.entries = entries;

  if (rng() < 0.2 && meshXOptional) delete level.meshX;
  if (rng() < 0.2) {
    const clusterSize = pick(rng, [2, 4, 8]);
    if (instances % clusterSize === 0) level['cluster-size'] = clusterSize;
  }
  if (rng() < 0.3) level.read_bandwidth = pick(rng, [1, 2, 4, 16]);
  if (rng() < 0.3) level.write_bandwidth = pick(rng, [1, 2, 4, 16]);
  return level;
}

/** Writes an Accelergy v0.3 ERT and ART with random energies (pJ) and areas (um²) for every level. */
function randomTables(rng: Rng, levelNames: string[]): string {
  const energy = () => Math.round(rng() * 1000) / 100 + 0.01;
  const tables = levelNames.map((name) => `    - {name: system.${name}, actions: [{name: read, energy: ${energy()}}, {name: write, energy: ${energy()}}]}`);
  const areas = levelNames.map((name) => `    - {name: system.${name}, area: ${energy() * 10}}`);
  return [
    'ERT:',
    '  version: 0.3',
    '  tables:',
    `    - {name: system.MAC, actions: [{name: mac_random, energy: ${energy()}}]}`,
    ...tables,
    'ART:',
    '  version: 0.3',
    '  tables:',
    '    - {name: system.MAC, area: 100.5}',
    ...areas,
    '',
  ].join('\n');
}
