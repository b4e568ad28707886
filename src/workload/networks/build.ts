// Helpers that turn the catalog's layer tables into NetworkLayers.
import { macCount } from '../layer.js';
import { createLayer, layerKey } from '../layer-spec.js';
import type { Network, NetworkLayer } from './types.js';

export interface ConvShape {
  /** Square kernel size, or [width R, height S]. */
  kernel: number | [number, number];
  stride?: number;
  /** Total input channels. */
  inChannels: number;
  /** Total output channels. */
  outChannels: number;
  /** Square output size, or [width P, height Q]. */
  outSize: number | [number, number];
  groups?: number;
  dilation?: number;
}

/** Builds a convolution whose output size already reflects its padding, with N = batch. */
export function conv(name: string, shape: ConvShape, batch: number, repeats = 1): NetworkLayer {
  const [R, S] = typeof shape.kernel === 'number' ? [shape.kernel, shape.kernel] : shape.kernel;
  const [P, Q] = typeof shape.outSize === 'number' ? [shape.outSize, shape.outSize] : shape.outSize;
  const stride = shape.stride ?? 1;
  const dilation = shape.dilation ?? 1;
  const layer = createLayer({
    R, S, P, Q,
    C: shape.inChannels,
    K: shape.outChannels,
    N: batch,
    Wstride: stride,
    Hstride: stride,
    Wdilation: dilation,
    Hdilation: dilation,
    groups: shape.groups ?? 1,
  });
  return { name, layer, repeats };
}

/**
 * Builds a matrix product in Timeloop's GEMM encoding: R = S = P = Q = 1, C is the reduction
 * dimension, K the output features and N the rows (batch items, or tokens).
 */
export function gemm(name: string, rows: number, reduction: number, outFeatures: number, repeats = 1): NetworkLayer {
  return { name, layer: createLayer({ C: reduction, K: outFeatures, N: rows }), repeats };
}

/**
 * Merge entries with the same layerKey into the first one, summing repeats. A merged entry is
 * named after its first occurrence with the count of the others, e.g. `layer1.1.conv1 (+1 identical)`.
 */
export function mergeIdentical(name: string, layers: NetworkLayer[]): Network {
  const merged = new Map<string, { entry: NetworkLayer; others: number }>();
  for (const entry of layers) {
    const key = layerKey(entry.layer);
    const existing = merged.get(key);
    if (existing === undefined) {
      merged.set(key, { entry: { ...entry }, others: 0 });
    } else {
      existing.entry.repeats += entry.repeats;
      existing.others += 1;
    }
  }

  const result = [...merged.values()].map(({ entry, others }) =>
    others === 0 ? entry : { ...entry, name: `${entry.name} (+${others} identical)` },
  );
  return { name, layers: result };
}

/** MACs of one inference of the network: the sum over layers of MACs × repeats. */
export function networkMacCount(network: Network): number {
  return network.layers.reduce((sum, entry) => sum + macCount(entry.layer) * entry.repeats, 0);
}
