// Grid axes that change nothing the cost model or the mappers read. Such an axis, like the bank
// count of a buffer, multiplies the jobs and repeats each result once per value.
import type { Architecture } from '../arch/types.js';
import type { DesignPoint } from './design-points.js';
import type { GridAxis } from './neighbours.js';

/** Fields written to Timeloop files but read by neither the cost model, the mappers nor hw-library. */
const UNMODELLED_FIELDS = new Set(['numBanks', 'numPorts']);

/** Writes the architecture and bypass pattern, without the unmodelled fields, as one string. */
function modelledFingerprint(point: DesignPoint): string {
  const strip = (unit: object) => Object.fromEntries(Object.entries(unit).filter(([field]) => !UNMODELLED_FIELDS.has(field)));
  const architecture: Architecture = point.architecture;
  return JSON.stringify([strip(architecture.arithmetic), architecture.levels.map(strip), point.keep]);
}

/**
 * Returns the keys of the axes along which no design point's modelled architecture changes. Every
 * group of points that differ only in that axis has one fingerprint, and at least one group has
 * two points, because a where filter may have left none.
 */
export function inertAxes(points: readonly DesignPoint[], grid: readonly GridAxis[]): string[] {
  const fingerprints = points.map(modelledFingerprint);
  return grid
    .filter((axis) => axis.values.length > 1)
    .filter((axis) => {
      const groups = new Map<string, { fingerprint: string; points: number }>();
      const sameInEveryGroup = points.every((point, index) => {
        const others = JSON.stringify(grid.filter((other) => other !== axis).map((other) => point.parameters[other.key] ?? null));
        const group = groups.get(others);
        if (group === undefined) {
          groups.set(others, { fingerprint: fingerprints[index], points: 1 });
          return true;
        }
        group.points += 1;
        return group.fingerprint === fingerprints[index];
      });
      return sameInEveryGroup && [...groups.values()].some((group) => group.points > 1);
    })
    .map((axis) => axis.key);
}
