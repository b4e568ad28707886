import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { areasFromLibraryNote, groupedLayersNote } from '../src/cli/input-notes.js';
import { getNetwork } from '../src/workload/networks/index.js';

describe('groupedLayersNote', () => {
  it('names the largest G of MobileNet-V2', () => {
    const layers = getNetwork('mobilenet_v2').layers;
    const grouped = layers.filter((entry) => entry.layer.G > 1).length;
    expect(grouped).toBeGreaterThan(1);
    expect(groupedLayersNote(layers)).toMatch(new RegExp(`^note: ${grouped} layers have G > 1 \\(up to 960\\);`));
  });

  it('names a single grouped layer', () => {
    const [first] = getNetwork('mobilenet_v2').layers.filter((entry) => entry.layer.G > 1);
    expect(groupedLayersNote([first])).toContain(`${first.name} has G = ${first.layer.G};`);
  });

  it('stays silent without grouped layers', () => {
    expect(groupedLayersNote(getNetwork('resnet50').layers)).toBeUndefined();
  });
});

describe('areasFromLibraryNote', () => {
  const example = join(import.meta.dirname, '..', 'examples', 'simba', 'ert.yaml');

  it('stays silent for an ERT with an ART', () => {
    expect(readFileSync(example, 'utf8')).toMatch(/^ART:/m);
    expect(areasFromLibraryNote(example)).toBeUndefined();
  });

  it('notes an ERT without an ART', () => {
    const ertOnly = join(mkdtempSync(join(tmpdir(), 'cosa-notes-')), 'ert.yaml');
    writeFileSync(ertOnly, readFileSync(example, 'utf8').replace(/^ART:[\s\S]*$/m, ''));
    expect(areasFromLibraryNote(ertOnly)).toContain('has no ART section, so areas come from the hw-library models');
  });
});
