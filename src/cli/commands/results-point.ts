// `cosa results point`: one design point of a sweep written as Timeloop input files, so that any
// of its jobs can be evaluated again with `cosa evaluate` or with timeloop-model.
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';

import { architectureToYaml, energyTablesToYaml } from '../../arch/write.js';
import { checkOutputFolder } from '../../file-checks.js';
import { InputError } from '../../input-error.js';
import { openStore } from '../../store/open.js';
import { pointInputs, type PointShape } from '../../store/point-files.js';
import { chosenSweepNote, findSweep } from '../../store/queries.js';
import { writeProblemYaml } from '../../workload/problem-write.js';
import { countOf } from '../../plural.js';
import { runAction } from '../errors.js';
import { csvLine } from './export-csv.js';

interface PointOptions {
  db: string;
  point: string;
  out: string;
  sweep?: string;
}

export function registerResultsPointCommand(results: Command): void {
  results
    .command('point')
    .summary("write a design point's architecture, layers and mappings as Timeloop files")
    .description(
      'Write design point N of a sweep as the inputs of its jobs: OUT/arch.yaml (Timeloop flat format), ' +
        'OUT/ert.yaml (the energies per action in pJ and areas per instance in um² that the sweep used, as an ' +
        'Accelergy v0.3 ERT and ART), and per layer shape NN-NAME.problem.yaml and, for a done job, ' +
        'NN-NAME.map.yaml with the stored mapping and its bypass. OUT/layers.csv lists every layer position ' +
        'with its files, status, cycles and energy (pJ, one repeat), and the design point a shared mapping came from. ' +
        "`cosa evaluate` on a shape's files " +
        'gives the stored figures again.',
    )
    .requiredOption('--db <file>', 'results database written by `cosa sweep run`')
    .requiredOption('--point <n>', 'design point index, as `cosa pareto` and `cosa export` print it')
    .requiredOption('--out <folder>', 'folder to write into, created when missing')
    .option('--sweep <name>', 'sweep name, when the database holds several (default: the most recent)')
    .action(runAction(resultsPointCommand));
}

function resultsPointCommand(options: PointOptions): number {
  const pointIndex = /^\d+$/.test(options.point) ? Number(options.point) : NaN;
  if (!Number.isSafeInteger(pointIndex)) {
    throw new InputError('command line', '--point', options.point, 'must be a design point index (an integer of at least 0)');
  }

  const db = openStore(options.db, { readonly: true });
  let inputs;
  try {
    const sweep = findSweep(db, options.sweep, options.db);
    const note = chosenSweepNote(db, sweep, options.sweep);
    if (note !== undefined) process.stderr.write(`${note}\n`);
    inputs = pointInputs(db, sweep, pointIndex, options.db);
  } finally {
    db.close();
  }

  checkOutputFolder(options.out, '--out');
  clearEarlierOutput(options.out);
  writeFileSync(join(options.out, 'arch.yaml'), architectureToYaml(inputs.architecture));
  writeFileSync(join(options.out, 'ert.yaml'), energyTablesToYaml(inputs.architecture));

  const stems = fileStems(inputs.shapes);
  let table = LAYERS_HEADER;
  inputs.shapes.forEach((shape, index) => {
    const problemFile = `${stems[index]}.problem.yaml`;
    writeFileSync(join(options.out, problemFile), writeProblemYaml(shape.layer));
    const mappingFile = shape.mappingYaml === null ? '' : `${stems[index]}.map.yaml`;
    if (shape.mappingYaml !== null) writeFileSync(join(options.out, mappingFile), shape.mappingYaml);
    for (const position of shape.positions) {
      table += csvLine([position.network, position.position, position.name, position.repeats, problemFile, mappingFile, shape.status, shape.reason, shape.cycles, shape.energyPJ, shape.mappingFromSweep, shape.mappingFromPoint]);
    }
  });
  writeFileSync(join(options.out, 'layers.csv'), table);

  const mapped = inputs.shapes.filter((shape) => shape.mappingYaml !== null).length;
  process.stdout.write(`wrote design point ${pointIndex} to ${options.out}: arch.yaml, ert.yaml, ${countOf(inputs.shapes.length, 'layer shape')} (${mapped} with a mapping), layers.csv\n`);
  const first = inputs.shapes.findIndex((shape) => shape.mappingYaml !== null);
  if (first >= 0) {
    const file = (name: string) => join(options.out, name);
    process.stdout.write(`check one: cosa evaluate --arch ${file('arch.yaml')} --ert ${file('ert.yaml')} --problem ${file(`${stems[first]}.problem.yaml`)} --mapping ${file(`${stems[first]}.map.yaml`)}\n`);
  }
  return 0;
}

/** First line of layers.csv, which also marks a folder that this command wrote. */
const LAYERS_HEADER = csvLine(['network', 'position', 'layer', 'repeats', 'problem_file', 'mapping_file', 'status', 'reason', 'cycles', 'energy_pj', 'mapping_from_sweep', 'mapping_from_point']);

/** Names of the files this command writes. */
const OUTPUT_FILE = /^(arch\.yaml|ert\.yaml|layers\.csv|\d+-.*\.(problem|map)\.yaml)$/;

/**
 * Removes the files of an earlier run into `folder`, so that none of another point's mappings
 * stays beside this point's files. A folder with other files is rejected unless its layers.csv
 * starts with this command's header.
 */
function clearEarlierOutput(folder: string): void {
  const names = readdirSync(folder);
  if (names.length === 0) return;
  const index = join(folder, 'layers.csv');
  if (!names.includes('layers.csv') || !readFileSync(index, 'utf8').startsWith(LAYERS_HEADER)) {
    throw new InputError(folder, '--out', undefined, 'is a folder with other files; give a new or empty folder, or one that `cosa results point` wrote');
  }
  for (const name of names) {
    if (OUTPUT_FILE.test(name)) unlinkSync(join(folder, name));
  }
}

/** File name stems: the shape's position in the list and the name of its first layer, made safe for file names. */
function fileStems(shapes: readonly PointShape[]): string[] {
  const digits = String(shapes.length).length;
  return shapes.map((shape, index) => {
    const name = shape.positions[0].name.replace(/ \(\+\d+ identical\)$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
    return `${String(index + 1).padStart(Math.max(2, digits), '0')}-${name}`;
  });
}
