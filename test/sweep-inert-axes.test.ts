import { describe, expect, it } from 'vitest';

import { expandDesignPoints } from '../src/sweep/design-points.js';
import { inertAxes } from '../src/sweep/inert-axes.js';
import { parseSweepSpec } from '../src/sweep/spec.js';

function specWithGrid(grid: string, where = '1 == 1') {
  return parseSweepSpec(`
name: inert
architecture:
  design: simba
  grid:
${grid}
  where: "${where}"
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

  it('keeps an axis that the filter leaves one value of', () => {
    const spec = specWithGrid('    pes: [4, 8]\n    global_buffer_kib: [32, 64]', 'pes == 4');
    expect(inertAxes(expandDesignPoints(spec), spec.grid)).toEqual([]);
  });

  it('keeps axes whose points the filter never pairs', () => {
    const spec = specWithGrid('    pes: [4, 8]\n    dram: [lpddr4, hbm2]', "(pes == 4 and dram == 'lpddr4') or (pes == 8 and dram == 'hbm2')");
    expect(expandDesignPoints(spec)).toHaveLength(2);
    expect(inertAxes(expandDesignPoints(spec), spec.grid)).toEqual([]);
  });
});
