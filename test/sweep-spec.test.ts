import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { InputError } from '../src/input-error.js';
import { parseArchitecture } from '../src/arch/load.js';
import type { Architecture } from '../src/arch/types.js';
import { architectureArea, expandDesignPoints } from '../src/sweep/design-points.js';
import { planSweep } from '../src/sweep/planner.js';
import { parseSweepSpec } from '../src/sweep/spec.js';
import { CASES_DIR, HAVE_REFERENCE } from './reference.js';

const VALID = `
name: small
architecture:
  design: simba
  grid:
    pes: [4, 16]
    global_buffer_kib: [32, 64]
  where: "pes * global_buffer_kib <= 512"
networks: [alexnet]
mapper: {name: cosa, objective: edp, time_limit_s: 1}
`;

function inputError(text: string): InputError {
  try {
    parseSweepSpec(text, 'spec.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}


const SIMBA_EXAMPLE = join(import.meta.dirname, '..', 'examples', 'simba');

/** Builds a spec over the example Simba file, without an ERT, with the given values of one grid field. */
function simbaFileGridSpec(values: string, key = 'GlobalBuffer.entries'): ReturnType<typeof parseSweepSpec> {
  const dir = mkdtempSync(join(tmpdir(), 'cosa-spec-'));
  const text = `
name: file-grid
architecture:
  file: ${SIMBA_EXAMPLE}/arch.yaml
  mapspace: ${SIMBA_EXAMPLE}/mapspace.yaml
  grid:
    ${key}: ${values}
networks: [alexnet]
mapper: {name: cosa, time_limit_s: 1}
`;
  return parseSweepSpec(text, join(dir, 'spec.yaml'));
}

describe('parseSweepSpec', () => {
  it('reads a valid spec with defaults', () => {
    const spec = parseSweepSpec(VALID, 'spec.yaml');
    expect(spec.name).toBe('small');
    expect(spec.grid).toEqual([
      { key: 'pes', values: [4, 16] },
      { key: 'global_buffer_kib', values: [32, 64] },
    ]);
    expect(spec.mapper).toEqual({ name: 'cosa', objective: 'edp', timeLimitS: 1 });
    expect(spec.clockGHz).toBe(1);
    expect(spec.batch).toBe(1);
    expect(spec.networks).toEqual([{ kind: 'catalog', name: 'alexnet' }]);
  });

  it('hashes content, not layout', () => {
    const a = parseSweepSpec(VALID, 'spec.yaml');
    const b = parseSweepSpec(`# a comment\n${VALID.replace('{name: cosa, objective: edp, time_limit_s: 1}', '\n  time_limit_s: 1\n  objective: edp\n  name: cosa')}`, 'spec.yaml');
    const c = parseSweepSpec(VALID.replace('[4, 16]', '[4, 8]'), 'spec.yaml');
    expect(b.specHash).toBe(a.specHash);
    expect(c.specHash).not.toBe(a.specHash);
  });

  const cases: [string, string, string, unknown][] = [
    ['unknown top-level key', VALID + 'colour: red\n', 'colour', 'red'],
    ['unknown mapper key', VALID.replace('time_limit_s: 1', 'time_limit: 1'), 'mapper.time_limit', 1],
    ['empty grid axis', VALID.replace('[4, 16]', '[]'), 'architecture.grid.pes', []],
    ['empty grid', VALID.replace(/grid:\n.*\n.*\n/, 'grid: {}\n'), 'architecture.grid', {}],
    ['unknown network', VALID.replace('[alexnet]', '[alexnet, resnet51]'), 'networks[1]', 'resnet51'],
    ['unknown design parameter', VALID.replace('pes:', 'processing_elements:').replace('pes *', 'processing_elements *'), 'architecture.grid.processing_elements', [4, 16]],
    ['bad where syntax', VALID.replace('<= 512"', '<= "'), 'architecture.where', 'pes * global_buffer_kib <= '],
    ['unknown name in where', VALID.replace('pes * global', 'pe * global'), 'architecture.where', 'pe * global_buffer_kib <= 512'],
    ['wrong type', VALID.replace('time_limit_s: 1', 'time_limit_s: fast'), 'mapper.time_limit_s', 'fast'],
    ['wrong mapper name', VALID.replace('name: cosa', 'name: timeloop'), 'mapper.name', 'timeloop'],
    ['missing networks', VALID.replace('networks: [alexnet]\n', ''), 'networks', undefined],
    ['unknown design', VALID.replace('design: simba', 'design: tpu'), 'architecture.design', 'tpu'],
    ['bad grid value type', VALID.replace('[32, 64]', '[32, true]'), 'architecture.grid.global_buffer_kib[1]', true],
    ['negative clock', VALID + 'clock_ghz: -1\n', 'clock_ghz', -1],
    ['infinite grid value', VALID.replace('[32, 64]', '[32, .inf]'), 'architecture.grid.global_buffer_kib[1]', Infinity],
  ];
  for (const [title, text, field, value] of cases) {
    it(`rejects ${title}`, () => {
      const error = inputError(text);
      expect(error.file).toBe('spec.yaml');
      expect(error.field).toBe(field);
      expect(error.value).toEqual(value);
      expect(error.message).not.toContain('\n');
    });
  }

  it('passes refine and padding to the mapper', () => {
    const spec = parseSweepSpec(VALID.replace('time_limit_s: 1}', 'time_limit_s: 1, refine: false, padding: true}'), 'spec.yaml');
    expect(spec.mapper).toEqual({ name: 'cosa', objective: 'edp', timeLimitS: 1, refine: false, padding: true });
  });

  it('rejects refine for the random mapper', () => {
    const error = inputError(VALID.replace('name: cosa, objective: edp, time_limit_s: 1', 'name: random, time_limit_s: 1, refine: true'));
    expect(error.field).toBe('mapper.refine');
  });

  it('suggests the nearest key for a misspelt one', () => {
    expect(inputError(VALID.replace('time_limit_s: 1', 'time_limt_s: 1')).hint).toContain('did you mean time_limit_s?');
  });

  it('rejects invalid YAML in one line', () => {
    const error = inputError('name: [unclosed\n');
    expect(error.field).toBe('YAML');
    expect(error.message).not.toContain('\n');
  });

  it('rejects aliases that expand without bound', () => {
    // Each level repeats the one before nine times: 9^6 strings once expanded.
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, previous] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']]) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const error = inputError(levels.join('\n'));
    expect(error.field).toBe('YAML');
    expect(error.hint).toContain('aliases');
  });
});

describe('planSweep', () => {
  it('applies the where filter in grid order', () => {
    const spec = parseSweepSpec(VALID, 'spec.yaml');
    const points = expandDesignPoints(spec);
    expect(points.map((point) => [point.parameters.pes, point.parameters.global_buffer_kib])).toEqual([
      [4, 32],
      [4, 64],
      [16, 32],
    ]);
    expect(points.map((point) => point.index)).toEqual([0, 1, 2]);
  });

  it('gives area that grows with the buffer', () => {
    const [small, large] = expandDesignPoints(parseSweepSpec(VALID, 'spec.yaml'));
    expect(large.areaUm2).toBeGreaterThan(small.areaUm2);
  });

  it('plans one job per design point and distinct layer shape', () => {
    const plan = planSweep(parseSweepSpec(VALID, 'spec.yaml'));
    const shapes = new Set(plan.layers.map((layer) => layer.layerKey));
    expect(plan.jobs.length).toBe(plan.points.length * shapes.size);
    expect(new Set(plan.jobs.map((job) => job.key)).size).toBe(plan.jobs.length);
    expect(plan.pointJobs.length).toBe(plan.points.length * shapes.size);
  });

  it('is deterministic and shares keys across overlapping sweeps', () => {
    const first = planSweep(parseSweepSpec(VALID, 'spec.yaml'));
    const again = planSweep(parseSweepSpec(VALID, 'spec.yaml'));
    expect(again.jobs.map((job) => job.key)).toEqual(first.jobs.map((job) => job.key));

    // Another sweep with a different grid and an extra network repeats the 4 x 32 point's AlexNet jobs.
    const overlapping = planSweep(parseSweepSpec(VALID.replace('name: small', 'name: other').replace('[4, 16]', '[4, 8]').replace('[alexnet]', '[alexnet, vgg16]'), 'other.yaml'));
    const keys = new Set(overlapping.jobs.map((job) => job.key));
    const firstPointJobs = first.pointJobs.filter((entry) => entry.pointIndex === 0).map((entry) => entry.jobKey);
    expect(firstPointJobs.every((key) => keys.has(key))).toBe(true);
  });

  it('changes every job key with the mapper settings', () => {
    const first = planSweep(parseSweepSpec(VALID, 'spec.yaml'));
    const longer = planSweep(parseSweepSpec(VALID.replace('time_limit_s: 1', 'time_limit_s: 2'), 'spec.yaml'));
    const keys = new Set(first.jobs.map((job) => job.key));
    expect(longer.jobs.some((job) => keys.has(job.key))).toBe(false);
  });

  it('rejects a where filter that divides by zero when planning', () => {
    const spec = parseSweepSpec(VALID.replace('"pes * global_buffer_kib <= 512"', '"pes / 0 > 1"'), 'spec.yaml');
    let error: unknown;
    try {
      expandDesignPoints(spec);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('architecture.where');
    expect((error as InputError).message).toContain('division by zero in "pes / 0"');
  });

  it('multiplies N of folder layers by batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosa-spec-'));
    const problem = 'problem:\n  instance: {R: 3, S: 3, P: 8, Q: 8, C: 16, K: 32, N: 2}\n';
    const layers = join(dir, 'layers');
    mkdirSync(layers);
    writeFileSync(join(layers, 'conv.yaml'), problem);
    const text = VALID.replace('[alexnet]', '[{folder: layers}]');

    const single = planSweep(parseSweepSpec(text, join(dir, 'spec.yaml')));
    const batched = planSweep(parseSweepSpec(`${text}batch: 4\n`, join(dir, 'spec.yaml')));

    expect(single.layers[0].layer.N).toBe(2);
    expect(batched.layers[0].layer.N).toBe(8);
    expect(batched.layers[0].layer.K).toBe(32);
    expect(batched.jobs[0].layer.N).toBe(8);
  });

  it.skipIf(!HAVE_REFERENCE)('overrides fields of a file architecture by LEVEL.FIELD', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosa-spec-'));
    const reference = join(CASES_DIR, 'mini3__resnet50-1x1-c64k64__inv-capacity-RegFile');
    writeFileSync(join(dir, 'spec.yaml'), `
name: file-grid
architecture:
  file: ${reference}/arch.yaml
  ert: ${reference}/ert.yaml
  grid:
    GlobalBuffer.entries: [1024, 4096]
    arithmetic.instances: [16, 64]
networks: [alexnet]
mapper: {name: cosa, time_limit_s: 1}
`);
    const spec = parseSweepSpec(readFileSync(join(dir, 'spec.yaml'), 'utf8'), join(dir, 'spec.yaml'));
    const points = expandDesignPoints(spec);
    expect(points.length).toBe(4);
    const globalBuffer = points[3].architecture.levels.find((level) => level.name === 'GlobalBuffer');
    expect(globalBuffer?.entries).toBe(4096);
    expect(points[3].architecture.arithmetic.instances).toBe(64);
    expect(points[0].architecture.arithmetic.instances).toBe(16);
  });

  it('prices each grid value from hw-library without an ERT', () => {
    const spec = simbaFileGridSpec('[16384, 65536]');
    const points = expandDesignPoints(spec);

    for (const [index, entries] of [16384, 65536].entries()) {
      const text = readFileSync(join(SIMBA_EXAMPLE, 'arch.yaml'), 'utf8').replace(/(name: GlobalBuffer[\s\S]*?entries: )\d+/, `$1${entries}`);
      const direct = parseArchitecture(text, 'arch.yaml');
      const level = (arch: Architecture) => arch.levels.find((candidate) => candidate.name === 'GlobalBuffer')!;
      expect(level(direct).entries, 'the edit reached the file').toBe(entries);
      expect(level(points[index].architecture)).toEqual({ ...level(direct) });
      expect(points[index].areaUm2).toBeCloseTo(architectureArea(direct), 6);
    }
    expect(points[0].areaUm2).toBeLessThan(points[1].areaUm2);
  });

  it('names a rejected point by its grid values', () => {
    const spec = parseSweepSpec(`
name: eyeriss-grid
architecture:
  design: eyeriss
  grid:
    pes: [100, 168]
networks: [alexnet]
mapper: {name: cosa, time_limit_s: 1}
`, 'spec.yaml');
    expect(() => expandDesignPoints(spec)).toThrow('spec.yaml: architecture.grid = {"pes":100}: design eyeriss rejects this point: pes must be a multiple of pe_columns');
  });

  it('checks file grid values by the field rules', () => {
    const rejected: [string, string, string][] = [
      ['GlobalBuffer.readBandwidth', '[4, 0]', 'must be a finite number > 0'],
      ['GlobalBuffer.readBandwidth', '[4, .inf]', 'grid values must be finite numbers'],
      ['GlobalBuffer.numPorts', '[3]', 'must be 1 or 2'],
      ['GlobalBuffer.blockSize', '[0]', 'must be an integer >= 1'],
      ['GlobalBuffer.entries', '[-1]', 'must be an integer >= 0'],
      ['GlobalBuffer.entries', '[0.5]', 'must be an integer >= 0'],
    ];
    for (const [key, values, hint] of rejected) {
      expect(() => simbaFileGridSpec(values, key), `${key}: ${values}`).toThrow(hint);
    }

    // Fractional bandwidths are allowed, as in the architecture file.
    const points = expandDesignPoints(simbaFileGridSpec('[0.5, 4]', 'DRAM.readBandwidth'));
    expect(points.map((point) => point.architecture.levels.at(-1)!.readBandwidth)).toEqual([0.5, 4]);
  });

  it('rejects a grid value that empties a level that keeps data', () => {
    const spec = simbaFileGridSpec('[0, 65536]');
    expect(() => expandDesignPoints(spec)).toThrow(/architecture\.grid\.GlobalBuffer\.entries = 0: .*keeps/);
  });
});
