// A small three-level accelerator (16 MACs under a 4 x 4 fan-out) with its energy table, and a
// mapspace file that fixes a factor by value and by 0, a fan-out with its mesh axis, and a loop
// order. Shared by the constraint tests of the mappers, the checks and the sweep.
import { parseMapspaceKeep } from '../src/arch/bypass.js';
import { parseMapspaceConstraints, type MappingConstraints } from '../src/arch/constraints.js';
import { parseArchitecture } from '../src/arch/load.js';
import type { Layer } from '../src/workload/layer.js';

export const ARCH_YAML = `arch:
  arithmetic: {name: MAC, instances: 16, meshX: 4, word-bits: 16}
  storage:
  - {name: RegFile, entries: 64, instances: 16, meshX: 4, word-bits: 16}
  - {name: GlobalBuffer, entries: 16384, instances: 1, word-bits: 16, block-size: 4}
  - {name: DRAM, technology: DRAM, instances: 1, word-bits: 16, block-size: 4}
`;

export const ERT_YAML = `ERT:
  version: 0.3
  tables:
  - {name: system.MAC, actions: [{name: mac_random, energy: 1}]}
  - {name: system.RegFile, actions: [{name: read, energy: 0.5}, {name: write, energy: 0.5}]}
  - {name: system.GlobalBuffer, actions: [{name: read, energy: 10}, {name: write, energy: 10}]}
  - {name: system.DRAM, actions: [{name: read, energy: 200}, {name: write, energy: 200}]}
ART:
  version: 0.3
  tables:
  - {name: system.MAC, area: 400}
  - {name: system.RegFile, area: 50}
  - {name: system.GlobalBuffer, area: 100000}
  - {name: system.DRAM, area: 0}
`;

export const BYPASS_ENTRIES = `  - {target: RegFile, type: datatype, keep: [Weights], bypass: [Inputs, Outputs]}
  - {target: GlobalBuffer, type: datatype, keep: [Inputs, Outputs], bypass: [Weights]}
`;

/**
 * R=0: all of R at RegFile. K=4 fans out from GlobalBuffer; split 1 of the order K C puts K on X
 * and C with every other dimension on Y. DRAM runs C=2 and P=2, with C's loop inside P's.
 */
export const CONSTRAINT_ENTRIES = `  - {target: RegFile, type: temporal, factors: R=0}
  - {target: GlobalBuffer, type: spatial, factors: K=4, permutation: KC, split: 1}
  - {target: DRAM, type: temporal, factors: C=2 P=2, permutation: CP}
`;

export const MAPSPACE_YAML = `mapspace:\n  constraints:\n${BYPASS_ENTRIES}${CONSTRAINT_ENTRIES}`;

export const ARCH = parseArchitecture(ARCH_YAML, 'arch.yaml', ERT_YAML);
export const KEEP = parseMapspaceKeep(MAPSPACE_YAML, 'mapspace.yaml', ARCH);
export const CONSTRAINTS = parseMapspaceConstraints(MAPSPACE_YAML, 'mapspace.yaml', ARCH) as MappingConstraints;

/** Small enough for the exhaustive mapper: 36 placements meet the constraints. */
export const LAYER: Layer = { R: 3, S: 1, P: 4, Q: 2, C: 4, K: 4, N: 1, G: 1, Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1 };
