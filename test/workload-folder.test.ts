import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/input-error.js';
import { loadNetworkFolder, networkMacCount } from '../src/workload/networks/index.js';

const root = mkdtempSync(join(tmpdir(), 'workload-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folderCount = 0;

/** Creates a fresh folder containing `files` (name → text). */
function folder(files: Record<string, string>): string {
  folderCount += 1;
  const dir = join(root, `net${folderCount}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

const CONV = 'problem: {R: 3, S: 3, P: 14, Q: 14, C: 256, K: 256}\n';
const FC = 'problem: {name: classifier, C: 2048, K: 1000}\n';

describe('loadNetworkFolder', () => {
  it('loads every problem file once, sorted by file name', () => {
    const dir = folder({ 'b_conv.yaml': CONV, 'a_fc.yml': FC, 'notes.txt': 'ignored' });
    const network = loadNetworkFolder(dir);
    expect(network.name).toBe(`net${folderCount}`);
    expect(network.layers.map((entry) => [entry.name, entry.repeats])).toEqual([
      ['classifier', 1],
      ['b_conv', 1],
    ]);
    expect(network.layers[1].layer.K).toBe(256);
  });

  it('reads repeat counts from repeats.yaml', () => {
    const dir = folder({ 'conv.yaml': CONV, 'fc.yaml': FC, 'repeats.yaml': 'conv: 6\nfc.yaml: 2\n' });
    const network = loadNetworkFolder(dir);
    expect(network.layers.map((entry) => entry.repeats)).toEqual([6, 2]);
    expect(networkMacCount(network)).toBe(6 * 9 * 14 * 14 * 256 * 256 + 2 * 2048 * 1000);
  });

  it('rejects repeats beyond exact totals', () => {
    const dir = folder({ 'conv.yaml': CONV, 'repeats.yaml': 'conv: 1000000000000\n' });
    expect(() => loadNetworkFolder(dir)).toThrow(/repeats\.yaml: conv = 1000000000000: times the layer's 115605504 MACs exceeds 2\^53/);
  });

  it('keeps identical shapes as separate entries', () => {
    const dir = folder({ 'one.yaml': CONV, 'two.yaml': CONV });
    expect(loadNetworkFolder(dir).layers).toHaveLength(2);
  });

  it('follows a CoSA layers.yaml list', () => {
    const dir = folder({
      'conv.yaml': CONV,
      'conv.pad.yaml': CONV,
      'fc.yaml': FC,
      'layers.yaml': '- conv\n- fc\n- conv\n',
      'unique_layers.yaml': '- conv\n- fc\n',
    });
    const network = loadNetworkFolder(dir);
    expect(network.layers.map((entry) => [entry.name, entry.repeats])).toEqual([
      ['conv', 2],
      ['classifier', 1],
    ]);
  });

  it('rejects a repeat count for an unknown file', () => {
    const dir = folder({ 'conv.yaml': CONV, 'repeats.yaml': 'cnov: 3\n' });
    const error = inputErrorOf(() => loadNetworkFolder(dir));
    expect(error.file).toBe(join(dir, 'repeats.yaml'));
    expect(error.field).toBe('cnov');
    expect(error.message).toContain('did you mean conv?');
  });

  it.each(['0', '1.5', 'many'])('rejects repeat count %s', (count) => {
    const dir = folder({ 'conv.yaml': CONV, 'repeats.yaml': `conv: ${count}\n` });
    const error = inputErrorOf(() => loadNetworkFolder(dir));
    expect(error.field).toBe('conv');
    expect(error.message).toContain('positive integer');
  });

  it('names the bad problem file', () => {
    const dir = folder({ 'conv.yaml': CONV, 'bad.yaml': 'problem: {HStride: 2}\n' });
    const error = inputErrorOf(() => loadNetworkFolder(dir));
    expect(error.file).toBe(join(dir, 'bad.yaml'));
    expect(error.message).toContain('did you mean Hstride?');
  });

  it('rejects an empty folder', () => {
    const error = inputErrorOf(() => loadNetworkFolder(folder({ 'repeats.yaml': '{}\n' })));
    expect(error.field).toBe('folder');
  });

  it('rejects a missing folder', () => {
    const error = inputErrorOf(() => loadNetworkFolder(join(root, 'absent')));
    expect(error.message).toContain('not found');
  });

  it('rejects a file given as folder', () => {
    const dir = folder({ 'conv.yaml': CONV });
    const error = inputErrorOf(() => loadNetworkFolder(join(dir, 'conv.yaml')));
    expect(error.field).toBe('folder');
  });

  it('rejects an unknown entry in layers.yaml', () => {
    const dir = folder({ 'conv.yaml': CONV, 'layers.yaml': '- conv\n- fc\n' });
    const error = inputErrorOf(() => loadNetworkFolder(dir));
    expect(error.field).toBe('layers[1]');
  });
});
