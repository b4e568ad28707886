// The warning for mapspace constraints that the mappers do not apply, shared by schedule and sweep run.
import { unappliedConstraints } from '../arch/bypass.js';
import { readTextFile } from '../workload/yaml-input.js';

/** Writes one warning line to stderr when the mapspace file has constraints that no mapper applies. */
export function warnUnappliedConstraints(mapspacePath: string): void {
  const unapplied = unappliedConstraints(readTextFile(mapspacePath), mapspacePath);
  if (unapplied.length === 0) return;
  const listed = unapplied.length > 3 ? `${unapplied.slice(0, 3).join(', ')} and ${unapplied.length - 3} more` : unapplied.join(', ');
  process.stderr.write(`warning: ${mapspacePath}: ${listed} not applied; the mappers read only datatype (bypass) constraints and search every factor and loop order\n`);
}
