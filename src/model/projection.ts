// Projection of operation-space boxes and displacements onto the coordinates of each data space,
// in Timeloop's rank order for the cnn-layer shape: Weights [C, K, R, S], Inputs [N, C, W, H],
// Outputs [N, K, Q, P]. Inputs' W = P·Wstride + R·Wdilation and H = Q·Hstride + S·Hdilation.
import type { DataSpace, Dimension, Layer } from '../workload/layer.js';

/** Ranks of every data space's coordinates. */
export const RANKS = 4;

export type Coordinates = number[];
type OperationVector = Record<Dimension, number>;

/** Extent of the data-space box covered by an operation-space box with the given extents. */
export function projectExtents(layer: Layer, dataSpace: DataSpace, extents: OperationVector): Coordinates {
  switch (dataSpace) {
    case 'Weights':
      return [extents.C, extents.K, extents.R, extents.S];
    case 'Inputs':
      return [
        extents.N,
        extents.C,
        (extents.P - 1) * layer.Wstride + (extents.R - 1) * layer.Wdilation + 1,
        (extents.Q - 1) * layer.Hstride + (extents.S - 1) * layer.Hdilation + 1,
      ];
    case 'Outputs':
      return [extents.N, extents.K, extents.Q, extents.P];
  }
}

/** Data-space displacement caused by moving `amount` points along one operation-space dimension. */
export function projectStep(layer: Layer, dataSpace: DataSpace, dim: Dimension, amount: number): Coordinates {
  const vector = [0, 0, 0, 0];
  switch (dataSpace) {
    case 'Weights': {
      const rank = { C: 0, K: 1, R: 2, S: 3 }[dim as 'C' | 'K' | 'R' | 'S'];
      if (rank !== undefined) vector[rank] = amount;
      break;
    }
    case 'Inputs': {
      if (dim === 'N') vector[0] = amount;
      else if (dim === 'C') vector[1] = amount;
      else if (dim === 'P') vector[2] = amount * layer.Wstride;
      else if (dim === 'R') vector[2] = amount * layer.Wdilation;
      else if (dim === 'Q') vector[3] = amount * layer.Hstride;
      else if (dim === 'S') vector[3] = amount * layer.Hdilation;
      break;
    }
    case 'Outputs': {
      const rank = { N: 0, K: 1, Q: 2, P: 3 }[dim as 'N' | 'K' | 'Q' | 'P'];
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
