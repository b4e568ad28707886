// Data movement in log space. For each data space and each level that keeps it, the program
// counts the words arriving from the next keeping level above (fills) and the words that level
// serves (reads, or updates for Outputs). A tile is refetched once per iteration of every
// temporal loop above it, except the loops irrelevant to the data space that sit inside the
// innermost relevant one: those reuse the resident tile. Which loops those are depends on the
// loop order of every level above, which the `reuse` binaries choose.
// NOTE: an Inputs refetch counts the whole tile. The sliding-window overlap that the cost model
// credits when P or Q steps is left to the local search.
import type { StorageLevel } from '../../arch/types.js';
import { DATA_SPACES, isRelevant, macCount, type DataSpace } from '../../workload/layer.js';
import { logTileTerms } from './capacity.js';
import { activeKey, logTerms, relevantDimensions, sumTerms, type Program } from './placement.js';

export type AccessKind = 'reads' | 'fills' | 'updates';

/** One access count of the program: log(count) = Σ terms + constant. */
export interface TrafficTerm {
  level: number;
  dataSpace: DataSpace;
  kind: AccessKind;
  terms: [number, number][];
  constant: number;
  /** Estimated energy of one word of this access in pJ (Outputs updates and fills include the read they imply). */
  energyPerWordPJ: number;
  /** The count is per instance of the level when the terms below are subtracted. */
  instanceTerms: [number, number][];
}

/** Builds the refetch logic and returns every access count the objective weighs. */
export function addTraffic(program: Program): TrafficTerm[] {
  const result: TrafficTerm[] = [];
  const levelCount = program.arch.levels.length;

  for (const dataSpace of DATA_SPACES) {
    const keepers = program.keep.map((keep, level) => (keep[dataSpace] ? level : -1)).filter((level) => level >= 0);
    if (keepers.length === 0) continue;

    // The innermost keeping level serves the arithmetic: one access per MAC, divided by the
    // spatial loops below it that multicast (Weights, Inputs) or reduce (Outputs) across instances.
    const inner = keepers[0];
    const multicastBelow = logTerms(program, (group, slot) => slot.kind !== 'temporal' && slot.level <= inner && !isRelevant(dataSpace, group.dimension));
    result.push(serveTerm(program, dataSpace, inner, negate(multicastBelow), Math.log(macCount(program.layer))));

    for (let k = 0; k + 1 < keepers.length; k++) {
      const child = keepers[k];
      const parent = keepers[k + 1];
      const fills = sumTerms(
        logTileTerms(program, dataSpace, child),
        refetchTerms(program, dataSpace, child, levelCount),
        logTerms(program, (_, slot) => slot.kind !== 'temporal' && slot.level > child),
      );
      result.push({
        level: child,
        dataSpace,
        kind: 'fills',
        terms: fills,
        constant: 0,
        energyPerWordPJ: wordEnergy(program.arch.levels[child], 'fills', dataSpace),
        instanceTerms: spatialAbove(program, child),
      });

      const multicastBetween = logTerms(
        program,
        (group, slot) => slot.kind !== 'temporal' && slot.level > child && slot.level <= parent && !isRelevant(dataSpace, group.dimension),
      );
      result.push(serveTerm(program, dataSpace, parent, sumTerms(fills, negate(multicastBetween)), 0));
    }
  }
  return result;
}

function serveTerm(program: Program, dataSpace: DataSpace, level: number, terms: [number, number][], constant: number): TrafficTerm {
  const kind: AccessKind = dataSpace === 'Outputs' ? 'updates' : 'reads';
  return {
    level,
    dataSpace,
    kind,
    terms,
    constant,
    energyPerWordPJ: wordEnergy(program.arch.levels[level], kind, dataSpace),
    instanceTerms: spatialAbove(program, level),
  };
}

function spatialAbove(program: Program, level: number): [number, number][] {
  return logTerms(program, (_, slot) => slot.kind !== 'temporal' && slot.level > level);
}

function negate(terms: [number, number][]): [number, number][] {
  return terms.map(([column, coefficient]) => [column, -coefficient]);
}

/**
 * Log of the refetch count of the tile at `child`: every relevant temporal loop above it, plus
 * z[j] per level j ≥ child + 1 for the irrelevant loops there, which a binary `skip` zeroes when
 * no relevant loop with bound > 1 lies between `child` and them.
 */
function refetchTerms(program: Program, dataSpace: DataSpace, child: number, levelCount: number): [number, number][] {
  const { model } = program;
  const relevant = relevantDimensions(dataSpace);
  const terms = logTerms(program, (group, slot) => slot.kind === 'temporal' && slot.level > child && isRelevant(dataSpace, group.dimension));

  // open[j] = 1: no relevant loop with bound > 1 at levels child+1 .. j-1. open[child + 1] = 1.
  let open: number | undefined;
  for (let level = child + 1; level < levelCount; level++) {
    const nextOpen = model.addVariable(`open_${dataSpace}_${child}_${level + 1}`, 'binary');
    if (open !== undefined) model.addLessEqual(`open_chain_${dataSpace}_${child}_${level + 1}`, [[nextOpen, 1], [open, -1]], 0);
    for (const dimension of relevant) {
      const active = program.active.get(activeKey(level, dimension));
      if (active !== undefined) model.addLessEqual(`open_cut_${dataSpace}_${child}_${level + 1}_${dimension}`, [[nextOpen, 1], [active, 1]], 1);
    }

    const irrelevant = logTerms(program, (group, slot) => slot.kind === 'temporal' && slot.level === level && !isRelevant(dataSpace, group.dimension));
    if (irrelevant.length > 0) {
      const skip = model.addVariable(`skip_${dataSpace}_${child}_${level}`, 'binary');
      if (open !== undefined) model.addLessEqual(`skip_open_${dataSpace}_${child}_${level}`, [[skip, 1], [open, -1]], 0);
      const reuse = program.reuse[level][DATA_SPACES.indexOf(dataSpace)];
      const orderTerms: [number, number][] = [[skip, 1], [nextOpen, -1]];
      if (reuse !== undefined) orderTerms.push([reuse, -1]);
      model.addLessEqual(`skip_order_${dataSpace}_${child}_${level}`, orderTerms, 0);

      const counted = model.addVariable(`refetch_${dataSpace}_${child}_${level}`, 'continuous', 0, Infinity);
      const bigM = program.groups
        .filter((group) => !isRelevant(dataSpace, group.dimension))
        .reduce((sum, group) => sum + group.count * Math.log(group.prime), 0);
      model.addGreaterEqual(
        `refetch_count_${dataSpace}_${child}_${level}`,
        sumTerms([[counted, 1], [skip, bigM]], negate(irrelevant)),
        0,
      );
      terms.push([counted, 1]);
    }
    open = nextOpen;
  }
  return terms;
}

/**
 * Energy per word of one access, from the level's per-block energy: divided by the block size
 * and by the instances that share one access (Timeloop's cluster-size scaling, assuming every
 * instance is used). Outputs updates also read the old partial sum, and Outputs fills are later
 * read back out toward the parent, so those count a read too.
 */
export function wordEnergy(level: StorageLevel, kind: AccessKind, dataSpace: DataSpace): number {
  const perWord = 1 / (Math.max(1, level.blockSize) * Math.max(1, Math.min(level.clusterSize, level.instances)));
  let base = level.updateEnergyPJ;
  if (kind === 'reads') base = level.readEnergyPJ;
  if (kind === 'fills') base = level.fillEnergyPJ;
  const extraRead = dataSpace === 'Outputs' ? level.readEnergyPJ : 0;
  return (base + extraRead) * perWord;
}
