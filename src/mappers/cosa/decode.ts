// Turns the solver's column values back into a Mapping.
import { conformMapping } from '../../mapping/constraints-check.js';
import type { Mapping } from '../../mapping/types.js';
import { DATA_SPACES } from '../../workload/layer.js';
import { blockPermutation, placementToMapping } from '../space.js';
import type { Program } from './placement.js';

export function decodeMapping(program: Program, values: ArrayLike<number>): Mapping {
  const placement = program.placement.map((row) => row.map((column) => Math.round(values[column])));
  program.groups.forEach((group, g) => {
    const placed = placement[g].reduce((sum, copies) => sum + copies, 0);
    if (placed !== group.count) throw new Error(`decoded ${placed} copies of prime ${group.prime} of ${group.dimension}, expected ${group.count}`);
  });

  const permutations = program.reuse.map((columns) => {
    const chosen = DATA_SPACES.find((_, index) => {
      const column = columns[index];
      return column !== undefined && values[column] > 0.5;
    });
    return blockPermutation(chosen);
  });

  const mapping = placementToMapping(program.slots, program.groups, placement, permutations, program.keep);
  if (mapping === undefined) throw new Error('decoded mapping puts one dimension on both mesh axes of a level');
  // The reuse choice orders a level's loops; the program allows only choices that some order meeting the constraints realises.
  return program.constraints === undefined ? mapping : conformMapping(program.constraints, mapping);
}
