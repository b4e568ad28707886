// BERT-base (Devlin et al. 2019: 12 encoder layers, hidden size 768, 12 heads of 64, FFN 3072)
// at sequence length 512. Only the matrix products of the encoder are listed: embeddings,
// softmax, layer norm and the pooler do no large GEMMs and are left out.
//
// GEMM encoding (Timeloop's, see gemm()): R = S = P = Q = 1, C = reduction dimension,
// K = output features, N = rows. For the projections and the FFN the rows are the tokens of
// the whole batch (512 × batch) and the Weights data space contains the trained weights. The
// attention products are one GEMM per head and per sequence, so they repeat 12 × batch times
// per encoder layer, and their Weights data space contains activations (K^T or V of that head).
//
// MACs per encoder layer at batch 1, with T = 512 tokens, d = 768, h = 12 heads:
//   Q, K, V and output projections   4 · T·d·d       = 1,207,959,552
//   FFN up and down                  2 · T·d·4d      = 2,415,919,104
//   scores Q·K^T and context A·V     2 · h·T·T·(d/h) =   402,653,184
//   sum                                             = 4,026,531,840
// × 12 layers = 48,318,382,080 ≈ 48.3 GMACs, which is 512 tokens × the 84.9 M encoder weights
// plus 4.8 G for attention; at T = 128 the same formulas give the often quoted ≈ 11.2 GMACs.
import { gemm } from './build.js';
import type { Network } from './types.js';

const LAYERS = 12;
const HIDDEN = 768;
const HEADS = 12;
const HEAD_SIZE = HIDDEN / HEADS;
const FFN = 4 * HIDDEN;
export const BERT_SEQUENCE_LENGTH = 512;

export function bertBase(batch: number): Network {
  const tokens = BERT_SEQUENCE_LENGTH * batch;
  const perHead = HEADS * LAYERS * batch;

  // The query, key, value and output projections have one shape, so they share one entry.
  return {
    name: 'bert_base',
    layers: [
      gemm('attention.query/key/value + attention.output.dense', tokens, HIDDEN, HIDDEN, 4 * LAYERS),
      gemm('attention.scores (Q·K^T per head)', BERT_SEQUENCE_LENGTH, HEAD_SIZE, BERT_SEQUENCE_LENGTH, perHead),
      gemm('attention.context (A·V per head)', BERT_SEQUENCE_LENGTH, BERT_SEQUENCE_LENGTH, HEAD_SIZE, perHead),
      gemm('intermediate.dense (FFN up)', tokens, HIDDEN, FFN, LAYERS),
      gemm('output.dense (FFN down)', tokens, FFN, HIDDEN, LAYERS),
    ],
  };
}
