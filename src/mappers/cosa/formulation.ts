// Assembles the CoSA mixed-integer program for one (architecture, layer, bypass pattern) and its
// objective: a weighted sum of compute (log of cycles), traffic (log of energy, linearized around
// an estimate of where the energy goes) and utilization (log of the buffered tiles).
import { DATA_SPACES, type Layer } from '../../workload/layer.js';
import type { Architecture } from '../../arch/types.js';
import type { KeepPattern, Objective } from '../types.js';
import type { ResolvedConstraints } from '../../mapping/constraints-resolve.js';
import { addCapacityLimits } from './capacity.js';
import { addMapspaceRows } from './mapspace-rows.js';
import { createProgram, logExtent, logTerms, relevantDimensions, sumTerms, type Program } from './placement.js';
import { addTraffic, type TrafficTerm } from './traffic.js';

/** Weights of the objective's three parts; all are dimensionless multipliers of natural logs. */
export interface ObjectiveWeights {
  /** Log of the cycle count, including bandwidth-bound levels. */
  compute: number;
  /** Log of the energy spent moving data, weighted by each access's share of the energy. */
  traffic: number;
  /** Log of the tile sizes held at capacity-limited levels (rewarded). */
  utilization: number;
}

/** A small weight on the secondary quantity breaks ties without trading the primary one away. */
export const OBJECTIVE_PRESETS: Record<Objective, ObjectiveWeights> = {
  latency: { compute: 1, traffic: 0.02, utilization: 0 },
  energy: { compute: 0.02, traffic: 1, utilization: 0 },
  edp: { compute: 1, traffic: 1, utilization: 0 },
};

export interface CosaProgram extends Program {
  /** Column of log(cycles). */
  latency: number;
  traffic: TrafficTerm[];
}

export function buildProgram(
  arch: Architecture,
  layer: Layer,
  keep: KeepPattern,
  weights: ObjectiveWeights,
  constraints?: ResolvedConstraints,
): CosaProgram {
  const program = createProgram(arch, layer, keep, constraints);
  addCapacityLimits(program);
  addMapspaceRows(program);
  const traffic = addTraffic(program);
  const latency = addLatency(program, traffic);

  const { model } = program;
  let offset = 0;
  model.addCost(latency, weights.compute);

  const shares = priorShares(traffic);
  traffic.forEach((term, index) => {
    const weight = weights.traffic * shares[index];
    if (weight === 0) return;
    for (const [column, coefficient] of term.terms) model.addCost(column, weight * coefficient);
    offset += weight * term.constant;
  });

  if (weights.utilization !== 0) {
    program.arch.levels.forEach((level, index) => {
      if (level.entries === undefined) return;
      for (const dataSpace of DATA_SPACES) {
        if (!keep[index][dataSpace]) continue;
        // Inputs count their P Q extents rather than the window, whose variable has no upper bound.
        const dimensions = dataSpace === 'Inputs' ? (['N', 'G', 'C', 'P', 'Q'] as const) : relevantDimensions(dataSpace);
        for (const dimension of dimensions) {
          for (const [column, coefficient] of logExtent(program, dimension, index)) model.addCost(column, -weights.utilization * coefficient);
        }
      }
    });
  }

  model.objectiveOffset = offset;
  return { ...program, latency, traffic };
}

/**
 * log(cycles) ≥ log(temporal iterations), and ≥ log(words per instance / bandwidth) at every
 * level with a bandwidth limit. Each data space is bounded separately, so a level that moves
 * several at once can be underestimated by up to 3x. The exact cost model judges the result.
 */
function addLatency(program: Program, traffic: TrafficTerm[]): number {
  const { model } = program;
  const latency = model.addVariable('log_cycles', 'continuous', 0, Infinity);
  const temporal = logTerms(program, (_, slot) => slot.kind === 'temporal');
  model.addGreaterEqual('cycles_compute', sumTerms([[latency, 1]], temporal.map(([column, coefficient]) => [column, -coefficient] as [number, number])), 0);

  traffic.forEach((term, index) => {
    const level = program.arch.levels[term.level];
    const bandwidth = term.kind === 'reads' ? level.readBandwidth : level.writeBandwidth;
    if (bandwidth === undefined) return;
    const perInstance = sumTerms(term.terms, term.instanceTerms.map(([column, coefficient]) => [column, -coefficient] as [number, number]));
    model.addGreaterEqual(
      `cycles_bandwidth_${index}`,
      sumTerms([[latency, 1]], perInstance.map(([column, coefficient]) => [column, -coefficient] as [number, number])),
      term.constant - Math.log(bandwidth),
    );
  });
  return latency;
}

/**
 * Weights each access count by its energy per word, normalized to sum 1: the first-order expansion
 * of log(energy) when every count is alike. NOTE: re-solving with the shares of the first solution's
 * evaluation lowered ResNet-50 / Simba network EDP by about 2% for twice the solve time, so it is not done.
 */
function priorShares(traffic: TrafficTerm[]): number[] {
  const total = traffic.reduce((sum, term) => sum + term.energyPerWordPJ, 0);
  return traffic.map((term) => (total > 0 ? term.energyPerWordPJ / total : 0));
}
