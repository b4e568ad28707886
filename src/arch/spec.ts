// The architecture as read from a file, before energies and areas are attached: the fields of
// `Architecture` minus energies and areas, plus the component attributes the energy models need.
import type { Arithmetic, StorageLevel } from './types.js';

/** What an energy model needs to know about a component beyond the cost model's fields. */
export interface ComponentTraits {
  /** Component class from a v0.3 tree file (`SRAM`, `regfile`, `intmac`, ...); undefined in the flat format. */
  className: string | undefined;
  /**
   * The `type` attribute, when given: a DRAM standard for DRAM (`LPDDR4`, `DDR4`, `HBM2`) or a
   * number format for arithmetic (`int8`, `fp16`, `bf16`, ...). Timeloop ignores it.
   */
  type: string | undefined;
}

export type StorageLevelSpec = Omit<StorageLevel, 'readEnergyPJ' | 'fillEnergyPJ' | 'updateEnergyPJ' | 'areaUm2'> &
  ComponentTraits;

export type ArithmeticSpec = Omit<Arithmetic, 'macEnergyPJ' | 'areaUm2'> & ComponentTraits;

export interface ArchitectureSpec {
  name: string;
  arithmetic: ArithmeticSpec;
  /** Innermost first, as in `Architecture`. */
  levels: StorageLevelSpec[];
}
