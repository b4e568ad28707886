// A selection of DeepBench's inference convolutions (Baidu DeepBench, conv_problems, batch 1).
// They were chosen for shapes that are hard to tile: the 700x161 speech inputs, 1x1 layers with
// stride 2 (stride larger than the kernel), a dilated 5x5, and wide, flat OCR and speaker layers.
//
// NOTE: the shapes follow CoSA's DeepBench workload files, which put DeepBench's input width and
// height (e.g. 700x161) in P and Q, so these layers are slightly larger than DeepBench's own.
// Those files also write dilation 0 for undilated layers; dilation 1 is used here instead.
import { conv, mergeIdentical } from './build.js';
import type { Network } from './types.js';

export function deepbench(batch: number): Network {
  return mergeIdentical('deepbench', [
    conv('deepspeech.conv1 5x20/2 700x161', { kernel: [5, 20], stride: 2, inChannels: 1, outChannels: 32, outSize: [700, 161] }, batch),
    conv('deepspeech.conv2 5x10/2 341x79', { kernel: [5, 10], stride: 2, inChannels: 32, outChannels: 32, outSize: [341, 79] }, batch),
    conv('ocr.conv1 3x3 480x48', { kernel: 3, inChannels: 1, outChannels: 16, outSize: [480, 48] }, batch),
    conv('ocr.conv2 3x3 240x24', { kernel: 3, inChannels: 16, outChannels: 32, outSize: [240, 24] }, batch),
    conv('face.conv1 3x3/2 108x108', { kernel: 3, stride: 2, inChannels: 3, outChannels: 64, outSize: 108 }, batch),
    conv('face.proj1 1x1/2 56x56', { kernel: 1, stride: 2, inChannels: 64, outChannels: 256, outSize: 56 }, batch),
    conv('face.proj2 1x1/2 28x28', { kernel: 1, stride: 2, inChannels: 128, outChannels: 512, outSize: 28 }, batch),
    conv('face.proj3 1x1/2 14x14', { kernel: 1, stride: 2, inChannels: 256, outChannels: 1024, outSize: 14 }, batch),
    conv('face.proj4 1x1/2 7x7', { kernel: 1, stride: 2, inChannels: 2048, outChannels: 512, outSize: 7 }, batch),
    conv('vision.dilated 5x5 dil2 28x28', { kernel: 5, dilation: 2, inChannels: 192, outChannels: 32, outSize: 28 }, batch),
    conv('speaker.conv1 5x5/2 700x161', { kernel: 5, stride: 2, inChannels: 1, outChannels: 64, outSize: [700, 161] }, batch),
    conv('speaker.conv7 3x3 42x10', { kernel: 3, inChannels: 512, outChannels: 512, outSize: [42, 10] }, batch),
  ]);
}
