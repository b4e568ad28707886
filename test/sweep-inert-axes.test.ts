import { describe, expect, it } from 'vitest';

import { expandDesignPoints } from '../src/sweep/design-points.js';
import { inertAxes } from '../src/sweep/inert-axes.js';
import { parseSweepSpec } from '../src/sweep/spec.js';

function specWithGrid(grid: string) {
  return parseSweepSpec(`
name: inert
architecture:
  design: simba
  grid:
${grid}
networks: [alexnet]
mapper: {name: cosa, time_limit_s: 1}
`, 'spec.yaml');
}

describe('inertAxes', () => {
  it('finds an axis of bank counts', () => {
    const spec = specWithGrid('    pes: [4, 8]\n    global_buffer_banks: [1, 2]');
    expect(inertAxes(expandDesignPoints(spec), spec.grid)).toEqual(['global_buffer_banks']);
  });

  it('keeps axes that change the architecture', () => {
    const spec = specWithGrid('    pes: [4, 8]\n    global_buffer_kib: [32, 64]');
    expect(inertAxes(expandDesignPoints(spec), spec.grid)).toEqual([]);
  });
});
