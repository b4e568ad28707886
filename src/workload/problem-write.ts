// Writing a Layer as a Timeloop problem file, such as the padded layer that `schedule --padding`
// maps, so that the mapping and its problem can be evaluated together.
import { stringify } from 'yaml';

import type { Layer } from './layer.js';

/**
 * Writes `layer` in the flat layout (`problem: {R: ..., shape: cnn-layer}`) that timeloop-model and
 * parseProblem read. A grouped layer is written as Timeloop models it, with C per group and no G,
 * so a padded K need not be a multiple of the group count.
 */
export function writeProblemYaml(layer: Layer): string {
  const problem: Record<string, number | string> = {
    R: layer.R,
    S: layer.S,
    P: layer.P,
    Q: layer.Q,
    C: layer.C,
    K: layer.K,
    N: layer.N,
    Wstride: layer.Wstride,
    Hstride: layer.Hstride,
    Wdilation: layer.Wdilation,
    Hdilation: layer.Hdilation,
    shape: 'cnn-layer',
  };
  return stringify({ problem });
}
