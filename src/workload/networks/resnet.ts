// ResNet-50 v1.5 and ResNeXt-50 32x4d at 224x224, layer for layer as torchvision (0.15+) builds
// them: the stride of a downsampling bottleneck sits on its 3x3 convolution, and each stage's
// first block has a 1x1 projection shortcut ("downsample").
import { conv, gemm, mergeIdentical } from './build.js';
import type { Network, NetworkLayer } from './types.js';

interface Stage {
  planes: number;
  blocks: number;
  stride: number;
  /** Output width and height of the stage. */
  outSize: number;
}

const STAGES: Stage[] = [
  { planes: 64, blocks: 3, stride: 1, outSize: 56 },
  { planes: 128, blocks: 4, stride: 2, outSize: 28 },
  { planes: 256, blocks: 6, stride: 2, outSize: 14 },
  { planes: 512, blocks: 3, stride: 2, outSize: 7 },
];

/** torchvision's bottleneck expansion: a block outputs 4 × planes channels. */
const EXPANSION = 4;

/**
 * Builds the bottleneck network. `groups` and `widthPerGroup` follow torchvision's ResNet arguments:
 * the 3x3 convolution has width = planes · widthPerGroup / 64 · groups channels.
 */
function bottleneckNetwork(name: string, groups: number, widthPerGroup: number, batch: number): Network {
  const layers: NetworkLayer[] = [
    conv('conv1', { kernel: 7, stride: 2, inChannels: 3, outChannels: 64, outSize: 112 }, batch),
  ];

  let inChannels = 64;
  STAGES.forEach((stage, stageIndex) => {
    const width = (stage.planes * widthPerGroup / 64) * groups;
    const outChannels = stage.planes * EXPANSION;

    for (let block = 0; block < stage.blocks; block++) {
      const prefix = `layer${stageIndex + 1}.${block}`;
      const stride = block === 0 ? stage.stride : 1;
      const inSize = stage.outSize * stride;

      layers.push(
        conv(`${prefix}.conv1`, { kernel: 1, inChannels, outChannels: width, outSize: inSize }, batch),
        conv(`${prefix}.conv2`, { kernel: 3, stride, inChannels: width, outChannels: width, outSize: stage.outSize, groups }, batch),
        conv(`${prefix}.conv3`, { kernel: 1, inChannels: width, outChannels, outSize: stage.outSize }, batch),
      );
      if (block === 0) {
        layers.push(
          conv(`${prefix}.downsample.0`, { kernel: 1, stride, inChannels, outChannels, outSize: stage.outSize }, batch),
        );
      }
      inChannels = outChannels;
    }
  });

  layers.push(gemm('fc', batch, 2048, 1000));
  return mergeIdentical(name, layers);
}

export function resnet50(batch: number): Network {
  return bottleneckNetwork('resnet50', 1, 64, batch);
}

export function resnext50_32x4d(batch: number): Network {
  return bottleneckNetwork('resnext50_32x4d', 32, 4, batch);
}
