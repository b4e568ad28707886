// Read queries that only the report needs: a network's layers with their shapes, every design
// point's per-layer results in one pass, and the failed jobs with their layers.
import type { Db } from '../store/open.js';
import type { JobFailure, LayerStatus, ReportLayerResult } from './data.js';

export interface NetworkLayerRow {
  position: number;
  name: string;
  /** The Layer of src/workload/layer.ts as JSON. */
  shapeJson: string;
  repeats: number;
}

export function networkLayers(db: Db, sweepId: number, network: string): NetworkLayerRow[] {
  return db
    .prepare(`
      SELECT position, name, shape_json AS shapeJson, repeats
      FROM layers WHERE sweep_id = ? AND network = ?
      ORDER BY position`)
    .all(sweepId, network) as NetworkLayerRow[];
}

type LayerResultRow = [pointIndex: number, status: LayerStatus | null, reason: string | null, cycles: number | null, energyPJ: number | null];

/**
 * Collects each design point's results for the layers of one network, keyed by the point's grid
 * index, one entry per layer position in position order. A layer without a finished job is 'pending'.
 */
export function layerResultsByPoint(db: Db, sweepId: number, network: string): Map<number, ReportLayerResult[]> {
  const rows = db
    .prepare(`
      SELECT dp.point_index, j.status, j.reason, j.cycles, j.energy_pj
      FROM design_points dp
      JOIN layers l ON l.sweep_id = dp.sweep_id AND l.network = ?
      LEFT JOIN point_jobs pj ON pj.design_point_id = dp.id AND pj.layer_key = l.layer_key
      LEFT JOIN jobs j ON j.key = pj.job_key
      WHERE dp.sweep_id = ?
      ORDER BY dp.point_index, l.position`)
    .raw()
    .all(network, sweepId) as LayerResultRow[];

  const byPoint = new Map<number, ReportLayerResult[]>();
  for (const [pointIndex, status, reason, cycles, energyPJ] of rows) {
    let results = byPoint.get(pointIndex);
    if (results === undefined) {
      results = [];
      byPoint.set(pointIndex, results);
    }
    const result: ReportLayerResult = { status: status ?? 'pending', cycles, energyPJ };
    if (status === 'failed') result.reason = reason ?? 'no reason recorded';
    results.push(result);
  }
  return byPoint;
}

/**
 * Lists the failed jobs of a sweep, one row per design point and layer shape; the layer column
 * names every position with that shape. Rows follow the design points' grid order.
 */
export function failedJobs(db: Db, sweepId: number): JobFailure[] {
  return db
    .prepare(`
      SELECT dp.point_index AS pointIndex, GROUP_CONCAT(DISTINCT l.name) AS layer,
        COALESCE(j.reason, 'no reason recorded') AS reason
      FROM point_jobs pj
      JOIN design_points dp ON dp.id = pj.design_point_id
      JOIN jobs j ON j.key = pj.job_key AND j.status = 'failed'
      JOIN layers l ON l.sweep_id = dp.sweep_id AND l.layer_key = pj.layer_key
      WHERE dp.sweep_id = ?
      GROUP BY pj.design_point_id, pj.layer_key
      ORDER BY dp.point_index, MIN(l.rowid)`)
    .all(sweepId) as JobFailure[];
}
