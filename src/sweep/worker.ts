// The piscina worker: schedules one layer on one design point and returns plain data. The mapper
// caches its HiGHS module per thread, so only a thread's first job pays for loading it.
import { performance } from 'node:perf_hooks';

import { runMapper } from '../mappers/index.js';
import { writeMappingYaml } from '../mapping/write.js';
import type { ScheduleStatus } from '../mappers/types.js';
import type { SweepJob } from './planner.js';

export interface JobResult {
  key: string;
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

/** Returns true; the runner calls it once to check that this module and its imports load. */
export function ping(): boolean {
  return true;
}

export default async function runJob(job: SweepJob): Promise<JobResult> {
  const start = performance.now();
  const schedule = await runMapper(job.architecture, job.layer, job.keep, job.settings);
  const common = {
    key: job.key,
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
