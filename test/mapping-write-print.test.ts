import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { parseMapping } from '../src/mapping/parse.js';
import { printLoopNest, tileSizesOf, type LevelCapacities } from '../src/mapping/print.js';
import type { Mapping } from '../src/mapping/types.js';
import { writeMappingYaml } from '../src/mapping/write.js';
import { caseArchitecture, caseIds, caseLayer, readCaseText, readExpected } from './mapping-fixtures.js';

const MINI3 = 'mini3__resnet50-1x1-c64k64__m1';
const EYERISS = 'eyeriss256__resnet50-1x1s2-down-c1024k2048__m1';

function parseCase(id: string): Mapping {
  return parseMapping(readCaseText(id, 'map.yaml'), 'map.yaml', caseArchitecture(id), caseLayer(id));
}

describe('writeMappingYaml', () => {
  for (const id of caseIds()) {
    it(`round-trips ${id}`, () => {
      const arch = caseArchitecture(id);
      const mapping = parseCase(id);

      const written = writeMappingYaml(arch, mapping);
      const reparsed = parseMapping(written, 'written.yaml', arch, caseLayer(id));

      expect(reparsed).toEqual(mapping);
    });
  }

  it('writes a spatial entry only where the level fans out', () => {
    const arch = caseArchitecture(EYERISS);
    const entries = parse(writeMappingYaml(arch, parseCase(EYERISS))).mapping as Record<string, unknown>[];
    const spatial = entries.filter((entry) => entry.type === 'spatial');

    expect(spatial.map((entry) => entry.target)).toEqual(['DummyBuffer', 'GlobalBuffer']);
    expect(spatial.map((entry) => entry.split)).toEqual([0, 2]);
    expect(entries.filter((entry) => entry.type === 'temporal')).toHaveLength(arch.levels.length);
  });

  it('lists kept and bypassed data spaces', () => {
    const entries = parse(writeMappingYaml(caseArchitecture(MINI3), parseCase(MINI3))).mapping as Record<string, unknown>[];
    const globalBuffer = entries.find((entry) => entry.target === 'GlobalBuffer' && entry.type === 'datatype');

    expect(globalBuffer).toEqual({ target: 'GlobalBuffer', type: 'datatype', keep: ['Inputs', 'Outputs'], bypass: ['Weights'] });
  });

  it('rejects a mapping with the wrong level count', () => {
    const mapping = parseCase(MINI3);
    mapping.levels.pop();

    expect(() => writeMappingYaml(caseArchitecture(MINI3), mapping)).toThrow(/2 levels but the architecture mini3 has 3/);
  });
});

describe('printLoopNest', () => {
  it('prints a 2-D mesh mapping with tile sizes', () => {
    // Tile sizes are Timeloop's utilized capacities from the case's expected.json.
    const tileSizes = tileSizesOf(caseArchitecture(MINI3), readExpected(MINI3) as unknown as LevelCapacities);

    expect(printLoopNest(caseArchitecture(MINI3), parseCase(MINI3), tileSizes)).toBe(
      [
        'DRAM [ Weights:4096 Inputs:200704 Outputs:200704 ]',
        '--------------------------------------------------',
        '| for P in [0:28)',
        '|   for C in [0:8)',
        '',
        'GlobalBuffer [ Inputs:896 Outputs:7168 ]',
        '----------------------------------------',
        '|     for P in [0:2)',
        '|       for Q in [0:4)',
        '|         for K in [0:2) (Spatial-Y)',
        '|           for C in [0:4) (Spatial-X)',
        '',
        'RegFile [ Weights:64 ]',
        '----------------------',
        '|             for K in [0:32)',
        '|               for C in [0:2)',
        '|                 for Q in [0:14)',
        '',
      ].join('\n'),
    );
  });

  it('prints bypassing levels and trivial temporal loops', () => {
    const printed = printLoopNest(caseArchitecture(EYERISS), parseCase(EYERISS));

    expect(printed).toContain(
      [
        'DummyBuffer [ ]',
        '---------------',
        '|             for N in [0:1)',
        '|               for K in [0:4) (Spatial-Y)',
        '|                 for C in [0:4) (Spatial-Y)',
        '',
        'InputRegFile [ Inputs ]',
        '-----------------------',
        '|                   for N in [0:1)',
      ].join('\n'),
    );
    expect(printed.startsWith('DRAM [ Weights Inputs Outputs ]\n')).toBe(true);
  });

  it('takes tile sizes from an evaluation result', () => {
    const arch = caseArchitecture(MINI3);
    const evaluation = {
      levels: {
        RegFile: { dataspaces: { Weights: { utilized_capacity: 64 } } },
        GlobalBuffer: { dataspaces: { Inputs: { utilized_capacity: 448 }, Outputs: { utilized_capacity: 7168 } } },
        DRAM: { dataspaces: {} },
      },
    };

    expect(tileSizesOf(arch, evaluation)).toEqual([{ Weights: 64 }, { Inputs: 448, Outputs: 7168 }, {}]);
  });
});
