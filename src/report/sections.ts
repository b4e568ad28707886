// The static HTML of the report: one section per network and the sweep's status. The browser
// script (client-page.ts) fills the chart containers and wires the selects and the table.
import { formatCount, formatNumber, formatParameters } from './client-charts.js';
import { MAX_FULL_POINTS, type ReportPoint, type NetworkReport, type ReportData } from './data.js';
import { countOf } from '../plural.js';


export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function numberCell(value: number | null, format: (value: number | null) => string = formatNumber): string {
  return `<td class="number" data-sort="${value ?? ''}">${format(value)}</td>`;
}

function pointLabel(point: ReportPoint, parameterNames: string[]): string {
  const parameters = formatParameters(point, parameterNames);
  const incomplete = point.complete ? '' : ' (incomplete)';
  return `point ${point.index}: ${parameters}${incomplete}`;
}

function pointOptions(network: NetworkReport, parameterNames: string[]): string {
  const option = (point: ReportPoint) => `<option value="${point.index}">${escapeHtml(pointLabel(point, parameterNames))}</option>`;
  const front = network.points.filter((point) => point.pareto.latencyEnergyArea);
  const others = network.points.filter((point) => !point.pareto.latencyEnergyArea);
  return [
    `<optgroup label="Pareto-optimal (latency, energy, area)">${front.map(option).join('')}</optgroup>`,
    `<optgroup label="Other design points">${others.map(option).join('')}</optgroup>`,
  ].join('');
}

function colorOptions(data: ReportData): string {
  const none = '<option value="">(none)</option>';
  return none + data.parameterNames.map((name) => `<option value="${escapeHtml(name)}">${escapeHtml(name)}</option>`).join('');
}

/** Lists the points on the front of latency, energy and area together in a sortable table. */
function paretoTable(network: NetworkReport, parameterNames: string[]): string {
  const front = network.points
    .filter((point) => point.pareto.latencyEnergyArea)
    .sort((a, b) => (a.latencyCycles as number) - (b.latencyCycles as number));
  const header = [
    '<th data-type="number">Point</th>',
    ...parameterNames.map((name) => `<th>${escapeHtml(name)}</th>`),
    '<th data-type="number">Latency (cycles)</th>',
    '<th data-type="number">Latency (s)</th>',
    '<th data-type="number">Energy (pJ)</th>',
    '<th data-type="number">Area (µm²)</th>',
    '<th data-type="number">EDP (J·cycles)</th>',
    '<th>On 2-D fronts</th>',
  ].join('');

  const rows = front.map((point) => {
    const parameters = parameterNames.map((name) => {
      const value = point.parameters[name];
      const text = value === undefined ? '' : String(value);
      return `<td data-sort="${escapeHtml(text)}">${escapeHtml(text)}</td>`;
    });
    const fronts = [point.pareto.latencyEnergy ? 'latency–energy' : '', point.pareto.energyArea ? 'energy–area' : ''];
    return [
      `<tr data-point-index="${point.index}">`,
      `<td class="number" data-sort="${point.index}">${point.index}</td>`,
      ...parameters,
      numberCell(point.latencyCycles, formatCount),
      numberCell(point.latencyS),
      numberCell(point.energyPJ),
      numberCell(point.areaUm2),
      numberCell(point.edpJCycles),
      `<td>${fronts.filter((name) => name !== '').join(', ') || 'neither'}</td>`,
      '</tr>',
    ].join('');
  });
  return `<table class="sortable pareto"><thead><tr>${header}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function networkSummary(network: NetworkReport): string {
  const complete = network.points.filter((point) => point.complete).length;
  const incomplete = network.points.length - complete;
  const onFront = (key: 'latencyEnergy' | 'energyArea' | 'latencyEnergyArea') =>
    network.points.filter((point) => point.pareto[key]).length;
  const parts = [
    `${network.points.length} design points, ${complete} complete.`,
    `Pareto-optimal: ${onFront('latencyEnergy')} by latency and energy, ${onFront('energyArea')} by energy and area, ${onFront('latencyEnergyArea')} by all three.`,
  ];
  if (incomplete > 0) {
    parts.push(`${incomplete} incomplete design points (a layer failed or is pending) are not plotted, because their sums would be partial.`);
  }
  return parts.join(' ');
}

/** Says which points lack per-layer results, for a network above MAX_FULL_POINTS points. */
function layerHint(network: NetworkReport): string {
  if (network.allLayerResults) return '';
  return ` This sweep has more than ${MAX_FULL_POINTS} design points, so the page lists complete points only and shows layers for Pareto-optimal ones; \`cosa export --csv --layers\` has them all.`;
}

export function networkSection(network: NetworkReport, index: number, data: ReportData): string {
  return `<section class="network" id="network-${index}" data-network-index="${index}" data-network="${escapeHtml(network.name)}">
<h2>${escapeHtml(network.name)}</h2>
<p class="summary">${escapeHtml(networkSummary(network))}</p>
<div class="controls">
<label>Colour by <select class="color-by">${colorOptions(data)}</select></label>
<label>Design point <select class="point-select">${pointOptions(network, data.parameterNames)}</select></label>
</div>
<p class="hint">Hover over a point for its parameters and metrics; click a point or a table row to show its layers. Ringed points are Pareto-optimal; the line is the front.</p>
<div class="plots"><div class="chart" data-plot="latency-energy"></div><div class="chart" data-plot="energy-area"></div></div>
<h3>Pareto-optimal design points by latency, energy and area</h3>
${paretoTable(network, data.parameterNames)}
<h3>Per-layer latency and energy</h3>
<p class="hint">Each bar is one layer shape's figure times its repeat count in the network.${layerHint(network)}</p>
<div class="layer-chart"></div>
</section>`;
}

/** Returns a paragraph on the done jobs that stopped at the time limit, or nothing when there are none. */
function timeLimitNote(timeLimited: number): string {
  if (timeLimited === 0) return '';
  return `<p class="time-limited">${countOf(timeLimited, 'done job')} stopped at the mapper's time limit (mapper status time_limit) with the best mapping found by then, which may be worse on a busy machine. Raise <code>mapper.time_limit_s</code>, or solve them again with <code>cosa sweep run SPEC --db FILE --retry-time-limited</code>.</p>`;
}

export function statusSection(data: ReportData): string {
  const row = (name: string, layers: string, jobs: { done: number; failed: number; pending: number }) =>
    `<tr><td>${escapeHtml(name)}</td><td class="number">${layers}</td><td class="number">${jobs.done}</td><td class="number">${jobs.failed}</td><td class="number">${jobs.pending}</td></tr>`;
  const rows = [
    ...data.networks.map((network) => row(network.name, String(network.layers.length), network.jobs)),
    row('all networks (each job once)', '', data.status.jobs),
  ];

  const reasonRows = data.status.reasons.map(
    ({ reason, jobs }) => `<tr><td class="number">${jobs}</td><td>${escapeHtml(reason)}</td></tr>`,
  );
  const listed = data.status.failures;
  const failureRows = listed.map(
    (failure) => `<tr><td class="number">${failure.pointIndex}</td><td>${escapeHtml(failure.layer)}</td><td>${escapeHtml(failure.reason)}</td></tr>`,
  );
  const omitted = data.status.failureCount - listed.length;

  const failures =
    data.status.failures.length === 0
      ? '<p>No job failed.</p>'
      : `<h3>Failures by reason</h3>
<table class="failure-reasons"><thead><tr><th>Jobs</th><th>Reason (one example of each kind)</th></tr></thead><tbody>${reasonRows.join('')}</tbody></table>
<details><summary>Failed layers by design point${omitted > 0 ? ` (first ${listed.length} of ${data.status.failureCount})` : ''}</summary>
<table class="failures"><thead><tr><th>Design point</th><th>Layer</th><th>Reason</th></tr></thead><tbody>${failureRows.join('')}</tbody></table>
</details>`;

  return `<section id="status">
<h2>Sweep status</h2>
<table class="jobs"><thead><tr><th>Network</th><th>Layers</th><th>Jobs done</th><th>Failed</th><th>Pending</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${timeLimitNote(data.status.timeLimited)}
${failures}
</section>`;
}
