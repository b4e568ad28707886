// ECharts options for the report's plots. These functions run in the browser, because render.ts
// inlines the compiled source of every export with Function.prototype.toString. So this module
// exports functions only and uses no imports or module-level values at run time. Its functions
// call only each other and the global `echarts`.
import type { EChartsOption, ScatterSeriesOption, VisualMapComponentOption } from 'echarts';
import type { ReportPoint, NetworkReport, ParameterValue, ParetoFlags } from './data.js';

/** One scatter plot: two metrics of the design points and the Pareto front over them. */
export interface PlotSpec {
  id: string;
  x: 'latencyCycles' | 'energyPJ';
  y: 'energyPJ' | 'areaUm2';
  front: keyof ParetoFlags;
  xName: string;
  yName: string;
}

/** A point as the scatter series stores it: x, y, design point index, colour value. */
type PointTuple = [number, number, number, number];

export function plotSpecs(): PlotSpec[] {
  return [
    { id: 'latency-energy', x: 'latencyCycles', y: 'energyPJ', front: 'latencyEnergy', xName: 'Latency (cycles)', yName: 'Energy (pJ)' },
    { id: 'energy-area', x: 'energyPJ', y: 'areaUm2', front: 'energyArea', xName: 'Energy (pJ)', yName: 'Area (µm²)' },
  ];
}

export function formatNumber(value: number | null): string {
  if (value === null) return '–';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-2)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** Formats a count such as cycles: a whole number exactly, as `cosa pareto` prints it, others as formatNumber. */
export function formatCount(value: number | null): string {
  if (value === null || !Number.isInteger(value)) return formatNumber(value);
  return String(value);
}

/** Formats the named parameters of a point as `name=value` pairs. */
export function formatParameters(point: ReportPoint, names: string[]): string {
  return names.map((name) => `${name}=${point.parameters[name]}`).join(', ');
}

/** Formats a point's tooltip as HTML, with parameter names and string values escaped. */
export function pointTooltip(point: ReportPoint, names: string[]): string {
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const rows: [string, string][] = names.map((name) => [name, String(point.parameters[name])]);
  rows.push(
    ['latency', `${formatCount(point.latencyCycles)} cycles (${formatNumber(point.latencyS)} s)`],
    ['energy', `${formatNumber(point.energyPJ)} pJ`],
    ['area', `${formatNumber(point.areaUm2)} µm²`],
    ['EDP', `${formatNumber(point.edpJCycles)} J·cycles`],
  );
  const fronts = [
    point.pareto.latencyEnergy ? 'latency–energy' : '',
    point.pareto.energyArea ? 'energy–area' : '',
    point.pareto.latencyEnergyArea ? 'latency–energy–area' : '',
  ].filter((name) => name !== '');
  rows.push(['Pareto-optimal by', fronts.length === 0 ? 'none' : fronts.join(', ')]);
  const body = rows.map(([name, value]) => `<tr><td>${escape(name)}</td><td><b>${escape(value)}</b></td></tr>`).join('');
  return `<div>Design point ${point.index}</div><table>${body}</table>`;
}

/** Chooses a log axis when the values span more than 10×, since a linear axis then squeezes the small ones together. */
export function axisType(values: number[]): 'log' | 'value' {
  const positive = values.filter((value) => value > 0);
  if (positive.length !== values.length || positive.length === 0) return 'value';
  return Math.max(...positive) / Math.min(...positive) > 10 ? 'log' : 'value';
}

/** Front points sorted by x; ties in x keep the smaller y first so the step line never rises. */
export function frontPoints(points: ReportPoint[], spec: PlotSpec): ReportPoint[] {
  return points
    .filter((point) => point.complete && point.pareto[spec.front])
    .sort((a, b) => (a[spec.x] as number) - (b[spec.x] as number) || (a[spec.y] as number) - (b[spec.y] as number));
}

/** Builds the colour scale for one parameter: categories when it has few values, a gradient otherwise. */
export function colorScale(
  points: ReportPoint[],
  parameter: string | null,
): { visualMap: VisualMapComponentOption | undefined; colorValue: (point: ReportPoint) => number } {
  if (parameter === null) return { visualMap: undefined, colorValue: () => 0 };

  const values: ParameterValue[] = [];
  for (const point of points) {
    const value = point.parameters[parameter];
    if (!values.includes(value)) values.push(value);
  }
  const numeric = values.every((value) => typeof value === 'number');
  const placement = { seriesIndex: 0, dimension: 3, right: 0, top: 'middle' } as const;

  // Above this many distinct values a numeric parameter gets a gradient, since a legend of
  // pieces would then be longer than the plot.
  const maxCategories = 12;
  // Tableau 10 followed by two darker tones, so that twelve categories stay distinct.
  const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#2f4b7c', '#665191'];
  if (numeric && values.length > maxCategories) {
    const numbers = values as number[];
    return {
      visualMap: {
        ...placement,
        type: 'continuous',
        min: Math.min(...numbers),
        max: Math.max(...numbers),
        calculable: true,
        text: [parameter, ''],
        // Viridis end points and middle: ordered, and readable by colour-blind viewers.
        inRange: { color: ['#440154', '#21918c', '#fde725'] },
      },
      colorValue: (point) => point.parameters[parameter] as number,
    };
  }

  if (numeric) (values as number[]).sort((a, b) => a - b);
  else values.sort((a, b) => String(a).localeCompare(String(b)));
  return {
    visualMap: {
      ...placement,
      type: 'piecewise',
      orient: 'vertical',
      pieces: values.map((value, index) => ({ value: index, label: String(value), color: palette[index % palette.length] })),
    },
    colorValue: (point) => values.indexOf(point.parameters[parameter]),
  };
}

/** Plots every complete design point, the front as a step line with its points ringed, and the selected point. */
export function scatterOption(
  network: NetworkReport,
  spec: PlotSpec,
  colorBy: string | null,
  selectedIndex: number | null,
  parameterNames: string[],
): EChartsOption {
  const points = network.points.filter((point) => point.complete);
  const front = frontPoints(points, spec);
  const scale = colorScale(points, colorBy);
  const tuple = (point: ReportPoint): PointTuple => [point[spec.x] as number, point[spec.y] as number, point.index, scale.colorValue(point)];
  const selected = points.filter((point) => point.index === selectedIndex);

  const pointSeries: ScatterSeriesOption = { id: 'points', name: 'design points', type: 'scatter', symbolSize: 9, data: points.map(tuple) };
  const frontSeries: ScatterSeriesOption = {
    id: 'front',
    name: 'Pareto front',
    type: 'scatter',
    symbolSize: 15,
    itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#111', borderWidth: 2 },
    data: front.map(tuple),
    z: 3,
  };
  const selectedSeries: ScatterSeriesOption = {
    id: 'selected',
    name: 'selected',
    type: 'scatter',
    symbol: 'pin',
    symbolSize: 28,
    symbolOffset: [0, '-40%'],
    itemStyle: { color: '#d62728' },
    data: selected.map(tuple),
    z: 4,
  };

  return {
    animation: false,
    title: {
      // Lower-case only the first letter, so units such as pJ keep their case.
      text: `${spec.yName} vs ${spec.xName.charAt(0).toLowerCase()}${spec.xName.slice(1)}`,
      subtext: colorBy === null ? '' : `colour: ${colorBy}`,
      left: 'center',
      textStyle: { fontSize: 14 },
    },
    legend: { top: 48, data: ['design points', 'Pareto front'] },
    grid: { left: 80, right: colorBy === null ? 30 : 110, top: 84, bottom: 56 },
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        const index = (item.data as PointTuple)[2];
        const point = points.find((candidate) => candidate.index === index);
        return point === undefined ? '' : pointTooltip(point, parameterNames);
      },
    },
    xAxis: { type: axisType(points.map((point) => point[spec.x] as number)), name: spec.xName, nameLocation: 'middle', nameGap: 32, scale: true, axisLabel: { formatter: (value: number) => formatNumber(value) } },
    yAxis: { type: axisType(points.map((point) => point[spec.y] as number)), name: spec.yName, nameLocation: 'middle', nameGap: 62, scale: true, axisLabel: { formatter: (value: number) => formatNumber(value) } },
    visualMap: scale.visualMap,
    series: [
      pointSeries,
      { id: 'front-line', name: 'Pareto front', type: 'line', step: 'end', symbol: 'none', silent: true, lineStyle: { color: '#111', width: 1.5 }, itemStyle: { color: '#111' }, data: front.map((point) => [point[spec.x] as number, point[spec.y] as number]) },
      frontSeries,
      selectedSeries,
    ],
  };
}

/** Bars of each layer's latency and energy (one occurrence × repeats) at one design point, in two stacked grids. */
export function layerBarsOption(network: NetworkReport, point: ReportPoint, parameterNames: string[]): EChartsOption {
  const names = network.layers.map((layer) => (layer.repeats > 1 ? `${layer.name} ×${layer.repeats}` : layer.name));
  const total = (value: number | null, index: number) => (value === null ? null : value * network.layers[index].repeats);
  const cycles = point.layers.map((result, index) => total(result.cycles, index));
  const energy = point.layers.map((result, index) => total(result.energyPJ, index));
  const axisLabel = { formatter: (value: number) => formatNumber(value) };

  return {
    animation: false,
    title: {
      text: `Per-layer latency and energy of design point ${point.index}`,
      subtext: formatParameters(point, parameterNames),
      left: 'center',
      textStyle: { fontSize: 14 },
      subtextStyle: { width: 900, overflow: 'break' },
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const items = Array.isArray(params) ? params : [params];
        const index = items[0].dataIndex;
        const layer = network.layers[index];
        const result = point.layers[index];
        const status = result.status === 'done' ? '' : `<br>status: ${result.status}${result.reason === undefined ? '' : ` (${result.reason})`}`;
        return `${layer.name} (${layer.shape}) ×${layer.repeats}<br>latency ${formatCount(cycles[index])} cycles<br>energy ${formatNumber(energy[index])} pJ${status}`;
      },
    },
    grid: [
      { left: 80, right: 30, top: 64, height: '28%' },
      { left: 80, right: 30, top: '52%', bottom: 90 },
    ],
    xAxis: [
      { type: 'category', gridIndex: 0, data: names, axisLabel: { show: false } },
      { type: 'category', gridIndex: 1, data: names, axisLabel: { rotate: 60, interval: 0, fontSize: 10 } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, name: 'Latency (cycles)', axisLabel },
      { type: 'value', gridIndex: 1, name: 'Energy (pJ)', axisLabel },
    ],
    series: [
      { id: 'layer-latency', name: 'latency', type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: cycles, itemStyle: { color: '#4e79a7' } },
      { id: 'layer-energy', name: 'energy', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: energy, itemStyle: { color: '#f28e2b' } },
    ],
  };
}
