// Reading one design point of a stored sweep as the inputs of its jobs: the architecture, and per
// layer shape the layer, the stored mapping and the layer positions that use it. `cosa results
// point` writes them as Timeloop files, so that a job can be checked with `cosa evaluate` or with
// timeloop-model itself.
import type { Architecture } from '../arch/types.js';
import { InputError } from '../input-error.js';
import { padLayer } from '../mappers/index.js';
import type { GridValue } from '../sweep/spec.js';
import type { Layer } from '../workload/layer.js';
import { isFoldedGroupedShape, parseStoredLayer } from '../workload/stored-layer.js';
import type { Db } from './open.js';
import { layerResults, sweepSettings, type SweepRow } from './queries.js';

/** The reason given for a grouped layer stored before G was a dimension, which gets no mapping file. */
const FOLDED_REASON = 'solved by an earlier cosa that counted K over all groups; run `cosa sweep run` on the spec again to solve it with G';

export interface LayerPosition {
  network: string;
  position: number;
  name: string;
  repeats: number;
}

export interface PointShape {
  layerKey: string;
  /** The layer the mapping maps: padded when the sweep pads dimensions. */
  layer: Layer;
  status: 'done' | 'failed' | 'pending';
  reason: string | null;
  mappingYaml: string | null;
  cycles: number | null;
  energyPJ: number | null;
  /** The design point that first found a mapping shared from a neighbour, as LayerResult gives it; null for the job's own. */
  mappingFromSweep: string | null;
  mappingFromPoint: number | null;
  /** Every layer position of the sweep's networks with this shape, in network order. */
  positions: LayerPosition[];
}

export interface PointInputs {
  parameters: Record<string, GridValue>;
  architecture: Architecture;
  shapes: PointShape[];
}

/** Reads design point `pointIndex` of `sweep`; raises InputError when the sweep has no such point. */
export function pointInputs(db: Db, sweep: SweepRow, pointIndex: number, dbPath: string): PointInputs {
  const point = db.prepare('SELECT id, parameters_json, architecture_json FROM design_points WHERE sweep_id = ? AND point_index = ?').get(sweep.id, pointIndex) as
    | { id: number; parameters_json: string; architecture_json: string }
    | undefined;
  if (point === undefined) {
    const count = db.prepare('SELECT COUNT(*) FROM design_points WHERE sweep_id = ?').pluck().get(sweep.id) as number;
    throw new InputError(dbPath, '--point', pointIndex, `sweep ${sweep.name} has design points 0 to ${count - 1}; \`cosa pareto\` and \`cosa export --csv\` list them`);
  }
  const padded = sweepSettings(db, sweep.id).mapper.padding === true;

  const rows = db.prepare(`
    SELECT l.network, l.position, l.name, l.repeats, l.layer_key AS layerKey, l.shape_json AS shapeJson,
      COALESCE(j.status, 'pending') AS status, j.reason, j.mapping_yaml AS mappingYaml, j.cycles, j.energy_pj AS energyPJ
    FROM layers l
    JOIN point_jobs pj ON pj.design_point_id = ? AND pj.layer_key = l.layer_key
    LEFT JOIN jobs j ON j.key = pj.job_key
    WHERE l.sweep_id = ?
    ORDER BY l.rowid`).all(point.id, sweep.id) as (LayerPosition & Omit<PointShape, 'layer' | 'positions' | 'mappingFromSweep' | 'mappingFromPoint'> & { shapeJson: string })[];
  const sources = new Map(layerResults(db, point.id).map((result) => [result.layerKey, result]));

  const shapes = new Map<string, PointShape>();
  for (const { network, position, name, repeats, shapeJson, ...job } of rows) {
    let shape = shapes.get(job.layerKey);
    if (shape === undefined) {
      const layer = parseStoredLayer(shapeJson);
      const source = sources.get(job.layerKey);
      shape = { ...job, layer: padded ? padLayer(layer) : layer, mappingFromSweep: source?.mappingFromSweep ?? null, mappingFromPoint: source?.mappingFromPoint ?? null, positions: [] };
      if (isFoldedGroupedShape(shapeJson)) Object.assign(shape, { status: 'pending', reason: FOLDED_REASON, mappingYaml: null, cycles: null, energyPJ: null });
      shapes.set(job.layerKey, shape);
    }
    shape.positions.push({ network, position, name, repeats });
  }
  return {
    parameters: JSON.parse(point.parameters_json) as Record<string, GridValue>,
    architecture: JSON.parse(point.architecture_json) as Architecture,
    shapes: [...shapes.values()],
  };
}
