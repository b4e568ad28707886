// The `cosa` command line. Each command lives in its own file under commands/ and exports a
// function that adds it to the program with `program.command(...)`. Register each one below.
import { readFileSync } from 'node:fs';

import { Command } from 'commander';

import { registerEvaluateCommand } from './commands/evaluate.js';
import { registerExportCommand } from './commands/export.js';
import { registerParetoCommand } from './commands/pareto.js';
import { registerReportCommand } from './commands/report.js';
import { registerResultsCommand } from './commands/results-merge.js';
import { registerScheduleCommand } from './commands/schedule.js';
import { registerSweepCommand } from './commands/sweep.js';
import { configureErrorHandling } from './errors.js';

const program = new Command('cosa')
  .description(
    'Schedule DNN layers on accelerators with CoSA (a MIP solved by HiGHS), evaluate mappings with a ' +
      'Timeloop-style analytical cost model, and sweep design grids for Pareto-optimal designs.',
  )
  .version(packageVersion());
configureErrorHandling(program);

registerEvaluateCommand(program);
registerSweepCommand(program);
registerParetoCommand(program);
registerExportCommand(program);
registerReportCommand(program);
registerResultsCommand(program);
registerScheduleCommand(program);

await program.parseAsync(process.argv);

/** The version in package.json, found relative to the compiled file dist/src/cli/main.js. */
function packageVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}
