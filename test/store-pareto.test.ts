import { describe, expect, it } from 'vitest';

import { formatFrontTable, objectiveNote } from '../src/cli/commands/pareto-format.js';
import { paretoIndices } from '../src/store/pareto.js';
import type { DesignPointResult, ParetoFront } from '../src/store/queries.js';

/** O(n²) reference: a row survives unless another row is <= everywhere and < somewhere. */
function bruteForce(columns: number[][]): number[] {
  const count = columns[0].length;
  const front: number[] = [];
  for (let i = 0; i < count; i++) {
    const dominated = Array.from({ length: count }, (_, j) => j).some(
      (j) => columns.every((column) => column[j] <= column[i]) && columns.some((column) => column[j] < column[i]),
    );
    if (!dominated) front.push(i);
  }
  return front;
}

/** A small deterministic generator, so failures reproduce. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('paretoIndices', () => {
  it('matches brute force on random 2-D and 3-D rows with ties', () => {
    for (let trial = 0; trial < 200; trial++) {
      const random = generator(trial);
      const dimensions = 2 + (trial % 2);
      const count = 1 + Math.floor(random() * 60);
      // Few distinct values, so equal coordinates and duplicate rows are common.
      const levels = 2 + Math.floor(random() * 8);
      const columns = Array.from({ length: dimensions }, () => Array.from({ length: count }, () => Math.floor(random() * levels)));
      expect(Array.from(paretoIndices(columns)), `trial ${trial}`).toEqual(bruteForce(columns));
    }
  });

  it('keeps duplicate non-dominated rows together', () => {
    expect(Array.from(paretoIndices([[1, 1, 2], [2, 2, 1], [3, 3, 3]]))).toEqual([0, 1, 2]);
    expect(Array.from(paretoIndices([[1, 1, 2], [2, 2, 3]]))).toEqual([0, 1]);
  });

  it('drops a row equal in two objectives and worse in one', () => {
    expect(Array.from(paretoIndices([[1, 1], [5, 5], [2, 3]]))).toEqual([0]);
  });

  it('returns every row of an anti-correlated 3-D plane', () => {
    const count = 500;
    const x = Array.from({ length: count }, (_, i) => i);
    const y = Array.from({ length: count }, (_, i) => count - i);
    const z = Array.from({ length: count }, (_, i) => (i * 7) % 13);
    expect(Array.from(paretoIndices([x, y, z]))).toEqual(bruteForce([x, y, z]));
  });

  it('handles empty input and rejects bad shapes', () => {
    expect(paretoIndices([[], []]).length).toBe(0);
    expect(() => paretoIndices([[1, 2], [1]])).toThrow(RangeError);
    expect(() => paretoIndices([[1], [1], [1], [1]])).toThrow(RangeError);
  });
});

describe('formatFrontTable', () => {
  it('prints cycle counts as exact integers', () => {
    const point = (pointIndex: number, latencyCycles: number): DesignPointResult => ({
      designPointId: pointIndex + 1,
      pointIndex,
      parameters: {},
      network: undefined,
      complete: true,
      failedLayers: 0,
      missingLayers: 0,
      latencyCycles,
      latencyS: latencyCycles / 1e9,
      energyPJ: 1e6,
      edpJCycles: 1e-6 * latencyCycles,
      areaUm2: 1e6,
    });
    const front: ParetoFront = { objectives: ['latency', 'energy'], considered: 2, incomplete: 0, front: [point(0, 2832429), point(1, 11256511)] };
    const table = formatFrontTable(front, []);

    expect(table).toContain('2832429');
    expect(table).toContain('11256511');
    expect(table).not.toContain('2832430');
  });
});

describe('objectiveNote', () => {
  it('notes energy on a latency sweep', () => {
    expect(objectiveNote('latency', ['latency', 'energy', 'area'])).toContain('minimised latency, so each design point\'s energy');
    expect(objectiveNote('latency', ['latency', 'edp'])).toBeDefined();
    expect(objectiveNote('energy', ['energy', 'latency'])).toContain('that of an energy-optimal mapping');
  });

  it('stays silent when the mapper minimised the front objectives', () => {
    expect(objectiveNote('edp', ['latency', 'energy', 'area'])).toBeUndefined();
    expect(objectiveNote('latency', ['latency', 'area'])).toBeUndefined();
  });
});
