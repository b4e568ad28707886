// Mapping checks in Timeloop's order and wording: the arithmetic level first, then storage levels
// innermost first, each reporting capacity before instances and mesh expansion. Only the first
// failing level is reported, as timeloop-model does.
import type { Architecture } from '../arch/types.js';
import { spatialExpansionAbove, type Nest } from './nest.js';

export interface LevelUse {
  /** Sum over kept data spaces of the words one instance holds. */
  utilizedCapacity: number;
}

export function firstMappingError(arch: Architecture, nest: Nest, use: LevelUse[]): string | undefined {
  const arithmetic = arch.arithmetic;
  const compute = spatialExpansionAbove(nest, -1);
  const arithmeticMeshY = arithmetic.instances / arithmetic.meshX;
  if (compute.x * compute.y > arithmetic.instances) {
    return mappingError(arithmetic.name, `mapped max Arithmetic instances ${compute.x * compute.y} exceeds hardware instances ${arithmetic.instances}`);
  }
  if (compute.x > arithmetic.meshX) {
    return mappingError(arithmetic.name, `mapped max Arithmetic X expansion ${compute.x} exceeds hardware instances ${arithmetic.meshX}`);
  }
  if (compute.y > arithmeticMeshY) {
    return mappingError(arithmetic.name, `mapped max Arithmetic Y expansion ${compute.y} exceeds hardware instances ${arithmeticMeshY}`);
  }

  for (let level = 0; level < arch.levels.length; level++) {
    const storage = arch.levels[level];
    const capacity = use[level].utilizedCapacity;
    const expansion = spatialExpansionAbove(nest, nest.boundary[level]);
    const meshY = storage.instances / storage.meshX;
    if (storage.entries !== undefined && capacity > storage.entries) {
      return mappingError(storage.name, `mapped tile size ${capacity} exceeds buffer capacity ${storage.entries}`);
    }
    if (expansion.x * expansion.y > storage.instances) {
      return mappingError(storage.name, `mapped instances ${expansion.x * expansion.y} exceeds available hardware instances ${storage.instances}`);
    }
    if (expansion.x > storage.meshX) {
      return mappingError(storage.name, `mapped X expansion ${expansion.x} exceeds available hardware instances ${storage.meshX}`);
    }
    if (expansion.y > meshY) {
      return mappingError(storage.name, `mapped Y expansion ${expansion.y} exceeds available hardware instances ${meshY}`);
    }
  }
  return undefined;
}

function mappingError(levelName: string, reason: string): string {
  return `ERROR: couldn't map level ${levelName}: ${reason}`;
}
