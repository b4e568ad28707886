// Lines for inputs that are accepted but modelled only in part: mapspace constraints that no
// mapper applies, and an ERT without areas. Shared by schedule, evaluate and sweep run, which print
// them on stderr.
import { ignoredConstraints } from '../arch/constraints.js';
import { parseEnergyTables } from '../arch/ert.js';
import { readTextFile } from '../workload/yaml-input.js';

/** Returns the warning for mapspace constraints that no mapper applies, or undefined when there are none. */
export function unappliedConstraintsWarning(mapspacePath: string): string | undefined {
  const unapplied = ignoredConstraints(readTextFile(mapspacePath), mapspacePath);
  if (unapplied.length === 0) return undefined;
  const listed = unapplied.length > 3 ? `${unapplied.slice(0, 3).join(', ')} and ${unapplied.length - 3} more` : unapplied.join(', ');
  return `warning: ${mapspacePath}: ${listed} not applied; the mappers apply bypass, factors, permutation, split and utilization, and this cost model has no equivalent for the rest`;
}

/** Returns the note for an ERT file without an ART section, whose areas then come from hw-library. */
export function areasFromLibraryNote(ertPath: string): string | undefined {
  if (parseEnergyTables(readTextFile(ertPath), ertPath).areas !== undefined) return undefined;
  return `note: ${ertPath} has no ART section, so areas come from the hw-library models; add an ART to use your own`;
}

/** Writes each defined line to stderr. */
export function printNotes(...lines: (string | undefined)[]): void {
  for (const line of lines) if (line !== undefined) process.stderr.write(`${line}\n`);
}
