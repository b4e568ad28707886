// Sets of points as lists of disjoint boxes, subtracted the way Timeloop's MultiAAHR subtracts
// them (slicing rank by rank, left slice before right slice), so that equality between two
// deltas decides link transfers exactly as it does in Timeloop.
import type { Coordinates } from './projection.js';

export interface Box {
  /** Inclusive lower corner. */
  min: Coordinates;
  /** Exclusive upper corner. */
  max: Coordinates;
}

/** Points of `a` not in `b`, as disjoint boxes. */
export function subtractBox(a: Box, b: Box): Box[] {
  const ranks = a.min.length;
  for (let rank = 0; rank < ranks; rank++) {
    if (a.max[rank] <= b.min[rank] || b.max[rank] <= a.min[rank]) return [a];
  }

  const slices: Box[] = [];
  const middle: Box = { min: [...a.min], max: [...a.max] };
  for (let rank = 0; rank < ranks; rank++) {
    if (middle.min[rank] < b.min[rank]) {
      const left: Box = { min: [...middle.min], max: [...middle.max] };
      left.max[rank] = b.min[rank];
      slices.push(left);
      middle.min[rank] = b.min[rank];
    }
    if (b.max[rank] < middle.max[rank]) {
      const right: Box = { min: [...middle.min], max: [...middle.max] };
      right.min[rank] = b.max[rank];
      slices.push(right);
      middle.max[rank] = b.max[rank];
    }
  }
  return slices;
}

/**
 * Returns the translation c with `from + c == to` when the two box lists are the same boxes up to
 * one common translation (Timeloop compares box lists, not point sets), or undefined otherwise.
 */
export function translationBetween(from: Box[], to: Box[]): Coordinates | undefined {
  if (from.length === 0 || from.length !== to.length) return undefined;

  const fromOrigin = lowerCorner(from);
  const toOrigin = lowerCorner(to);
  const fromKeys = from.map((box) => boxKey(box, fromOrigin)).sort();
  const toKeys = to.map((box) => boxKey(box, toOrigin)).sort();
  for (let index = 0; index < fromKeys.length; index++) {
    if (fromKeys[index] !== toKeys[index]) return undefined;
  }
  return toOrigin.map((value, rank) => value - fromOrigin[rank]);
}

function lowerCorner(boxes: Box[]): Coordinates {
  const corner = [...boxes[0].min];
  for (const box of boxes) {
    box.min.forEach((value, rank) => {
      if (value < corner[rank]) corner[rank] = value;
    });
  }
  return corner;
}

function boxKey(box: Box, origin: Coordinates): string {
  const min = box.min.map((value, rank) => value - origin[rank]);
  const max = box.max.map((value, rank) => value - origin[rank]);
  return `${min.join(',')}:${max.join(',')}`;
}

/**
 * Computes translationBetween, memoised by the identity of the two box lists because many node
 * types share the same pair, and without string keys when both lists are single boxes.
 */
export class TranslationCache {
  private readonly cache = new Map<Box[], Map<Box[], Coordinates | undefined>>();

  between(from: Box[], to: Box[]): Coordinates | undefined {
    let row = this.cache.get(from);
    if (row === undefined) {
      row = new Map();
      this.cache.set(from, row);
    }
    if (row.has(to)) return row.get(to);

    const translation = from.length === 1 && to.length === 1 ? singleBoxTranslation(from[0], to[0]) : translationBetween(from, to);
    row.set(to, translation);
    return translation;
  }
}

/** Same result as translationBetween([from], [to]): defined when both boxes have the same extents. */
function singleBoxTranslation(from: Box, to: Box): Coordinates | undefined {
  const ranks = from.min.length;
  for (let rank = 0; rank < ranks; rank++) {
    if (from.max[rank] - from.min[rank] !== to.max[rank] - to.min[rank]) return undefined;
  }
  const translation: Coordinates = new Array(ranks);
  for (let rank = 0; rank < ranks; rank++) translation[rank] = to.min[rank] - from.min[rank];
  return translation;
}
