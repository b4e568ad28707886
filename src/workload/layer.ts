// The convolution layer as Timeloop's cnn-layer shape with groups added as an eighth dimension,
// and its three data spaces.

/**
 * Problem dimensions: filter width/height, output width/height, input and output channels per
 * group, batch, and groups. G comes last so that a Timeloop permutation that omits it, as every
 * cnn-layer permutation does, leaves it outermost.
 */
export const DIMENSIONS = ['R', 'S', 'P', 'Q', 'C', 'K', 'N', 'G'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DATA_SPACES = ['Weights', 'Inputs', 'Outputs'] as const;
export type DataSpace = (typeof DATA_SPACES)[number];

/** A value per problem dimension, such as the loop bounds of one mapping entry. */
export type Factors = Record<Dimension, number>;

/**
 * One convolution layer. `C` and `K` count the channels of one group, and `G` counts the groups
 * (1 for an ordinary convolution, the channel count for a depthwise one). Every data space is
 * indexed by G, so output channel k of group g reads only the input channels of group g.
 * A GEMM is R = S = P = 1.
 */
export interface Layer {
  R: number;
  S: number;
  P: number;
  Q: number;
  C: number;
  K: number;
  N: number;
  G: number;
  Wstride: number;
  Hstride: number;
  Wdilation: number;
  Hdilation: number;
}

/** Dimensions that index each data space. Inputs' W and H coordinates come from (P, R) and (Q, S). */
export const DATA_SPACE_DIMENSIONS: Record<DataSpace, readonly Dimension[]> = {
  Weights: ['R', 'S', 'C', 'K', 'G'],
  Inputs: ['R', 'S', 'P', 'Q', 'C', 'N', 'G'],
  Outputs: ['P', 'Q', 'K', 'N', 'G'],
};

export function isRelevant(dataSpace: DataSpace, dimension: Dimension): boolean {
  return DATA_SPACE_DIMENSIONS[dataSpace].includes(dimension);
}

export function layerFactors(layer: Layer): Factors {
  return { R: layer.R, S: layer.S, P: layer.P, Q: layer.Q, C: layer.C, K: layer.K, N: layer.N, G: layer.G };
}

export function macCount(layer: Layer): number {
  return layer.R * layer.S * layer.P * layer.Q * layer.C * layer.K * layer.N * layer.G;
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
      return layer.G * layer.R * layer.S * layer.C * layer.K;
    case 'Inputs':
      return layer.N * layer.G * layer.C * inputWidth(layer) * inputHeight(layer);
    case 'Outputs':
      return layer.N * layer.G * layer.K * layer.P * layer.Q;
  }
}

export function unitFactors(): Factors {
  return { R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1, G: 1 };
}
