// Lines for inputs that are accepted but modelled only in part: mapspace constraints that no
// mapper applies, grouped convolutions, and an ERT without areas. Shared by schedule, evaluate
// and sweep run, which print them on stderr.
import { unappliedConstraints } from '../arch/bypass.js';
import { parseEnergyTables } from '../arch/ert.js';
import type { Layer } from '../workload/layer.js';
import { readTextFile } from '../workload/yaml-input.js';

/** Returns the warning for mapspace constraints that no mapper applies, or undefined when there are none. */
export function unappliedConstraintsWarning(mapspacePath: string): string | undefined {
  const unapplied = unappliedConstraints(readTextFile(mapspacePath), mapspacePath);
  if (unapplied.length === 0) return undefined;
  const listed = unapplied.length > 3 ? `${unapplied.slice(0, 3).join(', ')} and ${unapplied.length - 3} more` : unapplied.join(', ');
  return `warning: ${mapspacePath}: ${listed} not applied; the mappers read only datatype (bypass) constraints and search every factor and loop order`;
}

/**
 * Returns the note for layers with G > 1, or undefined when there are none. The 7-D shape
 * undercounts their Inputs (README, "The cost model").
 */
export function groupedLayersNote(layers: readonly { name: string; layer: Layer }[]): string | undefined {
  const grouped = layers.filter(({ layer }) => layer.G > 1);
  if (grouped.length === 0) return undefined;
  const largest = grouped.reduce((best, entry) => (entry.layer.G > best.layer.G ? entry : best));
  const subject = grouped.length === 1 ? `${largest.name} has G = ${largest.layer.G}` : `${grouped.length} layers have G > 1 (up to ${largest.layer.G})`;
  return `note: ${subject}; a grouped convolution is modelled with one group's C input channels for every output channel, so its Inputs footprint and traffic come out up to G times too low`;
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
