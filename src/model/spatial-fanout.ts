// The children of one spatial fan-out: their data-space offsets, multicast groups and mesh
// neighbours, numbered as Timeloop numbers them.
import type { DataSpace, Layer } from '../workload/layer.js';
import type { Nest } from './nest.js';
import { projectStep, RANKS, sameCoordinates, type Coordinates } from './projection.js';

/** The children of one spatial fan-out, their data-space offsets, multicast groups and neighbours. */
export class SpatialFanout {
  readonly children: number;
  readonly groups: number;
  /** Data-space offset of each child: RANKS numbers per child, in child order. */
  private readonly offsets: number[];
  /** Per child, a number that is equal for two children exactly when their offsets are equal. */
  private readonly offsetKeys: number[];
  private readonly rowLength: number;
  private readonly columnLength: number;
  /** Results of withLinkTransfers, in a list because a fan-out has only a few distinct offsets. */
  private readonly cache: { offset: Coordinates; result: { groups: number; covered: number } | undefined }[] = [];

  constructor(
    nest: Nest,
    layer: Layer,
    dataSpace: DataSpace,
    [first, last]: [number, number],
    physicalFanout: { x: number; y: number },
  ) {
    let logicalX = 1;
    let logicalY = 1;
    // Timeloop numbers children in mixed radix with the innermost spatial loop least significant.
    let offsets: number[] = new Array(RANKS).fill(0);
    let count = 1;
    for (let index = first; index <= last; index++) {
      const loop = nest.loops[index];
      if (loop.spaceTime === 'X') logicalX *= loop.bound;
      else logicalY *= loop.bound;
      const step = projectStep(layer, dataSpace, loop.dim, loop.step);
      const next: number[] = new Array(loop.bound * count * RANKS);
      for (let position = 0; position < loop.bound; position++) {
        for (let child = 0; child < count; child++) {
          const target = (position * count + child) * RANKS;
          for (let rank = 0; rank < RANKS; rank++) next[target + rank] = offsets[child * RANKS + rank] + position * step[rank];
        }
      }
      offsets = next;
      count *= loop.bound;
    }

    this.children = count;
    this.offsets = offsets;
    this.offsetKeys = offsetKeys(offsets, count);
    this.groups = new Set(this.offsetKeys).size;
    this.rowLength = Math.max(physicalFanout.x, logicalX);
    this.columnLength = Math.max(physicalFanout.y, logicalY);
  }

  /** Multicast groups left, and children covered, when children take data from neighbours at `offset`. */
  withLinkTransfers(offset: Coordinates): { groups: number; covered: number } | undefined {
    for (const entry of this.cache) {
      if (sameCoordinates(entry.offset, offset)) return entry.result;
    }

    const uncovered = new Set<number>();
    let covered = 0;
    for (let child = 0; child < this.children; child++) {
      if (this.hasNeighbourAt(child, offset)) covered++;
      else uncovered.add(this.offsetKeys[child]);
    }
    const result = covered === 0 ? undefined : { groups: uncovered.size, covered };
    this.cache.push({ offset, result });
    return result;
  }

  /** Returns whether a mesh neighbour (up, down, left or right) of `child` sits at `offset` from it in the data space. */
  private hasNeighbourAt(child: number, offset: Coordinates): boolean {
    const column = child % this.rowLength;
    const row = (child - column) / this.rowLength;
    if (row >= 1 && this.isAtOffset(child, child - this.rowLength, offset)) return true;
    if (row < this.columnLength - 1 && this.isAtOffset(child, child + this.rowLength, offset)) return true;
    if (column >= 1 && this.isAtOffset(child, child - 1, offset)) return true;
    return column < this.rowLength - 1 && this.isAtOffset(child, child + 1, offset);
  }

  private isAtOffset(child: number, neighbour: number, offset: Coordinates): boolean {
    if (neighbour >= this.children) return false;
    for (let rank = 0; rank < RANKS; rank++) {
      if (this.offsets[neighbour * RANKS + rank] - this.offsets[child * RANKS + rank] !== offset[rank]) return false;
    }
    return true;
  }
}

/**
 * Numbers the offsets by their position in the box that spans them (offsets are non-negative
 * integers), so equal offsets get equal keys without building strings.
 */
function offsetKeys(offsets: number[], children: number): number[] {
  const radix: number[] = new Array(RANKS).fill(1);
  for (let child = 0; child < children; child++) {
    for (let rank = 0; rank < RANKS; rank++) radix[rank] = Math.max(radix[rank], offsets[child * RANKS + rank] + 1);
  }
  const keys: number[] = new Array(children);
  for (let child = 0; child < children; child++) {
    let key = 0;
    for (let rank = 0; rank < RANKS; rank++) key = key * radix[rank] + offsets[child * RANKS + rank];
    keys[child] = key;
  }
  return keys;
}
