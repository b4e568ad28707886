// Everything the HTML report shows, gathered from a store database by load.ts and turned into
// a page by render.ts. The page embeds this object as JSON, so it contains plain data only.

/** Failed layers listed one by one in the status section; the rest are only counted by reason. */
export const MAX_LISTED_FAILURES = 200;

/**
 * Design points per network above which the page leaves out incomplete points and the per-layer
 * results of points off the Pareto fronts. A point with its per-layer results took about 1.1 KB
 * of a page for AlexNet's 8 layer shapes, so 5,000 such points take about 5 MB.
 * `cosa export --csv --layers` has every result.
 */
export const MAX_FULL_POINTS = 5000;

/** A design parameter's value, as the sweep spec's grid gives it. */
export type ParameterValue = number | string | boolean;

export type LayerStatus = 'done' | 'failed' | 'pending';

/** One layer of a network; a layer shape that occurs several times is listed once with `repeats`. */
export interface ReportLayer {
  name: string;
  /** The shape in Timeloop's dimension names, for example "R3 S3 P56 Q56 C64 K64 N1 stride 1". */
  shape: string;
  repeats: number;
}

/** One layer's result at one design point, for a single occurrence of the layer (not × repeats). */
export interface ReportLayerResult {
  status: LayerStatus;
  cycles: number | null;
  energyPJ: number | null;
  /** The failed job's reason; only for status 'failed'. */
  reason?: string;
}

/** Membership of the Pareto fronts the report draws; every objective is minimised. */
export interface ParetoFlags {
  latencyEnergy: boolean;
  energyArea: boolean;
  /** On the front of latency, energy and area together: the rows of the Pareto table. */
  latencyEnergyArea: boolean;
}

/** One design point's figures for one network, summed over layers × repeats. */
export interface ReportPoint {
  /** The design point's index in the sweep's grid, from 0, as `cosa pareto` prints it. */
  index: number;
  parameters: Record<string, ParameterValue>;
  /** False when a layer failed or is pending; the sums are then partial and are not plotted. */
  complete: boolean;
  latencyCycles: number | null;
  latencyS: number | null;
  energyPJ: number | null;
  areaUm2: number;
  /** Energy-delay product: energy in J × latency in cycles, as Timeloop reports it. */
  edpJCycles: number | null;
  /** All false for an incomplete point. */
  pareto: ParetoFlags;
  /** Aligned with `NetworkReport.layers`. */
  layers: ReportLayerResult[];
}

export interface JobCounts {
  done: number;
  failed: number;
  pending: number;
}

/** A failed job as the status section lists it. */
export interface JobFailure {
  /** Grid index of the design point, as in ReportPoint.index. */
  pointIndex: number;
  layer: string;
  reason: string;
}

export interface NetworkReport {
  name: string;
  layers: ReportLayer[];
  /** Every design point, or above MAX_FULL_POINTS the complete ones only. */
  points: ReportPoint[];
  /** False above MAX_FULL_POINTS: only Pareto-optimal points then carry per-layer results. */
  allLayerResults: boolean;
  /** Jobs of this network's layers; a job shared with another network counts in both. */
  jobs: JobCounts;
}

export interface SweepStatus {
  /** Distinct jobs of the sweep, each counted once. */
  jobs: JobCounts;
  /** One example reason per kind (reasons that differ only in numbers) with the kind's distinct failed jobs, most first. */
  reasons: { reason: string; jobs: number }[];
  /** One entry per design point and failed layer shape, the first MAX_LISTED_FAILURES of them. */
  failures: JobFailure[];
  /** Entries that `failures` would have without its limit. */
  failureCount: number;
  /** Distinct done jobs whose search stopped at the mapper's time limit (mapper status time_limit). */
  timeLimited: number;
}

export interface ReportData {
  /** The sweep's name. */
  title: string;
  /** The database the report was built from, as given on the command line. */
  source: string;
  /** ISO 8601 time at which the report was built. */
  generatedAt: string;
  clockGHz: number | null;
  /** Design parameters whose value differs between design points, in the sweep's grid order. */
  parameterNames: string[];
  /** Parameters with one value at every design point, shown once instead of per point. */
  fixedParameters: Record<string, ParameterValue>;
  /** Parameter that colours the scatter plots when the page opens; one of `parameterNames`. */
  colorBy: string | null;
  networks: NetworkReport[];
  status: SweepStatus;
}
