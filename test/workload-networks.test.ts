import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/input-error.js';
import { macCount } from '../src/workload/layer.js';
import { layerKey } from '../src/workload/layer-spec.js';
import { getNetwork, NETWORK_NAMES, networkMacCount } from '../src/workload/networks/index.js';
import { loadProblem } from '../src/workload/problem.js';
import { HAVE_REFERENCE, REFERENCE_DIR } from './reference.js';

/**
 * Published MAC counts at batch 1 (multiply-accumulates, not FLOPs = 2 × MACs):
 * - ResNet-50 v1.5: 4.09 G (torchvision model card, "GFLOPS 4.09"), FC included.
 * - AlexNet (torchvision, single tower): 0.714 G (torchvision lists 0.71).
 * - VGG-16: 15.47 G (torchvision lists 15.47).
 * - ResNeXt-50 32x4d: 4.23 G in torchvision's card, 4.2 G in the ResNeXt paper (Table 1);
 *   4.26 G is also quoted, and both are within the 2 % tolerance.
 * - MobileNet-V2: 300 M (Sandler et al. 2018, Table 4; torchvision lists 0.30).
 * - BERT-base at sequence length 512: 48,318,382,080, derived in bert.ts from the layer sizes.
 */
const PUBLISHED_MACS: Record<string, number> = {
  resnet50: 4.09e9,
  alexnet: 0.714e9,
  vgg16: 15.47e9,
  resnext50_32x4d: 4.26e9,
  mobilenet_v2: 0.3e9,
};

describe('network catalog', () => {
  it('lists every network', () => {
    expect([...NETWORK_NAMES].sort()).toEqual(
      ['alexnet', 'bert_base', 'deepbench', 'mobilenet_v2', 'resnet50', 'resnext50_32x4d', 'vgg16'],
    );
  });

  it.each(Object.entries(PUBLISHED_MACS))('%s matches its published MAC count', (name, published) => {
    const macs = networkMacCount(getNetwork(name));
    expect(Math.abs(macs - published) / published).toBeLessThan(0.02);
  });

  it('resnext50_32x4d is within 2 % of torchvision', () => {
    const macs = networkMacCount(getNetwork('resnext50_32x4d'));
    expect(Math.abs(macs - 4.23e9) / 4.23e9).toBeLessThan(0.02);
  });

  it('bert_base matches the derived count', () => {
    expect(networkMacCount(getNetwork('bert_base'))).toBe(48_318_382_080);
  });

  it.each(NETWORK_NAMES.map((name) => [name]))('%s scales linearly with batch', (name) => {
    const one = networkMacCount(getNetwork(name));
    expect(networkMacCount(getNetwork(name, { batch: 4 }))).toBe(4 * one);
    expect(networkMacCount(getNetwork(name, { batch: 3 }))).toBe(3 * one);
  });

  it.each(NETWORK_NAMES.map((name) => [name]))('%s has named, distinct, valid layers', (name) => {
    const network = getNetwork(name);
    expect(network.name).toBe(name);
    expect(network.layers.length).toBeGreaterThan(0);

    const names = network.layers.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    const keys = network.layers.map((entry) => layerKey(entry.layer));
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of network.layers) {
      expect(entry.name.length).toBeGreaterThan(0);
      expect(Number.isInteger(entry.repeats)).toBe(true);
      expect(entry.repeats).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(macCount(entry.layer))).toBe(true);
    }
  });

  it('accepts other spellings of a name', () => {
    expect(getNetwork('ResNet-50').name).toBe('resnet50');
    expect(getNetwork('MobileNet_V2').name).toBe('mobilenet_v2');
    expect(getNetwork('ResNeXt-50').name).toBe('resnext50_32x4d');
    expect(getNetwork('BERT').name).toBe('bert_base');
  });

  it('rejects an unknown name listing valid names', () => {
    let error: unknown;
    try {
      getNetwork('resnet101');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).value).toBe('resnet101');
    for (const name of NETWORK_NAMES) expect((error as InputError).message).toContain(name);
  });

  it('suggests a close network name', () => {
    expect(() => getNetwork('alexnte')).toThrow('did you mean alexnet?');
  });

  it.each([0, -1, 1.5])('rejects batch %s', (batch) => {
    expect(() => getNetwork('alexnet', { batch })).toThrow(InputError);
  });
});

describe('network shapes', () => {
  it('resnet50 has 53 convolutions and one FC', () => {
    const network = getNetwork('resnet50');
    const total = network.layers.reduce((sum, entry) => sum + entry.repeats, 0);
    expect(total).toBe(54);

    const fc = network.layers.find((entry) => entry.name === 'fc');
    expect(fc?.layer).toMatchObject({ R: 1, S: 1, P: 1, Q: 1, C: 2048, K: 1000, N: 1 });
  });

  it('resnet50 puts the stride on the 3x3', () => {
    const conv2 = getNetwork('resnet50').layers.find((entry) => entry.name === 'layer2.0.conv2');
    expect(conv2?.layer).toMatchObject({ R: 3, S: 3, P: 28, Q: 28, C: 128, K: 128, Wstride: 2, Hstride: 2 });
    const conv1 = getNetwork('resnet50').layers.find((entry) => entry.name === 'layer2.0.conv1');
    expect(conv1?.layer).toMatchObject({ R: 1, P: 56, C: 256, K: 128, Wstride: 1 });
  });

  it('resnext50 groups its 3x3 convolutions by 32', () => {
    const grouped = getNetwork('resnext50_32x4d').layers.filter((entry) => entry.layer.G > 1);
    expect(grouped.length).toBeGreaterThan(0);
    for (const entry of grouped) {
      expect(entry.layer.G).toBe(32);
      expect(entry.layer.R).toBe(3);
      expect(entry.layer.C).toBe(entry.layer.K);
    }
    expect(grouped.reduce((sum, entry) => sum + entry.repeats, 0)).toBe(16);
  });

  it('mobilenet_v2 has depthwise layers with C = K = 1', () => {
    const depthwise = getNetwork('mobilenet_v2').layers.filter((entry) => entry.layer.G > 1);
    expect(depthwise.reduce((sum, entry) => sum + entry.repeats, 0)).toBe(17);
    for (const entry of depthwise) {
      expect(entry.layer.C).toBe(1);
      expect(entry.layer.K).toBe(1);
    }
  });

  it('vgg16 has 13 convolutions and 3 FC layers', () => {
    const layers = getNetwork('vgg16').layers;
    const count = (filter: (r: number) => boolean) =>
      layers.filter((entry) => filter(entry.layer.R)).reduce((sum, entry) => sum + entry.repeats, 0);
    expect(count((r) => r === 3)).toBe(13);
    expect(count((r) => r === 1)).toBe(3);
  });

  it('alexnet has 5 convolutions and 3 FC layers', () => {
    const layers = getNetwork('alexnet').layers;
    expect(layers.filter((entry) => entry.layer.R > 1)).toHaveLength(5);
    expect(layers.filter((entry) => entry.layer.R === 1)).toHaveLength(3);
    expect(layers[0].layer).toMatchObject({ R: 11, P: 55, C: 3, K: 64, Wstride: 4 });
  });

  it('bert_base encodes tokens in N and scales attention repeats with batch', () => {
    const layers = getNetwork('bert_base', { batch: 2 }).layers;
    const ffnUp = layers.find((entry) => entry.name.includes('FFN up'));
    expect(ffnUp?.layer).toMatchObject({ C: 768, K: 3072, N: 1024 });
    expect(ffnUp?.repeats).toBe(12);
    const scores = layers.find((entry) => entry.name.includes('scores'));
    expect(scores?.layer).toMatchObject({ C: 64, K: 512, N: 512 });
    expect(scores?.repeats).toBe(12 * 12 * 2);
  });

  it('deepbench has a 700x161 layer and stride larger than kernel', () => {
    const layers = getNetwork('deepbench').layers.map((entry) => entry.layer);
    expect(layers.some((layer) => layer.P === 700 && layer.Q === 161)).toBe(true);
    expect(layers.filter((layer) => layer.Wstride > layer.R).length).toBeGreaterThanOrEqual(3);
  });
});

describe.skipIf(!HAVE_REFERENCE)('reference layers in the catalog', () => {
  // Reference layer names start with the network they come from. Timeloop's problem files
  // give the grouped ResNeXt layer as cnn-layer does, with C per group, K over all groups and no G.
  const networkOfPrefix: Record<string, string> = {
    alexnet: 'alexnet',
    deepbench: 'deepbench',
    resnet50: 'resnet50',
    resnext50: 'resnext50_32x4d',
  };
  const rows = HAVE_REFERENCE ? readFileSync(join(REFERENCE_DIR, 'index.tsv'), 'utf8').trim().split('\n').slice(1) : [];
  const cases = new Map(rows.map((row) => {
    const [caseId, , layerName] = row.split('\t');
    return [layerName, caseId];
  }));
  const checked = [...cases].filter(([layerName]) => layerName.split('-')[0] in networkOfPrefix);

  it('finds reference layers to check', () => {
    expect(checked.length).toBeGreaterThanOrEqual(18);
  });

  it.each(checked)('%s is in its network', (layerName, caseId) => {
    const reference = loadProblem(join(REFERENCE_DIR, 'cases', caseId, 'problem.yaml'));
    const network = getNetwork(networkOfPrefix[layerName.split('-')[0]]);
    const keys = network.layers.map((entry) => layerKey({ ...entry.layer, K: entry.layer.K * entry.layer.G, G: 1 }));
    expect(keys).toContain(layerKey(reference));
  });
});
