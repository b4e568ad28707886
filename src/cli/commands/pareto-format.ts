// Printing a Pareto front as a table, JSON or CSV; shared by `cosa pareto` and `cosa sweep run`.
import type { Objective } from '../../mappers/types.js';
import type { ParetoFront } from '../../store/queries.js';
import type { TimeLimitedUse } from '../../store/time-limited.js';
import { countOf } from '../../plural.js';
import { formatTable } from '../table.js';
import { csvLine } from './export-csv.js';

function formatNumber(value: number | null, digits = 4): string {
  if (value === null) return '-';
  if (value !== 0 && (Math.abs(value) >= 1e7 || Math.abs(value) < 1e-3)) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

/** A table of the front: the varying parameters, then latency (cycles as exact integers), energy, EDP and area. */
export function formatFrontTable(front: ParetoFront, parameterNames: string[]): string {
  const header = ['point', ...parameterNames, 'latency (cycles)', 'latency (ms)', 'energy (uJ)', 'EDP (J x cycles)', 'area (mm2)'];
  const rows = front.front.map((point) => [
    String(point.pointIndex),
    ...parameterNames.map((name) => String(point.parameters[name] ?? '')),
    point.latencyCycles === null ? '-' : String(point.latencyCycles),
    formatNumber(point.latencyS === null ? null : point.latencyS * 1e3),
    formatNumber(point.energyPJ === null ? null : point.energyPJ / 1e6),
    formatNumber(point.edpJCycles),
    formatNumber(point.areaUm2 / 1e6),
  ]);
  const alignments = header.map((_, column) => (column === 0 || column > parameterNames.length ? 'right' : 'left') as 'left' | 'right');
  return formatTable(header, rows, alignments);
}

/**
 * Returns the parameter columns of the front table: those that vary across the sweep's design
 * points (`varying`, from varyingParameters), and none for a sweep of one design point.
 */
export function tableParameters(front: ParetoFront, varying: string[]): string[] {
  return front.considered + front.incomplete <= 1 ? [] : varying;
}

/** One line saying what the front covers and what was left out. */
export function frontSummary(front: ParetoFront, network: string | undefined): string {
  const scope = network === undefined ? 'all networks summed' : `network ${network}`;
  const left = front.incomplete > 0 ? `; ${countOf(front.incomplete, 'design point')} left out because a layer failed or has no result` : '';
  return `Pareto front over ${front.objectives.join(', ')} (${scope}): ${front.front.length} Pareto-optimal of ${countOf(front.considered, 'complete design point')}${left}`;
}

/**
 * Returns the line for a front without design points, when none has a result for every layer
 * yet. It names the command that finishes the pending jobs (`rerun`), unless a run is in progress,
 * and where the failure reasons are.
 */
export function emptyFrontLine(front: ParetoFront, counts: { failed: number; pending: number }, rerun: string, status: string, runInProgress = false): string {
  const steps: string[] = [];
  if (counts.pending > 0 && runInProgress) steps.push(`a run is in progress (${countOf(counts.pending, 'job')} pending); repeat this command once more design points are complete`);
  else if (counts.pending > 0) steps.push(`run or resume the sweep with \`${rerun}\` (${countOf(counts.pending, 'job')} pending)`);
  if (counts.failed > 0) steps.push(`\`${status}\` lists the reasons of the ${countOf(counts.failed, 'failed job')}`);
  const left = front.incomplete > 0 ? ` (${countOf(front.incomplete, 'design point')} with a failed or missing layer)` : '';
  return `no design point has results for every layer${counts.pending > 0 ? ' yet' : ''}${left}${steps.length > 0 ? `; ${steps.join('; ')}` : ''}`;
}

/**
 * One line warning that front points rest on searches stopped at the time limit, or undefined
 * when none does. `rerun` is the command that solves them again, without its new option.
 */
/**
 * Returns a note when the front compares designs by a quantity that the mapper did not minimise:
 * with the latency objective, each design point's energy is that of a latency-optimal mapping.
 */
export function objectiveNote(mapperObjective: Objective, frontObjectives: readonly string[]): string | undefined {
  if (mapperObjective === 'edp') return undefined;
  const other = mapperObjective === 'latency' ? 'energy' : 'latency';
  if (!frontObjectives.some((objective) => objective === other || objective === 'edp')) return undefined;
  return (
    `note: the sweep's mapper minimised ${mapperObjective}, so each design point's ${other} is that of ${mapperObjective === 'energy' ? 'an' : 'a'} ${mapperObjective}-optimal ` +
    `mapping, not the lowest its hardware allows; set mapper.objective: edp to compare designs by both`
  );
}

export function timeLimitWarning(use: TimeLimitedUse, frontSize: number, rerun: string): string | undefined {
  if (use.jobs === 0) return undefined;
  return (
    `warning: ${use.points} of the ${countOf(frontSize, 'front point')} ${use.points === 1 ? 'uses' : 'use'} ${countOf(use.jobs, 'layer result')} whose search stopped at the time limit ` +
    '(mapper status time_limit), which may be worse on a busy machine; raise mapper.time_limit_s, or solve them again with ' +
    `\`${rerun} --retry-time-limited\``
  );
}

export function frontJson(front: ParetoFront, sweepName: string, network: string | undefined): string {
  const points = front.front.map((point) => ({
    pointIndex: point.pointIndex,
    parameters: point.parameters,
    latencyCycles: point.latencyCycles,
    latencyS: point.latencyS,
    energyPJ: point.energyPJ,
    edpJCycles: point.edpJCycles,
    areaUm2: point.areaUm2,
  }));
  const document = { sweep: sweepName, network: network ?? null, objectives: front.objectives, considered: front.considered, incomplete: front.incomplete, front: points };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function frontCsv(front: ParetoFront, parameterNames: string[]): string {
  let text = csvLine(['point_index', ...parameterNames, 'latency_cycles', 'latency_s', 'energy_pj', 'edp_j_cycles', 'area_um2']);
  for (const point of front.front) {
    text += csvLine([point.pointIndex, ...parameterNames.map((name) => point.parameters[name]), point.latencyCycles, point.latencyS, point.energyPJ, point.edpJCycles, point.areaUm2]);
  }
  return text;
}
