import { tidy } from "../core/memory.js";
/**
 * Loss functions, composed from primitive ops (so they run and differentiate on every backend) in
 * their numerically stable forms, with PyTorch's semantics and reductions. Each takes
 * `(input, target, options)`; the weighted ones also PyTorch's `(input, target, weight, options)`.
 * PyTorch's other positional arguments (`size_average`, `reduce`, `reduction`, ...) are options here.
 */
import { isFloat } from "../base/dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { logSoftmax } from "./activation.js";
import { abs, cast, exp, log, log1p, maximum, mul, neg, sub, where } from "./elementwise.js";
import { checkIndexRange } from "./index_check.js";
import { gather, indexSelect, reshape, squeeze, unsqueeze } from "./movement.js";
import { lossArgs } from "./loss_args.js";
import { fusedHuber } from "./fused_loss.js";
import { max, min, sum } from "./reduce.js";

/**
 * How per-element losses become the result: their mean (default), their sum, or kept as they are.
 * @example
 * const a = tensor([[1, 2], [3, 4]]), b = zeros([2, 2]);
 * mseLoss(a, b, { reduction: "none" }).toArray(); // [[1, 4], [9, 16]]
 * mseLoss(a, b, { reduction: "sum" }).item(); // 30
 * mseLoss(a, b).item(); // 7.5: the mean
 */
export type Reduction = "mean" | "sum" | "none";

/** Options every loss takes. @example l1Loss(tensor([1, 2]), tensor([2, 4]), { reduction: "sum" }) // 3 */
export interface LossOptions {
  reduction?: Reduction;
}

function reductionOf(op: string, options: LossOptions): Reduction {
  const r = options.reduction ?? "mean";
  if (r !== "mean" && r !== "sum" && r !== "none") {
    throw new ValueError(`${op}: reduction must be "mean", "sum" or "none", got "${String(r)}"`);
  }
  return r;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "none") return loss;
  return reduction === "sum" ? sum(loss) : loss.mean();
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkFloatInput(op: string, input: Tensor): void {
  if (!isFloat(input.dtype)) {
    throw new DTypeError(`${op}: input must be float32 or float64, got ${input.dtype}`);
  }
}

/** Input and target of the same shape, both float (the regression and binary losses). */
function checkPair(op: string, input: Tensor, target: Tensor, what = "values"): void {
  checkFloatInput(op, input);
  if (!isFloat(target.dtype)) {
    throw new DTypeError(
      `${op}: target must hold float ${what} (float32 or float64), got ${target.dtype}; convert it with .float()`,
    );
  }
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: target shape ${fmtShape(target.shape)} does not match input shape ${fmtShape(input.shape)}`,
    );
  }
}

function checkPositive(op: string, name: string, value: number, allowZero = false): void {
  if (!(allowZero ? value >= 0 : value > 0) || !Number.isFinite(value)) {
    throw new ValueError(`${op}: ${name} must be ${allowZero ? "non-negative" : "positive"}, got ${value}`);
  }
}

/**
 * Mean squared error: (input − target)².
 * @example mseLoss(tensor([1, 2]), tensor([1, 4])) // 2
 */
export function mseLoss(input: Tensor, target: Tensor, options?: LossOptions, ...extra: never[]): Tensor {
  lossArgs("mseLoss", input, target, [options, ...extra], ["reduction"]);
  options ??= {};
  const reduction = reductionOf("mseLoss", options);
  checkPair("mseLoss", input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/**
 * Mean absolute error: |input − target|.
 * @example l1Loss(tensor([1, 2]), tensor([1, 4])) // 1
 */
export function l1Loss(input: Tensor, target: Tensor, options?: LossOptions, ...extra: never[]): Tensor {
  lossArgs("l1Loss", input, target, [options, ...extra], ["reduction"]);
  options ??= {};
  const reduction = reductionOf("l1Loss", options);
  checkPair("l1Loss", input, target);
  return reduce(abs(sub(input, target)), reduction);
}

/**
 * Huber loss: ½d² where |d| < delta, else delta·(|d| − ½delta), with d = input − target. Quadratic near
 * the target, linear (robust to outliers) far from it.
 * @example
 * huberLoss(tensor([0, 0]), tensor([0.5, 3]), { delta: 1, reduction: "none" }).toArray(); // [0.125, 2.5]
 */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  options?: LossOptions & { delta?: number },
  ...extra: never[]
): Tensor {
  lossArgs("huberLoss", input, target, [options, ...extra], ["reduction", "delta"]);
  options ??= {};
  const reduction = reductionOf("huberLoss", options);
  const delta = options.delta ?? 1;
  checkPositive("huberLoss", "delta", delta);
  checkPair("huberLoss", input, target);
  const fused = fusedHuber(input, target, delta);
  if (fused !== null) return reduce(fused, reduction);
  const d = sub(input, target);
  const a = abs(d);
  const quadratic = mul(mul(d, d), 0.5);
  const linear = mul(sub(a, 0.5 * delta), delta);
  return reduce(where(a.lt(delta), quadratic, linear), reduction);
}

/**
 * Smooth L1 loss: ½d²/beta where |d| < beta, else |d| − ½beta (Huber loss divided by beta; beta 0 is
 * the L1 loss).
 * @example
 * const boxes = tensor([[10, 10, 50, 50]]), targetBoxes = tensor([[10.5, 10, 54, 50]]);
 * smoothL1Loss(boxes, targetBoxes, { beta: 1, reduction: "sum" }).item(); // 3.625: 0.125 + 3.5
 */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  options?: LossOptions & { beta?: number },
  ...extra: never[]
): Tensor {
  lossArgs("smoothL1Loss", input, target, [options, ...extra], ["reduction", "beta"]);
  options ??= {};
  const reduction = reductionOf("smoothL1Loss", options);
  const beta = options.beta ?? 1;
  checkPositive("smoothL1Loss", "beta", beta, true);
  checkPair("smoothL1Loss", input, target);
  const d = sub(input, target);
  const a = abs(d);
  if (beta === 0) return reduce(a, reduction);
  const quadratic = mul(mul(d, d), 0.5 / beta);
  return reduce(where(a.lt(beta), quadratic, sub(a, 0.5 * beta)), reduction);
}

/**
 * Options of the class-index losses.
 * @example
 * const logp = tensor([[-0.5, -1], [-2, -0.1]]), y = tensor([0, 1], { dtype: "int32" });
 * nllLoss(logp, y, { weight: tensor([1, 3]) }).item(); // 0.2: (0.5 + 3 · 0.1) / (1 + 3)
 * nllLoss(logp, y, { ignoreIndex: 0 }).item(); // 0.1: only the second row counts
 */
export interface ClassLossOptions extends LossOptions {
  /** A rescaling weight per class, shape [C]. */
  weight?: Tensor;
  /** Targets equal to this class index are skipped (no loss, no gradient); default −100. */
  ignoreIndex?: number;
}

/**
 * Options of `crossEntropy`.
 * @example
 * const logits = tensor([[2, 0, 0]]), y = tensor([0], { dtype: "int32" });
 * crossEntropy(logits, y).item(); // 0.2395
 * crossEntropy(logits, y, { labelSmoothing: 0.1 }).item(); // 0.3729
 */
export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

/** The class axis of a (C), (N, C) or (N, C, d...) input. */
function classAxisOf(op: string, input: Tensor): number {
  if (input.rank === 0) {
    throw new ShapeError(`${op}: input must have shape (C,), (N, C) or (N, C, d...), got a scalar`);
  }
  return input.rank === 1 ? 0 : 1;
}

function checkClassWeight(op: string, weight: Tensor | undefined, classes: number): void {
  if (weight === undefined) return;
  if (!isFloat(weight.dtype)) {
    throw new DTypeError(`${op}: weight must be float32 or float64, got ${weight.dtype}`);
  }
  if (weight.rank !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(
      `${op}: weight must have one entry per class, shape (${classes},), got ${fmtShape(weight.shape)}`,
    );
  }
}

/**
 * Checks a class-index target against the input and returns it with ignored entries set to class 0
 * (so it can index), plus the mask of the entries that count.
 */
function indexTarget(
  op: string,
  input: Tensor,
  target: Tensor,
  axis: number,
  ignoreIndex: number,
): { safe: Tensor; keep: Tensor } {
  const classes = input.shape[axis];
  const expected = input.shape.filter((_, i) => i !== axis);
  if (!sameShape(target.shape, expected)) {
    throw new ShapeError(
      `${op}: target shape ${fmtShape(target.shape)} does not match input shape ${fmtShape(input.shape)}: ` +
        `class-index targets need shape ${fmtShape(expected)}` +
        (op === "crossEntropy" ? ", class-probability targets the input's shape" : ""),
    );
  }
  const keep = target.ne(ignoreIndex);
  const safe = where(keep, target, 0);
  // a GPU cannot be read synchronously: there the classes are checked on the device (the next read throws)
  checkIndexRange(
    {
      op,
      label: "target class",
      detail: () =>
        `for ${classes} classes (input shape ${fmtShape(input.shape)}, target shape ${fmtShape(target.shape)})`,
    },
    target,
    safe,
    classes,
    true,
  );
  if (safe.size > 0 && !safe.backend.asyncReads) {
    const hi = tidy(() => max(safe).item());
    const lo = tidy(() => min(safe).item());
    if (hi >= classes || lo < 0) {
      throw new IndexError(
        `${op}: target class ${hi >= classes ? hi : lo} is out of range for ${classes} classes`,
      );
    }
  }
  return { safe, keep };
}

/**
 * The negative log-likelihood of log-probabilities `logp` at class-index targets, with PyTorch's
 * weighting, ignored entries and label smoothing; `mean` divides by the summed weights of the
 * targets that count.
 */
function nllCore(
  op: string,
  logp: Tensor,
  target: Tensor,
  axis: number,
  options: CrossEntropyOptions,
  reduction: Reduction,
): Tensor {
  const classes = logp.shape[axis];
  const eps = options.labelSmoothing ?? 0;
  const weight = options.weight;
  const { safe, keep } = indexTarget(op, logp, target, axis, options.ignoreIndex ?? -100);
  const mask = cast(keep, logp.dtype);
  // −log p of the target class, per target
  const picked = neg(squeeze(gather(logp, axis, unsqueeze(safe, axis)), axis));
  // the weight of each target's class (0 where ignored): the per-target scale and the mean's divisor
  const targetWeight =
    weight === undefined
      ? mask
      : mul(reshape(indexSelect(cast(weight, logp.dtype), 0, reshape(safe, [safe.size])), safe.shape), mask);
  // where (not a product with the mask) keeps ignored entries at exactly 0 even if their log p is −∞
  let loss = where(keep, mul(picked, targetWeight), 0);
  if (eps > 0) {
    // the uniform part: −Σ_c w_c log p_c / C
    const wlogp =
      weight === undefined
        ? logp
        : mul(
            logp,
            reshape(
              cast(weight, logp.dtype),
              logp.shape.map((d, i) => (i === axis ? d : 1)),
            ),
          );
    const smooth = where(keep, neg(sum(wlogp, axis)), 0);
    loss = mul(loss, 1 - eps).add(mul(smooth, eps / classes));
  }
  if (reduction === "none") return loss;
  const total = sum(loss);
  return reduction === "sum" ? total : total.div(sum(targetWeight));
}

/** Cross-entropy against class probabilities of the input's shape. */
function softTargetCore(
  logp: Tensor,
  target: Tensor,
  axis: number,
  options: CrossEntropyOptions,
  reduction: Reduction,
): Tensor {
  const classes = logp.shape[axis];
  const eps = options.labelSmoothing ?? 0;
  let t = target;
  if (eps > 0) t = mul(t, 1 - eps).add(eps / classes);
  let prod = mul(logp, t);
  if (options.weight !== undefined) {
    prod = mul(
      prod,
      reshape(
        options.weight,
        logp.shape.map((d, i) => (i === axis ? d : 1)),
      ),
    );
  }
  const loss = neg(sum(prod, axis));
  if (reduction === "none") return loss;
  const total = sum(loss);
  // PyTorch's mean is over the batch entries (N · d...), not weighted
  return reduction === "sum" ? total : total.div(logp.size / classes);
}

function checkSmoothing(op: string, eps: number): void {
  if (!(eps >= 0 && eps <= 1)) {
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  }
}

/**
 * Cross-entropy of logits `input` (C), (N, C) or (N, C, d...) against either int32 class indices of
 * shape (), (N) or (N, d...), or float class probabilities of the input's shape. Computed as
 * −log_softmax, so large logits do not overflow. Options as PyTorch: `weight` per class,
 * `ignoreIndex` (−100), `labelSmoothing`; `mean` divides by the summed weights of non-ignored targets.
 * The class weight may also come third, as in PyTorch: `crossEntropy(input, target, weight, options)`.
 * @example
 * const logits = new nn.Linear(20, 10).forward(randn([8, 20])); // (N, 10)
 * const labels = randint(0, 10, [8]); // int32 (N,)
 * const loss = crossEntropy(logits, labels);
 * const classWeights = ones([10]);
 * crossEntropy(logits, labels, classWeights, { labelSmoothing: 0.1 });
 * crossEntropy(tensor([[0, 0]]), tensor([[0.5, 0.5]])).item(); // 0.6931: probabilities as the target
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor;
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  options?: Omit<CrossEntropyOptions, "weight">,
): Tensor;
export function crossEntropy(input: Tensor, target: Tensor, ...rest: unknown[]): Tensor {
  const op = "crossEntropy";
  const options: CrossEntropyOptions = lossArgs(op, input, target, rest, [
    "reduction",
    "weight",
    "ignoreIndex",
    "labelSmoothing",
  ]);
  const reduction = reductionOf(op, options);
  checkFloatInput(op, input);
  const axis = classAxisOf(op, input);
  const classes = input.shape[axis];
  checkClassWeight(op, options.weight, classes);
  checkSmoothing(op, options.labelSmoothing ?? 0);
  if (isFloat(target.dtype)) {
    if (!sameShape(target.shape, input.shape)) {
      const indexShape = input.shape.filter((_, i) => i !== axis);
      const reason = sameShape(target.shape, indexShape)
        ? `a target of shape ${fmtShape(target.shape)} holds class indices and must be int32, got ${target.dtype}; convert it with .int()`
        : `float targets are class probabilities and need the input's shape ${fmtShape(input.shape)}, got ${fmtShape(target.shape)} (${target.dtype})`;
      throw new (sameShape(target.shape, indexShape) ? DTypeError : ShapeError)(`${op}: ${reason}`);
    }
    return softTargetCore(logSoftmax(input, axis), target, axis, options, reduction);
  }
  if (target.dtype !== "int32") {
    throw new DTypeError(
      `${op}: target must be int32 class indices or float probabilities, got ${target.dtype}`,
    );
  }
  if (sameShape(target.shape, input.shape) && input.rank >= 2) {
    throw new DTypeError(
      `${op}: a target of the input's shape ${fmtShape(input.shape)} holds class probabilities and must be float, ` +
        `got int32; for class indices use shape ${fmtShape(input.shape.filter((_, i) => i !== axis))}`,
    );
  }
  return nllCore(op, logSoftmax(input, axis), target, axis, options, reduction);
}

/**
 * Negative log-likelihood of log-probabilities `input` (C), (N, C) or (N, C, d...) (e.g. from
 * `logSoftmax`) at int32 class indices of shape (), (N) or (N, d...): −input[n, target[n]], scaled by
 * `weight[target[n]]`; targets equal to `ignoreIndex` (−100) are skipped. `mean` divides by the summed
 * weights of the targets that count. The class weight may also come third, as in PyTorch.
 * @example
 * const logits = randn([4, 3]), labels = tensor([0, 2, 1, 2], { dtype: "int32" });
 * const a = nllLoss(logits.logSoftmax(1), labels); // equals crossEntropy(logits, labels)
 * a.sub(crossEntropy(logits, labels)).abs().item() < 1e-6; // true
 */
export function nllLoss(input: Tensor, target: Tensor, options?: ClassLossOptions): Tensor;
export function nllLoss(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  options?: Omit<ClassLossOptions, "weight">,
): Tensor;
export function nllLoss(input: Tensor, target: Tensor, ...rest: unknown[]): Tensor {
  const op = "nllLoss";
  const options: ClassLossOptions = lossArgs(op, input, target, rest, ["reduction", "weight", "ignoreIndex"]);
  const reduction = reductionOf(op, options);
  checkFloatInput(op, input);
  const axis = classAxisOf(op, input);
  checkClassWeight(op, options.weight, input.shape[axis]);
  if (target.dtype !== "int32") {
    throw new DTypeError(
      `${op}: target must be int32 class indices, got ${target.dtype}; convert it with .int()`,
    );
  }
  return nllCore(op, input, target, axis, { ...options, labelSmoothing: 0 }, reduction);
}

/**
 * Options of `binaryCrossEntropy`.
 * @example
 * const p = tensor([0.9, 0.2]), y = tensor([1, 0]), sampleWeights = tensor([1, 0]);
 * binaryCrossEntropy(p, y, { weight: sampleWeights, reduction: "sum" }).item(); // 0.1054: −log 0.9
 */
export interface BinaryLossOptions extends LossOptions {
  /** A rescaling weight broadcast against the input (e.g. per sample, or per output). */
  weight?: Tensor;
}

function checkBroadcastable(op: string, name: string, t: Tensor | undefined, shape: readonly number[]): void {
  if (t === undefined) return;
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype}`);
  const ok =
    t.rank <= shape.length && t.shape.every((d, i) => d === 1 || d === shape[shape.length - t.rank + i]);
  if (!ok) {
    throw new ShapeError(
      `${op}: ${name} of shape ${fmtShape(t.shape)} does not broadcast to the input shape ${fmtShape(shape)}`,
    );
  }
}

/** max(log p, −100), with a finite gradient even where p is 0 (as PyTorch clamps BCE's logs). */
function clampedLog(p: Tensor): Tensor {
  const positive = p.gt(0);
  const lp = log(where(positive, p, 1));
  return where(positive, maximum(lp, -100), -100);
}

/**
 * Binary cross-entropy of probabilities `input` in [0, 1] against targets in [0, 1] of the same shape:
 * −(t·log p + (1 − t)·log(1 − p)), each log clamped at −100 as PyTorch does (so p = 0 or 1 gives a
 * finite loss). Prefer `binaryCrossEntropyWithLogits` on raw scores: it is more stable. The weight
 * may also come third, as in PyTorch.
 * @example
 * const scores = new nn.Linear(4, 1).forward(randn([8, 4])).squeeze(1);
 * const y = bernoulli(0.5, [8]); // float labels 0 or 1
 * binaryCrossEntropy(scores.sigmoid(), y);
 * binaryCrossEntropy(tensor([0.5]), tensor([1])).item(); // 0.6931
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BinaryLossOptions): Tensor;
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  options?: Omit<BinaryLossOptions, "weight">,
): Tensor;
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...rest: unknown[]): Tensor {
  const op = "binaryCrossEntropy";
  const options: BinaryLossOptions = lossArgs(op, input, target, rest, ["reduction", "weight"]);
  const reduction = reductionOf(op, options);
  checkPair(op, input, target, "labels or probabilities");
  checkBroadcastable(op, "weight", options.weight, input.shape);
  if (input.size > 0 && !input.backend.asyncReads) {
    const lo = tidy(() => min(input).item());
    const hi = tidy(() => max(input).item());
    if (lo < 0 || hi > 1) {
      throw new ValueError(
        `${op}: input must hold probabilities in [0, 1], got values from ${lo} to ${hi}; ` +
          "for raw scores (logits) use binaryCrossEntropyWithLogits",
      );
    }
  }
  const one = sub(1, target);
  let loss = neg(mul(target, clampedLog(input)).add(mul(one, clampedLog(sub(1, input)))));
  if (options.weight !== undefined) loss = mul(loss, options.weight);
  return reduce(loss, reduction);
}

/**
 * Options of `binaryCrossEntropyWithLogits`.
 * @example
 * const options: BCEWithLogitsOptions = { posWeight: tensor([3]) }; // positives count three times
 * binaryCrossEntropyWithLogits(tensor([0]), tensor([1]), options).item(); // 2.0794: 3 · log 2
 */
export interface BCEWithLogitsOptions extends BinaryLossOptions {
  /** Weight of the positive term, broadcast over the last axes (e.g. one per class): trades recall for precision. */
  posWeight?: Tensor;
}

/**
 * Binary cross-entropy of logits: the same as `binaryCrossEntropy(sigmoid(input), target)` but in the
 * overflow-free form (1 − t)·x + (1 + (posWeight − 1)·t)·softplus(−x). The weight may also come
 * third, as in PyTorch (`posWeight` is an option: it comes after deprecated arguments there).
 * @example
 * const scores = tensor([2, -1]), labels = tensor([1, 0]);
 * binaryCrossEntropyWithLogits(scores, labels).item(); // 0.2201
 * binaryCrossEntropyWithLogits(scores, labels, { posWeight: tensor([3]) }).item(); // 0.3470
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options?: BCEWithLogitsOptions,
): Tensor;
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  options?: Omit<BCEWithLogitsOptions, "weight">,
): Tensor;
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...rest: unknown[]): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  const options: BCEWithLogitsOptions = lossArgs(op, input, target, rest, [
    "reduction",
    "weight",
    "posWeight",
  ]);
  const reduction = reductionOf(op, options);
  checkPair(op, input, target, "labels or probabilities");
  checkBroadcastable(op, "weight", options.weight, input.shape);
  checkBroadcastable(op, "posWeight", options.posWeight, input.shape);
  // softplus(−x) = log(1 + e^−|x|) + max(−x, 0); maximum splits the gradient at 0, giving the exact −½
  const softplusNeg = log1p(exp(neg(abs(input)))).add(maximum(neg(input), 0));
  const logWeight =
    options.posWeight === undefined ? undefined : mul(sub(options.posWeight, 1), target).add(1);
  let loss = mul(sub(1, target), input).add(
    logWeight === undefined ? softplusNeg : mul(logWeight, softplusNeg),
  );
  if (options.weight !== undefined) loss = mul(loss, options.weight);
  return reduce(loss, reduction);
}
