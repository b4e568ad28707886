// Buffer capacity in log space. A tile's size is a product of placed primes, except the Inputs
// tile, whose width (P_t - 1)·Wstride + (R_t - 1)·Wdilation + 1 is a sum. That log-width gets its
// own variable, bounded below by lines that are exact at every reachable (P_t, R_t). Levels that
// keep several data spaces split their capacity in shares chosen by the program.
import { DATA_SPACES, type DataSpace, type Dimension } from '../../workload/layer.js';
import { divisors, primeFactorCounts } from '../../workload/primes.js';
import { LOG_SLACK, logExtent, relevantDimensions, sumTerms, type Program } from './placement.js';

/** Column of the log of the Inputs tile's width (axis W) or height (axis H) at a level. */
const windowCache = new WeakMap<Program, Map<string, number>>();

/** Log of the words of `dataSpace` in one instance's tile at `level`. */
export function logTileTerms(program: Program, dataSpace: DataSpace, level: number): [number, number][] {
  if (dataSpace !== 'Inputs') {
    return sumTerms(...relevantDimensions(dataSpace).map((dimension) => logExtent(program, dimension, level)));
  }
  return sumTerms(
    logExtent(program, 'N', level),
    logExtent(program, 'G', level),
    logExtent(program, 'C', level),
    [[windowColumn(program, level, 'W'), 1]],
    [[windowColumn(program, level, 'H'), 1]],
  );
}

export function addCapacityLimits(program: Program): void {
  program.arch.levels.forEach((level, index) => {
    if (level.entries === undefined) return;
    const kept = DATA_SPACES.filter((dataSpace) => program.keep[index][dataSpace]);
    if (kept.length === 0 || level.entries < 1) return;

    const limit = Math.log(level.entries) + LOG_SLACK;
    if (kept.length === 1) {
      program.model.addLessEqual(`capacity_${index}_${kept[0]}`, logTileTerms(program, kept[0], index), limit);
      return;
    }

    // Σ tiles ≤ entries is not linear in log space. Each data space gets share σ_v of the entries,
    // with Σ σ_v ≤ 1. The log-shares range over the convex hull of points on that boundary. The set
    // Σ exp(log σ) ≤ 1 is convex, so the hull lies inside it and every choice is sound.
    const points = sharePoints(kept.length);
    const weights = points.map((_, k) => program.model.addVariable(`share_${index}_${k}`, 'continuous', 0, 1));
    program.model.addEqual(`share_sum_${index}`, weights.map((column) => [column, 1] as const), 1);
    kept.forEach((dataSpace, v) => {
      const shareTerms = weights.map((column, k) => [column, -Math.log(points[k][v])] as [number, number]);
      program.model.addLessEqual(`capacity_${index}_${dataSpace}`, sumTerms(logTileTerms(program, dataSpace, index), shareTerms), limit);
    });
  });
}

/** Share vectors that sum to 1, fine near the ends, where one data space needs almost nothing. */
export function sharePoints(count: number): number[][] {
  const fractions = new Set<number>();
  for (let k = 1; k <= 12; k++) fractions.add(2 ** -k);
  for (let j = 1; j < 32; j++) fractions.add(j / 32);
  const values = [...fractions].sort((a, b) => a - b);

  if (count === 2) {
    const points = values.map((a) => [a, 1 - a]);
    return points.concat(values.map((a) => [1 - a, a]));
  }
  const coarse = values.filter((value) => value <= 1 / 32 || Number.isInteger(value * 16));
  const points: number[][] = [];
  for (const a of coarse) {
    for (const b of coarse) {
      const c = 1 - a - b;
      if (c >= 2 ** -12) points.push([a, b, c]);
    }
  }
  if (count === 3) return points;
  throw new Error(`capacity shares for ${count} data spaces are not supported`);
}

/**
 * Creates (once) the variable w ≥ log((O_t - 1)·stride + (F_t - 1)·dilation + 1), where O_t and F_t
 * are the tile's output and filter extents on that axis (P and R for W, Q and S for H).
 */
function windowColumn(program: Program, level: number, axis: 'W' | 'H'): number {
  let cache = windowCache.get(program);
  if (cache === undefined) {
    cache = new Map();
    windowCache.set(program, cache);
  }
  const key = `${level}:${axis}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;

  const { model, layer } = program;
  const [output, filter] = (axis === 'W' ? ['P', 'R'] : ['Q', 'S']) as [Dimension, Dimension];
  const stride = axis === 'W' ? layer.Wstride : layer.Hstride;
  const dilation = axis === 'W' ? layer.Wdilation : layer.Hdilation;

  const width = model.addVariable(`window_L${level}_${axis}`, 'continuous', 0, Infinity);
  cache.set(key, width);
  const outputExtent = logExtent(program, output, level);
  const maxLogOutput = Math.log(layer[output]);
  const filterExtents = divisors(layer[filter]);
  const choice = filterChoice(program, filter, level, filterExtents);

  // Binary "the output extent exceeds 1", needed only where a window is concave (stride larger than the filter window).
  let wide: number | undefined;
  const wideColumn = (): number => {
    if (wide === undefined) {
      wide = model.addVariable(`wide_L${level}_${axis}`, 'binary');
      model.addLessEqual(`wide_link_L${level}_${axis}`, sumTerms(outputExtent, [[wide, -maxLogOutput]]), 0);
    }
    return wide;
  };

  filterExtents.forEach((filterExtent, index) => {
    for (const line of windowLines(divisors(layer[output]), stride, dilation, filterExtent)) {
      let terms = sumTerms([[width, 1]], outputExtent.map(([column, coefficient]) => [column, -line.slope * coefficient] as [number, number]));
      let rhs = line.intercept;
      if (line.onlyWide) {
        // At output extent 1 the row reads w ≥ 0, which is always true, so the line is off there.
        terms = sumTerms(terms, [[wideColumn(), -line.intercept]]);
        rhs = 0;
      }
      const name = `window_L${level}_${axis}_${filterExtent}_${line.index}`;
      if (choice === undefined) {
        model.addGreaterEqual(name, terms, rhs);
        continue;
      }
      // Active only when the filter extent is \`filterExtent\`; otherwise w ≥ 0 already implies it.
      const bigM = line.intercept + line.slope * maxLogOutput;
      if (bigM <= 0) continue;
      model.addGreaterEqual(name, sumTerms(terms, [[choice[index], -bigM]]), rhs - bigM);
    }
  });
  return width;
}

/**
 * Binaries b_δ, one per divisor δ of the filter size, with b_δ = 1 exactly when the filter extent
 * of the tile at `level` is δ (matched prime exponent by prime exponent). Undefined for size 1.
 */
function filterChoice(program: Program, filter: Dimension, level: number, extents: number[]): number[] | undefined {
  if (extents.length === 1) return undefined;
  const { model, groups, slots, placement } = program;
  const columns = extents.map((extent) => model.addVariable(`filter_L${level}_${filter}${extent}`, 'binary'));
  model.addEqual(`filter_one_L${level}_${filter}`, columns.map((column) => [column, 1] as const), 1);

  for (const [prime] of primeFactorCounts(program.layer[filter])) {
    const terms: [number, number][] = extents.map((extent, index) => [columns[index], primeFactorCounts(extent).get(prime) ?? 0]);
    groups.forEach((group, g) => {
      if (group.dimension !== filter || group.prime !== prime) return;
      slots.forEach((slot, s) => {
        if (slot.level <= level) terms.push([placement[g][s], -1]);
      });
    });
    model.addEqual(`filter_exp_L${level}_${filter}${prime}`, terms, 0);
  }
  return columns;
}

export interface WindowLine {
  index: number;
  slope: number;
  intercept: number;
  /** The line holds only for output extents above 1 (the caller switches it off at 1). */
  onlyWide?: boolean;
}

/**
 * Lines ℓ(u) with max ℓ(log O_t) = log(stride·O_t + c) at every divisor O_t of the output size,
 * where c = (filterExtent - 1)·dilation + 1 - stride. For c ≥ 0 the function is convex in log O_t,
 * so the secants through consecutive divisors meet it exactly at every divisor. For c < 0 (stride
 * larger than the filter window) it is concave: the constant log(1 + (filterExtent - 1)·dilation)
 * is exact at O_t = 1, and log(stride) + log O_t, applied only for O_t > 1, overestimates the
 * width there by -c < stride words.
 */
export function windowLines(outputDivisors: number[], stride: number, dilation: number, filterExtent: number): WindowLine[] {
  const offset = (filterExtent - 1) * dilation + 1 - stride;
  if (offset < 0) {
    const single = { index: 0, slope: 0, intercept: Math.log(stride + offset) };
    if (outputDivisors.length === 1) return [single];
    return [single, { index: 1, slope: 1, intercept: Math.log(stride), onlyWide: true }];
  }

  const points = outputDivisors.map((extent) => ({ u: Math.log(extent), f: Math.log(stride * extent + offset) }));
  if (points.length === 1) return [{ index: 0, slope: 0, intercept: points[0].f }];

  const lines: WindowLine[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const slope = (points[k + 1].f - points[k].f) / (points[k + 1].u - points[k].u);
    lines.push({ index: k, slope, intercept: points[k].f - slope * points[k].u });
  }
  return lines;
}
