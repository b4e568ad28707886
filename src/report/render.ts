// Assembles the report: one HTML file with ECharts, the data and the page script inline, so it
// opens from disk with no network access.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as chartBuilders from './client-charts.js';
import * as page from './client-page.js';
import type { ReportData } from './data.js';
import { escapeHtml, networkSection, statusSection } from './sections.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 0 24px 48px; color: #222; }
h1 { margin-bottom: 4px; }
section { border-top: 1px solid #ccc; margin-top: 24px; }
.meta, .hint { color: #555; }
.controls label { margin-right: 24px; }
.controls select { max-width: 560px; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
.chart { height: 460px; }
.layer-chart { height: 520px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; background: #f4f4f4; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
tr[data-point-index] { cursor: pointer; }
tr.selected { background: #fde7e7; }
`;

/** Reads ECharts' single-file browser build from the installed package. */
function echartsSource(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
}

/** JSON that is safe inside a script element: no `</script>` and no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * Builds the page script: the compiled source of the client modules' functions, then a call to
 * startReport. Function.prototype.toString returns that source exactly as compiled.
 */
function pageScript(data: ReportData): string {
  const builderNames = Object.keys(chartBuilders);
  const functions: { toString(): string }[] = [...Object.values(chartBuilders), ...Object.values(page)];
  return [
    '"use strict";',
    '(() => {',
    `const REPORT_DATA = ${scriptJson(data)};`,
    ...functions.map((fn) => fn.toString()),
    `startReport(REPORT_DATA, { ${builderNames.join(', ')} });`,
    '})();',
  ].join('\n');
}

/** Renders the whole report as one self-contained HTML document. */
export function renderReport(data: ReportData): string {
  const generated = `Built from ${data.source} on ${data.generatedAt}${data.clockGHz === null ? '' : `, clock ${data.clockGHz} GHz`}.`;
  const links = data.networks.map((network, index) => `<a href="#network-${index}">${escapeHtml(network.name)}</a>`);
  const fixed = Object.entries(data.fixedParameters).map(([name, value]) => `${name}=${value}`);
  const fixedLine = fixed.length === 0 ? '' : `<p class="meta">Parameters equal at every design point: ${escapeHtml(fixed.join(', '))}.</p>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep ${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Sweep ${escapeHtml(data.title)}</h1>
<p class="meta">${escapeHtml(generated)} Networks: ${links.join(', ')}, <a href="#status">sweep status</a>.</p>
${fixedLine}
</header>
${data.networks.map((network, index) => networkSection(network, index, data)).join('\n')}
${statusSection(data)}
<script>${echartsSource()}</script>
<script>${pageScript(data)}</script>
</body>
</html>
`;
}
