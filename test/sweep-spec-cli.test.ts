// Malformed sweep specs through the CLI: one line naming the field and value, exit status 2,
// and no results database written.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { CASES_DIR, HAVE_REFERENCE } from './reference.js';
import { makeSweepFixture, runCli } from './sweep-helpers.js';

const CASES: { title: string; edit: (spec: string) => string; field: string; value: string }[] = [
  { title: 'unknown key', edit: (spec) => spec.replace('mapper:', 'mappr:'), field: 'mappr', value: '{"name":"cosa"' },
  { title: 'empty grid', edit: (spec) => spec.replace('[1, 2, 4]', '[]'), field: 'architecture.grid.pes', value: '[]' },
  { title: 'unknown network', edit: (spec) => spec.replace('[{folder: tiny}]', '[resnet50, lenet]'), field: 'networks[1]', value: '"lenet"' },
  { title: 'bad where', edit: (spec) => spec.replace('networks:', '  where: "pes >> 2"\nnetworks:'), field: 'architecture.where', value: '"pes >> 2"' },
  { title: 'wrong type', edit: (spec) => spec.replace('time_limit_s: 10', 'time_limit_s: [10]'), field: 'mapper.time_limit_s', value: '[10]' },
  { title: 'time limit beyond timers', edit: (spec) => spec.replace('time_limit_s: 10', 'time_limit_s: 1e9'), field: 'mapper.time_limit_s', value: '1000000000' },
  { title: 'infinite time limit', edit: (spec) => spec.replace('time_limit_s: 10', 'time_limit_s: .inf'), field: 'mapper.time_limit_s', value: 'Infinity' },
  { title: 'job timeout beyond timers', edit: (spec) => `${spec}job_timeout_s: 3000000\n`, field: 'job_timeout_s', value: '3000000' },
  { title: 'batch beyond exact counts', edit: (spec) => `${spec}batch: 1000000000000\n`, field: 'batch', value: '1000000000000' },
  { title: 'out-of-range design parameter', edit: (spec) => spec.replace('[8, 16]', '[8, -16]'), field: 'architecture.grid.global_buffer_kib', value: '-16' },
];

describe('sweep run with a malformed spec', () => {
  it.each(CASES)('rejects $title with one line and writes nothing', async ({ edit, field, value }) => {
    const fixture = makeSweepFixture();
    const { readFileSync } = await import('node:fs');
    writeFileSync(fixture.specPath, edit(readFileSync(fixture.specPath, 'utf8')));

    // Without --db the database would go to results/ under the working directory.
    const result = await runCli(['sweep', 'run', fixture.specPath], fixture.dir);
    expect(result.status).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(fixture.specPath);
    expect(lines[0]).toContain(`${field} = ${value}`);
    expect(result.stdout).toBe('');
    expect(existsSync(join(fixture.dir, 'results'))).toBe(false);
  });

  it('rejects a bad --workers value before writing', async () => {
    const fixture = makeSweepFixture();
    const result = await runCli(['sweep', 'run', fixture.specPath, '--workers', '0'], fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--workers = "0"');
    expect(existsSync(join(fixture.dir, 'results'))).toBe(false);
  });
});

describe('sweep run over a file architecture with an ERT', () => {
  it.skipIf(!HAVE_REFERENCE)('warns that sizes change no energy', async () => {
    const fixture = makeSweepFixture();
    const reference = join(CASES_DIR, 'mini3__resnet50-1x1-c64k64__m1');
    writeFileSync(
      fixture.specPath,
      `name: ert-grid
architecture:
  file: ${reference}/arch.yaml
  ert: ${reference}/ert.yaml
  grid:
    GlobalBuffer.entries: [8192, 16384]
    arithmetic.instances: [16]
networks: [{folder: tiny}]
mapper: {name: cosa, objective: edp, time_limit_s: 10, refine: false}
`,
    );
    const result = await runCli(['sweep', 'run', fixture.specPath, '--db', join(fixture.dir, 'out.sqlite')], fixture.dir);
    expect(result.status, result.stderr).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('GlobalBuffer.entries change no energy or area');
    expect(warnings[0]).not.toContain('arithmetic.instances');
  });
});
