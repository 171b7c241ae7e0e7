/**
 * The stateless forms of the layers and losses, as `torch.nn.functional`: call them with the weights
 * yourself. Positional arguments follow PyTorch's order (`layerNorm(x, shape, weight, bias, eps)`,
 * `conv2d(x, weight, bias, stride, padding, dilation, groups)`, ...); most also take an options object
 * in place of the optional ones. Too many arguments, an argument of the wrong kind or an unknown
 * option is an `ArgumentError`, so nothing is ignored silently. Losses take `(input, target, options)`
 * (the weighted ones also `(input, target, weight, options)`), since PyTorch's other positional
 * arguments there are deprecated.
 * @example
 * import { nn } from "strata-dl";
 * const F = nn.functional;
 * const x = randn([8, 20]), w = randn([5, 20]), b = zeros([5]), labels = randint(0, 5, [8]);
 * const loss = F.crossEntropy(F.linear(F.relu(x), w, b), labels);
 */
import {
  checkArity,
  checkBoolean,
  checkNumber,
  checkOptionalTensor,
  checkOptions,
  checkTensor,
} from "../core/args.js";
import { isFloat, toFloat } from "../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { bernoulli } from "../ops/creation.js";
import { fusedLinear } from "../ops/fused_linear.js";

export {
  elu,
  gelu,
  hardtanh,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from "../ops/activation.js";
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from "../ops/losses.js";
export type {
  BCEWithLogitsOptions,
  BinaryLossOptions,
  ClassLossOptions,
  CrossEntropyOptions,
  LossOptions,
  Reduction,
} from "../ops/losses.js";

/**
 * y = x Wᵀ + b for a weight of shape [out, in] and any leading axes of `x` (..., in).
 * @example
 * const w = randn([128, 784]), b = zeros([128]);
 * linear(randn([32, 784]), w, b).shape // [32, 128]
 * linear(tensor([[1, 2]]), tensor([[1, 1], [1, -1]])).toArray(); // [[3, -1]]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, ...extra: never[]): Tensor {
  checkArity("linear", [x, weight, bias, ...extra], ["x", "weight", "bias"]);
  checkTensor("linear", "x", x);
  checkTensor("linear", "weight", weight);
  checkOptionalTensor("linear", "bias", bias);
  if (weight.rank !== 2) {
    throw new ShapeError(`linear: weight must have shape (out, in), got ${fmtShape(weight.shape)}`);
  }
  const [out, inF] = weight.shape;
  if (x.rank === 0 || x.shape[x.rank - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} does not fit weight ${fmtShape(weight.shape)}: expected input (..., ${inF})`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== out)) {
    throw new ShapeError(
      `linear: bias must have shape (${out},) for weight ${fmtShape(weight.shape)}, got ${fmtShape(bias.shape)}`,
    );
  }
  const fused = fusedLinear(x, weight, bias ?? null, false);
  if (fused !== null) return fused;
  const y = x.matmul(weight.T);
  return bias ? y.add(bias) : y;
}

/** The checked arguments of dropout / dropout2d: (x, p, training, options). */
function dropoutArgs(
  op: string,
  args: readonly unknown[],
): { p: number; training: boolean; generator?: Generator } {
  checkArity(op, args, ["x", "p", "training", "options"]);
  checkTensor(op, "x", args[0]);
  const p = checkNumber(op, "p", args[1], { fallback: 0.5 });
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${op}: probability must be in [0, 1], got ${p}`);
  const training = checkBoolean(op, "training", args[2], true);
  const o = checkOptions(op, "options (argument 4; PyTorch's inplace is not supported)", args[3], [
    "generator",
  ]);
  return { p, training, generator: o.generator as Generator | undefined };
}

/**
 * Inverted dropout: in training, zeroes each element with probability `p` and scales the rest by
 * 1/(1 − p), so the expected value is unchanged and evaluation needs no rescaling. Identity when
 * `training` is false or `p` is 0. Arguments as PyTorch's `(x, p = 0.5, training = true)`; no
 * `inplace` (the fourth argument is `{ generator }`).
 * @example
 * // in a module's forward: dropout(h, 0.5, this.training)
 * const h = dropout(ones([1000]), 0.5, true);
 * h.max().item(); // 2: the kept half is scaled by 1 / (1 − 0.5)
 * dropout(ones([3]), 0.5, false).toArray(); // [1, 1, 1]
 */
export function dropout(
  x: Tensor,
  p = 0.5,
  training = true,
  options: { generator?: Generator } = {},
  ...extra: never[]
): Tensor {
  dropoutArgs("dropout", [x, p, training, options, ...extra]);
  if (!training || p === 0) return x;
  if (!isFloat(x.dtype)) throw new DTypeError(`dropout: input must be float32 or float64, got ${x.dtype}`);
  if (p === 1) return x.mul(0);
  const keep = bernoulli(1 - p, x.shape, { dtype: toFloat(x.dtype), generator: options.generator });
  return x.mul(keep.mul(1 / (1 - p)));
}

export { causalMask, scaledDotProductAttention } from "../ops/attention.js";
export type { AttentionOptions } from "../ops/attention.js";
export { applyRotaryEmbedding } from "../ops/rotary.js";
export type { RotaryOptions } from "../ops/rotary.js";
export { embedding } from "../ops/embedding.js";
export type { EmbeddingOptions } from "../ops/embedding.js";
export { gru, gruCell, lstm, lstmCell, recurrent, rnn, rnnCell } from "../ops/rnn.js";
export type { RecurrentMode, RecurrentOptions, RecurrentResult, RecurrentWeights } from "../ops/rnn.js";

/**
 * Channel dropout, as `torch.nn.functional.dropout2d`: in training, zeroes whole channels of
 * (N, C, H, W) (or unbatched (C, H, W)) with probability `p` and scales the rest by 1/(1 − p).
 * Neighbouring pixels are correlated, so dropping channels regularises convolutional features better
 * than dropping pixels. Identity when `training` is false or `p` is 0.
 * @example
 * const features = ones([2, 16, 5, 5]);
 * const y = dropout2d(features, 0.25, true); // whole 5×5 maps are zero or 4/3
 * y.max([2, 3]).shape; // [2, 16]: one value per channel, 0 or 1.3333
 * y.std([2, 3]).max().item(); // 0: no channel is partly dropped
 */
export function dropout2d(
  x: Tensor,
  p = 0.5,
  training = true,
  options: { generator?: Generator } = {},
  ...extra: never[]
): Tensor {
  dropoutArgs("dropout2d", [x, p, training, options, ...extra]);
  if (x.rank !== 3 && x.rank !== 4) {
    throw new ShapeError(`dropout2d: expected input (N, C, H, W) or (C, H, W), got ${fmtShape(x.shape)}`);
  }
  if (!training || p === 0) return x;
  if (!isFloat(x.dtype)) throw new DTypeError(`dropout2d: input must be float32 or float64, got ${x.dtype}`);
  if (p === 1) return x.mul(0);
  const maskShape = x.shape.map((d, i) => (i < x.rank - 2 ? d : 1));
  const keep = bernoulli(1 - p, maskShape, { dtype: toFloat(x.dtype), generator: options.generator });
  return x.mul(keep.mul(1 / (1 - p)));
}

export { conv1d, conv2d, convTranspose1d, convTranspose2d } from "../ops/conv.js";
export type { ConvOptions, ConvTransposeOptions } from "../ops/conv.js";
export { fold, unfold } from "../ops/windows.js";
export type { PaddingArg, SizeArg, UnfoldOptions } from "../ops/windows.js";
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  avgPool1d,
  avgPool2d,
  globalAvgPool2d,
  globalMaxPool2d,
  maxPool1d,
  maxPool2d,
} from "../ops/pool.js";
export type { AdaptiveSize, AvgPoolOptions, MaxPoolOptions } from "../ops/pool.js";
export { batchNorm, groupNorm, layerNorm } from "../ops/normalization.js";
export type { BatchNormOptions as BatchNormFunctionalOptions, NormOptions } from "../ops/normalization.js";
export { interpolate } from "../ops/upsample.js";
export type { InterpolateOptions } from "../ops/upsample.js";
