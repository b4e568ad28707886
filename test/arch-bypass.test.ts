// Keep patterns: the default and Timeloop mapspace constraint files in their several layouts.
import { describe, expect, it } from 'vitest';
import { defaultKeep, parseMapspaceKeep, type KeepPattern } from '../src/arch/bypass.js';
import { inputError } from './input-error-helper.js';

const SIMBA_LEVELS = [
  { name: 'Registers', entries: 1 },
  { name: 'AccumulationBuffer', entries: 64 },
  { name: 'WeightBuffer', entries: 16384 },
  { name: 'InputBuffer', entries: 4096 },
  { name: 'GlobalBuffer', entries: 65536 },
  { name: 'DRAM', entries: undefined },
];
const SIMBA = { levels: SIMBA_LEVELS };

/** Kept data spaces per level, in a form that reads well in failures. */
function kept(pattern: KeepPattern): string[][] {
  return pattern.map((level) => Object.entries(level).filter(([, isKept]) => isKept).map(([name]) => name));
}

const SIMBA_CONSTRAINTS = `
  - target: Registers
    type: datatype
    keep: [Weights]
    bypass: [Inputs, Outputs]
  - target: AccumulationBuffer
    type: datatype
    keep: [Outputs]
    bypass: [Weights, Inputs]
  - target: WeightBuffer
    type: datatype
    keep: [Weights]
    bypass: [Inputs, Outputs]
  - target: InputBuffer
    type: bypass
    keep: [Inputs]
    bypass: [Weights, Outputs]
  - target: GlobalBuffer
    type: datatype
    keep: [Inputs, Outputs]
    bypass: [Weights]
  - target: GlobalBuffer
    type: temporal
    factors: R1 S1
`;

const SIMBA_KEPT = [['Weights'], ['Outputs'], ['Weights'], ['Inputs'], ['Inputs', 'Outputs'], ['Weights', 'Inputs', 'Outputs']];

describe('defaultKeep', () => {
  it('keeps everything except at 0-entry levels', () => {
    const pattern = defaultKeep({ levels: [{ name: 'A', entries: 4 }, { name: 'Dummy', entries: 0 }, { name: 'DRAM', entries: undefined }] });
    expect(kept(pattern)).toEqual([['Weights', 'Inputs', 'Outputs'], [], ['Weights', 'Inputs', 'Outputs']]);
  });
});

describe('parseMapspaceKeep layouts', () => {
  it('reads mapspace.constraints', () => {
    expect(kept(parseMapspaceKeep(`mapspace:\n  constraints:${SIMBA_CONSTRAINTS}`, 'm.yaml', SIMBA))).toEqual(SIMBA_KEPT);
  });

  it('follows a named constraint list', () => {
    const text = `mapspace:\n  constraints: simba\n  constraints_simba:${SIMBA_CONSTRAINTS}`;
    expect(kept(parseMapspaceKeep(text, 'm.yaml', SIMBA))).toEqual(SIMBA_KEPT);
  });

  it('rejects a constraints field that is neither a list nor a name', () => {
    expect(() => parseMapspaceKeep('mapspace:\n  constraints: 5\n', 'm.yaml', SIMBA)).toThrow(/mapspace\.constraints = 5: expected a list of constraints, or the NAME/);
  });

  it('reads mapspace_constraints as a list and with targets', () => {
    expect(kept(parseMapspaceKeep(`mapspace_constraints:${SIMBA_CONSTRAINTS}`, 'm.yaml', SIMBA))).toEqual(SIMBA_KEPT);
    expect(kept(parseMapspaceKeep(`mapspace_constraints:\n  targets:${SIMBA_CONSTRAINTS}`, 'm.yaml', SIMBA))).toEqual(SIMBA_KEPT);
  });

  it('reads a top-level constraints list', () => {
    expect(kept(parseMapspaceKeep(`constraints:${SIMBA_CONSTRAINTS}`, 'm.yaml', SIMBA))).toEqual(SIMBA_KEPT);
  });

  it('reads constraints nested under a target', () => {
    const text = `
mapspace:
  targets:
  - target: Registers
    constraints:
    - {type: datatype, keep: [Weights], bypass: [Inputs, Outputs]}
    - {type: temporal, factors: R1}
  - target: GlobalBuffer
    constraints:
    - {type: datatype, bypass: [Weights]}
`;
    expect(kept(parseMapspaceKeep(text, 'm.yaml', SIMBA))).toEqual([
      ['Weights'],
      ['Weights', 'Inputs', 'Outputs'],
      ['Weights', 'Inputs', 'Outputs'],
      ['Weights', 'Inputs', 'Outputs'],
      ['Inputs', 'Outputs'],
      ['Weights', 'Inputs', 'Outputs'],
    ]);
  });

  it('leaves a 0-entry level keeping nothing', () => {
    const levels = { levels: [{ name: 'RF', entries: 8 }, { name: 'DummyBuffer', entries: 0 }, { name: 'DRAM', entries: undefined }] };
    const text = 'mapspace:\n  constraints:\n  - {target: DummyBuffer, type: datatype, bypass: [Inputs]}';
    expect(kept(parseMapspaceKeep(text, 'm.yaml', levels))[1]).toEqual([]);
  });
});

describe('parseMapspaceKeep errors', () => {
  it('names an unknown target with the nearest level', () => {
    const error = inputError(() =>
      parseMapspaceKeep('mapspace:\n  constraints:\n  - {target: GlobalBufer, type: datatype, keep: [Inputs]}', 'm.yaml', SIMBA),
    );
    expect(error.field).toBe('mapspace.constraints[0].target');
    expect(error.message).toContain('did you mean GlobalBuffer?');
  });

  it('names an unknown data space', () => {
    const error = inputError(() =>
      parseMapspaceKeep('mapspace:\n  constraints:\n  - {target: DRAM, type: datatype, keep: [Weight]}', 'm.yaml', SIMBA),
    );
    expect(error.message).toContain('did you mean Weights?');
  });

  it('rejects a data space both kept and bypassed', () => {
    const error = inputError(() =>
      parseMapspaceKeep('mapspace:\n  constraints:\n  - {target: DRAM, type: datatype, keep: [Inputs], bypass: [Inputs]}', 'm.yaml', SIMBA),
    );
    expect(error.value).toBe('Inputs');
  });

  it('rejects keeping data in a 0-entry level', () => {
    const levels = { levels: [{ name: 'Dummy', entries: 0 }] };
    const error = inputError(() => parseMapspaceKeep('constraints:\n- {target: Dummy, type: datatype, keep: [Inputs]}', 'm.yaml', levels));
    expect(error.message).toContain('0 entries');
  });

  it('rejects a file without constraints', () => {
    expect(inputError(() => parseMapspaceKeep('problem: {}', 'm.yaml', SIMBA)).field).toBe('mapspace');
  });
});
