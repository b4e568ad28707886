// Non-dominated sets for 2 or 3 objectives, all minimised. A point dominates another when it is
// no worse in every objective and better in at least one; equal points do not dominate each other.

export const OBJECTIVES = ['latency', 'energy', 'area', 'edp'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/**
 * Returns the indices of the non-dominated rows, in ascending order. `columns` contains one array per
 * objective, each with one value per row; values must be finite.
 * Each objective is first replaced by its dense rank, and the rows are put in lexicographic order
 * by three stable counting sorts, so no comparison sort runs over the rows.
 * 2-D: keep rows that lower the running minimum of the second rank.
 * 3-D: a Fenwick tree over the second rank keeps the minimum third rank of every earlier kept row
 * with a smaller or equal second rank. Both are O(n log n), the log from ranking.
 */
export function paretoIndices(columns: ArrayLike<number>[]): Uint32Array {
  if (columns.length < 1 || columns.length > 3) throw new RangeError(`paretoIndices takes 1 to 3 objectives, got ${columns.length}`);
  const count = columns[0].length;
  for (const column of columns) {
    if (column.length !== count) throw new RangeError('every objective column must have one value per row');
  }
  if (count === 0) return new Uint32Array(0);

  const ranks = columns.map((column) => denseRanks(column));
  while (ranks.length < 3) ranks.push({ of: new Uint32Array(count), distinct: 1 });
  const [x, y, z] = ranks;

  let order: Uint32Array = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (const rank of [z, y, x]) order = countingSort(order, rank);

  const keep = columns.length === 3 ? sweep3(order, x.of, y.of, z.of, y.distinct) : sweep2(order, x.of, y.of);
  return keep.sort();
}

interface Ranks {
  /** Rank of each row's value among the distinct values, 0 for the smallest. */
  of: Uint32Array;
  distinct: number;
}

/** True on little-endian hosts, where the low 32 bits of a float64 come first in memory. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Computes dense ranks by an LSD radix sort over the float64 bit patterns, in four 16-bit digits.
 * Binary searches over a sorted copy cost about 20 cache misses per row at a million rows. The
 * radix passes read memory in order and scatter once per pass.
 */
function denseRanks(values: ArrayLike<number>): Ranks {
  const count = values.length;
  const floats = new Float64Array(count);
  // Adding 0 turns -0 into +0, which compares equal and must get the same rank.
  for (let i = 0; i < count; i++) floats[i] = values[i] + 0;

  // Map each float to an unsigned 64-bit key with the same order: flip the sign bit of a positive
  // number and every bit of a negative one.
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

  let order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  let spare = new Uint32Array(count);
  const starts = new Uint32Array(65536 + 1);
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? low : high;
    const shift = (pass % 2) * 16;

    starts.fill(0);
    for (let i = 0; i < count; i++) starts[((key[i] >>> shift) & 0xffff) + 1]++;
    // A digit that every row shares leaves the order as it is.
    if (starts[((key[0] >>> shift) & 0xffff) + 1] === count) continue;
    for (let digit = 1; digit <= 65536; digit++) starts[digit] += starts[digit - 1];
    for (let i = 0; i < count; i++) {
      const row = order[i];
      spare[starts[(key[row] >>> shift) & 0xffff]++] = row;
    }
    [order, spare] = [spare, order];
  }

  const of = new Uint32Array(count);
  let rank = -1;
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const row = order[i];
    if (previous < 0 || high[row] !== high[previous] || low[row] !== low[previous]) rank++;
    of[row] = rank;
    previous = row;
  }
  return { of, distinct: rank + 1 };
}

/** Stable counting sort of `order` by rank. */
function countingSort(order: Uint32Array, rank: Ranks): Uint32Array {
  const starts = new Uint32Array(rank.distinct + 1);
  for (const row of order) starts[rank.of[row] + 1]++;
  for (let r = 1; r <= rank.distinct; r++) starts[r] += starts[r - 1];

  const sorted = new Uint32Array(order.length);
  for (const row of order) sorted[starts[rank.of[row]]++] = row;
  return sorted;
}

/** Rows in (x, y) order are kept when y is below every earlier y, or equal to the last kept point. */
function sweep2(order: Uint32Array, x: Uint32Array, y: Uint32Array): Uint32Array {
  const kept: number[] = [];
  let bestY = Infinity;
  let last = -1;
  for (const row of order) {
    if (y[row] < bestY || (last >= 0 && x[row] === x[last] && y[row] === y[last])) {
      kept.push(row);
      bestY = y[row];
      last = row;
    }
  }
  return Uint32Array.from(kept);
}

/**
 * Rows come in lexicographic (x, y, z) order, so only earlier rows can dominate a row. A row is
 * dominated when an earlier, different row has y and z no greater. Runs of equal points are
 * tested before any of them is inserted, so duplicates survive together.
 */
function sweep3(order: Uint32Array, x: Uint32Array, y: Uint32Array, z: Uint32Array, yDistinct: number): Uint32Array {
  // tree[i] is the minimum z rank over a Fenwick range of y ranks; 0xffffffff means none yet.
  const tree = new Uint32Array(yDistinct + 1).fill(0xffffffff);
  const kept: number[] = [];

  let start = 0;
  while (start < order.length) {
    const row = order[start];
    let end = start + 1;
    while (end < order.length && x[order[end]] === x[row] && y[order[end]] === y[row] && z[order[end]] === z[row]) end++;

    if (prefixMin(tree, y[row] + 1) > z[row]) {
      for (let i = start; i < end; i++) kept.push(order[i]);
      lower(tree, y[row] + 1, z[row]);
    }
    start = end;
  }
  return Uint32Array.from(kept);
}

/** Minimum over tree positions 1..position. */
function prefixMin(tree: Uint32Array, position: number): number {
  let minimum = 0xffffffff;
  for (let i = position; i > 0; i -= i & -i) minimum = Math.min(minimum, tree[i]);
  return minimum;
}

function lower(tree: Uint32Array, position: number, value: number): void {
  for (let i = position; i < tree.length; i += i & -i) tree[i] = Math.min(tree[i], value);
}
