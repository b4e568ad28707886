// Grouping of job failure reasons that differ only in their numbers, such as the placement counts
// of "map space too large ...: 10269727973505 factor placements", so that a sweep's failures are
// listed as a few kinds with counts instead of one line per job.

/**
 * A number in a reason: digits with an optional fraction and exponent. Digits right after a letter
 * or underscore belong to a name (`resnet50`, `R3_S3`) and are kept.
 */
const NUMBER = /(?<![A-Za-z_\d.])\d+(\.\d+)?([eE][-+]?\d+)?|(?<![A-Za-z_\d])\.\d+([eE][-+]?\d+)?/g;

/** Returns `reason` with each number replaced by `N`, the key that groups reasons of one kind. */
export function reasonPattern(reason: string): string {
  return reason.replace(NUMBER, 'N');
}

export interface ReasonGroup {
  /** The reason with its numbers replaced by `N`. */
  pattern: string;
  /** The most frequent reason of the group, as stored. */
  example: string;
  jobs: number;
}

/**
 * Groups reasons by reasonPattern and sums their job counts, most jobs first (ties by pattern).
 * Each group's example is its reason with the most jobs, the first one given on a tie.
 */
export function groupReasons(reasons: readonly { reason: string; jobs: number }[]): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup & { exampleJobs: number }>();
  for (const { reason, jobs } of reasons) {
    const pattern = reasonPattern(reason);
    const group = groups.get(pattern);
    if (group === undefined) {
      groups.set(pattern, { pattern, example: reason, jobs, exampleJobs: jobs });
      continue;
    }
    group.jobs += jobs;
    if (jobs > group.exampleJobs) {
      group.example = reason;
      group.exampleJobs = jobs;
    }
  }

  return [...groups.values()]
    .map(({ pattern, example, jobs }) => ({ pattern, example, jobs }))
    .sort((a, b) => b.jobs - a.jobs || a.pattern.localeCompare(b.pattern));
}
