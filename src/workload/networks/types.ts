// A network as the sweep sees it: distinct layer shapes with how often each occurs.
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
