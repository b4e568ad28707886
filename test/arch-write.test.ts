// Writing architectures back as Timeloop files: a round trip through the parser changes nothing but area precision.
import { describe, expect, it } from 'vitest';
import { buildDesign, DESIGN_NAMES } from '../src/arch/designs.js';
import { parseArchitecture } from '../src/arch/load.js';
import type { Architecture } from '../src/arch/types.js';
import { architectureToYaml, energyTablesToYaml } from '../src/arch/write.js';

/** Round areas to 32-bit floats, as Timeloop reads them from an ART. */
function withFloatAreas(arch: Architecture): Architecture {
  return {
    ...arch,
    arithmetic: { ...arch.arithmetic, areaUm2: Math.fround(arch.arithmetic.areaUm2) },
    levels: arch.levels.map((level) => ({ ...level, areaUm2: Math.fround(level.areaUm2) })),
  };
}

function roundTrip(arch: Architecture): Architecture {
  const ert = { text: energyTablesToYaml(arch), file: 'ert.yaml' };
  return parseArchitecture(architectureToYaml(arch), 'arch.yaml', ert, arch.name);
}

describe('architecture round trip', () => {
  it.each(DESIGN_NAMES)('%s defaults survive', (name) => {
    const { architecture } = buildDesign(name);
    expect(roundTrip(architecture)).toEqual(withFloatAreas(architecture));
  });

  it('keeps bandwidths and a separate update energy', () => {
    const { architecture } = buildDesign('simba', { dram_bandwidth: 12.5 });
    const levels = architecture.levels.map((level, index) => (index === 1 ? { ...level, updateEnergyPJ: level.fillEnergyPJ * 2 } : level));
    const changed = { ...architecture, levels };
    const result = roundTrip(changed);
    expect(result.levels[1].updateEnergyPJ).toBe(changed.levels[1].updateEnergyPJ);
    expect(result.levels.at(-1)!.readBandwidth).toBe(12.5);
    expect(result).toEqual(withFloatAreas(changed));
  });

  it('writes Timeloop flat keys', () => {
    const text = architectureToYaml(buildDesign('eyeriss').architecture);
    expect(text).toContain('technology: DRAM');
    expect(text).toContain('read_bandwidth: 2');
    expect(text).toContain('cluster-size: 1');
    expect(text).not.toContain('readEnergyPJ');
  });
});

describe('tree architectures written flat', () => {
  it('keep their technology names', () => {
    const tree = `
architecture:
  version: 0.3
  subtree:
  - name: system
    local:
    - {name: DRAM, class: DRAM, attributes: {word-bits: 8, block-size: 8}}
    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 64, word-bits: 8, block-size: 8}}
    - {name: "MAC[0..3]", class: intmac, attributes: {datawidth: 8}}
`;
    const arch = parseArchitecture(tree, 'tree.yaml');
    expect(arch.levels[0].technology).toBe('SRAM');
    expect(roundTrip(arch)).toEqual(withFloatAreas(arch));
  });
});
