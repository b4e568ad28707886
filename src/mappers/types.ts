// The contract between the mappers and their callers (the `schedule` command and the sweep worker).
import type { KeepPattern } from '../arch/bypass.js';
import type { Architecture } from '../arch/types.js';
import type { ResolvedConstraints } from '../mapping/constraints-resolve.js';
import type { Mapping } from '../mapping/types.js';
import type { Evaluation } from '../model/types.js';
import type { Layer } from '../workload/layer.js';

/** The bypass pattern, defined with the architecture and re-exported for the mappers' callers. */
export type { KeepPattern };

export type MapperName = 'cosa' | 'random' | 'exhaustive';
export type Objective = 'latency' | 'energy' | 'edp';

export interface MapperSettings {
  name: MapperName;
  objective: Objective;
  /** Wall-clock limit for one layer, in seconds. */
  timeLimitS: number;
  /** HiGHS relative MIP gap (CoSA only). */
  mipRelGap?: number;
  /** Samples (random only). */
  samples?: number;
  /** Seed of the random mapper and of the random starting points of CoSA's local search. */
  seed?: number;
  /** CoSA objective weights; the preset of `objective` when absent. */
  weights?: { compute: number; traffic: number; utilization: number };
  /**
   * Pad every dimension whose largest prime factor exceeds 7 up to the next 7-smooth size (79 to 80,
   * 161 to 162) and schedule the padded layer. The evaluation counts the padded work.
   */
  padding?: boolean;
  /** CoSA only: polish the solver's mapping by local search with the cost model (default true). */
  refine?: boolean;
}

/**
 * 'optimal': proven (the MIP within its gap, or every mapping enumerated); 'sampled': the best of a
 * finished sample budget, proven nothing; 'time_limit': the clock stopped the search.
 */
export type ScheduleStatus = 'optimal' | 'sampled' | 'time_limit' | 'infeasible' | 'no_incumbent';

export interface ScheduleResult {
  status: ScheduleStatus;
  /** Present unless the status is 'infeasible' or 'no_incumbent'. */
  mapping?: Mapping;
  /** The cost model's evaluation of `mapping`. */
  evaluation?: Evaluation;
  /** The layer that `mapping` maps: the padded layer when padding changed a dimension. */
  layer?: Layer;
  /** Why no mapping was found: the binding constraint, or the solver's message. */
  reason?: string;
  solveSeconds: number;
  /** Mapspace constraints left out for this layer, one line each (see resolveConstraints). */
  notes?: string[];
  mipObjective?: number;
  mipBound?: number;
  gap?: number;
}

/**
 * The signature of every mapper. `keep` comes from the mapping, the mapspace or the design.
 * `constraints` are the mapspace's constraints resolved for `layer`, and every mapping the mapper
 * returns meets them.
 */
export type Mapper = (
  arch: Architecture,
  layer: Layer,
  keep: KeepPattern,
  settings: MapperSettings,
  constraints?: ResolvedConstraints,
) => Promise<ScheduleResult>;
