// The differences between a sweep's stored plan and the plan of a rerun with the same spec. The
// spec text is the sweep's identity, but the files it names (architecture, mapspace, ERT, network
// folders) are read anew on each run, so an edited file gives new job keys under the same sweep.
import type { SweepPlan } from '../sweep/planner.js';
import type { Db } from './open.js';

export interface PlanChanges {
  /** Design points whose resolved hardware (point_key) differs from the stored one. */
  changedPoints: number;
  /** Layer shapes of the plan that the stored sweep has not used. */
  newLayerShapes: number;
}

/** Compares `plan` with its sweep's stored plan; undefined when the database has no such sweep yet. */
export function planChanges(db: Db, plan: SweepPlan): PlanChanges | undefined {
  const sweepId = db.prepare('SELECT id FROM sweeps WHERE spec_hash = ?').pluck().get(plan.spec.specHash) as number | undefined;
  if (sweepId === undefined) return undefined;

  const storedPoints = new Map(db.prepare('SELECT point_index, point_key FROM design_points WHERE sweep_id = ?').raw().all(sweepId) as [number, string][]);
  const changedPoints = plan.points.filter((point) => storedPoints.has(point.index) && storedPoints.get(point.index) !== point.key).length;

  const storedShapes = new Set(db.prepare('SELECT DISTINCT layer_key FROM layers WHERE sweep_id = ?').pluck().all(sweepId) as string[]);
  const newLayerShapes = new Set(plan.layers.map((layer) => layer.layerKey).filter((key) => !storedShapes.has(key))).size;
  return { changedPoints, newLayerShapes };
}
