// MobileNet-V2 (width 1.0) at 224x224, as torchvision builds it. Depthwise convolutions are
// grouped convolutions with groups = channels, so each Layer has C = K = 1 and G = channels.
import { conv, gemm, mergeIdentical } from './build.js';
import type { Network, NetworkLayer } from './types.js';

/** Inverted residual settings from the MobileNet-V2 paper (Sandler et al. 2018, Table 2). */
const SETTINGS: { expansion: number; channels: number; blocks: number; stride: number }[] = [
  { expansion: 1, channels: 16, blocks: 1, stride: 1 },
  { expansion: 6, channels: 24, blocks: 2, stride: 2 },
  { expansion: 6, channels: 32, blocks: 3, stride: 2 },
  { expansion: 6, channels: 64, blocks: 4, stride: 2 },
  { expansion: 6, channels: 96, blocks: 3, stride: 1 },
  { expansion: 6, channels: 160, blocks: 3, stride: 2 },
  { expansion: 6, channels: 320, blocks: 1, stride: 1 },
];

export function mobilenetV2(batch: number): Network {
  const layers: NetworkLayer[] = [
    conv('features.0.0', { kernel: 3, stride: 2, inChannels: 3, outChannels: 32, outSize: 112 }, batch),
  ];

  let inChannels = 32;
  let size = 112;
  let featureIndex = 1;
  for (const setting of SETTINGS) {
    for (let block = 0; block < setting.blocks; block++) {
      const stride = block === 0 ? setting.stride : 1;
      const outSize = size / stride;
      const hidden = inChannels * setting.expansion;
      const prefix = `features.${featureIndex}.conv`;

      // torchvision leaves out the 1x1 expansion when the expansion factor is 1.
      let sublayer = 0;
      if (setting.expansion !== 1) {
        const expand = { kernel: 1, inChannels, outChannels: hidden, outSize: size };
        layers.push(conv(`${prefix}.${sublayer}.0`, expand, batch));
        sublayer += 1;
      }
      const depthwise = { kernel: 3, stride, inChannels: hidden, outChannels: hidden, outSize, groups: hidden };
      layers.push(conv(`${prefix}.${sublayer}.0`, depthwise, batch));
      const project = { kernel: 1, inChannels: hidden, outChannels: setting.channels, outSize };
      layers.push(conv(`${prefix}.${sublayer + 1}`, project, batch));

      inChannels = setting.channels;
      size = outSize;
      featureIndex += 1;
    }
  }

  layers.push(
    conv(`features.${featureIndex}.0`, { kernel: 1, inChannels, outChannels: 1280, outSize: size }, batch),
    gemm('classifier.1', batch, 1280, 1000),
  );
  return mergeIdentical('mobilenet_v2', layers);
}
