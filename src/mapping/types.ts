// A mapping: for each storage level, its temporal loops, its spatial fan-out and the data spaces it keeps.
import type { DataSpace, Dimension, Factors } from '../workload/layer.js';

export interface LevelMapping {
  /** Temporal loop bounds at this level. */
  temporal: Factors;
  /** Order of the temporal loops, innermost first, as in Timeloop's permutation strings. All 8 dimensions. */
  permutation: Dimension[];
  /** Spatial loop bounds that fan out from this level to the instances of the level below. */
  spatial: Factors;
  /** Order of the spatial loops, innermost first. All 8 dimensions. */
  spatialPermutation: Dimension[];
  /** The first `split` dimensions of `spatialPermutation` go on the X axis, the rest on Y. */
  split: number;
  /** Data spaces this level keeps; the others bypass it. */
  keep: Record<DataSpace, boolean>;
}

/** One entry per storage level of the architecture, in the same order (innermost first). */
export interface Mapping {
  levels: LevelMapping[];
}
