// A results database with two sweeps: commands without --sweep read the newest and print which.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openStore } from '../src/store/open.js';
import { planSweep } from '../src/sweep/planner.js';
import { runSweep } from '../src/sweep/runner.js';
import { loadSweepSpec } from '../src/sweep/spec.js';
import { makeMergeFixture, removeMergeFixtures } from './merge-fixture.js';
import { runCli } from './sweep-helpers.js';

afterAll(removeMergeFixtures);

describe('a database with two sweeps', () => {
  const first = makeMergeFixture({ name: 'first', pes: [2, 4], samples: 100 });
  const second = makeMergeFixture({ name: 'second', pes: [2, 4], samples: 100 });
  const dbPath = join(first.dir, 'both.sqlite');

  beforeAll(async () => {
    // The second sweep names its network `other`, so each sweep has a network the other lacks.
    writeFileSync(second.specPath, readFileSync(second.specPath, 'utf8').replace('{folder: tiny}', '{folder: tiny, name: other}'));
    const db = openStore(dbPath, { create: true });
    try {
      for (const fixture of [first, second]) await runSweep(planSweep(loadSweepSpec(fixture.specPath)), db, { workers: 1 });
    } finally {
      db.close();
    }
  }, 120_000);

  it('names the sweep pareto reads', async () => {
    const result = await runCli(['pareto', '--db', dbPath], first.dir);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('note: the database contains 2 sweeps (first, second); this is second, the newest');
  });

  it('suggests --sweep for a network of another sweep', async () => {
    const result = await runCli(['pareto', '--db', dbPath, '--network', 'tiny'], first.dir);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--network = "tiny": not in sweep second, whose networks are other; sweep first has it, so add --sweep first');
  });

  it('reads the sweep --sweep names without a note', async () => {
    const result = await runCli(['pareto', '--db', dbPath, '--sweep', 'first', '--network', 'tiny'], first.dir);
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain('note:');
  });

  it('names the sweep the report shows', async () => {
    const result = await runCli(['report', '--db', dbPath, '--out', join(first.dir, 'both.html')], first.dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('this is second, the newest');
  });
});
