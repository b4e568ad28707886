// Reading a layer shape stored as JSON in a results database.
import type { Layer } from './layer.js';

/**
 * Parses a stored shape. A shape without `G` stores `groups` instead, with C per group and K over
 * all groups. It is converted to G = groups with K per group.
 */
export function parseStoredLayer(json: string): Layer {
  const stored = JSON.parse(json) as Partial<Layer> & { groups?: number };
  if (stored.G !== undefined) return stored as Layer;

  const { groups = 1, ...rest } = stored;
  return { ...rest, K: (rest.K ?? 1) / groups, G: groups } as Layer;
}
