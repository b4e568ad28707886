// AlexNet and VGG-16 at 224x224 as torchvision builds them. torchvision's AlexNet is the
// single-tower variant of "One weird trick" (Krizhevsky 2014): 64-192-384-256-256 channels and
// no grouped convolutions, unlike the two-GPU original of 2012.
import { conv, gemm, mergeIdentical } from './build.js';
import type { Network } from './types.js';

export function alexnet(batch: number): Network {
  return mergeIdentical('alexnet', [
    conv('features.0', { kernel: 11, stride: 4, inChannels: 3, outChannels: 64, outSize: 55 }, batch),
    conv('features.3', { kernel: 5, inChannels: 64, outChannels: 192, outSize: 27 }, batch),
    conv('features.6', { kernel: 3, inChannels: 192, outChannels: 384, outSize: 13 }, batch),
    conv('features.8', { kernel: 3, inChannels: 384, outChannels: 256, outSize: 13 }, batch),
    conv('features.10', { kernel: 3, inChannels: 256, outChannels: 256, outSize: 13 }, batch),
    gemm('classifier.1', batch, 256 * 6 * 6, 4096),
    gemm('classifier.4', batch, 4096, 4096),
    gemm('classifier.6', batch, 4096, 1000),
  ]);
}

/** VGG-16 (configuration D): thirteen 3x3 convolutions with padding 1, then three FC layers. */
export function vgg16(batch: number): Network {
  const blocks: { channels: number; convs: number; size: number }[] = [
    { channels: 64, convs: 2, size: 224 },
    { channels: 128, convs: 2, size: 112 },
    { channels: 256, convs: 3, size: 56 },
    { channels: 512, convs: 3, size: 28 },
    { channels: 512, convs: 3, size: 14 },
  ];

  // torchvision numbers the modules of `features` with a ReLU after each conv and a max pool
  // after each block, so the conv indices are 0, 2, 5, 7, 10, ...
  const layers = [];
  let inChannels = 3;
  let moduleIndex = 0;
  for (const block of blocks) {
    for (let i = 0; i < block.convs; i++) {
      const shape = { kernel: 3, inChannels, outChannels: block.channels, outSize: block.size };
      layers.push(conv(`features.${moduleIndex}`, shape, batch));
      inChannels = block.channels;
      moduleIndex += 2;
    }
    moduleIndex += 1;
  }

  layers.push(
    gemm('classifier.0', batch, 512 * 7 * 7, 4096),
    gemm('classifier.3', batch, 4096, 4096),
    gemm('classifier.6', batch, 4096, 1000),
  );
  return mergeIdentical('vgg16', layers);
}
