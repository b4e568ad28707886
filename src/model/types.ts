// The cost model's result. Field names and nesting follow Timeloop's statistics as the
// reference cases record them, so results can be compared with Timeloop key by key.
import type { DataSpace } from '../workload/layer.js';

export interface DataSpaceStats {
  /** Tile held by one instance, in words. */
  utilized_capacity: number;
  utilized_instances: number;
  reads_per_instance: number;
  fills_per_instance: number;
  updates_per_instance: number;
  reads_total: number;
  fills_total: number;
  updates_total: number;
  energy_pJ: number;
}

export interface LevelStats {
  energy_pJ: number;
  /** Cycles after bandwidth throttling at this level. */
  cycles: number;
  /** Area of all instances in um². */
  area_um2: number;
  /** Only the data spaces the level keeps. */
  dataspaces: Partial<Record<DataSpace, DataSpaceStats>>;
}

export interface Evaluation {
  ok: true;
  cycles: number;
  energy_pJ: number;
  area_um2: number;
  utilization: number;
  macc_count: number;
  arithmetic: { name: string; energy_pJ: number; utilized_instances: number; area_um2: number };
  level_order: string[];
  levels: Record<string, LevelStats>;
}

export interface InvalidMapping {
  ok: false;
  error: string;
}

export type EvaluationResult = Evaluation | InvalidMapping;
