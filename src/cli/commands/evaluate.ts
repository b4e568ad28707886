// `cosa evaluate`: one mapping of one layer on one architecture through the cost model,
// the counterpart of Timeloop's timeloop-model.
import type { Command } from 'commander';

import { parseMapspaceKeep } from '../../arch/bypass.js';
import { parseMapspaceConstraints } from '../../arch/constraints.js';
import { loadArchitecture } from '../../arch/load.js';
import { parseMapping } from '../../mapping/parse.js';
import { printLoopNest, tileSizesOf } from '../../mapping/print.js';
import type { ZeroFactor } from '../../mapping/parse-loops.js';
import { checkFactorProducts, zeroFactorNote } from '../../mapping/validate.js';
import { evaluate } from '../../model/evaluate.js';
import type { EvaluationResult } from '../../model/types.js';
import { loadProblem } from '../../workload/problem.js';
import { areasFromLibraryNote, printNotes } from '../input-notes.js';
import { readTextFile } from '../../workload/yaml-input.js';
import { EXIT_FAILURE, EXIT_OK, runAction } from '../errors.js';
import { formatAccessTable, formatTotals } from '../evaluation-text.js';

interface EvaluateOptions {
  arch: string;
  problem: string;
  mapping: string;
  ert?: string;
  mapspace?: string;
  json?: boolean;
}

const EXIT_STATUS_HELP = `
Exit status:
  0  the mapping is valid and was evaluated
  1  the mapping is invalid (factor products, capacity, fan-out or bypass); the reason is printed
     (with --json: {"ok": false, "error": "..."})
  2  an input file is missing or malformed; one line names the file, field and value

Units: cycles; energy in pJ (totals also in uJ); area in um² (total also in mm²); access counts in
words summed over the utilized instances; tile sizes in words per instance.`;

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .summary('evaluate one mapping with the analytical cost model')
    .description(
      'Evaluate one mapping of one layer on one architecture with the Timeloop-style analytical cost ' +
        'model and print the loop nest, per-level access counts and energy, cycles, energy, area and utilization.',
    )
    .requiredOption('--arch <file>', 'architecture YAML (Timeloop `arch:` with arithmetic and storage levels, innermost first)')
    .requiredOption('--problem <file>', 'layer YAML (Timeloop `problem:` with R S P Q C K N, strides, dilations and optionally G groups, with C and K over all groups)')
    .requiredOption('--mapping <file>', 'Timeloop mapping YAML (`mapping:` list of temporal, spatial and datatype entries)')
    .option(
      '--ert <file>',
      'energy and area tables: ERT with energy per action in pJ, ART with area per instance in um² (default: estimates from the built-in component library)',
    )
    .option(
      '--mapspace <file>',
      'mapspace YAML whose bypass settings say what a level keeps when the mapping has no datatype entry for it (default: keep everything)',
    )
    .option('--json', 'print one JSON object with the statistics, in the fields and units of Timeloop\'s output, instead of text')
    .addHelpText('after', EXIT_STATUS_HELP)
    .action(runAction(evaluateCommand));
}

async function evaluateCommand(options: EvaluateOptions): Promise<number> {
  const arch = await loadArchitecture(options.arch, { ertPath: options.ert });
  const layer = await loadProblem(options.problem);
  printNotes(options.ert === undefined ? undefined : areasFromLibraryNote(options.ert));
  const mapspaceText = options.mapspace === undefined ? undefined : readTextFile(options.mapspace);
  const defaultKeep = mapspaceText === undefined ? undefined : parseMapspaceKeep(mapspaceText, options.mapspace!, arch);
  // Only the bypass pattern is used, as timeloop-model uses no mapspace constraint, but the file is
  // checked whole, so a file that `schedule` rejects is not accepted here.
  if (mapspaceText !== undefined) parseMapspaceConstraints(mapspaceText, options.mapspace!, arch);
  const zeroFactors: ZeroFactor[] = [];
  const mapping = parseMapping(readTextFile(options.mapping), options.mapping, arch, layer, { defaultKeep, zeroFactors });

  // Timeloop rejects wrong factor products while parsing, before it evaluates anything.
  const productError = checkFactorProducts(mapping, layer);
  const result: EvaluationResult =
    productError === undefined ? evaluate(arch, layer, mapping) : { ok: false, error: `${productError}${zeroFactorNote(mapping, layer, zeroFactors)}` };

  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.ok ? EXIT_OK : EXIT_FAILURE;
  }

  const tileSizes = result.ok ? tileSizesOf(arch, result) : undefined;
  process.stdout.write(`${printLoopNest(arch, mapping, tileSizes)}\n`);
  if (!result.ok) {
    process.stderr.write(`invalid mapping: ${result.error}\n`);
    return EXIT_FAILURE;
  }

  process.stdout.write(`${formatAccessTable(result)}\n\n${formatTotals(result)}\n`);
  return EXIT_OK;
}
