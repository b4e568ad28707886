// `cosa pareto`: the non-dominated design points of a sweep in a results database.
import type { Command } from 'commander';

import { InputError } from '../../input-error.js';
import { openStore } from '../../store/open.js';
import { checkNetwork, findSweep, paretoFront, parseObjectives, varyingParameters } from '../../store/queries.js';
import { runAction } from '../errors.js';
import { timeLimitedUse } from '../../store/time-limited.js';
import { formatFrontTable, frontCsv, frontJson, frontSummary, timeLimitWarning } from './pareto-format.js';

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
    .action(runAction(paretoCommand));
}

function paretoCommand(options: ParetoOptions): number {
  if (options.json && options.csv) throw new InputError('command line', '--json', true, 'give either --json or --csv, not both');
  const objectives = parseObjectives(options.objectives);

  const db = openStore(options.db);
  try {
    const sweep = findSweep(db, options.sweep, options.db);
    if (options.network !== undefined) checkNetwork(db, sweep.id, options.network, options.db);

    const front = paretoFront(db, sweep.id, objectives, options.network);
    const parameters = varyingParameters(db, sweep.id);
    if (options.json) process.stdout.write(frontJson(front, sweep.name, options.network));
    else if (options.csv) process.stdout.write(frontCsv(front, parameters));
    else process.stdout.write(`${frontSummary(front, options.network)}\n${formatFrontTable(front, parameters)}\n`);

    // On stderr, so that JSON and CSV on stdout stay machine-readable.
    const use = timeLimitedUse(db, front.front.map((point) => point.designPointId), options.network);
    const warning = timeLimitWarning(use, front.front.length, `cosa sweep run ${sweep.specPath} --db ${options.db}`);
    if (warning !== undefined) process.stderr.write(`${warning}\n`);
  } finally {
    db.close();
  }
  return 0;
}
