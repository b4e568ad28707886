// The report page's behaviour: it draws the charts into the skeleton that render.ts writes and
// wires the selects, point clicks and table sorting. Like client-charts.ts, this code runs in the
// browser from its compiled source. So it imports types only and receives the chart builders as
// an argument.
import type { ECharts } from 'echarts';
import type * as ChartBuilders from './client-charts.js';
import type { ReportPoint, NetworkReport, ReportData } from './data.js';

declare const echarts: typeof import('echarts');

/** Draws every network's charts, then sets `data-ready` on the body so that a test can wait for it. */
export function startReport(data: ReportData, charts: typeof ChartBuilders): void {
  const instances: ECharts[] = [];
  for (const section of document.querySelectorAll<HTMLElement>('section.network')) {
    const network = data.networks[Number(section.dataset.networkIndex)];
    instances.push(...setUpNetwork(section, network, data.parameterNames, data.colorBy, charts));
  }

  for (const table of document.querySelectorAll<HTMLTableElement>('table.sortable')) makeSortable(table);
  window.addEventListener('resize', () => instances.forEach((chart) => chart.resize()));
  document.body.dataset.ready = 'true';
}

/** Picks the point selected when the page opens: the complete point of lowest EDP, else the first point. */
export function defaultPoint(network: NetworkReport): ReportPoint | undefined {
  let best: ReportPoint | undefined;
  for (const point of network.points) {
    if (!point.complete || point.edpJCycles === null) continue;
    if (best === undefined || point.edpJCycles < (best.edpJCycles as number)) best = point;
  }
  return best ?? network.points[0];
}

export function setUpNetwork(
  section: HTMLElement,
  network: NetworkReport,
  parameterNames: string[],
  initialColorBy: string | null,
  charts: typeof ChartBuilders,
): ECharts[] {
  const colorSelect = section.querySelector<HTMLSelectElement>('select.color-by');
  const pointSelect = section.querySelector<HTMLSelectElement>('select.point-select');
  const layerElement = section.querySelector<HTMLElement>('.layer-chart');
  const layerChart = layerElement === null ? null : echarts.init(layerElement);
  const scatters = charts.plotSpecs().flatMap((spec) => {
    const element = section.querySelector<HTMLElement>(`[data-plot="${spec.id}"]`);
    return element === null ? [] : [{ spec, element, chart: echarts.init(element) }];
  });

  let colorBy = initialColorBy;
  let selectedIndex = defaultPoint(network)?.index ?? null;

  const drawScatters = () => {
    for (const { spec, element, chart } of scatters) {
      const option = charts.scatterOption(network, spec, colorBy, selectedIndex, parameterNames);
      chart.setOption(option, { notMerge: true });

      // Counts of what is drawn, read back from the chart's own option, for tests and scripts.
      const series = chart.getOption().series as { id: string; data: unknown[] }[];
      element.dataset.points = String(series.find((item) => item.id === 'points')?.data.length ?? 0);
      element.dataset.frontPoints = String(series.find((item) => item.id === 'front')?.data.length ?? 0);
    }
  };

  const drawLayers = () => {
    const point = network.points.find((candidate) => candidate.index === selectedIndex);
    if (layerChart === null || point === undefined) return;
    layerChart.setOption(charts.layerBarsOption(network, point, parameterNames), { notMerge: true });
    if (layerElement !== null) layerElement.dataset.pointIndex = String(point.index);
  };

  const select = (index: number) => {
    selectedIndex = index;
    if (pointSelect !== null) pointSelect.value = String(index);
    for (const row of section.querySelectorAll<HTMLElement>('tr[data-point-index]')) {
      row.classList.toggle('selected', Number(row.dataset.pointIndex) === index);
    }
    drawScatters();
    drawLayers();
  };

  for (const { chart } of scatters) {
    chart.on('click', (event) => {
      if (event.seriesId === 'front-line' || !Array.isArray(event.data)) return;
      select(event.data[2] as number);
    });
  }
  colorSelect?.addEventListener('change', () => {
    colorBy = colorSelect.value === '' ? null : colorSelect.value;
    drawScatters();
  });
  pointSelect?.addEventListener('change', () => select(Number(pointSelect.value)));
  for (const row of section.querySelectorAll<HTMLElement>('tr[data-point-index]')) {
    row.addEventListener('click', () => select(Number(row.dataset.pointIndex)));
  }

  if (colorSelect !== null) colorSelect.value = colorBy ?? '';
  if (selectedIndex === null) drawScatters();
  else select(selectedIndex);
  return [...scatters.map((scatter) => scatter.chart), ...(layerChart === null ? [] : [layerChart])];
}

/** Sorts the table's body rows by a column when its header is clicked; cells carry `data-sort`. */
export function makeSortable(table: HTMLTableElement): void {
  const headers = [...table.querySelectorAll<HTMLTableCellElement>('thead th')];
  headers.forEach((header, column) => {
    header.addEventListener('click', () => {
      const ascending = header.getAttribute('aria-sort') !== 'ascending';
      const numeric = header.dataset.type === 'number';
      const body = table.tBodies[0];
      const key = (row: HTMLTableRowElement) => row.cells[column].dataset.sort ?? row.cells[column].textContent ?? '';
      const rows = [...body.rows].sort((a, b) => {
        const order = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b), undefined, { numeric: true });
        return ascending ? order : -order;
      });

      for (const other of headers) other.removeAttribute('aria-sort');
      header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      for (const row of rows) body.appendChild(row);
    });
  });
}
