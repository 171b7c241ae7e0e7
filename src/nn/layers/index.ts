/**
 * Every layer, one concept per file.
 * @example
 * import { nn } from "strata-dl";
 * const block = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.1));
 * block.forward(randn([2, 4])).shape; // [2, 8]
 */
export {
  ELU,
  GELU,
  Hardtanh,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  SiLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "./activation.js";
export { Dropout } from "./dropout.js";
export { Flatten } from "./flatten.js";
export { Identity } from "./identity.js";
export { Linear } from "./linear.js";
export type { LinearOptions } from "./linear.js";
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from "./loss.js";
export { Embedding } from "./embedding.js";
export type { EmbeddingLayerOptions } from "./embedding.js";
export { CellBase, RecurrentBase } from "./recurrent.js";
export type { CellOptions, RecurrentLayerOptions, RunOptions } from "./recurrent.js";
export { RNN, RNNCell } from "./rnn.js";
export type { RNNOptions } from "./rnn.js";
export { LSTM, LSTMCell } from "./lstm.js";
export { GRU, GRUCell } from "./gru.js";
export { TimeDistributed } from "./time_distributed.js";
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from "./conv.js";
export type { ConvLayerOptions, ConvTransposeLayerOptions } from "./conv.js";
export {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  GlobalAvgPool2d,
  GlobalMaxPool2d,
  MaxPool1d,
  MaxPool2d,
} from "./pool.js";
export { BatchNorm1d, BatchNorm2d } from "./batchnorm.js";
export type { BatchNormOptions } from "./batchnorm.js";
export { GroupNorm, LayerNorm, RMSNorm } from "./norm.js";
export type { GroupNormOptions, LayerNormOptions, RMSNormOptions } from "./norm.js";
export { Dropout2d } from "./dropout.js";
export { Upsample } from "./upsample.js";
export { MultiheadAttention } from "./attention.js";
export type { MultiheadAttentionOptions, MultiheadAttentionRunOptions } from "./attention.js";
export {
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from "./transformer.js";
export type { TransformerLayerOptions, TransformerOptions } from "./transformer.js";
export { LearnedPositionalEmbedding, SinusoidalPositionalEncoding } from "./positional.js";
export type { PositionalOptions } from "./positional.js";
