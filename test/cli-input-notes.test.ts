import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { areasFromLibraryNote } from '../src/cli/input-notes.js';

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
