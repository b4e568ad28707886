// The note for grouped convolutions, whose Inputs the 7-D convolution shape undercounts
// (README, "The cost model"). Shared by schedule, evaluate and sweep run.
import type { Layer } from '../workload/layer.js';

/** Returns the note line for layers with G > 1, or undefined when there are none. */
export function groupedLayersNote(layers: readonly { name: string; layer: Layer }[]): string | undefined {
  const grouped = layers.filter(({ layer }) => layer.groups > 1);
  if (grouped.length === 0) return undefined;
  const largest = grouped.reduce((best, entry) => (entry.layer.groups > best.layer.groups ? entry : best));
  const subject = grouped.length === 1 ? `${largest.name} has G = ${largest.layer.groups}` : `${grouped.length} layers have G > 1 (up to ${largest.layer.groups})`;
  return `note: ${subject}; a grouped convolution is modelled with one group's C input channels for every output channel, so its Inputs footprint and traffic come out up to G times too low`;
}
