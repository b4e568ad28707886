// Padding a layer's awkward dimensions so that a tiler has more factors to work with.
import type { Dimension, Layer } from './layer.js';
import { padToFriendly } from './primes.js';

/**
 * Dimensions padded by default. R and S are left alone because a larger filter would change the
 * input footprint. Padding the others only adds work on zeros.
 */
export const PADDABLE_DIMENSIONS: readonly Dimension[] = ['P', 'Q', 'C', 'K', 'N'];

/**
 * Returns a copy of `layer` in which each of `dimensions` is raised to the smallest size whose
 * prime factors are all ≤ `maxPrime` (P = 79 becomes 80 for maxPrime 5). The MAC count of the
 * result is an upper bound on the original's.
 */
export function padLayer(layer: Layer, maxPrime: number, dimensions: readonly Dimension[] = PADDABLE_DIMENSIONS): Layer {
  const padded = { ...layer };
  for (const dimension of dimensions) padded[dimension] = padToFriendly(layer[dimension], maxPrime);
  return padded;
}
