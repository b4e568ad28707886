// Builds ReportData from a results database. Anything that would give an empty or misleading page
// (not a database, a wrong schema, no sweep, no finished job) is an InputError of one line.
import { InputError } from '../input-error.js';
import type { Layer } from '../workload/layer.js';
import { parseStoredLayer } from '../workload/stored-layer.js';
import { activeLockOwner } from '../store/lock.js';
import { openStore, type Db } from '../store/open.js';
import { NETWORK_RESULTS_REFRESH_MS } from '../store/run-in-progress.js';
import type { ObjectiveName } from '../store/pareto.js';
import {
  checkNetwork,
  designPointResults,
  findSweep,
  listSweeps,
  paretoFront,
  sweepNetworks,
  varyingParameters,
  type SweepRow,
} from '../store/queries.js';
import { tallySweepJobs, type JobCounts } from '../store/job-tally.js';
import { groupReasons } from '../sweep/failure-reasons.js';
import { MAX_FULL_POINTS, MAX_LISTED_FAILURES, type NetworkReport, type ParameterValue, type ReportData, type ReportLayer, type ReportPoint } from './data.js';
import { failedJobs, layerResultsByPoint, networkLayers } from './queries.js';

export interface ReportOptions {
  /** Report this network only; by default every network of the sweep. */
  network?: string;
  /** Design parameter that colours the plots when the page opens. */
  colorBy?: string;
  /** Sweep name when the database contains several; by default the most recent sweep. */
  sweep?: string;
  /** Design points per network above which the page is cut down; MAX_FULL_POINTS by default. */
  maxFullPoints?: number;
}

/** Formats a stored layer shape the way Timeloop names its dimensions; strides, dilations and groups only when not 1. */
export function formatShape(shapeJson: string): string {
  const shape = parseStoredLayer(shapeJson) as Partial<Record<keyof Layer, number>>;
  const parts = (['R', 'S', 'P', 'Q', 'C', 'K', 'N'] as const).map((dimension) => `${dimension}${shape[dimension] ?? '?'}`);
  const pair = (name: string, w: number | undefined, h: number | undefined) => {
    if ((w ?? 1) === 1 && (h ?? 1) === 1) return;
    parts.push(w === h ? `${name} ${w}` : `${name} ${w ?? 1}×${h ?? 1}`);
  };
  pair('stride', shape.Wstride, shape.Hstride);
  pair('dilation', shape.Wdilation, shape.Hdilation);
  if ((shape.G ?? 1) !== 1) parts.push(`groups ${shape.G}`);
  return parts.join(' ');
}

/** Splits the parameters into those that vary between design points and those that do not. */
function splitParameters(db: Db, sweepId: number, networks: NetworkReport[]): Pick<ReportData, 'parameterNames' | 'fixedParameters'> {
  const points = networks.flatMap((network) => network.points);
  // A single design point has nothing to compare, so its parameters all count as varying.
  const parameterNames = points.length <= 1 ? Object.keys(points[0]?.parameters ?? {}) : varyingParameters(db, sweepId);
  const fixedParameters: Record<string, ParameterValue> = {};
  for (const [name, value] of Object.entries(points[0]?.parameters ?? {})) {
    if (!parameterNames.includes(name)) fixedParameters[name] = value;
  }
  return { parameterNames, fixedParameters };
}

/** Picks the requested colour parameter, else the first one that varies. */
function chooseColorBy(names: string[], requested: string | undefined): string | null {
  if (requested === undefined) return names[0] ?? null;

  if (!names.includes(requested)) {
    throw new InputError('command line', '--color-by', requested, `not a design parameter that varies in this sweep; choose one of: ${names.join(', ') || '(none)'}`);
  }
  return requested;
}

function frontIndices(db: Db, sweepId: number, network: string, objectives: ObjectiveName[]): Set<number> {
  return new Set(paretoFront(db, sweepId, objectives, network).front.map((point) => point.pointIndex));
}

function loadNetwork(db: Db, sweep: SweepRow, network: string, jobs: JobCounts | undefined, maxFullPoints: number): NetworkReport {
  const layers: ReportLayer[] = networkLayers(db, sweep.id, network).map((row) => ({
    name: row.name,
    shape: formatShape(row.shapeJson),
    repeats: row.repeats,
  }));
  const layerResults = layerResultsByPoint(db, sweep.id, network);
  const latencyEnergy = frontIndices(db, sweep.id, network, ['latency', 'energy']);
  const energyArea = frontIndices(db, sweep.id, network, ['energy', 'area']);
  const latencyEnergyArea = frontIndices(db, sweep.id, network, ['latency', 'energy', 'area']);

  const results = designPointResults(db, sweep.id, network);
  const allLayerResults = results.length <= maxFullPoints;
  const onAnyFront = (index: number) => latencyEnergy.has(index) || energyArea.has(index) || latencyEnergyArea.has(index);
  const points: ReportPoint[] = results.filter((result) => allLayerResults || result.complete).map((result) => ({
    index: result.pointIndex,
    parameters: result.parameters as Record<string, ParameterValue>,
    complete: result.complete,
    latencyCycles: result.latencyCycles,
    latencyS: result.latencyS,
    energyPJ: result.energyPJ,
    areaUm2: result.areaUm2,
    edpJCycles: result.edpJCycles,
    pareto: {
      latencyEnergy: latencyEnergy.has(result.pointIndex),
      energyArea: energyArea.has(result.pointIndex),
      latencyEnergyArea: latencyEnergyArea.has(result.pointIndex),
    },
    layers: allLayerResults || onAnyFront(result.pointIndex) ? (layerResults.get(result.pointIndex) ?? []) : [],
  }));

  return {
    name: network,
    layers,
    points,
    allLayerResults,
    jobs: { done: jobs?.done ?? 0, failed: jobs?.failed ?? 0, pending: jobs?.pending ?? 0 },
  };
}

/** Reads everything the report shows from the database at `dbPath`. */
export function loadReportData(dbPath: string, options: ReportOptions = {}): ReportData {
  const db = openStore(dbPath, { readonly: true });
  try {
    if (listSweeps(db).length === 0) {
      throw new InputError(dbPath, 'sweeps', undefined, 'the database contains no sweep; run `cosa sweep run SPEC.yaml` to fill it');
    }
    const sweep = findSweep(db, options.sweep, dbPath);

    const tally = tallySweepJobs(db, sweep.id);
    const jobs = tally.all;
    if (jobs.done + jobs.failed === 0) {
      const next = activeLockOwner(dbPath) === undefined ? 'run or resume it with `cosa sweep run`' : 'a run is in progress, so repeat this command once jobs finish';
      throw new InputError(dbPath, 'jobs', undefined, `sweep "${sweep.name}" has no finished job yet (${jobs.pending} pending); ${next}`);
    }

    if (options.network !== undefined) checkNetwork(db, sweep, options.network, dbPath);
    const names = options.network === undefined ? sweepNetworks(db, sweep.id) : [options.network];
    const networks = names.map((network) => {
      const networkJobs = tally.byNetwork.find((row) => row.network === network);
      return loadNetwork(db, sweep, network, networkJobs, options.maxFullPoints ?? MAX_FULL_POINTS);
    });
    // NOTE: the figures come from network_results, which `sweep run` rebuilds at the end of a run
    // and about every NETWORK_RESULTS_REFRESH_MS during it. So a run killed between two rebuilds
    // leaves its newest jobs out of the sums until the next run.
    if (networks.every((network) => network.points.length === 0)) {
      if (activeLockOwner(dbPath) !== undefined) {
        const refreshS = NETWORK_RESULTS_REFRESH_MS / 1000;
        throw new InputError(dbPath, 'network_results', undefined, `sweep "${sweep.name}" has a run in progress that has not refreshed its network results yet (it does so about every ${refreshS} s while jobs finish); repeat this command in a minute`);
      }
      throw new InputError(dbPath, 'network_results', undefined, `sweep "${sweep.name}" has finished jobs but no network results; rerun \`cosa sweep run\` to rebuild them`);
    }

    const { parameterNames, fixedParameters } = splitParameters(db, sweep.id, networks);
    const failures = failedJobs(db, sweep.id);
    return {
      title: sweep.name,
      source: dbPath,
      generatedAt: new Date().toISOString(),
      clockGHz: sweep.clockGHz,
      parameterNames,
      fixedParameters,
      colorBy: chooseColorBy(parameterNames, options.colorBy),
      networks,
      status: {
        jobs: { done: jobs.done, failed: jobs.failed, pending: jobs.pending },
        reasons: groupReasons(tally.failureReasons).map(({ example, jobs }) => ({ reason: example, jobs })),
        failures: failures.slice(0, MAX_LISTED_FAILURES),
        failureCount: failures.length,
        timeLimited: jobs.timeLimited,
      },
    };
  } finally {
    db.close();
  }
}
