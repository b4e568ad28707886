// Building a Layer from a partial description, and a canonical key for identical shapes.
import type { Layer } from './layer.js';

/**
 * A layer as a user or a network table writes it. Missing fields default to 1. `C` and `K` are
 * the total input and output channels of the layer; `groups` must divide both.
 */
export type LayerSpec = Partial<Omit<Layer, 'G'>> & { groups?: number };

/** Fields of a LayerSpec that must be positive integers. */
const SPEC_FIELDS = [
  'R', 'S', 'P', 'Q', 'C', 'K', 'N', 'Wstride', 'Hstride', 'Wdilation', 'Hdilation', 'groups',
] as const;

/**
 * Builds a Layer with G = groups and C and K divided by it, so that they count one group's
 * channels. Throws RangeError on a value that is not a positive integer or on groups that do not
 * divide C and K. Parsers check user input first and raise InputError.
 */
export function createLayer(spec: LayerSpec): Layer {
  const total = {
    R: spec.R ?? 1,
    S: spec.S ?? 1,
    P: spec.P ?? 1,
    Q: spec.Q ?? 1,
    C: spec.C ?? 1,
    K: spec.K ?? 1,
    N: spec.N ?? 1,
    Wstride: spec.Wstride ?? 1,
    Hstride: spec.Hstride ?? 1,
    Wdilation: spec.Wdilation ?? 1,
    Hdilation: spec.Hdilation ?? 1,
    groups: spec.groups ?? 1,
  };

  for (const field of SPEC_FIELDS) {
    const value = total[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`layer field ${field} must be a positive integer, got ${value}`);
    }
  }
  if (total.C % total.groups !== 0 || total.K % total.groups !== 0) {
    throw new RangeError(`groups = ${total.groups} must divide C = ${total.C} and K = ${total.K}`);
  }

  const { groups, ...dimensions } = total;
  return { ...dimensions, C: total.C / groups, K: total.K / groups, G: groups };
}

/**
 * Builds a canonical string for a layer's shape. Two layers with the same key do the same work
 * on the same data. A stride whose output dimension is 1, and a dilation whose filter dimension is 1,
 * is written as 1, because neither then changes the input footprint. A grouped layer's key ends in
 * `_Gdim` and its group count, never in `_G` and a count above 1. Results stored under such `_G`
 * keys count K over all groups and undercount Inputs, so they must not be reused.
 */
export function layerKey(layer: Layer): string {
  const wstride = layer.P === 1 ? 1 : layer.Wstride;
  const hstride = layer.Q === 1 ? 1 : layer.Hstride;
  const wdilation = layer.R === 1 ? 1 : layer.Wdilation;
  const hdilation = layer.S === 1 ? 1 : layer.Hdilation;
  return (
    `R${layer.R}_S${layer.S}_P${layer.P}_Q${layer.Q}_C${layer.C}_K${layer.K}_N${layer.N}` +
    `_Ws${wstride}_Hs${hstride}_Wd${wdilation}_Hd${hdilation}_${layer.G === 1 ? 'G' : 'Gdim'}${layer.G}`
  );
}
