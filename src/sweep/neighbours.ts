// Sharing mappings between neighbouring design points of a sweep. The mapper solves each design
// point alone, and CoSA's objective only approximates the cost model. So the mapping found for one
// point is often better on its neighbour than the neighbour's own. In sweeps/example.yaml about a
// third of the jobs improved, by up to 1.7x to 1.8x in EDP. The cost model evaluates every mapping tried here on
// the target's architecture, and a mapping reaches a job only if it meets the job's mapspace
// constraints, so a shared mapping is as valid as a solved one.
import type { KeepPattern } from '../arch/bypass.js';
import type { MappingConstraints } from '../arch/constraints.js';
import type { Architecture } from '../arch/types.js';
import { constraintViolation } from '../mapping/constraints-check.js';
import { resolveConstraints, type ResolvedConstraints } from '../mapping/constraints-resolve.js';
import { isBetter } from '../mappers/space.js';
import type { Objective } from '../mappers/types.js';
import type { Mapping } from '../mapping/types.js';
import { evaluate } from '../model/evaluate.js';
import type { Evaluation } from '../model/types.js';
import type { Layer } from '../workload/layer.js';
import type { GridValue } from './spec.js';

/** One finished job of a sweep: a layer shape on one architecture, with its current mapping. */
export interface SharingJob {
  key: string;
  layerKey: string;
  /** The layer the mapping maps: the padded layer when the sweep pads dimensions. */
  layer: Layer;
  architecture: Architecture;
  /** Grid values of each design point that uses this job (equal hardware can appear at several points). */
  points: Record<string, GridValue>[];
  /** The design point's bypass pattern, which a mapping taken from a neighbour adopts. */
  keep: KeepPattern;
  /** The mapspace constraints that every mapping of this job must meet; absent when there are none. */
  constraints?: MappingConstraints;
  /** Undefined for a failed job, whose cycles and energy are then Infinity. */
  mapping: Mapping | undefined;
  cycles: number;
  energy_pJ: number;
}

/** A job whose mapping is replaced (or, for a failed job, given) by one first found for the job `sourceKey`. */
export interface SharedMapping {
  key: string;
  sourceKey: string;
  mapping: Mapping;
  evaluation: Evaluation;
}

export interface SharingOutcome {
  shared: SharedMapping[];
  /** Cost model evaluations run. */
  evaluations: number;
  /** Passes run: until one improved no job, or MAX_PASSES. */
  passes: number;
}

/** A grid axis: its key and its values in the spec's order. */
export interface GridAxis {
  key: string;
  values: readonly GridValue[];
}

/**
 * How many places apart along an axis two points may be and still be neighbours. It bounds the
 * work on long axes (a 100-value axis would otherwise give each point 99 neighbours per layer),
 * and a mapping still travels further over several passes.
 */
const NEIGHBOUR_SPAN = 4;

/** Maximum passes; few grids need more to pass a mapping along every axis. */
const MAX_PASSES = 8;

/** Jobs whose offers are gathered between two yields of shareMappingSteps. */
const JOBS_PER_STEP = 64;

/**
 * Gives every job the best mapping, by `objective`, among its own and those of its neighbours
 * that meet its mapspace constraints: the jobs of the same layer shape at design points that
 * differ in one grid value (see neighbourLists). Passes repeat
 * with the mappings that changed, so an improvement also reaches points two or more axes away.
 * Each pass reads the mappings of the pass before, so the outcome does not depend on job order.
 */
export function shareMappings(jobs: readonly SharingJob[], grid: readonly GridAxis[], objective: Objective): SharingOutcome {
  const steps = shareMappingSteps(jobs, grid, objective);
  let step = steps.next();
  while (step.done !== true) step = steps.next();
  return step.value;
}

/**
 * Runs shareMappings in steps: it yields after every JOBS_PER_STEP jobs, so that a caller can
 * return to the event loop between steps and stop a long exchange.
 */
export function* shareMappingSteps(jobs: readonly SharingJob[], grid: readonly GridAxis[], objective: Objective): Generator<void, SharingOutcome> {
  const neighbours = neighbourLists(jobs, grid);
  yield;
  const current = jobs.map((job) => ({ mapping: job.mapping, figures: { cycles: job.cycles, energy_pJ: job.energy_pJ }, source: job.key, evaluation: undefined as Evaluation | undefined }));
  let changed = new Set(jobs.map((_, index) => index));
  const resolved = new Map<number, ResolvedConstraints | undefined>();
  const constraintsOf = (index: number) => {
    if (!resolved.has(index)) {
      const job = jobs[index];
      resolved.set(index, job.constraints === undefined ? undefined : resolveConstraints(job.constraints, job.layer, job.architecture));
    }
    return resolved.get(index);
  };
  let evaluations = 0;
  let passes = 0;

  while (changed.size > 0 && passes < MAX_PASSES) {
    passes++;
    const offers: ({ from: number; mapping: Mapping; evaluation: Evaluation } | undefined)[] = [];
    for (let target = 0; target < jobs.length; target++) {
      if (target % JOBS_PER_STEP === JOBS_PER_STEP - 1) yield;
      const job = jobs[target];
      let best: { from: number; mapping: Mapping; evaluation: Evaluation } | undefined;
      const tried = new Set<Mapping | undefined>([undefined, current[target].mapping]);
      for (const from of neighbours[target]) {
        const offered = current[from].mapping;
        if (!changed.has(from) || tried.has(offered)) continue;
        tried.add(offered);
        const mapping = withKeep(offered!, job, jobs[from].architecture);
        if (mapping === undefined) continue;
        const constraints = constraintsOf(target);
        if (constraints !== undefined && constraintViolation(constraints, job.architecture, mapping) !== undefined) continue;
        evaluations++;
        const result = evaluate(job.architecture, job.layer, mapping);
        if (result.ok && isBetter(result, best?.evaluation ?? current[target].figures, objective)) best = { from, mapping, evaluation: result };
      }
      offers.push(best);
    }

    changed = new Set();
    offers.forEach((offer, target) => {
      if (offer === undefined) return;
      current[target] = { mapping: offer.mapping, figures: offer.evaluation, source: current[offer.from].source, evaluation: offer.evaluation };
      changed.add(target);
    });
  }

  const shared = jobs.flatMap((job, index) => {
    const { evaluation, mapping, source } = current[index];
    return evaluation === undefined || mapping === undefined ? [] : [{ key: job.key, sourceKey: source, mapping, evaluation }];
  });
  return { shared, evaluations, passes };
}

/**
 * For each job, the indexes of its neighbours: jobs of the same layer shape whose design points
 * differ from one of its points in one grid value, at most NEIGHBOUR_SPAN places apart in that
 * axis's list. Jobs are bucketed, per grid axis, by their values on all the other axes, so this
 * takes time linear in the points.
 */
function neighbourLists(jobs: readonly SharingJob[], grid: readonly GridAxis[]): number[][] {
  const lists = jobs.map(() => new Set<number>());
  for (const axis of grid) {
    // String keys, because a design coerces a grid value such as "64" to the number 64.
    const places = new Map(axis.values.map((value, place) => [String(value), place]));
    const buckets = new Map<string, { job: number; place: number }[]>();
    jobs.forEach((job, index) => {
      for (const point of job.points) {
        const signature = JSON.stringify([job.layerKey, ...grid.map(({ key }) => (key === axis.key ? null : point[key] ?? null))]);
        const entry = { job: index, place: places.get(String(point[axis.key])) ?? -1 };
        const bucket = buckets.get(signature);
        if (bucket === undefined) buckets.set(signature, [entry]);
        else bucket.push(entry);
      }
    });
    for (const bucket of buckets.values()) {
      for (const a of bucket) {
        for (const b of bucket) {
          if (a.job !== b.job && Math.abs(a.place - b.place) <= NEIGHBOUR_SPAN) lists[a.job].add(b.job);
        }
      }
    }
  }
  return lists.map((set) => [...set].sort((a, b) => a - b));
}

/**
 * Returns `source` with the keep pattern of `target`, because the bypass belongs to the design
 * point, not to the mapping. Returns undefined when the architectures name their levels differently.
 */
function withKeep(source: Mapping, target: SharingJob, sourceArch: Architecture): Mapping | undefined {
  const levels = target.architecture.levels;
  if (levels.length !== sourceArch.levels.length || levels.some((level, index) => level.name !== sourceArch.levels[index].name)) return undefined;
  return { levels: source.levels.map((level, index) => ({ ...level, keep: { ...target.keep[index] } })) };
}
