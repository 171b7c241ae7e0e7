/**
 * Normalization layers' functional forms, composed from reductions and elementwise ops: batch norm
 * (with running statistics), layer norm and group norm, matched to PyTorch. Channels are axis 1.
 */
import {
  checkBoolean,
  checkNumber,
  checkOptionalTensor,
  checkTensor,
  describeValue,
  positionalOrOptions,
} from "../core/args.js";
import { ArgumentError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { channelwise } from "./channels.js";
import { reshape } from "./movement.js";
import { mean, sum } from "./reduce.js";

/**
 * Options of `batchNorm`, the alternative to its positional arguments.
 * @example
 * const x = randn([8, 3]), rm = zeros([3]), rv = ones([3]), weight = ones([3]), bias = zeros([3]);
 * const y = batchNorm(x, rm, rv, { weight, bias, training: true });
 * y.mean(0).abs().max().item() < 1e-5; // true: each channel centred on the batch's mean
 */
export interface BatchNormOptions {
  /** Per-channel scale γ (C), or none. */
  weight?: Tensor | null;
  /** Per-channel shift β (C), or none. */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the new batch in the running averages: running = (1 − m)·running + m·batch (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

function checkChannelParam(op: string, name: string, t: Tensor | null | undefined, c: number): void {
  if (t && (t.rank !== 1 || t.shape[0] !== c)) {
    throw new ShapeError(
      `${op}: ${name} must have shape (${c},) for ${c} channels, got ${fmtShape(t.shape)}`,
    );
  }
}

/** Σ over every axis but the channel axis 1, as two reductions the fast kernels take (trailing, then leading). */
function channelSum(x: Tensor): Tensor {
  const spatial = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
  return sum(spatial.length > 0 ? sum(x, spatial) : x, 0);
}

function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined): Tensor {
  let out = y;
  if (weight) out = channelwise("mul", out, weight);
  if (bias) out = channelwise("add", out, bias);
  return out;
}

/**
 * Batch normalization over (N, C), (N, C, L) or (N, C, H, W): each channel is normalised by its mean
 * and variance over the batch and spatial axes, then scaled and shifted. In training it uses the
 * batch's statistics (biased variance) and, when running statistics are given, updates them in place
 * (unbiased variance, as PyTorch); otherwise it uses the running statistics. A batch whose statistics
 * are NaN or infinite (a NaN in the input, an overflow) leaves the running statistics as they were.
 * Arguments in PyTorch's order, `(x, runningMean, runningVar, weight, bias, training = false,
 * momentum = 0.1, eps = 1e-5)`, or an options object after `runningVar`.
 * @example
 * const rm = zeros([16]), rv = ones([16]);
 * const y = batchNorm(randn([8, 16, 5, 5]).add(3), rm, rv, null, null, true); // rm, rv now updated
 * rm.mean().item(); // 0.3: 0.9 · 0 + 0.1 · 3
 * const x = randn([2, 16]), g = ones([16]), b = zeros([16]);
 * batchNorm(x, rm, rv, { weight: g, bias: b }); // evaluation, with the options form
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options?: BatchNormOptions,
): Tensor;
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  training?: boolean,
  momentum?: number,
  eps?: number,
): Tensor;
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  ...rest: unknown[]
): Tensor {
  const op = "batchNorm";
  const o = positionalOrOptions(op, ["x", "runningMean", "runningVar"], rest, [
    "weight",
    "bias",
    "training",
    "momentum",
    "eps",
  ]);
  checkTensor(op, "x", x);
  return batchNormUpdating(
    x,
    checkOptionalTensor(op, "runningMean", runningMean),
    checkOptionalTensor(op, "runningVar", runningVar),
    {
      weight: checkOptionalTensor(op, "weight", o.weight),
      bias: checkOptionalTensor(op, "bias", o.bias),
      training: checkBoolean(op, "training", o.training, false),
      momentum: checkNumber(op, "momentum", o.momentum, { fallback: 0.1 }),
      eps: checkNumber(op, "eps", o.eps, { fallback: 1e-5 }),
    },
  ).y;
}

/**
 * @internal `batchNorm`, also saying whether the running statistics took this batch (false when there
 * are none, in evaluation, or when the batch's statistics were not finite), so a layer counts only
 * the batches its statistics hold.
 * @example
 * const rm = zeros([2]), rv = ones([2]);
 * const { updated } = batchNormUpdating(tensor([[1, NaN], [3, 4]]), rm, rv, { training: true });
 * updated; // false: a NaN in the batch, so the running statistics kept their values
 * rm.toArray(); // [0, 0]
 */
export function batchNormUpdating(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: Omit<BatchNormOptions, "momentum"> & { momentum?: number | Tensor } = {},
): { y: Tensor; updated: boolean } {
  const op = "batchNorm";
  if (x.rank < 2) {
    throw new ShapeError(`${op}: expected input (N, C) or (N, C, ...spatial), got ${fmtShape(x.shape)}`);
  }
  const c = x.shape[1];
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = options;
  checkChannelParam(op, "weight", weight, c);
  checkChannelParam(op, "bias", bias, c);
  checkChannelParam(op, "runningMean", runningMean, c);
  checkChannelParam(op, "runningVar", runningVar, c);
  if (!training) {
    if (!runningMean || !runningVar) {
      throw new ValueError(`${op}: evaluation mode needs running statistics (or pass training: true)`);
    }
    const y = channelwise("mul", channelwise("sub", x, runningMean), runningVar.add(eps).rsqrt());
    return { y: affine(y, weight, bias), updated: false };
  }
  const count = x.size / c;
  if (count <= 1) {
    throw new ValueError(
      `${op}: training needs more than one value per channel, got input ${fmtShape(x.shape)}`,
    );
  }
  const mu = channelSum(x).div(count);
  const centered = channelwise("sub", x, mu);
  const variance = channelSum(centered.mul(centered)).div(count);
  const y = channelwise("mul", centered, variance.add(eps).rsqrt());
  // the candidates and the check are released here; assign keeps what it takes
  const updated = tidy(() =>
    noGrad(() => {
      const next: [Tensor, Tensor][] = [];
      // a tensor momentum (BatchNorm's cumulative average on a GPU, where the count is not read back)
      const keep = typeof momentum === "number" ? 1 - momentum : momentum.neg().add(1);
      if (runningMean) {
        const m = mu.detach().cast(runningMean.dtype);
        next.push([runningMean, runningMean.mul(keep).add(m.mul(momentum))]);
      }
      if (runningVar) {
        const v = variance
          .detach()
          .mul(count / (count - 1))
          .cast(runningVar.dtype);
        next.push([runningVar, runningVar.mul(keep).add(v.mul(momentum))]);
      }
      if (next.length === 0) return false;
      // one NaN would stay in the running statistics for good and make every evaluation output NaN, so
      // a batch that would put one there is left out (v·0 is 0 for finite v and NaN otherwise)
      const check = next.map(([, v]) => v.mul(0).sum()).reduce((acc, v) => acc.add(v));
      if (check.backend.asyncReads) {
        // no synchronous read on a GPU: the same rule, decided on the device per element
        const finite = check.isFinite();
        for (const [target, value] of next) target.assign(finite.where(value, target));
        return true;
      }
      if (!Number.isFinite(check.item())) return false;
      for (const [target, value] of next) target.assign(value);
      return true;
    }),
  );
  return { y: affine(y, weight, bias), updated };
}

/**
 * Options of `layerNorm` and `groupNorm`, the alternative to their positional arguments.
 * @example
 * const x = randn([8, 64]), g = ones([64]), b = zeros([64]);
 * layerNorm(x, [64], { weight: g, bias: b, eps: 1e-6 }).shape; // [8, 64]
 */
export interface NormOptions {
  /** Elementwise scale (layer norm: the normalized shape; group norm: C), or none. */
  weight?: Tensor | null;
  /** Elementwise shift, or none. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** (x − mean) / √(var + eps) over the given (trailing) axes, with the biased variance. */
function standardize(x: Tensor, axes: number[], eps: number): Tensor {
  const centered = x.sub(mean(x, axes, true));
  return centered.mul(mean(centered.mul(centered), axes, true).add(eps).rsqrt());
}

/** weight, bias and eps of layerNorm / groupNorm, given positionally or as an options object. */
function normArgs(
  op: string,
  leading: string[],
  rest: readonly unknown[],
): { weight: Tensor | null; bias: Tensor | null; eps: number } {
  const o = positionalOrOptions(op, leading, rest, ["weight", "bias", "eps"]);
  return {
    weight: checkOptionalTensor(op, "weight", o.weight),
    bias: checkOptionalTensor(op, "bias", o.bias),
    eps: checkNumber(op, "eps", o.eps, { fallback: 1e-5 }),
  };
}

/**
 * Layer normalization: each sample is normalised over its last axes (`normalizedShape`), then scaled
 * and shifted elementwise by `weight` and `bias` of that shape. The same in training and evaluation.
 * Arguments in PyTorch's order, `(x, normalizedShape, weight, bias, eps = 1e-5)`, or an options
 * object after `normalizedShape`.
 * @example
 * layerNorm(randn([8, 20, 64]), [64]).shape // [8, 20, 64]
 * const x = tensor([[1, 2, 3]]), gamma = ones([3]), beta = zeros([3]);
 * layerNorm(x, [3], gamma, beta, 1e-6).toArray(); // [[-1.2247, 0, 1.2247]]: as F.layer_norm(x, (3,), gamma, beta, 1e-6)
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  options?: NormOptions,
): Tensor;
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps?: number,
): Tensor;
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  ...rest: unknown[]
): Tensor {
  const op = "layerNorm";
  const { weight, bias, eps } = normArgs(op, ["x", "normalizedShape"], rest);
  checkTensor(op, "x", x);
  if (typeof normalizedShape !== "number" && !Array.isArray(normalizedShape)) {
    throw new ArgumentError(
      `${op}: normalizedShape must be a size or a list of sizes, got ${describeValue(normalizedShape)}`,
    );
  }
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  if (k === 0 || x.rank < k || shape.some((d, i) => x.shape[x.rank - k + i] !== d)) {
    throw new ShapeError(
      `${op}: expected input (..., ${shape.join(", ")}) for normalized shape ${fmtShape(shape)}, got ${fmtShape(x.shape)}`,
    );
  }
  for (const [name, t] of [
    ["weight", weight],
    ["bias", bias],
  ] as const) {
    if (t && (t.rank !== k || t.shape.some((d, i) => d !== shape[i]))) {
      throw new ShapeError(`${op}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
    }
  }
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  let y = standardize(x, axes, eps);
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/**
 * Group normalization: the C channels of each sample (N, C, ...) are split into `numGroups` groups,
 * each normalised over its channels and spatial positions, then scaled and shifted per channel.
 * Arguments in PyTorch's order, `(x, numGroups, weight, bias, eps = 1e-5)`, or an options object
 * after `numGroups`.
 * @example
 * groupNorm(randn([4, 32, 8, 8]), 8).shape // [4, 32, 8, 8]
 * const x = randn([2, 16, 4]), gamma = ones([16]), beta = zeros([16]);
 * groupNorm(x, 8, gamma, beta).shape; // [2, 16, 4]: as F.group_norm(x, 8, gamma, beta)
 */
export function groupNorm(x: Tensor, numGroups: number, options?: NormOptions): Tensor;
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps?: number,
): Tensor;
export function groupNorm(x: Tensor, numGroups: number, ...rest: unknown[]): Tensor {
  const op = "groupNorm";
  const { weight, bias, eps } = normArgs(op, ["x", "numGroups"], rest);
  checkTensor(op, "x", x);
  checkNumber(op, "numGroups", numGroups);
  if (x.rank < 2) {
    throw new ShapeError(`${op}: expected input (N, C, ...), got ${fmtShape(x.shape)}`);
  }
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ValueError(`${op}: ${c} channels cannot be split into ${numGroups} groups`);
  }
  checkChannelParam(op, "weight", weight, c);
  checkChannelParam(op, "bias", bias, c);
  const grouped = reshape(x, [n, numGroups, x.size / (n * numGroups) || 0]);
  const y = reshape(standardize(grouped, [2], eps), x.shape);
  return affine(y, weight, bias);
}
