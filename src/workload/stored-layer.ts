// Reading a layer shape stored as JSON in a results database.
import type { Layer } from './layer.js';

/** A stored shape: a Layer, or one written before G was a dimension, with `groups` in its place. */
type StoredShape = Partial<Layer> & { groups?: number };

/**
 * Parses a stored shape. A shape without `G` stores `groups` instead, with C per group and K over
 * all groups. It is converted to G = groups with K per group.
 */
export function parseStoredLayer(json: string): Layer {
  const stored = JSON.parse(json) as StoredShape;
  if (stored.G !== undefined) return stored as Layer;

  const { groups = 1, ...rest } = stored;
  return { ...rest, K: (rest.K ?? 1) / groups, G: groups } as Layer;
}

/**
 * Returns true for a grouped shape stored before G was a dimension. Its jobs' mappings count K over
 * all groups, so they do not map the layer that parseStoredLayer returns.
 */
export function isFoldedGroupedShape(json: string): boolean {
  const stored = JSON.parse(json) as StoredShape;
  return stored.G === undefined && (stored.groups ?? 1) > 1;
}
