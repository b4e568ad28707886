// Writing a Layer as a Timeloop problem file, such as the padded layer that `schedule --padding`
// maps, so that the mapping and its problem can be evaluated together.
import { stringify } from 'yaml';

import { groupedShapeYaml } from './grouped-shape.js';
import type { Layer } from './layer.js';

/**
 * Writes `layer` as a problem file that timeloop-model and parseProblem read. A layer with G = 1
 * is written in the flat cnn-layer layout (`problem: {R: ..., shape: cnn-layer}`). A grouped layer
 * declares the grouped shape inline, since cnn-layer has no G, and gives C and K per group.
 */
export function writeProblemYaml(layer: Layer): string {
  const dimensions = {
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
  };
  if (layer.G === 1) return stringify({ problem: { ...dimensions, shape: 'cnn-layer' } });

  const instance = stringify({ instance: { ...dimensions, G: layer.G } })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => `  ${line}\n`)
    .join('');
  return `problem:\n${groupedShapeYaml('  ')}${instance}`;
}
