// Splitting a sweep's jobs into N shards of similar estimated cost, one per Slurm array task.
// The split depends only on the plan, so every task of an array computes the same split on
// its own and the shards never overlap.
import { InputError } from '../input-error.js';
import { DIMENSIONS } from '../workload/layer.js';
import { primeFactors } from '../workload/primes.js';
import type { SweepJob, SweepPlan } from './planner.js';

export interface Shard {
  /** From 0 to count - 1. */
  index: number;
  count: number;
}

/**
 * Largest shard count. Slurm's MaxArraySize is 1001 by default and rarely set above 100,000, and
 * the split keeps one counter per shard.
 */
export const MAX_SHARDS = 100_000;

/** Parses `I/N` (shard I of N, from 0), as given to `--shard`. */
export function parseShard(text: string, source = '--shard'): Shard {
  const hint = 'must be I/N: the shard index I from 0 to N - 1 and the shard count N, such as 0/4';
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) throw new InputError('command line', source, text, hint);

  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1) {
    throw new InputError('command line', source, text, `${hint}; N must be at least 1`);
  }
  if (count > MAX_SHARDS) {
    throw new InputError('command line', source, text, `${hint}; N must be at most ${MAX_SHARDS}`);
  }
  if (index >= count) {
    throw new InputError('command line', source, text, `${hint}; the index ${index} is not below the count ${count}`);
  }
  return { index, count };
}

/**
 * Estimates the relative cost of a job, in no unit. CoSA's MIP has one placement variable per
 * prime factor of the layer's dimensions and per storage level, so its size is (prime factors) x
 * (levels). A design with more MACs has more spatial choices, which the log2 of the MAC count
 * weighs. The mapper's time limit caps each solve, so the estimate follows the MIP size rather
 * than the layer's MAC count.
 * NOTE: not calibrated. On three measured sweeps its rank correlation with job time was -0.25 to
 * 0.21 (Simba x ResNet-50, Eyeriss x AlexNet and VGG-16, Simba x MobileNet-V2 and BERT). Their
 * 8 shards still ended within 1.04x to 1.10x of an even split, because single jobs are short.
 */
export function estimatedJobCost(job: SweepJob): number {
  let factors = 1;
  for (const dimension of DIMENSIONS) factors += primeFactors(job.layer[dimension]).length;
  const designFactor = Math.log2(2 + job.architecture.arithmetic.instances);
  return factors * Math.max(1, job.architecture.levels.length) * designFactor;
}

/**
 * Assigns each job a shard by longest processing time first: jobs sorted by estimated cost
 * (largest first, ties by key) each go to the shard with the smallest total so far (ties to
 * the lowest index). Returns the shard index of each job, in the order of `jobs`.
 */
export function assignShards(jobs: readonly SweepJob[], count: number): number[] {
  const costs = jobs.map(estimatedJobCost);
  const order = jobs.map((_, position) => position);
  order.sort((a, b) => costs[b] - costs[a] || compareKeys(jobs[a].key, jobs[b].key));

  const loads = new Array<number>(count).fill(0);
  const assignment = new Array<number>(jobs.length);
  for (const position of order) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++) {
      if (loads[shard] < loads[lightest]) lightest = shard;
    }
    assignment[position] = lightest;
    loads[lightest] += costs[position];
  }
  return assignment;
}

function compareKeys(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/**
 * Restricts the plan to the jobs of one shard, in plan order. Design points, layers and
 * pointJobs stay whole, so a shard's database records the full sweep and its other jobs show
 * as pending until the shard databases are merged.
 */
export function shardPlan(plan: SweepPlan, shard: Shard): SweepPlan {
  const assignment = assignShards(plan.jobs, shard.count);
  const jobs = plan.jobs.filter((_, position) => assignment[position] === shard.index);
  return { ...plan, jobs };
}
