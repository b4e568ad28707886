// Projection of operation-space boxes and displacements onto the coordinates of each data space.
// The ranks are Timeloop's cnn-layer ranks with a group rank G added to each, as in
// grouped-shape.ts: Weights [G, C, K, R, S], Inputs [N, G, C, W, H], Outputs [N, G, K, Q, P].
// Inputs' W = P·Wstride + R·Wdilation and H = Q·Hstride + S·Hdilation. With G = 1 the G rank has
// extent 1 and never moves, so every count equals cnn-layer's.
import type { DataSpace, Dimension, Layer } from '../workload/layer.js';

/** Ranks of every data space's coordinates. */
export const RANKS = 5;

export type Coordinates = number[];
type OperationVector = Record<Dimension, number>;

/** Extent of the data-space box covered by an operation-space box with the given extents. */
export function projectExtents(layer: Layer, dataSpace: DataSpace, extents: OperationVector): Coordinates {
  switch (dataSpace) {
    case 'Weights':
      return [extents.G, extents.C, extents.K, extents.R, extents.S];
    case 'Inputs':
      return [
        extents.N,
        extents.G,
        extents.C,
        (extents.P - 1) * layer.Wstride + (extents.R - 1) * layer.Wdilation + 1,
        (extents.Q - 1) * layer.Hstride + (extents.S - 1) * layer.Hdilation + 1,
      ];
    case 'Outputs':
      return [extents.N, extents.G, extents.K, extents.Q, extents.P];
  }
}

/** Data-space displacement caused by moving `amount` points along one operation-space dimension. */
export function projectStep(layer: Layer, dataSpace: DataSpace, dim: Dimension, amount: number): Coordinates {
  const vector: Coordinates = new Array(RANKS).fill(0);
  switch (dataSpace) {
    case 'Weights': {
      const rank = { G: 0, C: 1, K: 2, R: 3, S: 4 }[dim as 'G' | 'C' | 'K' | 'R' | 'S'];
      if (rank !== undefined) vector[rank] = amount;
      break;
    }
    case 'Inputs': {
      if (dim === 'N') vector[0] = amount;
      else if (dim === 'G') vector[1] = amount;
      else if (dim === 'C') vector[2] = amount;
      else if (dim === 'P') vector[3] = amount * layer.Wstride;
      else if (dim === 'R') vector[3] = amount * layer.Wdilation;
      else if (dim === 'Q') vector[4] = amount * layer.Hstride;
      else if (dim === 'S') vector[4] = amount * layer.Hdilation;
      break;
    }
    case 'Outputs': {
      const rank = { N: 0, G: 1, K: 2, Q: 3, P: 4 }[dim as 'N' | 'G' | 'K' | 'Q' | 'P'];
      if (rank !== undefined) vector[rank] = amount;
      break;
    }
  }
  return vector;
}

export function volume(extents: Coordinates): number {
  let product = 1;
  for (const extent of extents) product *= extent;
  return product;
}

export function sameCoordinates(a: Coordinates, b: Coordinates): boolean {
  for (let rank = 0; rank < a.length; rank++) {
    if (a[rank] !== b[rank]) return false;
  }
  return true;
}
