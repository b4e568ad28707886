// Entry point of the mappers: pads the layer when asked and dispatches by mapper name.
import type { MappingConstraints } from '../arch/constraints.js';
import type { Architecture } from '../arch/types.js';
import { constraintInfeasibility, resolveConstraints } from '../mapping/constraints-resolve.js';
import { DIMENSIONS, type Layer } from '../workload/layer.js';
import { largestPrimeFactor, padToFriendly } from '../workload/primes.js';
import { cosaMapper } from './cosa/index.js';
import { exhaustiveMapper } from './exhaustive.js';
import { randomMapper } from './random.js';
import type { KeepPattern, Mapper, MapperName, MapperSettings, ScheduleResult } from './types.js';

export const MAPPERS: Record<MapperName, Mapper> = {
  cosa: cosaMapper,
  random: randomMapper,
  exhaustive: exhaustiveMapper,
};

/** Largest prime a padded dimension may contain: 2, 3, 5 and 7 tile well on power-of-two meshes. */
const PADDING_MAX_PRIME = 7;

/**
 * Schedules `layer` with the mapper of `settings`, under the mapspace `constraints` when given.
 * Constraints that no mapping of the (padded) layer can meet make the result 'infeasible' with
 * the reason, before any search.
 */
export async function runMapper(
  arch: Architecture,
  layer: Layer,
  keep: KeepPattern,
  settings: MapperSettings,
  constraints?: MappingConstraints,
): Promise<ScheduleResult> {
  const mapper = MAPPERS[settings.name];
  if (mapper === undefined) throw new Error(`unknown mapper ${String(settings.name)}; expected one of ${Object.keys(MAPPERS).join(', ')}`);

  // HiGHS solves synchronously for up to the time limit. Returning to the event loop first lets
  // messages that arrived meanwhile (a pool's abort, a test runner's replies) be handled.
  await new Promise<void>((resolve) => setImmediate(resolve));

  const scheduled = settings.padding === true ? padLayer(layer) : layer;
  const resolved = constraints === undefined ? undefined : resolveConstraints(constraints, scheduled, arch);
  const reason = resolved === undefined ? undefined : constraintInfeasibility(resolved, arch, scheduled);
  let result: ScheduleResult = reason === undefined ? await mapper(arch, scheduled, keep, settings, resolved) : { status: 'infeasible', reason, solveSeconds: 0 };
  if (resolved !== undefined && resolved.notes.length > 0) result = { ...result, notes: resolved.notes };
  return scheduled === layer ? result : { ...result, layer: scheduled };
}

/**
 * Raises each dimension whose largest prime factor exceeds 7 to the next 7-smooth size. Returns the
 * same object when nothing changes. Padded positions are computed like real ones.
 */
export function padLayer(layer: Layer): Layer {
  const padded = { ...layer };
  let changed = false;
  for (const dimension of DIMENSIONS) {
    if (largestPrimeFactor(layer[dimension]) <= PADDING_MAX_PRIME) continue;
    padded[dimension] = padToFriendly(layer[dimension], PADDING_MAX_PRIME);
    changed = true;
  }
  return changed ? padded : layer;
}
