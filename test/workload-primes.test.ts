import { describe, expect, it } from 'vitest';
import {
  countFactorSplits,
  divisors,
  factorSplits,
  largestPrimeFactor,
  padToFriendly,
  primeFactorCounts,
  primeFactors,
} from '../src/workload/primes.js';
import { macCount } from '../src/workload/layer.js';
import { createLayer } from '../src/workload/layer-spec.js';
import { padLayer } from '../src/workload/pad.js';

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

const product = (values: number[]) => values.reduce((a, b) => a * b, 1);

describe('primeFactors', () => {
  it('gives known factorizations', () => {
    expect(primeFactors(1)).toEqual([]);
    expect(primeFactors(2)).toEqual([2]);
    expect(primeFactors(56)).toEqual([2, 2, 2, 7]);
    expect(primeFactors(79)).toEqual([79]);
    expect(primeFactors(161)).toEqual([7, 23]);
    expect(primeFactors(700)).toEqual([2, 2, 5, 5, 7]);
    expect(primeFactors(2 ** 20)).toEqual(Array(20).fill(2));
    expect(primeFactors(999_983 * 2)).toEqual([2, 999_983]);
  });

  it('returns ascending primes whose product is n', () => {
    for (let n = 1; n <= 3000; n++) {
      const factors = primeFactors(n);
      expect(product(factors)).toBe(n);
      expect(factors.every(isPrime)).toBe(true);
      expect([...factors].sort((a, b) => a - b)).toEqual(factors);
    }
  });

  it('rejects non-positive and fractional input', () => {
    expect(() => primeFactors(0)).toThrow(RangeError);
    expect(() => primeFactors(-4)).toThrow(RangeError);
    expect(() => primeFactors(2.5)).toThrow(RangeError);
  });

  it('counts multiplicities', () => {
    expect([...primeFactorCounts(3136)]).toEqual([[2, 6], [7, 2]]);
    expect(largestPrimeFactor(3136)).toBe(7);
    expect(largestPrimeFactor(1)).toBe(1);
  });
});

describe('divisors', () => {
  it('lists divisors in ascending order', () => {
    expect(divisors(1)).toEqual([1]);
    expect(divisors(12)).toEqual([1, 2, 3, 4, 6, 12]);
    expect(divisors(49)).toEqual([1, 7, 49]);
  });

  it('matches a brute-force count', () => {
    for (let n = 1; n <= 500; n++) {
      const expected = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
      expect(divisors(n)).toEqual(expected);
    }
  });
});

describe('factorSplits', () => {
  it('lists every ordered split of 12 into 2', () => {
    expect(factorSplits(12, 2)).toEqual([[1, 12], [2, 6], [3, 4], [4, 3], [6, 2], [12, 1]]);
  });

  it('returns distinct tuples whose product is n', () => {
    for (const [n, k] of [[1, 3], [7, 3], [56, 4], [360, 3], [1024, 7]]) {
      const splits = factorSplits(n, k);
      expect(splits.length).toBe(countFactorSplits(n, k));
      expect(new Set(splits.map((s) => s.join('x'))).size).toBe(splits.length);
      for (const split of splits) {
        expect(split.length).toBe(k);
        expect(product(split)).toBe(n);
      }
    }
  });

  it('counts splits by stars and bars', () => {
    expect(countFactorSplits(1024, 7)).toBe(8008);
    expect(countFactorSplits(1, 5)).toBe(1);
    expect(countFactorSplits(7 * 7 * 2, 3)).toBe(6 * 3);
  });
});

describe('padToFriendly', () => {
  it('pads awkward primes to the next smooth number', () => {
    expect(padToFriendly(79, 7)).toBe(80);
    expect(padToFriendly(161, 7)).toBe(162);
    expect(padToFriendly(13, 2)).toBe(16);
    expect(padToFriendly(1, 2)).toBe(1);
  });

  it('keeps numbers that are already smooth', () => {
    expect(padToFriendly(56, 7)).toBe(56);
    expect(padToFriendly(700, 7)).toBe(700);
  });

  it('returns the smallest smooth m at least n', () => {
    for (let n = 1; n <= 400; n++) {
      const m = padToFriendly(n, 5);
      expect(m).toBeGreaterThanOrEqual(n);
      expect(largestPrimeFactor(m)).toBeLessThanOrEqual(5);
      for (let smaller = n; smaller < m; smaller++) {
        expect(largestPrimeFactor(smaller)).toBeGreaterThan(5);
      }
    }
  });

  it('rejects a max prime below 2', () => {
    expect(() => padToFriendly(10, 1)).toThrow(RangeError);
  });
});

describe('padLayer', () => {
  const layer = createLayer({ R: 5, S: 10, P: 341, Q: 79, C: 32, K: 32, Wstride: 2, Hstride: 2 });

  it('pads output dimensions to smooth sizes', () => {
    const padded = padLayer(layer, 7);
    expect(padded.P).toBe(343);
    expect(padded.Q).toBe(80);
    expect(padded.C).toBe(32);
    expect(padded.R).toBe(5);
    expect(padded.Wstride).toBe(2);
    expect(macCount(padded)).toBeGreaterThan(macCount(layer));
  });

  it('pads only the requested dimensions', () => {
    const padded = padLayer(layer, 2, ['Q']);
    expect(padded.Q).toBe(128);
    expect(padded.P).toBe(341);
    expect(layer.Q).toBe(79);
  });
});
