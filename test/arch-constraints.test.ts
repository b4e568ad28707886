// Reading the temporal, spatial and utilization constraints of Timeloop mapspace files.
import { describe, expect, it } from 'vitest';

import { ignoredConstraints, parseLoopOrder, parseMapspaceConstraints } from '../src/arch/constraints.js';
import { inputError } from './input-error-helper.js';

const ARCH = { levels: [{ name: 'RegFile' }, { name: 'GlobalBuffer' }, { name: 'DRAM' }] };

function parse(entries: string) {
  return parseMapspaceConstraints(`mapspace:\n  constraints:\n${entries}`, 'm.yaml', ARCH);
}

describe('parseMapspaceConstraints', () => {
  it('reads fixed factors and M', () => {
    const constraints = parse('  - {target: RegFile, type: temporal, factors: R=3 S3 M=0}\n');
    expect(constraints?.levels[0].temporal?.factors).toEqual({ R: { exact: 3 }, S: { exact: 3 }, K: { exact: 0 } });
    expect(constraints?.levels[1]).toEqual({});
  });

  it('reads bounds and default bounds', () => {
    const constraints = parse('  - {target: GlobalBuffer, type: temporal, factors: C<=4 K>=2 R=1, default_max_factor: 8}\n');
    const factors = constraints?.levels[1].temporal?.factors;
    expect(factors?.C).toEqual({ max: 4 });
    expect(factors?.K).toEqual({ min: 2, max: 8 });
    expect(factors?.R).toEqual({ exact: 1 });
    expect(factors?.N).toEqual({ max: 8 });
  });

  it('reads an inner_outer permutation', () => {
    const constraints = parse('  - {target: DRAM, type: temporal, permutation: C K_P Q}\n');
    expect(constraints?.levels[2].temporal?.order).toEqual({ inner: ['C', 'K'], outer: ['P', 'Q'] });
  });

  it('pins G outermost beside a split', () => {
    const partial = parse('  - {target: GlobalBuffer, type: spatial, factors: K=4, permutation: NPQR SCM, split: 4}\n');
    expect(partial?.levels[1].spatial).toEqual({ factors: { K: { exact: 4 } }, order: { inner: ['N', 'P', 'Q', 'R', 'S', 'C', 'K'], outer: ['G'] }, split: 4 });

    const allOnX = parse('  - {target: GlobalBuffer, type: spatial, split: 7}\n');
    expect(allOnX?.levels[1].spatial).toEqual({ factors: {}, order: { inner: [], outer: ['G'] }, split: 8 });
  });

  it('reads utilization at the innermost level', () => {
    expect(parse('  - {target: RegFile, type: utilization, min: 0.5}\n')?.minParallelism).toBe(0.5);
  });

  it('reads nested targets and attributes', () => {
    const text = `mapspace:
  targets:
  - target: GlobalBuffer
    constraints:
    - {type: spatial, split: 1, attributes: {factors: C=4, permutation: CK}}
`;
    const constraints = parseMapspaceConstraints(text, 'm.yaml', ARCH);
    expect(constraints?.levels[1].spatial?.factors).toEqual({ C: { exact: 4 } });
    expect(constraints?.levels[1].spatial?.split).toBe(1);
  });

  it('returns undefined without constraints', () => {
    expect(parse('  - {target: RegFile, type: datatype, keep: [Weights]}\n')).toBeUndefined();
    expect(parse('  - {target: GlobalBuffer, type: spatial, no_multicast_no_reduction: [Weights]}\n')).toBeUndefined();
    const mapping = 'mapping:\n- {target: RegFile, type: temporal, factors: R=3}\n';
    expect(parseMapspaceConstraints(mapping, 'm.yaml', ARCH)).toBeUndefined();
  });
});

describe('parseMapspaceConstraints errors', () => {
  it('names an unknown target', () => {
    const error = inputError(() => parse('  - {target: GlobalBufer, type: temporal, factors: R=1}\n'));
    expect(error.field).toBe('mapspace.constraints[0].target');
    expect(error.message).toContain('did you mean GlobalBuffer?');
  });

  it('names an unknown dimension', () => {
    const error = inputError(() => parse('  - {target: RegFile, type: temporal, factors: X=3}\n'));
    expect(error.field).toBe('mapspace.constraints[0].factors');
    expect(error.message).toContain('unknown dimension X');
  });

  it('rejects a re-specified factor', () => {
    const error = inputError(() => parse('  - {target: RegFile, type: temporal, factors: K=2}\n  - {target: RegFile, type: temporal, factors: M=2}\n'));
    expect(error.field).toBe('mapspace.constraints[1].factors');
    expect(error.message).toContain('after mapspace.constraints[0].factors');
  });

  it('rejects contradicting limits', () => {
    expect(inputError(() => parse('  - {target: RegFile, type: temporal, factors: R=3 R<=2}\n')).message).toContain('R=3 contradicts R<=2');
    expect(inputError(() => parse('  - {target: RegFile, type: temporal, factors: C>=4 C<=2}\n')).message).toContain('C>=4 contradicts C<=2');
  });

  it('rejects bad permutation letters', () => {
    expect(inputError(() => parseLoopOrder('CKC', 'm.yaml', 'p')).message).toContain('C appears more than once');
    expect(inputError(() => parseLoopOrder('C_K_P', 'm.yaml', 'p')).message).toContain('more than one "_"');
    expect(inputError(() => parseLoopOrder('CX', 'm.yaml', 'p')).message).toContain('unknown dimension X');
  });

  it('rejects misplaced or negative splits', () => {
    expect(inputError(() => parse('  - {target: GlobalBuffer, type: spatial, split: -1}\n')).field).toBe('mapspace.constraints[0].split');
    expect(inputError(() => parse('  - {target: GlobalBuffer, type: temporal, split: 1}\n')).field).toBe('mapspace.constraints[0].split');
  });

  it('rejects utilization above level 0', () => {
    expect(inputError(() => parse('  - {target: DRAM, type: utilization, min: 0.5}\n')).message).toContain('innermost storage level, RegFile');
  });

  it('rejects an unknown constraint type', () => {
    expect(inputError(() => parse('  - {target: DRAM, type: temporl}\n')).message).toContain('did you mean temporal?');
  });
});

describe('ignoredConstraints', () => {
  it('names what no mapper applies', () => {
    const text = `mapper: {algorithm: random_pruned, max_permutations_per_if_visit: 4}
mapspace:
  constraints:
  - {target: GlobalBuffer, type: spatial, factors: K=4, no_multicast_no_reduction: [Weights]}
  - {target: RegFile, type: temporal, factors: R=3, no_temporal_reuse: [Inputs]}
  - {target: DRAM, type: max_overbooked_proportion, proportion: 0.1}
`;
    expect(ignoredConstraints(text, 'm.yaml')).toEqual([
      'mapper (Timeloop search settings such as max_permutations_per_if_visit)',
      'mapspace.constraints[0].no_multicast_no_reduction (spatial at GlobalBuffer)',
      'mapspace.constraints[1].no_temporal_reuse (temporal at RegFile)',
      'mapspace.constraints[2] (max_overbooked_proportion at DRAM)',
    ]);
  });
});
