// A network for scheduling and sweeps: its layer shapes, each with how often it runs.
import type { Layer } from '../layer.js';

export interface NetworkLayer {
  name: string;
  layer: Layer;
  /** How many times this shape runs in one inference of the network. */
  repeats: number;
}

export interface Network {
  name: string;
  layers: NetworkLayer[];
}

export interface NetworkOptions {
  /** Images (or sequences, for BERT) per inference; 1 unless given. */
  batch?: number;
}
