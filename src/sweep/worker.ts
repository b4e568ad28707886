// The piscina worker: schedules one layer on one design point and returns plain data. HiGHS is
// loaded and compiled once per thread, before the thread's first job starts its clock.
import { performance } from 'node:perf_hooks';

import { loadHighs } from '../mappers/cosa/solver.js';
import { runMapper } from '../mappers/index.js';
import type { MapperName, Objective } from '../mappers/types.js';
import { writeMappingYaml } from '../mapping/write.js';
import type { ScheduleStatus } from '../mappers/types.js';
import type { SweepJob } from './planner.js';

export interface JobResult {
  key: string;
  /** The job's objective, so that a retried job keeps the better of its two mappings. It is not stored. */
  objective?: Objective;
  status: 'done' | 'failed';
  /** Why the job failed: the mapper's reason, the cost model's error, a thrown error or a timeout. */
  reason?: string;
  mapperStatus?: ScheduleStatus;
  solveSeconds?: number;
  /** Wall time inside the worker: mapping, solving and evaluating. */
  workerSeconds?: number;
  gap?: number;
  cycles?: number;
  energyPJ?: number;
  mappingYaml?: string;
  /** JSON of the cost model's Evaluation, with its per-level figures. */
  evaluationJson?: string;
}

export interface PingRequest {
  /** The sweep's mapper; for cosa, the thread loads and compiles HiGHS before it replies. */
  mapper?: MapperName;
}

/**
 * Loads HiGHS with every function compiled by V8's optimizing compiler (about 1.6 s once per
 * thread). Otherwise a thread's first solves run slower code, so under a time limit the first jobs
 * of each thread would find worse mappings than the same jobs solved later.
 */
function warmUp(mapper: MapperName | undefined): Promise<unknown> | undefined {
  return mapper === 'cosa' ? loadHighs({ optimizeUpfront: true }) : undefined;
}

/**
 * Returns true once the thread is ready for jobs of `request.mapper`. The runner calls it once per
 * thread before the first job, which also checks that this module and its imports load.
 */
export async function ping(request: PingRequest | null): Promise<boolean> {
  await warmUp(request?.mapper);
  return true;
}

export default async function runJob(job: SweepJob): Promise<JobResult> {
  // A thread the pings missed loads HiGHS here, before the job's clock and time limit start.
  await warmUp(job.settings.name);
  const start = performance.now();
  const schedule = await runMapper(job.architecture, job.layer, job.keep, job.settings, job.constraints);
  const common = {
    key: job.key,
    objective: job.settings.objective,
    mapperStatus: schedule.status,
    solveSeconds: schedule.solveSeconds,
    gap: schedule.gap,
  };

  if (schedule.mapping === undefined || schedule.evaluation === undefined) {
    const reason = schedule.reason ?? `the mapper returned status ${schedule.status} without a mapping`;
    return { ...common, status: 'failed', reason, workerSeconds: (performance.now() - start) / 1000 };
  }

  const evaluation = schedule.evaluation;
  return {
    ...common,
    status: 'done',
    cycles: evaluation.cycles,
    energyPJ: evaluation.energy_pJ,
    mappingYaml: writeMappingYaml(job.architecture, schedule.mapping),
    evaluationJson: JSON.stringify(evaluation),
    workerSeconds: (performance.now() - start) / 1000,
  };
}
