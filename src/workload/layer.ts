// Timeloop's 7-D convolution layer and its three data spaces.

/** Problem dimensions in Timeloop's order: filter width/height, output width/height, input and output channels, batch. */
export const DIMENSIONS = ['R', 'S', 'P', 'Q', 'C', 'K', 'N'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DATA_SPACES = ['Weights', 'Inputs', 'Outputs'] as const;
export type DataSpace = (typeof DATA_SPACES)[number];

/** A value per problem dimension, such as the loop bounds of one mapping entry. */
export type Factors = Record<Dimension, number>;

/**
 * One convolution layer. A grouped convolution is stored as Timeloop models it: `C` is the input
 * channel count per group and `K` counts all output channels, so the MAC count is exact but the
 * Inputs tensor holds only `C` channels. A GEMM is R = S = P = 1.
 * TODO: model groups as a dimension of its own, which all three data spaces project onto, so that
 * the Inputs of grouped layers are exact.
 */
export interface Layer {
  R: number;
  S: number;
  P: number;
  Q: number;
  C: number;
  K: number;
  N: number;
  Wstride: number;
  Hstride: number;
  Wdilation: number;
  Hdilation: number;
  /** Groups of the original layer, already folded into C; 1 for an ordinary convolution. */
  groups: number;
}

/** Dimensions that index each data space. Inputs' W and H coordinates come from (P, R) and (Q, S). */
export const DATA_SPACE_DIMENSIONS: Record<DataSpace, readonly Dimension[]> = {
  Weights: ['R', 'S', 'C', 'K'],
  Inputs: ['R', 'S', 'P', 'Q', 'C', 'N'],
  Outputs: ['P', 'Q', 'K', 'N'],
};

export function isRelevant(dataSpace: DataSpace, dimension: Dimension): boolean {
  return DATA_SPACE_DIMENSIONS[dataSpace].includes(dimension);
}

export function layerFactors(layer: Layer): Factors {
  return { R: layer.R, S: layer.S, P: layer.P, Q: layer.Q, C: layer.C, K: layer.K, N: layer.N };
}

export function macCount(layer: Layer): number {
  return layer.R * layer.S * layer.P * layer.Q * layer.C * layer.K * layer.N;
}

/** Input width W = (P-1)·Wstride + (R-1)·Wdilation + 1, a bounding box even when stride exceeds the kernel. */
export function inputWidth(layer: Layer): number {
  return (layer.P - 1) * layer.Wstride + (layer.R - 1) * layer.Wdilation + 1;
}

export function inputHeight(layer: Layer): number {
  return (layer.Q - 1) * layer.Hstride + (layer.S - 1) * layer.Hdilation + 1;
}

/** Tensor sizes in words. */
export function dataSpaceSize(layer: Layer, dataSpace: DataSpace): number {
  switch (dataSpace) {
    case 'Weights':
      return layer.R * layer.S * layer.C * layer.K;
    case 'Inputs':
      return layer.N * layer.C * inputWidth(layer) * inputHeight(layer);
    case 'Outputs':
      return layer.N * layer.K * layer.P * layer.Q;
  }
}

export function unitFactors(): Factors {
  return { R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1 };
}
