// Non-dominated sets for 2 or 3 objectives, all minimised. A point dominates another when it is
// no worse in every objective and better in at least one; equal points do not dominate each other.

export const OBJECTIVES = ['latency', 'energy', 'area', 'edp'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/**
 * Returns the indices of the non-dominated rows, in ascending order. `columns` holds one array per
 * objective, each with one value per row; values must be finite.
 * 2-D: sort by the first objective, then keep rows that lower the running minimum of the second.
 * 3-D: the same sort, then a Fenwick tree over the ranks of the second objective keeps the
 * minimum third objective of every earlier row with a smaller or equal second objective.
 * Both are O(n log n).
 */
export function paretoIndices(columns: ArrayLike<number>[]): Uint32Array {
  if (columns.length < 1 || columns.length > 3) throw new RangeError(`paretoIndices takes 1 to 3 objectives, got ${columns.length}`);
  const count = columns[0].length;
  for (const column of columns) {
    if (column.length !== count) throw new RangeError('every objective column must have one value per row');
  }
  if (count === 0) return new Uint32Array(0);

  const [x, y = new Float64Array(count), z = new Float64Array(count)] = columns.map((column) => Float64Array.from(column));
  const order = lexicographicOrder(x, y, z);
  const keep = columns.length === 3 ? sweep3(order, x, y, z) : sweep2(order, x, y);
  return keep.sort();
}

function lexicographicOrder(x: Float64Array, y: Float64Array, z: Float64Array): Uint32Array {
  const order = new Uint32Array(x.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => x[a] - x[b] || y[a] - y[b] || z[a] - z[b]);
}

function samePoint(a: number, b: number, x: Float64Array, y: Float64Array, z: Float64Array): boolean {
  return x[a] === x[b] && y[a] === y[b] && z[a] === z[b];
}

/** Rows in (x, y) order are kept when y is below every earlier y, or equal to the last kept point. */
function sweep2(order: Uint32Array, x: Float64Array, y: Float64Array): Uint32Array {
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
function sweep3(order: Uint32Array, x: Float64Array, y: Float64Array, z: Float64Array): Uint32Array {
  const ranks = denseRanks(y);
  const tree = new Float64Array(ranks.distinct + 1).fill(Infinity);
  const kept: number[] = [];

  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && samePoint(order[start], order[end], x, y, z)) end++;

    const row = order[start];
    const rank = ranks.of[row] + 1;
    if (prefixMin(tree, rank) > z[row]) {
      for (let i = start; i < end; i++) kept.push(order[i]);
      lower(tree, rank, z[row]);
    }
    start = end;
  }
  return Uint32Array.from(kept);
}

/** Rank of each value among the distinct values, 0 for the smallest. */
function denseRanks(values: Float64Array): { of: Uint32Array; distinct: number } {
  const sorted = Float64Array.from(values).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
  }

  const of = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let low = 0;
    let high = distinct - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle] < values[i]) low = middle + 1;
      else high = middle;
    }
    of[i] = low;
  }
  return { of, distinct };
}

/** Minimum over tree positions 1..rank. */
function prefixMin(tree: Float64Array, rank: number): number {
  let minimum = Infinity;
  for (let i = rank; i > 0; i -= i & -i) minimum = Math.min(minimum, tree[i]);
  return minimum;
}

function lower(tree: Float64Array, rank: number, value: number): void {
  for (let i = rank; i < tree.length; i += i & -i) tree[i] = Math.min(tree[i], value);
}
