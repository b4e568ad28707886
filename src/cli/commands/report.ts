// `cosa report`: the HTML report of a results database, one self-contained page to open in a browser.
import type { Command } from 'commander';

import { checkNotAnInput, checkOutputFile } from '../../file-checks.js';
import { defaultReportPath, writeReport } from '../../report/index.js';
import { openStore } from '../../store/open.js';
import { runInProgressNote } from '../../store/run-in-progress.js';
import { chosenSweepNote, findSweep } from '../../store/queries.js';
import { runAction } from '../errors.js';
import { countOf } from '../../plural.js';

interface ReportCommandOptions {
  db: string;
  network?: string;
  out?: string;
  colorBy?: string;
  sweep?: string;
}

const EXIT_STATUS_HELP = `
Exit status:
  0  the report was written; its path is printed
  2  the database is missing, not a results database of \`cosa sweep run\`, or has no finished job,
     or an option names a network, sweep or parameter that the database does not have

The page needs no network access: ECharts and the data are inside the file.
Units: latency in cycles and seconds (at the sweep's clock), energy in pJ, area in um²,
EDP in J x cycles; per-layer bars show one layer shape's figure times its repeat count.`;

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .summary('write an HTML report with Pareto plots of a sweep')
    .description(
      'Write one self-contained HTML page for a sweep: per network, scatter plots of latency vs energy and ' +
        'energy vs area with the Pareto front, a sortable table of the Pareto-optimal design points, ' +
        'per-layer latency and energy of a chosen design point, and the sweep\'s job status with failure reasons.',
    )
    .requiredOption('--db <file>', 'results database written by `cosa sweep run` (SQLite)')
    .option('--network <name>', 'report only this network of the sweep (default: every network)')
    .option('--out <file>', 'HTML file to write (default: the database path with the extension .html)')
    .option('--color-by <parameter>', 'design parameter that colours the plots when the page opens (default: the first one that varies)')
    .option('--sweep <name>', 'sweep to report when the database holds several (default: the most recent)')
    .addHelpText('after', EXIT_STATUS_HELP)
    .action(runAction(reportCommand));
}

function reportCommand(options: ReportCommandOptions): number {
  const outPath = options.out ?? defaultReportPath(options.db);
  const field = options.out === undefined ? 'report' : '--out';
  checkNotAnInput(outPath, field, { '--db': options.db });
  // As for `export --out`, a missing folder is rejected: a mistyped path would otherwise create folders.
  checkOutputFile(outPath, field, { exampleName: 'report.html' });
  const written = writeReport(options.db, outPath, { network: options.network, colorBy: options.colorBy, sweep: options.sweep });
  const running = runInProgressNote(options.db);
  if (running !== undefined) process.stderr.write(`${running}\n`);
  process.stdout.write(`wrote ${written.path} (${countOf(written.networks, 'network')}, ${countOf(written.plottedPoints, 'plotted design point')})\n`);
  if (options.sweep === undefined) {
    const db = openStore(options.db, { readonly: true });
    try {
      const note = chosenSweepNote(db, findSweep(db, written.sweep, options.db), undefined);
      if (note !== undefined) process.stderr.write(`${note}\n`);
    } finally {
      db.close();
    }
  }
  return 0;
}
