import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/input-error.js';
import { macCount } from '../src/workload/layer.js';
import { layerKey, loadProblem, parseNamedProblem, parseProblem } from '../src/workload/problem.js';
import { editDistance, nearestName } from '../src/workload/spelling.js';
import { CASES_DIR, HAVE_REFERENCE } from './reference.js';

const FLAT = `
problem:
  C: 64
  Hdilation: 1
  Hstride: 1
  K: 256
  N: 1
  P: 56
  Q: 56
  R: 1
  S: 1
  Wdilation: 1
  Wstride: 1
  shape: cnn-layer
`;

/** Returns the InputError thrown by `action`, failing the test if it throws anything else or nothing. */
function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

function problemError(body: string): InputError {
  return inputErrorOf(() => parseProblem(body, 'layer.yaml'));
}

describe('parseProblem layouts', () => {
  it('reads the flat CoSA layout', () => {
    const layer = parseProblem(FLAT, 'flat.yaml');
    expect(layer).toEqual({
      R: 1, S: 1, P: 56, Q: 56, C: 64, K: 256, N: 1,
      Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1, G: 1,
    });
  });

  it('reads the nested shape and instance layout', () => {
    const text = `
problem:
  shape:
    name: CNN-Layer
    dimensions: [R, S, P, Q, C, K, N]
  instance:
    R: 3
    S: 3
    P: 28
    Q: 14
    C: 128
    K: 128
    N: 4
    Wstride: 2
    Hstride: 1
    Wdilation: 2
    Hdilation: 3
`;
    const layer = parseProblem(text, 'nested.yaml');
    expect(layer).toEqual({
      R: 3, S: 3, P: 28, Q: 14, C: 128, K: 128, N: 4,
      Wstride: 2, Hstride: 1, Wdilation: 2, Hdilation: 3, G: 1,
    });
  });

  it('accepts a shape given as a name', () => {
    const layer = parseProblem('problem: {shape: cnn-layer, instance: {C: 3, K: 8}}', 'a.yaml');
    expect(layer.C).toBe(3);
    expect(layer.K).toBe(8);
  });

  it('defaults missing dimensions and coefficients to 1', () => {
    const layer = parseProblem('problem: {C: 512, K: 1000}', 'fc.yaml');
    expect(layer).toEqual({
      R: 1, S: 1, P: 1, Q: 1, C: 512, K: 1000, N: 1,
      Wstride: 1, Hstride: 1, Wdilation: 1, Hdilation: 1, G: 1,
    });
  });

  it('reads the layer name', () => {
    const parsed = parseNamedProblem('problem: {name: layer1.0.conv1, C: 64, K: 64}', 'a.yaml');
    expect(parsed.name).toBe('layer1.0.conv1');
    expect(parseNamedProblem(FLAT, 'a.yaml').name).toBeUndefined();
  });

  it('ignores other Timeloop sections', () => {
    const text = `architecture: {version: 0.3}\nmapping: []\n${FLAT}`;
    expect(parseProblem(text, 'all.yaml').K).toBe(256);
  });
});

describe('parseProblem aliases and groups', () => {
  it('reads M as K', () => {
    expect(parseProblem('problem: {C: 3, M: 96}', 'm.yaml').K).toBe(96);
  });

  it('accepts M and K when equal', () => {
    expect(parseProblem('problem: {C: 3, M: 96, K: 96}', 'm.yaml').K).toBe(96);
  });

  it('rejects M and K when different', () => {
    const error = problemError('problem: {C: 3, M: 96, K: 64}');
    expect(error.field).toBe('problem.M');
    expect(error.value).toBe(96);
    expect(error.message).toContain('K = 64');
  });

  it('stores grouped channels per group', () => {
    const layer = parseProblem('problem: {R: 3, S: 3, P: 28, Q: 28, C: 256, K: 256, G: 32}', 'g.yaml');
    expect(layer.C).toBe(8);
    expect(layer.K).toBe(8);
    expect(layer.G).toBe(32);
    expect(macCount(layer)).toBe(3 * 3 * 28 * 28 * 8 * 256);
  });

  it('stores a depthwise layer with C = 1', () => {
    const layer = parseProblem('problem: {instance: {R: 3, S: 3, P: 14, Q: 14, C: 384, K: 384, G: 384}}', 'dw.yaml');
    expect(layer.C).toBe(1);
    expect(layer.K).toBe(1);
    expect(layer.G).toBe(384);
    expect(macCount(layer)).toBe(9 * 14 * 14 * 384);
  });
});

describe('parseProblem errors', () => {
  it('suggests Hstride for HStride', () => {
    const error = problemError('problem: {C: 3, HStride: 2}');
    expect(error.file).toBe('layer.yaml');
    expect(error.field).toBe('problem.HStride');
    expect(error.value).toBe(2);
    expect(error.message).toContain('did you mean Hstride?');
    expect(error.message).toMatch(/^layer\.yaml: problem\.HStride = 2: /);
  });

  it('suggests by edit distance', () => {
    const error = problemError('problem: {instance: {C: 3, Wstrid: 2}}');
    expect(error.field).toBe('problem.instance.Wstrid');
    expect(error.message).toContain('did you mean Wstride?');
  });

  it('lists valid keys when nothing is close', () => {
    const error = problemError('problem: {C: 3, batchsize: 2}');
    expect(error.field).toBe('problem.batchsize');
    expect(error.message).not.toContain('did you mean');
    expect(error.message).toContain('Hdilation');
  });

  it('rejects dilation 0', () => {
    const error = problemError('problem: {R: 5, Wdilation: 0}');
    expect(error.field).toBe('problem.Wdilation');
    expect(error.value).toBe(0);
    expect(error.message).toContain('use 1');
  });

  it.each([
    ['P', '0'],
    ['C', '-3'],
    ['K', '2.5'],
    ['R', '"3"'],
    ['N', 'null'],
    ['Hstride', '0'],
    ['G', '0'],
  ])('rejects %s = %s', (field, value) => {
    const error = problemError(`problem: {${field}: ${value}}`);
    expect(error.file).toBe('layer.yaml');
    expect(error.field).toBe(`problem.${field}`);
    expect(error.message).toContain(`problem.${field} = ${value}`);
    expect(error.message).toContain('positive integer');
  });

  it('rejects a MAC count above 2^53', () => {
    const error = problemError('problem: {P: 1000000000000, Q: 56, C: 64, K: 64}');
    expect(error.field).toBe('problem');
    expect(error.message).toContain('exceeds 2^53');
    // 3 x 2^54 exactly; the double prints as 54043195528445950.
    expect(problemError('problem: {P: 402653184, Q: 134217728}').value).toBe('54043195528445952 MACs');
    expect(parseProblem('problem: {P: 1000000, Q: 56, C: 64, K: 64}', 'layer.yaml').P).toBe(1000000);
  });

  it('rejects groups that do not divide C', () => {
    const error = problemError('problem: {C: 30, K: 64, G: 4}');
    expect(error.field).toBe('problem.G');
    expect(error.value).toBe(4);
    expect(error.message).toContain('C = 30');
  });

  it('rejects groups that do not divide K', () => {
    const error = problemError('problem: {C: 32, K: 66, G: 4}');
    expect(error.field).toBe('problem.G');
    expect(error.message).toContain('K = 66');
  });

  it('rejects a missing problem key with a suggestion', () => {
    const error = problemError('problme: {C: 3}');
    expect(error.field).toBe('problem');
    expect(error.message).toContain('problme');
  });

  it('rejects a problem that is not a mapping', () => {
    expect(problemError('problem: 3').field).toBe('problem');
    expect(problemError('- C: 3').field).toBe('problem');
    expect(problemError('').field).toBe('problem');
  });

  it('rejects dimensions beside an instance section', () => {
    const error = problemError('problem: {C: 3, instance: {K: 8}}');
    expect(error.field).toBe('problem.C');
    expect(error.message).toContain('problem.instance');
  });

  it('rejects a name that is not a string', () => {
    expect(problemError('problem: {name: [a], C: 3}').field).toBe('problem.name');
  });

  it('rejects invalid YAML in one line', () => {
    const error = problemError('problem: {C: 3\n  K: [');
    expect(error.field).toBe('YAML');
    expect(error.message).not.toContain('\n');
  });

  it('rejects duplicate keys', () => {
    expect(problemError('problem:\n  C: 3\n  C: 4\n').field).toBe('YAML');
  });
});

describe('loadProblem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'workload-problem-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and names it in errors', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, FLAT);
    expect(loadProblem(good).P).toBe(56);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'problem: {HStride: 2}');
    expect(inputErrorOf(() => loadProblem(bad)).file).toBe(bad);
  });

  it('rejects a missing file', () => {
    const error = inputErrorOf(() => loadProblem(join(dir, 'missing.yaml')));
    expect(error.field).toBe('file');
    expect(error.message).toContain('not found');
  });
});

describe.skipIf(!HAVE_REFERENCE)('reference cases', () => {
  const caseNames = HAVE_REFERENCE ? readdirSync(CASES_DIR) : [];

  it('has cases to check', () => {
    expect(caseNames.length).toBeGreaterThan(20);
  });

  it('parses every problem with the expected MAC count', () => {
    let checked = 0;
    for (const name of caseNames) {
      const expected = JSON.parse(readFileSync(join(CASES_DIR, name, 'expected.json'), 'utf8'));
      const layer = loadProblem(join(CASES_DIR, name, 'problem.yaml'));
      if (expected.macc_count === undefined) continue;
      expect(macCount(layer), name).toBe(expected.macc_count);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('layerKey', () => {
  it('tells different shapes apart', () => {
    const base = parseProblem(FLAT, 'a.yaml');
    expect(layerKey(base)).toBe(layerKey({ ...base }));
    expect(layerKey(base)).not.toBe(layerKey({ ...base, K: 128 }));
    expect(layerKey(base)).not.toBe(layerKey({ ...base, Wstride: 2 }));
    expect(layerKey(base)).not.toBe(layerKey({ ...base, G: 2 }));
  });

  it('ignores coefficients that cannot matter', () => {
    const fc = parseProblem('problem: {C: 2048, K: 1000}', 'a.yaml');
    expect(layerKey(fc)).toBe(layerKey({ ...fc, Wstride: 2, Hdilation: 3 }));
    const pointwise = parseProblem(FLAT, 'a.yaml');
    expect(layerKey(pointwise)).toBe(layerKey({ ...pointwise, Wdilation: 3 }));
  });
});

describe('nearestName', () => {
  it('prefers a case-insensitive match', () => {
    expect(nearestName('hstride', ['Hstride', 'Wstride'])).toBe('Hstride');
  });

  it('returns undefined when nothing is close', () => {
    expect(nearestName('banana', ['R', 'S', 'Hstride'])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts edits and adjacent swaps', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('cnov', 'conv')).toBe(1);
    expect(editDistance('Hstride', 'Hstride')).toBe(0);
  });
});
