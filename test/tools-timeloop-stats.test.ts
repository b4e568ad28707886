// The stats reader of tools/timeloop-diff on a trimmed timeloop-model statistics file.
import { describe, expect, it } from 'vitest';
import { parseTimeloopStats } from '../tools/timeloop-diff/stats.js';

const STATS = `Buffer and Arithmetic Levels
----------------------------
Level 0
-------
=== MACC ===

    STATS
    -----
    Utilized instances      : 208
    Cycles                  : 32
    Energy (total)          : 3734.02 pJ
Level 1
-------
=== Buffer ===

    STATS
    -----
    Cycles               : 40
    Bandwidth throttling : 0.80
    Weights:
        Utilized capacity                        : 32
        Utilized instances (max)                 : 104
        Scalar reads (per-instance)              : 64
        Scalar updates (per-instance)            : 0
        Scalar fills (per-instance)              : 64
        Energy (total)                           : 8672.77 pJ
    Outputs:
        Utilized capacity                        : 2
        Utilized instances (max)                 : 104
        Scalar reads (per-instance)              : 30
        Scalar updates (per-instance)            : 32
        Scalar fills (per-instance)              : 2
        Energy (total)                           : 12.50 pJ

Networks
--------
=== Buffer ===
    Total scalar accesses : 16384

Summary Stats
-------------
Utilization: 0.20
Cycles: 40
Energy: 0.07 uJ
`;

describe('timeloop stats reader', () => {
  const stats = parseTimeloopStats(STATS);

  it('reads total and level cycles', () => {
    expect(stats.cycles).toBe(40);
    expect(stats.levels.MACC.cycles).toBe(32);
    expect(stats.levels.Buffer.cycles).toBe(40);
  });

  it('reads kept data spaces only', () => {
    expect(Object.keys(stats.levels.Buffer.dataspaces)).toEqual(['Weights', 'Outputs']);
    expect(stats.levels.Buffer.dataspaces.Outputs).toEqual({
      utilized_capacity: 2,
      utilized_instances: 104,
      reads_per_instance: 30,
      fills_per_instance: 2,
      updates_per_instance: 32,
      energy_pJ: 12.5,
    });
  });

  it('keeps the first block of a repeated name', () => {
    expect(stats.levels.Buffer.dataspaces.Weights.energy_pJ).toBe(8672.77);
  });
});
