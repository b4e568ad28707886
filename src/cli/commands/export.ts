// `cosa export`: every result row of a results database as CSV.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';

import { checkNotAnInput, checkOutputFile } from '../../file-checks.js';
import { InputError } from '../../input-error.js';
import { openStore } from '../../store/open.js';
import { runInProgressNote } from '../../store/run-in-progress.js';
import { designPointResults, findSweep, layerResults, listSweeps, sweepNetworks, varyingParameters } from '../../store/queries.js';
import type { Db } from '../../store/open.js';
import { runAction } from '../errors.js';
import { csvLine } from './export-csv.js';

interface ExportOptions {
  db: string;
  csv?: boolean;
  out?: string;
  sweep?: string;
  layers?: boolean;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .summary('write every result row of a results database as CSV')
    .description(
      'Write one CSV row per design point and network (parameters, completeness, latency, energy, EDP, area), ' +
        'or with --layers one row per design point and layer (job status, reason, cycles and energy of one repeat, and ' +
        'mapping_from_sweep and mapping_from_point: the design point whose mapping the job took from a neighbour, empty for its own).',
    )
    .requiredOption('--db <file>', 'results database written by `cosa sweep run`')
    .option('--csv', 'write CSV (the only format)')
    .option('--out <file>', 'output file (default: standard output)')
    .option('--sweep <name>', 'only this sweep (default: every sweep in the database)')
    .option('--layers', 'one row per design point and layer instead of per design point and network')
    .action(runAction(exportCommand));
}

async function exportCommand(options: ExportOptions): Promise<number> {
  if (!options.csv) throw new InputError('command line', '--csv', undefined, 'missing; export writes CSV only, so give --csv');

  if (options.out !== undefined) {
    checkNotAnInput(options.out, '--out', { '--db': options.db });
    checkOutputFile(options.out, '--out', { exampleName: 'results.csv' });
  }
  const db = openStore(options.db, { readonly: true });
  const running = runInProgressNote(options.db);
  if (running !== undefined) process.stderr.write(`${running}\n`);
  const out: NodeJS.WritableStream = options.out === undefined ? process.stdout : createWriteStream(options.out);
  try {
    const sweeps = options.sweep === undefined ? listSweeps(db) : [findSweep(db, options.sweep, options.db)];
    const parameterNames = [...new Set(sweeps.flatMap((sweep) => varyingParameters(db, sweep.id)))];
    if (options.layers) writeLayerRows(db, sweeps, parameterNames, out);
    else writeNetworkRows(db, sweeps, parameterNames, out);
  } finally {
    db.close();
    if (out !== process.stdout) await new Promise<void>((done) => (out as WriteStream).end(done));
  }
  return 0;
}

function writeNetworkRows(db: Db, sweeps: ReturnType<typeof listSweeps>, parameterNames: string[], out: NodeJS.WritableStream): void {
  out.write(csvLine(['sweep', 'point_index', ...parameterNames, 'network', 'complete', 'failed_layers', 'missing_layers', 'latency_cycles', 'latency_s', 'energy_pj', 'edp_j_cycles', 'area_um2']));
  for (const sweep of sweeps) {
    for (const network of sweepNetworks(db, sweep.id)) {
      for (const row of designPointResults(db, sweep.id, network)) {
        const parameters = parameterNames.map((name) => row.parameters[name]);
        out.write(csvLine([sweep.name, row.pointIndex, ...parameters, network, row.complete ? 1 : 0, row.failedLayers, row.missingLayers, row.latencyCycles, row.latencyS, row.energyPJ, row.edpJCycles, row.areaUm2]));
      }
    }
  }
}

function writeLayerRows(db: Db, sweeps: ReturnType<typeof listSweeps>, parameterNames: string[], out: NodeJS.WritableStream): void {
  out.write(csvLine(['sweep', 'point_index', ...parameterNames, 'network', 'position', 'layer', 'layer_key', 'repeats', 'job_key', 'status', 'reason', 'mapper_status', 'solve_seconds', 'gap', 'cycles', 'energy_pj', 'mapping_from_sweep', 'mapping_from_point']));
  for (const sweep of sweeps) {
    const points = designPointResults(db, sweep.id);
    for (const point of points) {
      const parameters = parameterNames.map((name) => point.parameters[name]);
      for (const layer of layerResults(db, point.designPointId)) {
        out.write(csvLine([sweep.name, point.pointIndex, ...parameters, layer.network, layer.position, layer.name, layer.layerKey, layer.repeats, layer.jobKey, layer.status, layer.reason, layer.mapperStatus, layer.solveSeconds, layer.gap, layer.cycles, layer.energyPJ, layer.mappingFromSweep, layer.mappingFromPoint]));
      }
    }
  }
}
