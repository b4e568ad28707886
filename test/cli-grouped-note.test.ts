import { describe, expect, it } from 'vitest';

import { groupedLayersNote } from '../src/cli/grouped-note.js';
import { getNetwork } from '../src/workload/networks/index.js';

describe('groupedLayersNote', () => {
  it('names the largest G of MobileNet-V2', () => {
    const layers = getNetwork('mobilenet_v2').layers;
    const grouped = layers.filter((entry) => entry.layer.groups > 1).length;
    expect(grouped).toBeGreaterThan(1);
    expect(groupedLayersNote(layers)).toMatch(new RegExp(`^note: ${grouped} layers have G > 1 \\(up to 960\\);`));
  });

  it('names a single grouped layer', () => {
    const [first] = getNetwork('mobilenet_v2').layers.filter((entry) => entry.layer.groups > 1);
    expect(groupedLayersNote([first])).toContain(`${first.name} has G = ${first.layer.groups};`);
  });

  it('stays silent without grouped layers', () => {
    expect(groupedLayersNote(getNetwork('resnet50').layers)).toBeUndefined();
  });
});
