// Resolving mapspace constraints for a layer, the infeasibility reasons found before a search, and
// the check that every mapper, the local search and the mapping exchange apply.
import { describe, expect, it } from 'vitest';

import { parseMapspaceConstraints } from '../src/arch/constraints.js';
import { conformMapping, constraintViolation } from '../src/mapping/constraints-check.js';
import { constraintInfeasibility, resolveConstraints } from '../src/mapping/constraints-resolve.js';
import { splitRules } from '../src/mapping/loop-order.js';
import { parseMapping } from '../src/mapping/parse.js';
import type { Layer } from '../src/workload/layer.js';
import { ARCH, BYPASS_ENTRIES, CONSTRAINTS, LAYER } from './constraint-fixtures.js';

/** A mapping of LAYER that meets CONSTRAINTS: K on X and C on Y at GlobalBuffer, C inside P at DRAM. */
const GOOD = `mapping:
- {target: RegFile, type: temporal, factors: R=3 Q=2, permutation: RQ}
- {target: GlobalBuffer, type: spatial, factors: K=4 C=2, permutation: KC, split: 1}
- {target: GlobalBuffer, type: temporal, factors: P=2}
- {target: DRAM, type: temporal, factors: C=2 P=2, permutation: CP}
`;

const resolved = resolveConstraints(CONSTRAINTS, LAYER, ARCH);

function violation(text: string, constraints = resolved): string | undefined {
  return constraintViolation(constraints, ARCH, parseMapping(text, 'map.yaml', ARCH, LAYER));
}

function constrained(entries: string, layer: Layer = LAYER) {
  const constraints = parseMapspaceConstraints(`mapspace:\n  constraints:\n${BYPASS_ENTRIES}${entries}`, 'm.yaml', ARCH)!;
  return resolveConstraints(constraints, layer, ARCH);
}

describe('resolveConstraints', () => {
  it('reads 0 as the whole dimension', () => {
    expect(resolved.levels[0].temporal.R).toEqual({ exact: 3 });
    expect(resolved.notes).toEqual([]);
  });

  it('drops oversized factors with a note', () => {
    const small = resolveConstraints(CONSTRAINTS, { ...LAYER, K: 2 }, ARCH);
    expect(small.levels[1].spatial.K).toBeUndefined();
    expect(small.notes).toEqual([
      "the mapspace's spatial factor K=4 at GlobalBuffer exceeds the layer's K = 2, so it is ignored for this layer, as Timeloop ignores it",
    ]);
  });
});

describe('constraintInfeasibility', () => {
  it('accepts satisfiable constraints', () => {
    expect(constraintInfeasibility(resolved, ARCH, LAYER)).toBeUndefined();
  });

  it('names a non-dividing factor', () => {
    const reason = constraintInfeasibility(constrained('  - {target: RegFile, type: temporal, factors: K=3}\n'), ARCH, LAYER);
    expect(reason).toBe("the mapspace's temporal K=3 at RegFile does not divide the layer's K = 4");
  });

  it('names fixed factors missing the dimension', () => {
    const entries = '  - {target: RegFile, type: temporal, factors: Q=1}\n  - {target: GlobalBuffer, type: temporal, factors: Q=1}\n' +
      '  - {target: GlobalBuffer, type: spatial, factors: Q=1}\n  - {target: DRAM, type: temporal, factors: Q=1}\n';
    expect(constraintInfeasibility(constrained(entries), ARCH, LAYER)).toContain('fixes every factor of Q');
  });

  it('names spatial factors beyond fan-out', () => {
    expect(constraintInfeasibility(constrained('  - {target: GlobalBuffer, type: spatial, factors: K=4 C=4 P=2}\n'), ARCH, LAYER)).toBe(
      "the mapspace's fixed spatial factors at GlobalBuffer (P=2 C=4 K=4) multiply to 32, more than its fan-out of 16",
    );
    expect(constraintInfeasibility(constrained('  - {target: DRAM, type: spatial, factors: K=2}\n'), ARCH, LAYER)).toBe(
      'DRAM has no spatial fan-out, but the mapspace asks for the spatial factor K=2 there',
    );
  });
});

describe('constraintViolation', () => {
  it('accepts a conforming mapping', () => {
    expect(violation(GOOD)).toBeUndefined();
  });

  it('names a wrong fixed factor', () => {
    const text = GOOD.replace('R=3 Q=2, permutation: RQ', 'Q=2').replace('factors: P=2}', 'factors: P=2 R=3}');
    expect(violation(text)).toBe('RegFile: the temporal factor of R is 1, but the mapspace fixes R=3');
  });

  it('names a factor outside its bounds', () => {
    expect(violation(GOOD, constrained('  - {target: GlobalBuffer, type: temporal, factors: P<=1}\n'))).toBe(
      "GlobalBuffer: the temporal factor of P is 2, above the mapspace's P<=1",
    );
    expect(violation(GOOD, constrained('  - {target: RegFile, type: temporal, factors: Q>=4}\n'))).toBe(
      "RegFile: the temporal factor of Q is 2, below the mapspace's Q>=4",
    );
  });

  it('names a broken temporal order', () => {
    expect(violation(GOOD.replace('permutation: CP', 'permutation: PC'))).toBe(
      'DRAM: the temporal loop of P is inside that of C, but the mapspace permutation CP puts C inside P',
    );
  });

  it('ignores bound-1 loops in orders', () => {
    expect(violation(GOOD, constrained('  - {target: RegFile, type: temporal, permutation: KRQ}\n'))).toBeUndefined();
  });

  it('names a loop on a forbidden axis', () => {
    const swapped = GOOD.replace('permutation: KC, split: 1', 'permutation: CK, split: 1');
    expect(violation(swapped)).toBe("GlobalBuffer: the spatial loop of C is on X, but the mapspace's split 1 with permutation KC puts C on Y");
  });

  it('limits unnamed dimensions per axis', () => {
    const rules = constrained('  - {target: GlobalBuffer, type: spatial, permutation: K, split: 2}\n');
    const twoOnX = GOOD.replace('factors: K=4 C=2, permutation: KC, split: 1', 'factors: K=4 C=2 Q=2, permutation: KCQ, split: 3').replace('R=3 Q=2', 'R=3');
    expect(violation(twoOnX, rules)).toBe("GlobalBuffer: C Q have spatial loops on X, but the mapspace's split 2 with permutation K leaves 1 position on X for dimensions it does not name");
  });

  it('names a broken spatial order', () => {
    const rules = constrained('  - {target: GlobalBuffer, type: spatial, permutation: CK}\n');
    expect(violation(GOOD, rules)).toBe(
      'GlobalBuffer: the spatial loop of K (on X) comes before that of C (on Y) (X loops come first), but the mapspace permutation CK puts C first',
    );
  });

  it('names a utilization below the minimum', () => {
    expect(violation(GOOD, constrained('  - {target: RegFile, type: utilization, min: 0.75}\n'))).toBe(
      "the spatial loops use 50 % of the MAC units, below the mapspace's utilization min 0.75",
    );
  });
});

describe('conformMapping', () => {
  it('reorders loops, keeps factors', () => {
    const broken = parseMapping(GOOD.replace('permutation: CP', 'permutation: PC'), 'map.yaml', ARCH, LAYER);
    const conformed = conformMapping(resolved, broken);
    expect(conformed.levels[2].permutation.slice(0, 2)).toEqual(['C', 'P']);
    expect(conformed.levels[2].temporal).toEqual(broken.levels[2].temporal);
    expect(constraintViolation(resolved, ARCH, conformed)).toBeUndefined();
    expect(conformed.levels[0]).toBe(broken.levels[0]);
  });
});

describe('splitRules', () => {
  it('fixes named axes, counts free positions', () => {
    expect(splitRules({ inner: ['N', 'P', 'Q', 'R', 'S', 'C', 'K'], outer: ['G'] }, 4)).toEqual({
      axis: { N: 'X', P: 'X', Q: 'X', R: 'X', S: 'Y', C: 'Y', K: 'Y', G: 'Y' },
      free: [],
      freeOnX: 0,
      freeOnY: 0,
    });
    const partial = splitRules({ inner: ['K'], outer: ['G'] }, 3);
    expect(partial.axis).toEqual({ K: 'X', G: 'Y' });
    expect(partial).toMatchObject({ free: ['R', 'S', 'P', 'Q', 'C', 'N'], freeOnX: 2, freeOnY: 4 });
  });
});
