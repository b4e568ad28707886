// Architecture files to `Architecture`: the structure from the architecture file, energies and
// areas from an Accelergy ERT/ART when one is given, otherwise from the hw-library models.
import { readTextFile } from '../workload/yaml-input.js';
import { componentArea, macEnergy, parseEnergyTables, storageEnergies, type EnergyTables } from './ert.js';
import { estimateArithmetic, estimateStorage } from './hw-library.js';
import { parseArchitectureSpec } from './parse.js';
import type { ArchitectureSpec } from './spec.js';
import type { Architecture, StorageLevel } from './types.js';

export interface LoadOptions {
  /** ERT (and optionally ART) file; without it energies and areas come from hw-library. */
  ertPath?: string;
  /** Architecture name; defaults to the file name without its extension. */
  name?: string;
}

export function loadArchitecture(archPath: string, options: LoadOptions = {}): Architecture {
  const ert = options.ertPath === undefined ? undefined : { text: readTextFile(options.ertPath), file: options.ertPath };
  return parseArchitecture(readTextFile(archPath), archPath, ert, options.name);
}

/** Parse architecture text, with ERT/ART text if given (a bare string is reported as `<file> ERT`). */
export function parseArchitecture(
  text: string,
  file: string,
  ert?: string | { text: string; file: string },
  name?: string,
): Architecture {
  const spec = parseArchitectureSpec(text, file, name);
  const ertSource = typeof ert === 'string' ? { text: ert, file: `${file} ERT` } : ert;
  const tables = ertSource === undefined ? undefined : { tables: parseEnergyTables(ertSource.text, ertSource.file), file: ertSource.file };
  return resolveArchitecture(spec, file, tables);
}

/**
 * Attach energies and areas to a parsed architecture. With tables, each component must have an
 * ERT entry; areas come from the ART, or from hw-library when the file has no ART section.
 */
export function resolveArchitecture(
  spec: ArchitectureSpec,
  archFile: string,
  energy?: { tables: EnergyTables; file: string },
): Architecture {
  const { type: _arithmeticType, className: _arithmeticClass, ...arithmetic } = spec.arithmetic;
  const areas = energy?.tables.areas;

  const levels = spec.levels.map((levelSpec): StorageLevel => {
    const { type: _type, className: _className, ...level } = levelSpec;
    const estimate = energy === undefined || areas === undefined ? estimateStorage(levelSpec, archFile) : undefined;
    const energies = energy === undefined ? estimate! : storageEnergies(levelSpec, energy.tables, energy.file);
    const areaUm2 =
      areas === undefined ? estimate!.areaUm2 : componentArea(levelSpec.name, areas, energy!.file, levelSpec.entries);
    return {
      ...level,
      readEnergyPJ: energies.readEnergyPJ,
      fillEnergyPJ: energies.fillEnergyPJ,
      updateEnergyPJ: energies.updateEnergyPJ,
      areaUm2,
    };
  });

  const arithmeticEstimate = energy === undefined || areas === undefined ? estimateArithmetic(spec.arithmetic, archFile) : undefined;
  return {
    name: spec.name,
    arithmetic: {
      ...arithmetic,
      macEnergyPJ: energy === undefined ? arithmeticEstimate!.macEnergyPJ : macEnergy(spec.arithmetic, energy.tables, energy.file),
      areaUm2: areas === undefined ? arithmeticEstimate!.areaUm2 : componentArea(spec.arithmetic.name, areas, energy!.file),
    },
    levels,
  };
}
