// Integer factorization helpers for tiling: CoSA's variables are the prime factors of each
// problem dimension, and the random mapper draws ordered splits of a dimension over levels.

function assertPositiveInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`${what} must be a positive safe integer, got ${n}`);
  }
}

/** Returns the prime factors of `n` in ascending order with multiplicity; `primeFactors(1)` is `[]`. */
export function primeFactors(n: number): number[] {
  assertPositiveInteger(n, 'n');

  const factors: number[] = [];
  let rest = n;
  for (let p = 2; p * p <= rest; p += p === 2 ? 1 : 2) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

/** Counts the multiplicity of each prime factor of `n`, keyed by prime in ascending order. */
export function primeFactorCounts(n: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const p of primeFactors(n)) counts.set(p, (counts.get(p) ?? 0) + 1);
  return counts;
}

/** Returns all divisors of `n` in ascending order, including 1 and `n`. */
export function divisors(n: number): number[] {
  assertPositiveInteger(n, 'n');

  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    small.push(d);
    if (d * d !== n) large.push(n / d);
  }
  return small.concat(large.reverse());
}

/**
 * Lists every ordered k-tuple of positive integers whose product is `n`, in lexicographic order.
 * The count is the product over primes p^e of C(e + k - 1, k - 1), so it grows quickly with `k`
 * for highly composite `n` (1024 over 7 levels gives 8008 tuples).
 */
export function factorSplits(n: number, k: number): number[][] {
  assertPositiveInteger(n, 'n');
  assertPositiveInteger(k, 'k');

  if (k === 1) return [[n]];
  const splits: number[][] = [];
  for (const first of divisors(n)) {
    for (const rest of factorSplits(n / first, k - 1)) splits.push([first, ...rest]);
  }
  return splits;
}

/** Counts the ordered k-tuples with product `n` without listing them. */
export function countFactorSplits(n: number, k: number): number {
  assertPositiveInteger(k, 'k');

  let count = 1;
  for (const exponent of primeFactorCounts(n).values()) {
    count *= binomial(exponent + k - 1, k - 1);
  }
  return count;
}

function binomial(n: number, r: number): number {
  let value = 1;
  for (let i = 1; i <= r; i++) value = (value * (n - r + i)) / i;
  return Math.round(value);
}

/** Returns the largest prime factor of `n`, or 1 for `n = 1`. */
export function largestPrimeFactor(n: number): number {
  const factors = primeFactors(n);
  return factors.length === 0 ? 1 : factors[factors.length - 1];
}

/**
 * Returns the smallest m ≥ n whose prime factors are all ≤ `maxPrime`. Padding a dimension such as 79
 * to 80 = 2^4·5 gives a tiler many more ways to split it, at the cost of (m - n)/n wasted work.
 */
export function padToFriendly(n: number, maxPrime: number): number {
  assertPositiveInteger(n, 'n');
  if (!Number.isSafeInteger(maxPrime) || maxPrime < 2) {
    throw new RangeError(`maxPrime must be an integer ≥ 2, got ${maxPrime}`);
  }

  // Powers of 2 are dense enough that the search ends before m reaches 2n.
  let m = n;
  while (largestPrimeFactor(m) > maxPrime) m++;
  return m;
}
