// Per-level reads, fills and updates of one data space, derived from the deliveries between
// levels the way Timeloop's tiling step derives them: tiles are first computed as if every level
// kept the data space, then bypassed levels are removed and their accesses passed to the next
// level up, then partial-sum reads, fills and peer (link) transfers are settled.
import type { Architecture } from '../arch/types.js';
import { fanout } from '../arch/types.js';
import type { DataSpace, Layer } from '../workload/layer.js';
import { computeDeliveries } from './deliveries.js';
import { extentsUpTo, spatialExpansionAbove, type Nest } from './nest.js';
import { projectExtents, volume } from './projection.js';

export interface LevelAccesses {
  kept: boolean;
  /** Words held by one instance. */
  tileSize: number;
  utilizedInstances: number;
  /** Per instance, over the whole layer. */
  reads: number;
  fills: number;
  updates: number;
}

interface TileState {
  size: number;
  /** Words of the tile spanned by the level's own spatial loops, where it fans out. */
  spatialSize: number | undefined;
  accesses: number;
  receivedWords: number;
  fanout: number;
  linkTransfers: number;
  partition: number;
  parentShare: number;
  peerAccesses: number;
  peerFills: number;
  replication: number;
}

/** Returns the words of `dataSpace` in one instance's tile at each storage level, as if every level kept it. */
export function levelTileSizes(layer: Layer, nest: Nest, dataSpace: DataSpace): number[] {
  return nest.boundary.map((boundary) => volume(projectExtents(layer, dataSpace, extentsUpTo(nest, boundary))));
}

/** Counts accesses per storage level; `sizes` are the data space's levelTileSizes. */
export function computeAccessCounts(
  arch: Architecture,
  layer: Layer,
  nest: Nest,
  dataSpace: DataSpace,
  keep: boolean[],
  sizes: readonly number[],
): LevelAccesses[] {
  const levels = arch.levels.length;
  const tiles: TileState[] = [];

  for (let level = 0; level < levels; level++) {
    const size = sizes[level];
    const range = nest.spatial[level];
    const spatialSize =
      range === undefined ? undefined : volume(projectExtents(layer, dataSpace, extentsUpTo(nest, range[1])));
    const deliveries = computeDeliveries(nest, layer, dataSpace, level, fanout(arch, level));
    const expansion = spatialExpansionAbove(nest, nest.boundary[level]);
    tiles.push({
      size,
      spatialSize,
      accesses: deliveries.accesses,
      receivedWords: deliveries.receivedWords,
      fanout: deliveries.fanout,
      linkTransfers: deliveries.linkTransfers,
      partition: 0,
      parentShare: 0,
      peerAccesses: 0,
      peerFills: 0,
      replication: expansion.x * expansion.y,
    });
  }

  // Partition: the share of the whole tensor that one instance is responsible for. Integer
  // arithmetic, as in Timeloop, so that halos of Inputs round down.
  let partition = tiles[levels - 1].size;
  tiles[levels - 1].partition = partition;
  for (let level = levels - 2; level >= 0; level--) {
    const denominator = tiles[level + 1].spatialSize ?? tiles[level].size;
    partition = Math.floor((partition * tiles[level].size) / denominator);
    tiles[level].partition = partition;
  }

  // Fills: the words a child receives from its parent, averaged over the parent's children.
  for (let level = 0; level < levels - 1; level++) {
    tiles[level].parentShare = tiles[level + 1].receivedWords / tiles[level + 1].fanout;
  }

  maskBypassedLevels(tiles, keep);
  settleOutermostLevels(tiles, keep);
  addPeerTransfers(tiles);

  return tiles.map((tile, level) => {
    if (!keep[level]) {
      return { kept: false, tileSize: 0, utilizedInstances: 0, reads: 0, fills: 0, updates: 0 };
    }
    const content = tile.accesses;
    // An average over the children, truncated as Timeloop stores it in an integer count.
    const fills = Math.trunc(tile.parentShare + tile.peerFills);
    if (dataSpace === 'Outputs') {
      // The first update of each output needs no read of a previous partial sum.
      return {
        kept: true,
        tileSize: tile.size,
        utilizedInstances: tile.replication,
        reads: Math.round(content + tile.peerAccesses - tile.partition),
        fills,
        updates: Math.round(content),
      };
    }
    return {
      kept: true,
      tileSize: tile.size,
      utilizedInstances: tile.replication,
      reads: Math.round(content + tile.peerAccesses),
      fills,
      updates: 0,
    };
  });
}

/**
 * Removes bypassed levels innermost first. The children of a bypassed level now read from the
 * next level up, which keeps its own multicast pattern but is accessed as often as the bypassed
 * level was, once per child of the bypassed level's parent.
 */
function maskBypassedLevels(tiles: TileState[], keep: boolean[]): void {
  for (let level = 0; level < tiles.length; level++) {
    if (keep[level] || tiles[level].size === 0) continue;

    let outer = level + 1;
    while (outer < tiles.length && tiles[outer].size === 0) outer++;
    if (outer < tiles.length) {
      const parent = tiles[outer];
      const factor = (tiles[level].accesses * parent.fanout) / parent.receivedWords;
      parent.accesses *= factor;
      parent.receivedWords *= factor;
      parent.linkTransfers = 0;
    }

    tiles[level].size = 0;
    tiles[level].partition = 0;
    tiles[level].accesses = 0;
    tiles[level].parentShare = 0;
    if (outer === tiles.length) break;
  }
}

/** The outermost kept level is the backing store: nothing fills it. Bypassed levels above it vanish. */
function settleOutermostLevels(tiles: TileState[], keep: boolean[]): void {
  for (let level = tiles.length - 1; level >= 0; level--) {
    if (keep[level]) {
      tiles[level].parentShare = 0;
      return;
    }
    tiles[level].accesses = 0;
    tiles[level].receivedWords = 0;
    tiles[level].linkTransfers = 0;
  }
}

/**
 * Link transfers recorded at a parent become extra reads and fills of the child level, divided
 * (as Timeloop 019f107 divides them) by all utilized instances of the child, not by the fan-out.
 */
function addPeerTransfers(tiles: TileState[]): void {
  for (let level = tiles.length - 1; level > 0; level--) {
    const transfers = tiles[level].linkTransfers;
    if (transfers === 0) continue;
    const child = tiles[level - 1];
    child.peerAccesses += transfers / child.replication;
    child.peerFills += transfers / child.replication;
  }
}
