// The catalog of built-in networks, and user networks from a folder of problem files.
import { InputError } from '../../input-error.js';
import { unknownNameHint } from '../spelling.js';
import { bertBase } from './bert.js';
import { deepbench } from './deepbench.js';
import { mobilenetV2 } from './mobilenet-v2.js';
import { resnet50, resnext50_32x4d } from './resnet.js';
import type { Network, NetworkOptions } from './types.js';
import { alexnet, vgg16 } from './vgg-alexnet.js';

export type { Network, NetworkLayer, NetworkOptions } from './types.js';
export { loadNetworkFolder } from './folder.js';
export { networkMacCount } from './build.js';

const BUILDERS: Record<string, (batch: number) => Network> = {
  resnet50,
  alexnet,
  vgg16,
  resnext50_32x4d,
  mobilenet_v2: mobilenetV2,
  bert_base: bertBase,
  deepbench,
};

export const NETWORK_NAMES: readonly string[] = Object.keys(BUILDERS);

/** Short names in common use, keyed by their normalized form. */
const ALIASES: Record<string, string> = {
  resnext50: 'resnext50_32x4d',
  bert: 'bert_base',
};

/** Lower case without '-' and '_', so `ResNet-50`, `resnet_50` and `resnet50` all match. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/**
 * Builds a built-in network at the given batch size (default 1). Throws an InputError, with
 * file `networks`, for an unknown name or a batch that is not a positive integer.
 */
export function getNetwork(name: string, options: NetworkOptions = {}): Network {
  const batch = options.batch ?? 1;
  if (!Number.isSafeInteger(batch) || batch < 1) {
    throw new InputError('networks', 'batch', batch, 'must be a positive integer');
  }

  const normalized = normalize(name);
  const key = ALIASES[normalized] ?? NETWORK_NAMES.find((candidate) => normalize(candidate) === normalized);
  if (key === undefined) {
    throw new InputError('networks', 'network', name, unknownNameHint('network', name, NETWORK_NAMES));
  }
  return BUILDERS[key](batch);
}
