// The text report of `cosa evaluate`: access counts and energy per level and data space, then totals.
import type { Evaluation } from '../model/types.js';
import { DATA_SPACES } from '../workload/layer.js';
import { formatTable } from './table.js';

/** Formats an energy or area: integers as they are, other values with 3 decimals. */
function formatAmount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/**
 * Returns a table of reads, fills and updates (words, summed over utilized instances) and energy
 * (pJ) for every kept data space of every level, innermost first, then the arithmetic's energy.
 */
export function formatAccessTable(evaluation: Evaluation): string {
  const rows: string[][] = [];
  for (const levelName of evaluation.level_order) {
    const level = evaluation.levels[levelName];
    for (const dataSpace of DATA_SPACES) {
      const stats = level.dataspaces[dataSpace];
      if (stats === undefined) continue;
      rows.push([
        levelName,
        dataSpace,
        String(stats.utilized_instances),
        String(stats.utilized_capacity),
        String(stats.reads_total),
        String(stats.fills_total),
        String(stats.updates_total),
        formatAmount(stats.energy_pJ),
      ]);
    }
  }

  const arithmetic = evaluation.arithmetic;
  rows.push([arithmetic.name, '(MACs)', String(arithmetic.utilized_instances), '', '', '', '', formatAmount(arithmetic.energy_pJ)]);

  const header = ['Level', 'Data space', 'Instances', 'Tile (words)', 'Reads', 'Fills', 'Updates', 'Energy (pJ)'];
  return formatTable(header, rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right']);
}

/** Returns the totals: MACs, cycles, energy in pJ and uJ, energy per MAC, area in um² and mm², utilization. */
export function formatTotals(evaluation: Evaluation): string {
  const lines = [
    ['MACs', String(evaluation.macc_count)],
    ['Cycles', String(evaluation.cycles)],
    ['Energy', `${formatAmount(evaluation.energy_pJ)} pJ (${(evaluation.energy_pJ / 1e6).toFixed(3)} uJ)`],
    ['Energy per MAC', `${(evaluation.energy_pJ / evaluation.macc_count).toFixed(3)} pJ`],
    ['Area', `${formatAmount(evaluation.area_um2)} um² (${(evaluation.area_um2 / 1e6).toFixed(3)} mm²)`],
    ['Utilization', `${(evaluation.utilization * 100).toFixed(2)} %`],
  ];
  const width = Math.max(...lines.map(([label]) => label.length)) + 1;
  return lines.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`).join('\n');
}
