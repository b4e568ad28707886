// Reasons why no mapping of a layer can exist, found before any search. Every loop may move to the
// outermost level, so a level's smallest tile is one word per kept data space. The outermost level
// is the exception: it must store whole tensors.
import type { Architecture } from '../arch/types.js';
import { DATA_SPACES, dataSpaceSize, type Layer } from '../workload/layer.js';
import type { KeepPattern } from './types.js';

export function infeasibilityReason(arch: Architecture, layer: Layer, keep: KeepPattern): string | undefined {
  if (keep.length !== arch.levels.length) {
    return `the bypass pattern lists ${keep.length} levels but the architecture has ${arch.levels.length}`;
  }
  for (const dataSpace of DATA_SPACES) {
    if (!keep.some((level) => level[dataSpace])) return `${dataSpace} is bypassed at every level; keep it at one level at least`;
  }

  const top = arch.levels.length - 1;
  for (let index = 0; index <= top; index++) {
    const level = arch.levels[index];
    if (level.entries === undefined) continue;
    const kept = DATA_SPACES.filter((dataSpace) => keep[index][dataSpace]);
    if (kept.length === 0) continue;

    const sizes = kept.map((dataSpace) => (index === top ? dataSpaceSize(layer, dataSpace) : 1));
    const words = sizes.reduce((sum, size) => sum + size, 0);
    if (words <= level.entries) continue;

    const listing = kept.map((dataSpace, k) => `${dataSpace} ${sizes[k]}`).join(', ');
    if (index === top) {
      return `capacity of ${level.name}: as the outermost level it must hold whole tensors (${listing} words), but it holds ${level.entries} words`;
    }
    return `capacity of ${level.name}: the smallest tiles of the data spaces it keeps (${listing} words) exceed its ${level.entries} entries`;
  }
  return undefined;
}
