// The report's entry points: `cosa report` and the end of `cosa sweep run` call writeReport.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';

import { loadReportData, type ReportOptions } from './load.js';
import { renderReport } from './render.js';

export type { ReportData } from './data.js';
export { loadReportData, type ReportOptions } from './load.js';
export { renderReport } from './render.js';

export interface WrittenReport {
  path: string;
  networks: number;
  /** Design points with complete results, summed over the networks. */
  plottedPoints: number;
  /** The sweep reported: the one named by `options.sweep`, or the newest. */
  sweep: string;
}

/** Derives the report path beside a database: results/NAME.sqlite gives results/NAME.html. */
export function defaultReportPath(dbPath: string): string {
  const extension = extname(dbPath);
  return `${extension === '' ? dbPath : dbPath.slice(0, -extension.length)}.html`;
}

/**
 * Builds the HTML report of the database at `dbPath` and writes it to `outPath`, creating the
 * folder. Raises InputError when the database is not a results database or has no finished job.
 */
export function writeReport(dbPath: string, outPath: string = defaultReportPath(dbPath), options: ReportOptions = {}): WrittenReport {
  const data = loadReportData(dbPath, options);
  const html = renderReport(data);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, html);

  const plottedPoints = data.networks.reduce((sum, network) => sum + network.points.filter((point) => point.complete).length, 0);
  return { path: outPath, networks: data.networks.length, plottedPoints, sweep: data.title };
}
