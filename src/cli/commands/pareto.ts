// `cosa pareto`: the non-dominated design points of a sweep in a results database.
import type { Command } from 'commander';

import { InputError } from '../../input-error.js';
import { openStore } from '../../store/open.js';
import { runInProgressNote } from '../../store/run-in-progress.js';
import { sweepJobCounts } from '../../store/job-tally.js';
import { checkNetwork, chosenSweepNote, findSweep, paretoFront, parseObjectives, sweepSettings, varyingParameters } from '../../store/queries.js';
import { timeLimitedUse } from '../../store/time-limited.js';
import { runAction } from '../errors.js';
import { emptyFrontLine, formatFrontTable, frontCsv, frontJson, frontSummary, objectiveNote, tableParameters, timeLimitWarning } from './pareto-format.js';

interface ParetoOptions {
  db: string;
  sweep?: string;
  network?: string;
  objectives: string;
  json?: boolean;
  csv?: boolean;
}

export function registerParetoCommand(program: Command): void {
  program
    .command('pareto')
    .summary('print the Pareto-optimal design points of a sweep')
    .description(
      'Print the design points of a sweep that no other design point beats in every objective (all minimised), ' +
        'with their parameters, latency, energy, EDP and area. Design points with a failed or missing layer are left out.',
    )
    .requiredOption('--db <file>', 'results database written by `cosa sweep run`')
    .option('--sweep <name>', 'sweep name, when the database holds several (default: the most recent)')
    .option('--network <name>', 'one network of the sweep (default: all networks, latency and energy summed)')
    .option('--objectives <list>', '2 or 3 of latency, energy, area, edp, comma-separated', 'latency,energy,area')
    .option('--json', 'print JSON instead of a table')
    .option('--csv', 'print CSV instead of a table')
    .addHelpText(
      'after',
      `
Units: the table gives latency in cycles and in ms at the sweep's clock, energy in uJ, EDP in
J x cycles and area in mm2. JSON and CSV give cycles, s, pJ, J x cycles and um2, as the results
database and the HTML report do.`,
    )
    .action(runAction(paretoCommand));
}

function paretoCommand(options: ParetoOptions): number {
  if (options.json && options.csv) throw new InputError('command line', '--json', true, 'give either --json or --csv, not both');
  const objectives = parseObjectives(options.objectives);

  const db = openStore(options.db, { readonly: true });
  try {
    const sweep = findSweep(db, options.sweep, options.db);
    if (options.network !== undefined) checkNetwork(db, sweep, options.network, options.db);
    const note = chosenSweepNote(db, sweep, options.sweep);
    if (note !== undefined) process.stderr.write(`${note}\n`);
    const running = runInProgressNote(options.db);
    if (running !== undefined) process.stderr.write(`${running}\n`);

    const front = paretoFront(db, sweep.id, objectives, options.network);
    const parameters = varyingParameters(db, sweep.id);
    const rerun = `cosa sweep run ${sweep.specPath} --db ${options.db}`;
    if (options.json) process.stdout.write(frontJson(front, sweep.name, options.network));
    else if (options.csv) process.stdout.write(frontCsv(front, parameters));
    else if (front.front.length > 0) process.stdout.write(`${frontSummary(front, options.network)}\n${formatFrontTable(front, tableParameters(front, parameters))}\n`);

    // An empty front is a normal state of a sweep that has not finished, so the status stays 0.
    if (front.front.length === 0) {
      const line = emptyFrontLine(front, sweepJobCounts(db, sweep.id), rerun, `cosa sweep status --db ${options.db}`, running !== undefined);
      // On stderr after JSON or CSV, so that stdout stays machine-readable.
      (options.json || options.csv ? process.stderr : process.stdout).write(`${line}\n`);
    }

    // On stderr, so that JSON and CSV on stdout stay machine-readable.
    const objectiveLine = front.front.length > 0 ? objectiveNote(sweepSettings(db, sweep.id).mapper.objective, objectives) : undefined;
    if (objectiveLine !== undefined) process.stderr.write(`${objectiveLine}\n`);
    const use = timeLimitedUse(db, front.front.map((point) => point.designPointId), options.network);
    const warning = timeLimitWarning(use, front.front.length, rerun);
    if (warning !== undefined) process.stderr.write(`${warning}\n`);
  } finally {
    db.close();
  }
  return 0;
}
