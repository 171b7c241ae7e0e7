/**
 * Every layer, one concept per file.
 * @example
 * import { Linear, ReLU } from "./layers/index.js";
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
