// Mapping checks in Timeloop's order and wording: the arithmetic level first, then storage levels
// innermost first, each reporting capacity before instances and mesh expansion. Only the first
// failing level is reported, with all its failed checks, as timeloop-model does.
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
    const reasons = [capacityReason(arch, level, use[level].utilizedCapacity), instancesReason(arch, level, nest)].filter((reason) => reason !== undefined);
    // timeloop-model runs both checks and prints their reasons one after the other, with no separator.
    if (reasons.length > 0) return mappingError(arch.levels[level].name, reasons.join(''));
  }
  return undefined;
}

function capacityReason(arch: Architecture, level: number, capacity: number): string | undefined {
  const entries = arch.levels[level].entries;
  if (entries !== undefined && capacity > entries) return `mapped tile size ${capacity} exceeds buffer capacity ${entries}`;
  return undefined;
}

/** Returns the reason of the first failing check among instances, X and Y expansion, in Timeloop's order. */
function instancesReason(arch: Architecture, level: number, nest: Nest): string | undefined {
  const storage = arch.levels[level];
  const expansion = spatialExpansionAbove(nest, nest.boundary[level]);
  const meshY = storage.instances / storage.meshX;
  if (expansion.x * expansion.y > storage.instances) {
    return `mapped instances ${expansion.x * expansion.y} exceeds available hardware instances ${storage.instances}`;
  }
  if (expansion.x > storage.meshX) return `mapped X expansion ${expansion.x} exceeds available hardware instances ${storage.meshX}`;
  if (expansion.y > meshY) return `mapped Y expansion ${expansion.y} exceeds available hardware instances ${meshY}`;
  return undefined;
}

function mappingError(levelName: string, reason: string): string {
  return `ERROR: couldn't map level ${levelName}: ${reason}`;
}
