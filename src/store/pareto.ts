// Non-dominated sets for 2 or 3 objectives, all minimised. A point dominates another when it is
// no worse in every objective and better in at least one; equal points do not dominate each other.

export const OBJECTIVES = ['latency', 'energy', 'area', 'edp'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/**
 * Returns the indices of the non-dominated rows, in ascending order. `columns` contains one array
 * per objective, each with one value per row; values must be finite (NaN has no order).
 * Rows are put in (x, y) order by stable radix sorts over the float64 bit patterns, so no
 * comparison sort runs over the rows.
 * 2-D: keep rows that lower the running minimum of y.
 * 3-D: a Fenwick tree over the ranks of y keeps the minimum z of the kept rows with a smaller or
 * equal y. The sorts are O(n) and the tree O(n log n).
 */
export function paretoIndices(columns: ArrayLike<number>[]): Uint32Array {
  if (columns.length < 1 || columns.length > 3) throw new RangeError(`paretoIndices takes 1 to 3 objectives, got ${columns.length}`);
  const count = columns[0].length;
  for (const column of columns) {
    if (column.length !== count) throw new RangeError('every objective column must have one value per row');
  }
  if (count === 0) return new Uint32Array(0);

  const x = sortableKeys(columns[0]);
  const y = sortableKeys(columns[1] ?? new Float64Array(count));
  const z = columns.length === 3 ? columns[2] : undefined;

  const identity = new Uint32Array(count);
  for (let i = 0; i < count; i++) identity[i] = i;
  const byY = radixOrder(y, identity);
  const yRanks = ranksInOrder(y, byY);
  // The sort is stable, so rows with equal x stay in y order.
  const order = radixOrder(x, byY);

  const keep = z === undefined ? sweep2(order, x, yRanks.of) : sweep3(order, x, yRanks, z);
  return keep.sort();
}

/** A 64-bit unsigned key per row, split into two 32-bit halves, that orders like the float64 values. */
interface SortableKeys {
  high: Uint32Array;
  low: Uint32Array;
}

/** True on little-endian hosts, where the low 32 bits of a float64 come first in memory. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function sortableKeys(values: ArrayLike<number>): SortableKeys {
  const count = values.length;
  const floats = new Float64Array(count);
  // Adding 0 turns -0 into +0, which compares equal and must get the same key.
  for (let i = 0; i < count; i++) floats[i] = values[i] + 0;

  // Flip the sign bit of a positive number and every bit of a negative one, so the unsigned
  // 64-bit order of the keys is the numeric order of the values.
  const words = new Uint32Array(floats.buffer);
  const high = new Uint32Array(count);
  const low = new Uint32Array(count);
  const highWord = LITTLE_ENDIAN ? 1 : 0;
  for (let i = 0; i < count; i++) {
    const h = words[2 * i + highWord];
    const l = words[2 * i + 1 - highWord];
    const negative = h >>> 31 === 1;
    high[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    low[i] = negative ? ~l >>> 0 : l;
  }
  return { high, low };
}

function sameKey(keys: SortableKeys, a: number, b: number): boolean {
  return keys.high[a] === keys.high[b] && keys.low[a] === keys.low[b];
}

/**
 * Sorts `order` stably by the keys: an LSD radix sort in four 16-bit digits. Its passes read
 * memory in order and scatter once each, where a comparison sort or binary searches would cost
 * about 20 cache misses per row at a million rows.
 */
function radixOrder(keys: SortableKeys, order: Uint32Array): Uint32Array {
  const count = order.length;
  let current = order.slice();
  let spare = new Uint32Array(count);
  const starts = new Uint32Array(65536 + 1);
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? keys.low : keys.high;
    const shift = (pass % 2) * 16;

    starts.fill(0);
    for (let i = 0; i < count; i++) starts[((key[i] >>> shift) & 0xffff) + 1]++;
    // A digit that every row shares leaves the order as it is.
    if (starts[((key[0] >>> shift) & 0xffff) + 1] === count) continue;
    for (let digit = 1; digit <= 65536; digit++) starts[digit] += starts[digit - 1];
    for (let i = 0; i < count; i++) {
      const row = current[i];
      spare[starts[(key[row] >>> shift) & 0xffff]++] = row;
    }
    [current, spare] = [spare, current];
  }
  return current;
}

interface Ranks {
  /** Rank of each row's value among the distinct values, 0 for the smallest. */
  of: Uint32Array;
  distinct: number;
}

/** Dense ranks from rows already sorted by their keys. */
function ranksInOrder(keys: SortableKeys, sorted: Uint32Array): Ranks {
  const of = new Uint32Array(sorted.length);
  let rank = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || !sameKey(keys, sorted[i], sorted[i - 1])) rank++;
    of[sorted[i]] = rank;
  }
  return { of, distinct: rank + 1 };
}

/** Rows in (x, y) order are kept when y is below every earlier y, or equal to the last kept point. */
function sweep2(order: Uint32Array, x: SortableKeys, y: Uint32Array): Uint32Array {
  const kept: number[] = [];
  let bestY = Infinity;
  let last = -1;
  for (const row of order) {
    if (y[row] < bestY || (last >= 0 && sameKey(x, row, last) && y[row] === y[last])) {
      kept.push(row);
      bestY = y[row];
      last = row;
    }
  }
  return Uint32Array.from(kept);
}

/**
 * Rows come in (x, y) order, so only earlier rows, or rows with equal x and y, can dominate a
 * row. Each run of equal (x, y) is handled at once: only its rows with the run's minimum z can
 * survive, and they do unless an earlier kept row has y and z no greater. Equal rows survive together.
 */
function sweep3(order: Uint32Array, x: SortableKeys, y: Ranks, z: ArrayLike<number>): Uint32Array {
  // Gather each row's y position and z into arrays in sweep order first: one pass of independent
  // reads that the processor overlaps, then the sweep below reads memory in order.
  const count = order.length;
  const positions = new Uint32Array(count);
  const zs = new Float64Array(count);
  const sameXY = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const row = order[i];
    positions[i] = y.of[row] + 1;
    zs[i] = z[row];
    if (i > 0 && positions[i] === positions[i - 1] && sameKey(x, row, order[i - 1])) sameXY[i] = 1;
  }

  // tree[i] is the minimum z over a Fenwick range of y ranks, Infinity while that range is empty.
  const tree = new Float64Array(y.distinct + 1).fill(Infinity);
  const kept: number[] = [];

  let start = 0;
  while (start < count) {
    let end = start + 1;
    let minimumZ = zs[start];
    while (end < count && sameXY[end] === 1) {
      minimumZ = Math.min(minimumZ, zs[end]);
      end++;
    }

    const position = positions[start];
    if (prefixMin(tree, position) > minimumZ) {
      for (let i = start; i < end; i++) {
        if (zs[i] === minimumZ) kept.push(order[i]);
      }
      lower(tree, position, minimumZ);
    }
    start = end;
  }
  return Uint32Array.from(kept);
}

/** Minimum over tree positions 1..position. */
function prefixMin(tree: Float64Array, position: number): number {
  let minimum = Infinity;
  for (let i = position; i > 0; i -= i & -i) minimum = Math.min(minimum, tree[i]);
  return minimum;
}

function lower(tree: Float64Array, position: number, value: number): void {
  for (let i = position; i < tree.length; i += i & -i) tree[i] = Math.min(tree[i], value);
}
