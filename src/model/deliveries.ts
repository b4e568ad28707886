// Data delivered by one storage level to its children over a whole layer, for one data space.
//
// Timeloop's nest analysis does not walk every iteration. Each temporal loop runs its first
// iteration and then one more that stands for all the others (its count scaled by bound - 1), and
// only the first child of a spatial fan-out is simulated, the other children receiving translated
// copies of its deltas. Walking the loops above a child tile therefore visits the nodes of a
// binary tree; a node whose lowest loop in its first-but-not-only iteration is j moves the tile by
// disp(j) = step(j) - sum of step(i) for the loops i inside j, since those loops return from their
// second iteration to their first. This file computes the same counts in closed form over those
// node types, so that the result equals Timeloop's (019f107, default settings), and costs a few
// microseconds instead of a walk over the loop nest.
import type { Layer, DataSpace } from '../workload/layer.js';
import { subtractBox, TranslationCache, type Box } from './box-set.js';
import { extentsUpTo, type Nest } from './nest.js';
import { projectExtents, projectStep, RANKS, sameCoordinates, volume, type Coordinates } from './projection.js';
import { SpatialFanout } from './spatial-fanout.js';

export interface Deliveries {
  /** Parent accesses: one per word and per group of children that receive it together (multicast). */
  accesses: number;
  /** Words received, summed over all children of one parent instance. */
  receivedWords: number;
  /** Words children obtained from a neighbour's previous delta instead of from the parent. */
  linkTransfers: number;
  /** Children of one parent instance (1 without a fan-out). */
  fanout: number;
}

interface TemporalStep {
  bound: number;
  move: Coordinates;
}

interface NodeType {
  weight: number;
  /** Movement of the child tile from the previous node to this one. */
  move: Coordinates;
  shape: Box[];
  size: number;
  previousShape: Box[] | undefined;
}

/**
 * Deliveries from storage level `level` to its children for `dataSpace`. The children are the
 * tiles of level - 1, or the arithmetic units for level 0, whose operands are single points
 * fetched afresh on every cycle.
 */
export function computeDeliveries(
  nest: Nest,
  layer: Layer,
  dataSpace: DataSpace,
  level: number,
  physicalFanout: { x: number; y: number },
): Deliveries {
  const childBoundary = level === 0 ? -1 : nest.boundary[level - 1];
  const childExtents =
    level === 0 ? new Array<number>(RANKS).fill(1) : projectExtents(layer, dataSpace, extentsUpTo(nest, childBoundary));
  const alwaysFull = level === 0;

  const steps: TemporalStep[] = [];
  for (let index = childBoundary + 1; index < nest.loops.length; index++) {
    const loop = nest.loops[index];
    if (loop.spaceTime !== 'time' || loop.bound < 2) continue;
    steps.push({ bound: loop.bound, move: projectStep(layer, dataSpace, loop.dim, loop.step) });
  }

  const nodeTypes = enumerateNodeTypes(steps, childExtents, alwaysFull);
  const fullTile = volume(childExtents);

  const range = nest.spatial[level];
  if (range === undefined) {
    let words = fullTile;
    for (const node of nodeTypes) words += node.weight * node.size;
    return { accesses: words, receivedWords: words, linkTransfers: 0, fanout: 1 };
  }

  const fanout = new SpatialFanout(nest, layer, dataSpace, range, physicalFanout);
  let accesses = fanout.groups * fullTile;
  let receivedWords = fanout.children * fullTile;
  let linkTransfers = 0;
  const translations = new TranslationCache();

  for (const node of nodeTypes) {
    if (node.size === 0) continue;
    const neighbourOffset = requiredNeighbourOffset(node, translations);
    const linked = neighbourOffset === undefined ? undefined : fanout.withLinkTransfers(neighbourOffset);
    if (linked !== undefined && linked.groups < fanout.groups) {
      accesses += node.weight * node.size * linked.groups;
      receivedWords += node.weight * node.size * (fanout.children - linked.covered);
      linkTransfers += node.weight * node.size * linked.covered;
    } else {
      accesses += node.weight * node.size * fanout.groups;
      receivedWords += node.weight * node.size * fanout.children;
    }
  }
  return { accesses, receivedWords, linkTransfers, fanout: fanout.children };
}

/**
 * The node types after the first node (which receives the full tile), with their summed weights.
 * Loops are numbered innermost first. A node whose lowest advanced loop is j > 0 follows a node of
 * type 0; a node of type 0 follows the node of the lowest advanced loop above it, or the first node.
 */
function enumerateNodeTypes(steps: TemporalStep[], extents: Coordinates, alwaysFull: boolean): NodeType[] {
  const count = steps.length;
  if (count === 0) return [];

  const moves: Coordinates[] = [];
  const reset: Coordinates = new Array(RANKS).fill(0);
  for (const step of steps) {
    const move: Coordinates = new Array(RANKS);
    for (let rank = 0; rank < RANKS; rank++) {
      move[rank] = step.move[rank] - reset[rank];
      reset[rank] += step.move[rank];
    }
    moves.push(move);
  }

  const origin: Box = { min: new Array(RANKS).fill(0), max: [...extents] };
  // One shared array for the full tile, so that equal shape pairs are found by identity below.
  const full: Box[] = [origin];
  // Timeloop 019f107 (OperationSpace::SaveAndSubtractIfSameStride, on for cnn-layer) subtracts the
  // previous tile only while the tile's translation repeats the previous one; otherwise it delivers
  // the whole tile. Before a step of loop k > 0 the previous translation is always moves[0].
  // The grouped shape follows the same rule: timeloop-model 019f107 gave equal access counts for
  // MobileNet-V2's ten grouped layers on Simba, stride 2 included.
  const shapes = steps.map((_, index) => {
    if (index === 0) return alwaysFull ? full : deltaShape(origin, moves[0]);
    if (alwaysFull) return full;
    return sameCoordinates(moves[index], moves[0]) ? deltaShape(origin, moves[index]) : full;
  });
  const sizes = shapes.map(shapeVolume);

  // Product of the bounds of loops strictly above each loop.
  const above: number[] = new Array(count).fill(1);
  for (let index = count - 2; index >= 0; index--) above[index] = above[index + 1] * steps[index + 1].bound;

  const nodes: NodeType[] = [];
  const innermost = steps[0].bound - 1;
  nodes.push({ weight: innermost, move: moves[0], shape: shapes[0], size: sizes[0], previousShape: full });
  for (let k = 1; k < count; k++) {
    nodes.push({
      weight: innermost * (steps[k].bound - 1) * above[k],
      move: moves[0],
      shape: shapes[0],
      size: sizes[0],
      previousShape: shapes[k],
    });
    nodes.push({
      weight: (steps[k].bound - 1) * above[k],
      move: moves[k],
      shape: shapes[k],
      size: sizes[k],
      previousShape: shapes[0],
    });
  }
  return nodes;
}

function deltaShape(origin: Box, move: Coordinates): Box[] {
  // Points of the tile at its new position that were not in the tile at its previous position.
  const previous: Box = {
    min: origin.min.map((value, rank) => value - move[rank]),
    max: origin.max.map((value, rank) => value - move[rank]),
  };
  return subtractBox(origin, previous);
}


function shapeVolume(shape: Box[]): number {
  let sum = 0;
  for (const box of shape) sum += boxVolume(box);
  return sum;
}

function boxVolume(box: Box): number {
  let product = 1;
  for (let rank = 0; rank < box.min.length; rank++) product *= box.max[rank] - box.min[rank];
  return product;
}

/**
 * A child's delta equals its neighbour's previous delta when shape + move == previousShape + offset,
 * where offset is the neighbour's position minus the child's. Returns that offset, if any.
 */
function requiredNeighbourOffset(node: NodeType, translations: TranslationCache): Coordinates | undefined {
  if (node.previousShape === undefined || node.previousShape.length === 0) return undefined;
  const translation = translations.between(node.shape, node.previousShape);
  if (translation === undefined) return undefined;
  return node.move.map((value, rank) => value - translation[rank]);
}
