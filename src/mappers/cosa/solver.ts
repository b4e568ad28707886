// Solves a LinearModel with HiGHS (npm `highs`, WebAssembly). The WebAssembly module is loaded and
// compiled once per thread and reused, because compiling it costs from 50 ms to about 2 s.
import { setFlagsFromString } from 'node:v8';

import * as highsPackage from 'highs';
import type { Highs } from 'highs';
import type { LinearModel } from './linear-model.js';

type HighsLoader = () => Promise<Highs>;

// The package's types describe a CommonJS module, so TypeScript (NodeNext) places the loader at
// `default.default`, while the ESM build that Node loads exports it as `default`.
const exported: unknown = highsPackage.default;
const highsLoader = (typeof exported === 'function' ? exported : (exported as { default: HighsLoader }).default) as HighsLoader;

let highsPromise: Promise<Highs> | undefined;

export interface HighsLoadOptions {
  /**
   * Compile all of HiGHS with V8's optimizing compiler before the first solve: about 1.6 s once,
   * after which solves run about 15% faster. Worth it for a thread that solves many layers.
   */
  optimizeUpfront?: boolean;
}

/**
 * Loads the thread's HiGHS runtime on first use and returns the cached one after; options count
 * only on the first call. V8 compiles WebAssembly lazily by default, function by function as they
 * are first called, which spread about 1.5 s of compilation over the first CoSA solves (24
 * ResNet-50 layers on Simba took 7.9 s lazily and 6.5 s eagerly; Node 20, 2 busy cores). Loading
 * therefore compiles the whole module up front, which takes about 50 ms with the baseline compiler.
 */
export function loadHighs(options: HighsLoadOptions = {}): Promise<Highs> {
  highsPromise ??= compileEagerly(options.optimizeUpfront === true);
  return highsPromise;
}

async function compileEagerly(optimize: boolean): Promise<Highs> {
  // V8 flags are process-wide, so they are reset to V8's defaults once this module is compiled. A
  // module that another thread compiles meanwhile is compiled eagerly too, which changes only its
  // start-up time.
  setFlagsFromString('--no-wasm-lazy-compilation');
  if (optimize) setFlagsFromString('--no-liftoff');
  try {
    return await highsLoader();
  } finally {
    setFlagsFromString('--wasm-lazy-compilation');
    if (optimize) setFlagsFromString('--liftoff');
  }
}

export interface SolveOptions {
  /** Relative MIP gap at which HiGHS stops (HiGHS option mip_rel_gap). */
  mipRelGap: number;
  timeLimitS: number;
}

export type SolveStatus = 'optimal' | 'time_limit' | 'infeasible' | 'no_incumbent' | 'error';

export interface SolveOutcome {
  status: SolveStatus;
  /** Column values of the incumbent; present for 'optimal' and 'time_limit'. */
  values?: Float64Array;
  objective?: number;
  /** Best proven lower bound on the objective. */
  bound?: number;
  gap?: number;
  /** Names of rows in HiGHS's irreducible infeasible subsystem, when it found one. */
  conflictRows?: string[];
  message?: string;
  seconds: number;
}

export async function solveModel(model: LinearModel, options: SolveOptions): Promise<SolveOutcome> {
  const highs = await loadHighs();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;

  const native = highs.createModel(model.toSparse());
  try {
    // Presolve and symmetry detection stay at their defaults (on): turning either off made
    // CoSA-sized models about 3x slower with highs 1.15.
    native.options.set({ output_flag: false, mip_rel_gap: options.mipRelGap, time_limit: options.timeLimitS });
    native.run();

    const codes = highs.constants.modelStatus;
    const status = native.getModelStatus();
    if (status === codes.infeasible || status === codes.unboundedOrInfeasible) {
      return { status: 'infeasible', conflictRows: conflictRows(native, model), seconds: seconds() };
    }

    // A time limit without an incumbent still reports primal values (all zero) but an infinite
    // objective, so the objective decides whether a solution exists.
    const objective = native.getObjectiveValue();
    const hasIncumbent = Number.isFinite(objective) && Math.abs(objective) < highs.infinity;
    const solved = status === codes.optimal;
    const limited = status === codes.timeLimit || status === codes.interrupted || status === codes.iterationLimit || status === codes.solutionLimit;
    if (!solved && !limited) {
      return { status: 'error', message: `HiGHS stopped with model status ${status}`, seconds: seconds() };
    }
    if (!hasIncumbent) return { status: 'no_incumbent', seconds: seconds() };

    const bound = Number(native.info.get('mip_dual_bound'));
    const gap = Number(native.info.get('mip_gap'));
    return {
      status: solved ? 'optimal' : 'time_limit',
      values: native.getSolution().colValue,
      objective,
      bound: Number.isFinite(bound) ? bound : undefined,
      gap: Number.isFinite(gap) ? gap : undefined,
      seconds: seconds(),
    };
  } finally {
    native.dispose();
  }
}

/**
 * Row names of an irreducible infeasible subsystem of the LP relaxation, or undefined when HiGHS
 * finds none (for example when only the integrality makes the program infeasible).
 */
function conflictRows(native: ReturnType<Highs['createModel']>, model: LinearModel): string[] | undefined {
  try {
    // Strategy 2 searches the LP relaxation; the default finds nothing for a MIP in highs 1.15.
    native.options.set('iis_strategy', 2);
    const iis = native.getIis();
    const names = [...iis.rowIndex].map((row) => model.rows[row]?.name).filter((name): name is string => name !== undefined);
    return names.length > 0 ? names : undefined;
  } catch {
    // The IIS only improves the message, so an infeasible verdict is kept without it.
    return undefined;
  }
}
