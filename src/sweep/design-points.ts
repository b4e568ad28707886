// Expanding a spec's grid into design points, each with its resolved architecture and keep pattern.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { defaultKeep, parseMapspaceKeep } from '../arch/bypass.js';
import { parseMapspaceConstraints, type MappingConstraints } from '../arch/constraints.js';
import { buildDesign } from '../arch/designs.js';
import { parseEnergyTables } from '../arch/ert.js';
import { resolveArchitecture } from '../arch/load.js';
import { parseArchitectureSpec } from '../arch/parse.js';
import type { ArchitectureSpec } from '../arch/spec.js';
import { fanoutProblem, type Architecture } from '../arch/types.js';
import { InputError } from '../input-error.js';
import { readTextFile } from '../workload/yaml-input.js';
import type { KeepPattern } from '../mappers/types.js';
import { canonicalJson } from './canonical-json.js';
import type { GridValue, SweepSpec } from './spec.js';
import { WhereError } from './where.js';

export interface DesignPoint {
  /** Position in grid order among the points that passed the filter; stable for a given spec. */
  index: number;
  /** Every parameter of the point: for a design, its defaults overridden by the grid values. */
  parameters: Record<string, GridValue>;
  architecture: Architecture;
  keep: KeepPattern;
  /** The mapspace file's factor, loop-order and utilization constraints; absent when it has none. */
  constraints?: MappingConstraints;
  /** Instances x area per instance, summed over the arithmetic and the storage levels. */
  areaUm2: number;
  /** sha256 of the architecture, keep pattern and constraints (see pointKey). */
  key: string;
}

/**
 * Hashes what a design point models. Constraints join the hashed inputs only when there are any,
 * so a sweep without them keeps the keys it had before they were applied, and its stored results.
 */
export function pointKey(architecture: Architecture, keep: KeepPattern, constraints: MappingConstraints | undefined): string {
  const inputs = constraints === undefined ? { architecture, keep } : { architecture, keep, constraints };
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}

/**
 * Maximum design points of a sweep after the `where` filter. Planning a Simba point with its 8
 * AlexNet jobs took about 0.35 ms and 30 KB (Node 20, 2 cores), so this limit keeps planning under
 * a minute and a few GB; each point multiplies the jobs by the networks' layer shapes.
 */
export const MAX_DESIGN_POINTS = 100_000;

/** Maximum grid combinations the `where` filter runs on (each costs about 1 us and 200 bytes, estimated). */
export const MAX_GRID_COMBINATIONS = 10 * MAX_DESIGN_POINTS;

/** Number of combinations of the grid, before the `where` filter. */
export function gridSize(grid: SweepSpec['grid']): number {
  return grid.reduce((product, axis) => product * axis.values.length, 1);
}

/** Grid combinations in order: the first axis of the spec varies slowest. */
export function gridCombinations(grid: SweepSpec['grid']): Record<string, GridValue>[] {
  let combinations: Record<string, GridValue>[] = [{}];
  for (const { key, values } of grid) {
    combinations = combinations.flatMap((partial) => values.map((value) => ({ ...partial, [key]: value })));
  }
  return combinations;
}

export function architectureArea(arch: Architecture): number {
  let area = arch.arithmetic.instances * arch.arithmetic.areaUm2;
  for (const level of arch.levels) area += level.instances * level.areaUm2;
  return area;
}

/** Expands the grid, applies the `where` filter and builds every remaining design point. */
export function expandDesignPoints(spec: SweepSpec): DesignPoint[] {
  const axes = () => spec.grid.map((axis) => `${axis.values.length} ${axis.key}`).join(' x ');
  const size = gridSize(spec.grid);
  if (size > MAX_GRID_COMBINATIONS) {
    throw new InputError(spec.file, 'architecture.grid', `${size} combinations`, `${axes()} values exceed the limit of ${MAX_GRID_COMBINATIONS} combinations; use fewer values per parameter or split the grid into several specs`);
  }

  const selected: Record<string, GridValue>[] = [];
  for (const combination of gridCombinations(spec.grid)) {
    const parameters = spec.source.kind === 'design' ? { ...spec.source.defaults, ...combination } : combination;
    if (passesFilter(spec, parameters)) selected.push(parameters);
  }
  if (selected.length > MAX_DESIGN_POINTS) {
    const filtered = spec.where === undefined ? '' : `, of which ${selected.length} pass the filter,`;
    throw new InputError(spec.file, 'architecture.grid', `${size} combinations`, `${axes()} values${filtered} give more than the limit of ${MAX_DESIGN_POINTS} design points; narrow the grid with \`where:\`, use fewer values per parameter, or split it into several specs`);
  }

  const build = spec.source.kind === 'design' ? designBuilder(spec) : fileBuilder(spec);
  const points: DesignPoint[] = [];
  for (const parameters of selected) {
    const { architecture, keep, constraints } = build(parameters);
    const key = pointKey(architecture, keep, constraints);
    const point: DesignPoint = { index: points.length, parameters, architecture, keep, areaUm2: architectureArea(architecture), key };
    if (constraints !== undefined) point.constraints = constraints;
    points.push(point);
  }

  if (points.length === 0) {
    throw new InputError(spec.file, 'architecture.where', spec.where?.source, 'no design point passes the filter; relax it or widen the grid');
  }
  return points;
}

function passesFilter(spec: SweepSpec, parameters: Record<string, GridValue>): boolean {
  if (spec.where === undefined) return true;
  try {
    return spec.where.test(parameters);
  } catch (error) {
    if (!(error instanceof WhereError)) throw error;
    throw new InputError(spec.file, 'architecture.where', spec.where.source, `${error.message} at design point ${JSON.stringify(parameters)}`);
  }
}

type PointBuilder = (parameters: Record<string, GridValue>) => { architecture: Architecture; keep: KeepPattern; constraints?: MappingConstraints };

function designBuilder(spec: SweepSpec): PointBuilder {
  const design = (spec.source as { design: string }).design;
  return (parameters) => {
    try {
      return buildDesign(design, parameters);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // Name the grid field when the design rejects a single parameter, else the whole point.
      const parameter = error.field.startsWith('parameters.') ? error.field.slice('parameters.'.length) : undefined;
      if (parameter !== undefined && spec.grid.some((axis) => axis.key === parameter)) {
        throw new InputError(spec.file, `architecture.grid.${parameter}`, error.value, error.hint);
      }
      // The grid values name the point; the design's other parameters are its defaults.
      const point = Object.fromEntries(spec.grid.map((axis) => [axis.key, parameters[axis.key]]));
      throw new InputError(spec.file, 'architecture.grid', point, `design ${design} rejects this point: ${error.hint}`);
    }
  };
}

function fileBuilder(spec: SweepSpec): PointBuilder {
  if (spec.source.kind !== 'file') throw new Error('fileBuilder needs a file architecture');
  const { archPath, ertPath, mapspacePath } = spec.source;
  const base = parseArchitectureSpec(readTextFile(archPath), archPath);
  const tables = ertPath === undefined ? undefined : { tables: parseEnergyTables(readTextFile(ertPath), ertPath), file: ertPath };
  const resolvedBase = resolveArchitecture(base, archPath, tables);
  const mapspaceText = mapspacePath === undefined ? undefined : readFileSync(mapspacePath, 'utf8');
  const keep = mapspaceText === undefined ? defaultKeep(resolvedBase) : parseMapspaceKeep(mapspaceText, mapspacePath!, resolvedBase);
  // Every point has the base file's level names, which is all the constraints refer to.
  const constraints = mapspaceText === undefined ? undefined : parseMapspaceConstraints(mapspaceText, mapspacePath!, resolvedBase);

  for (const { key, values } of spec.grid) {
    const [target] = key.split('.');
    if (target !== 'arithmetic' && target !== base.arithmetic.name && !base.levels.some((level) => level.name === target)) {
      const names = ['arithmetic', ...base.levels.map((level) => level.name)];
      throw new InputError(spec.file, `architecture.grid.${key}`, values, `${archPath} has no level ${JSON.stringify(target)}; levels: ${names.join(', ')}`);
    }
  }

  // Energies and areas are resolved per point, so hw-library prices each grid value. An ERT gives
  // one energy per component whatever its size, so with an ERT only the structure changes.
  return (parameters) => {
    const architecture = resolveArchitecture(applyOverrides(base, parameters, spec.file), archPath, tables);
    checkFanouts(architecture, parameters, spec.file);
    checkKeptLevels(architecture, keep, parameters, spec.file);
    return { architecture, keep, constraints };
  };
}

/** Rejects a point where a grid value leaves no entries in a level that the bypass pattern makes keep data. */
function checkKeptLevels(arch: Architecture, keep: KeepPattern, parameters: Record<string, GridValue>, file: string): void {
  arch.levels.forEach((level, index) => {
    const keptDataSpaces = Object.entries(keep[index]).filter(([, keeps]) => keeps).map(([dataSpace]) => dataSpace);
    if (level.entries !== 0 || keptDataSpaces.length === 0) return;
    const key = `${level.name}.entries`;
    const field = key in parameters ? `architecture.grid.${key}` : 'architecture.grid';
    const value = key in parameters ? parameters[key] : parameters;
    throw new InputError(file, field, value, `level ${level.name} keeps ${keptDataSpaces.join(', ')} (by the mapspace file, or by default) and needs at least 1 entry; remove 0 from the grid or bypass the level in the mapspace file`);
  });
}

/**
 * Copies `base` with each `LEVEL.FIELD` parameter set. A 1-D level (meshX equal to instances)
 * stays 1-D when only its instances change.
 */
export function applyOverrides(base: ArchitectureSpec, parameters: Record<string, GridValue>, file: string): ArchitectureSpec {
  const arch = structuredClone(base);
  const oneDimensional = new Set<object>([arch.arithmetic, ...arch.levels].filter((unit) => unit.meshX === unit.instances));
  const meshXGiven = new Set<object>();

  for (const [key, value] of Object.entries(parameters)) {
    const [target, field] = key.split('.');
    const unit = target === 'arithmetic' || target === arch.arithmetic.name ? arch.arithmetic : arch.levels.find((level) => level.name === target);
    if (unit === undefined || !(field in unit)) {
      throw new InputError(file, `architecture.grid.${key}`, value, `level ${target} has no field ${field}`);
    }
    (unit as unknown as Record<string, GridValue>)[field] = value;
    if (field === 'meshX') meshXGiven.add(unit);
  }

  for (const unit of [arch.arithmetic, ...arch.levels]) {
    if (oneDimensional.has(unit) && !meshXGiven.has(unit)) unit.meshX = unit.instances;
    if (unit.instances < 1 || unit.meshX < 1 || unit.instances % unit.meshX !== 0) {
      throw new InputError(file, 'architecture.grid', parameters, `${unit.name}: instances = ${unit.instances} must be a positive multiple of meshX = ${unit.meshX}`);
    }
  }
  return arch;
}

/** Rejects a point whose fan-outs are not whole numbers. */
function checkFanouts(arch: Architecture, parameters: Record<string, GridValue>, file: string): void {
  const problem = fanoutProblem(arch);
  if (problem !== undefined) throw new InputError(file, 'architecture.grid', parameters, problem);
}
