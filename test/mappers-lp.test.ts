// The program generator: sparse model data, CPLEX LP text that HiGHS reads back to the same
// optimum, the Inputs window lines and the capacity shares.
import { describe, expect, it } from 'vitest';

import { sharePoints, windowLines } from '../src/mappers/cosa/capacity.js';
import { buildProgram, OBJECTIVE_PRESETS } from '../src/mappers/cosa/formulation.js';
import { describeRow } from '../src/mappers/cosa/index.js';
import { formatNumber, LinearModel } from '../src/mappers/cosa/linear-model.js';
import { loadHighs, solveModel } from '../src/mappers/cosa/solver.js';
import { divisors } from '../src/workload/primes.js';
import { loadMapperCase } from './mappers-fixtures.js';

function knapsack(): LinearModel {
  const model = new LinearModel();
  const a = model.addVariable('a', 'binary');
  const b = model.addVariable('b', 'integer', 0, 3);
  const c = model.addVariable('c', 'continuous', 0, 2.5);
  model.addCost(a, -5);
  model.addCost(b, -4);
  model.addCost(c, -1.5);
  model.addLessEqual('weight', [[a, 3], [b, 2], [c, 1]], 7);
  model.addRow('ranged', [[b, 1], [c, 1], [b, 1]], 1, 4);
  return model;
}

describe('LinearModel', () => {
  it('builds compressed sparse rows with merged terms', () => {
    const sparse = knapsack().toSparse();
    expect(sparse.numCols).toBe(3);
    expect(sparse.numRows).toBe(2);
    expect(sparse.matrix.starts).toEqual([0, 3, 5]);
    expect(sparse.matrix.indices).toEqual([0, 1, 2, 1, 2]);
    expect(sparse.matrix.values).toEqual([3, 2, 1, 2, 1]);
    expect(sparse.integrality).toEqual([1, 1, 0]);
    expect(sparse.colUpper).toEqual([1, 3, 2.5]);
    expect(sparse.rowLower).toEqual([-Infinity, 1]);
  });

  it('rejects names an LP reader would misparse', () => {
    const model = new LinearModel();
    expect(() => model.addVariable('1x', 'binary')).toThrow(/invalid LP name/);
    expect(() => model.addVariable('e12', 'binary')).toThrow(/exponent/);
    expect(() => model.addVariable('a b', 'binary')).toThrow(/invalid LP name/);
    model.addVariable('x', 'binary');
    expect(() => model.addVariable('x', 'binary')).toThrow(/duplicate/);
    expect(() => model.addLessEqual('bad', [[0, Number.NaN]], 1)).toThrow(/not finite/);
  });

  it('formats numbers without exponents for ordinary magnitudes', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(Math.log(7))).toMatch(/^1\.945910149055313\d*$/);
    expect(formatNumber(-2.25)).toBe('-2.25');
  });

  it('writes LP text that HiGHS solves to the same optimum', async () => {
    const model = knapsack();
    const highs = await loadHighs();
    const fromText = highs.solve(model.toLpText(), { output_flag: false } as never);
    const fromArrays = await solveModel(model, { mipRelGap: 0, timeLimitS: 10 });
    expect(fromText.Status).toBe('Optimal');
    expect(fromArrays.status).toBe('optimal');
    expect(fromText.ObjectiveValue).toBeCloseTo(fromArrays.objective!, 9);
    expect(fromArrays.objective).toBeCloseTo(-5 - 4 * 2 + 0, 9);
  });

  it('writes a CoSA program as LP text that HiGHS reads back', async () => {
    const item = loadMapperCase('simba-ref__dlrm-fc-c13k512__m1');
    const program = buildProgram(item.arch, item.layer, item.keep, OBJECTIVE_PRESETS.edp);
    const highs = await loadHighs();
    const fromText = highs.solve(program.model.toLpText(), { output_flag: false, mip_rel_gap: 0 } as never);
    const fromArrays = await solveModel(program.model, { mipRelGap: 0, timeLimitS: 30 });
    expect(fromText.Status).toBe('Optimal');
    expect(fromArrays.status).toBe('optimal');
    // The LP text leaves out the objective offset.
    expect(fromText.ObjectiveValue + program.model.objectiveOffset).toBeCloseTo(fromArrays.objective!, 6);
  });

  it('reports an infeasible model with its conflicting rows', async () => {
    const model = new LinearModel();
    const x = model.addVariable('x', 'integer', 0, 10);
    model.addGreaterEqual('at_least_five', [[x, 1]], 5);
    model.addLessEqual('at_most_three', [[x, 1]], 3);
    const outcome = await solveModel(model, { mipRelGap: 0.01, timeLimitS: 10 });
    expect(outcome.status).toBe('infeasible');
    expect(outcome.values).toBeUndefined();
    expect(outcome.conflictRows ?? []).toEqual(expect.arrayContaining(['at_least_five']));
  });
});

/** Builds a multidimensional knapsack: zero is feasible at once, but proving optimality takes long. */
function hardKnapsack(items: number, constraints: number): LinearModel {
  const model = new LinearModel();
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return 10 + (state % 90);
  };
  const columns = Array.from({ length: items }, (_, index) => model.addVariable(`x${index}`, 'binary'));
  for (const column of columns) model.addCost(column, -next());
  for (let row = 0; row < constraints; row++) {
    const terms = columns.map((column) => [column, next()] as [number, number]);
    model.addLessEqual(`budget${row}`, terms, 25 * items);
  }
  return model;
}

describe('solveModel limits', () => {
  it('returns the incumbent and gap at the time limit', async () => {
    // HiGHS does not prove this knapsack optimal within 10 s, and its heuristics find an incumbent
    // within 0.1 s, so a 1 s limit ends with an incumbent even on a loaded machine.
    const outcome = await solveModel(hardKnapsack(300, 30), { mipRelGap: 0, timeLimitS: 1 });
    expect(outcome.status).toBe('time_limit');
    expect(outcome.values).toHaveLength(300);
    expect(outcome.objective).toBeLessThan(0);
    expect(outcome.gap).toBeGreaterThan(0);
    expect(outcome.bound).toBeLessThan(outcome.objective!);
  });
});

describe('describeRow', () => {
  it('names capacity and fan-out rows by level', () => {
    const item = loadMapperCase('simba-ref__dlrm-fc-c13k512__m1');
    expect(describeRow(item.arch, 'capacity_4_Inputs')).toBe('capacity of GlobalBuffer for Inputs');
    expect(describeRow(item.arch, 'fanout_L3_X')).toBe('fan-out of InputBuffer on X');
    expect(describeRow(item.arch, 'place_K2')).toBe('place_K2');
  });
});

describe('Inputs window lines', () => {
  const shapes = [
    { stride: 1, dilation: 1, filter: 3, output: 56 },
    { stride: 2, dilation: 1, filter: 7, output: 112 },
    { stride: 2, dilation: 1, filter: 1, output: 28 },
    { stride: 4, dilation: 1, filter: 11, output: 55 },
    { stride: 4, dilation: 1, filter: 1, output: 12 },
    { stride: 2, dilation: 3, filter: 5, output: 700 },
  ];

  it.each(shapes)('bounds the width exactly or safely for %o', ({ stride, dilation, filter, output }) => {
    for (const filterExtent of divisors(filter)) {
      const lines = windowLines(divisors(output), stride, dilation, filterExtent);
      const convex = (filterExtent - 1) * dilation + 1 >= stride;
      for (const extent of divisors(output)) {
        const width = (extent - 1) * stride + (filterExtent - 1) * dilation + 1;
        const bound = Math.max(...lines.filter((line) => !line.onlyWide || extent > 1).map((line) => line.intercept + line.slope * Math.log(extent)));
        expect(bound).toBeGreaterThanOrEqual(Math.log(width) - 1e-12);
        if (convex || extent === 1) expect(bound).toBeCloseTo(Math.log(width), 12);
        else expect(Math.exp(bound) - width).toBeLessThan(stride);
      }
    }
  });
});

describe('capacity shares', () => {
  it.each([2, 3])('lists positive shares summing to 1 for %i data spaces', (count) => {
    const points = sharePoints(count);
    expect(points.length).toBeGreaterThan(10);
    for (const point of points) {
      expect(point).toHaveLength(count);
      expect(Math.min(...point)).toBeGreaterThan(0);
      expect(point.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 12);
    }
  });
});
