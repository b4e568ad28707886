// Turning a sweep spec into design points, network layers and jobs. A job schedules one layer
// shape on one design point with one set of mapper settings; its key hashes exactly those inputs
// and MODEL_VERSION, so equal work in any sweep has the same key and is solved once.
import { createHash } from 'node:crypto';

import type { MappingConstraints } from '../arch/constraints.js';
import type { Architecture } from '../arch/types.js';
import type { KeepPattern, MapperSettings } from '../mappers/types.js';
import { InputError } from '../input-error.js';
import { macCount, type Layer } from '../workload/layer.js';
import { getNetwork, loadNetworkFolder, type Network } from '../workload/networks/index.js';
import { layerKey } from '../workload/problem.js';
import { canonicalJson } from './canonical-json.js';
import { expandDesignPoints, type DesignPoint } from './design-points.js';
import type { SweepSpec } from './spec.js';
import { MODEL_VERSION } from './version.js';

export interface PlannedLayer {
  network: string;
  /** Position of the layer in the network's list, from 0. */
  position: number;
  name: string;
  layerKey: string;
  layer: Layer;
  repeats: number;
}

/** Everything a worker needs; plain data, so it crosses the thread boundary by structured clone. */
export interface SweepJob {
  key: string;
  architecture: Architecture;
  keep: KeepPattern;
  layer: Layer;
  layerKey: string;
  settings: MapperSettings;
  /** The design point's mapspace constraints; absent when the sweep has none. */
  constraints?: MappingConstraints;
}

export interface SweepPlan {
  spec: SweepSpec;
  points: DesignPoint[];
  layers: PlannedLayer[];
  /** Unique jobs in a fixed order: by design point, then by first use of the layer shape. */
  jobs: SweepJob[];
  /** The job key of every (design point index, layer key). */
  pointJobs: { pointIndex: number; layerKey: string; jobKey: string }[];
}

/**
 * Hashes a job's inputs. Constraints join them only when there are any, so the jobs of a sweep
 * without them keep the keys they had before constraints were applied, and their stored results.
 */
export function jobKey(architecture: Architecture, keep: KeepPattern, shapeKey: string, settings: MapperSettings, constraints?: MappingConstraints): string {
  const common = { modelVersion: MODEL_VERSION, architecture, keep, layer: shapeKey, settings };
  const inputs = constraints === undefined ? common : { ...common, constraints };
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}

export function loadNetworks(spec: SweepSpec): Network[] {
  return spec.networks.map((source) => {
    if (source.kind === 'catalog') return getNetwork(source.name, { batch: spec.batch });
    return withBatch({ ...loadNetworkFolder(source.folder), name: source.name }, spec.batch);
  });
}

/**
 * Multiplies N of every layer by `batch`, as the built-in convolution networks set N = batch. A
 * folder's problem files give the layers at their own N, which is batch 1 in the usual case.
 */
function withBatch(network: Network, batch: number): Network {
  if (batch === 1) return network;
  return { ...network, layers: network.layers.map((entry) => ({ ...entry, layer: { ...entry.layer, N: entry.layer.N * batch } })) };
}

export function planLayers(networks: Network[]): PlannedLayer[] {
  return networks.flatMap((network) =>
    network.layers.map((entry, position) => ({
      network: network.name,
      position,
      name: entry.name,
      layerKey: layerKey(entry.layer),
      layer: entry.layer,
      repeats: entry.repeats,
    })),
  );
}

/** Builds the full plan. Deterministic: the same spec always gives the same jobs in the same order. */
export function planSweep(spec: SweepSpec): SweepPlan {
  const points = expandDesignPoints(spec);
  const layers = planLayers(loadNetworks(spec));
  for (const planned of layers) {
    // Access counts are products of the dimensions, in doubles, and stay exact only below 2^53.
    if (macCount(planned.layer) > Number.MAX_SAFE_INTEGER) {
      throw new InputError(spec.file, 'batch', spec.batch, `makes layer ${planned.name} of ${planned.network} exceed 2^53 MACs, so counts would not be exact; use a smaller batch`);
    }
  }

  const shapes = new Map<string, Layer>();
  for (const planned of layers) {
    if (!shapes.has(planned.layerKey)) shapes.set(planned.layerKey, planned.layer);
  }

  const jobs = new Map<string, SweepJob>();
  const pointJobs: SweepPlan['pointJobs'] = [];
  for (const point of points) {
    for (const [shapeKey, layer] of shapes) {
      const key = jobKey(point.architecture, point.keep, shapeKey, spec.mapper, point.constraints);
      pointJobs.push({ pointIndex: point.index, layerKey: shapeKey, jobKey: key });
      if (!jobs.has(key)) {
        const job: SweepJob = { key, architecture: point.architecture, keep: point.keep, layer, layerKey: shapeKey, settings: spec.mapper };
        if (point.constraints !== undefined) job.constraints = point.constraints;
        jobs.set(key, job);
      }
    }
  }
  return { spec, points, layers, jobs: [...jobs.values()], pointJobs };
}
