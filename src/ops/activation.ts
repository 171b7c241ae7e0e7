import { checkArity, checkNumber, checkTensor, describeValue } from "../core/args.js";
import { ArgumentError } from "../base/errors.js";
import { normAxis } from "../base/shape.js";
import type { Tensor } from "../core/tensor.js";
import {
  add,
  asFloat,
  erf,
  exp,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  relu,
  sigmoid,
  sub,
  tanh,
  where,
} from "./elementwise.js";
import { logSumExp, max, sum } from "./reduce.js";

/**
 * exp(x) / Σ exp(x) along `axis`, shifted by the max so large logits do not overflow.
 * @example tensor([1, 2, 3]).softmax() // [0.0900, 0.2447, 0.6652]
 */
export function softmax(x: Tensor, axis = -1, ...extra: never[]): Tensor {
  checkArity("softmax", [x, axis, ...extra], ["x", "axis"]);
  checkTensor("softmax", "x", x);
  const xf = asFloat(x);
  const a = normAxis("softmax", axis, x.rank);
  const e = exp(sub(xf, max(xf, a, true).detach()));
  return e.div(sum(e, a, true));
}

/**
 * log(softmax(x)) computed as x − logΣexp(x), accurate even where softmax underflows.
 * @example
 * logSoftmax(tensor([1, 2, 3])).toArray(); // [-2.4076, -1.4076, -0.4076]
 * logSoftmax(tensor([0, 200])).toArray(); // [-200, 0]: softmax(x).log() would give -Infinity
 */
export function logSoftmax(x: Tensor, axis = -1, ...extra: never[]): Tensor {
  checkArity("logSoftmax", [x, axis, ...extra], ["x", "axis"]);
  checkTensor("logSoftmax", "x", x);
  const xf = asFloat(x);
  const a = normAxis("logSoftmax", axis, x.rank);
  return sub(xf, logSumExp(xf, a, true));
}

/**
 * max(x, 0) + negativeSlope · min(x, 0).
 * @example
 * leakyRelu(tensor([-10, 5]), 0.1).toArray(); // [-1, 5]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01, ...extra: never[]): Tensor {
  checkArity("leakyRelu", [x, negativeSlope, ...extra], ["x", "negativeSlope"]);
  checkTensor("leakyRelu", "x", x);
  checkNumber("leakyRelu", "negativeSlope", negativeSlope);
  return where(x.gt(0), x, mul(x, negativeSlope));
}

/**
 * x for x > 0, alpha · (eˣ − 1) otherwise.
 * @example
 * elu(tensor([-1, 2])).toArray(); // [-0.6321, 2]
 */
export function elu(x: Tensor, alpha = 1, ...extra: never[]): Tensor {
  checkArity("elu", [x, alpha, ...extra], ["x", "alpha"]);
  checkTensor("elu", "x", x);
  checkNumber("elu", "alpha", alpha);
  // where (not minimum) keeps the full slope α at x = 0, as PyTorch
  return where(x.gt(0), x, mul(where(x.gt(0), 0, x).expm1(), alpha));
}

/**
 * x · Φ(x) with the exact erf form, or PyTorch's tanh approximation with `approximate: "tanh"`.
 * @example
 * gelu(tensor([-1, 1])).toArray(); // [-0.1587, 0.8413]
 * gelu(tensor([-1, 1]), "tanh").toArray(); // [-0.1588, 0.8412]
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none", ...extra: never[]): Tensor {
  checkArity("gelu", [x, approximate, ...extra], ["x", "approximate"]);
  checkTensor("gelu", "x", x);
  if (approximate !== "none" && approximate !== "tanh") {
    throw new ArgumentError(`gelu: approximate must be "none" or "tanh", got ${describeValue(approximate)}`);
  }
  const xf = asFloat(x);
  if (approximate === "tanh") {
    const inner = mul(add(xf, mul(xf.mul(xf).mul(xf), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(xf, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(xf, 0.5), add(erf(mul(xf, Math.SQRT1_2)), 1));
}

/**
 * x · sigmoid(x) (also called swish).
 * @example
 * silu(tensor([0, 1])).toArray(); // [0, 0.7311]
 */
export function silu(x: Tensor, ...extra: never[]): Tensor {
  checkArity("silu", [x, ...extra], ["x"]);
  checkTensor("silu", "x", x);
  const xf = asFloat(x);
  return mul(xf, sigmoid(xf));
}

/**
 * log(1 + exp(β·x)) / β, linear above `threshold` as in PyTorch.
 * @example
 * softplus(tensor([0, 1, 30])).toArray(); // [0.6931, 1.3133, 30]
 */
export function softplus(x: Tensor, beta = 1, threshold = 20, ...extra: never[]): Tensor {
  checkArity("softplus", [x, beta, threshold, ...extra], ["x", "beta", "threshold"]);
  checkTensor("softplus", "x", x);
  checkNumber("softplus", "beta", beta);
  checkNumber("softplus", "threshold", threshold);
  const xf = asFloat(x);
  const bx = mul(xf, beta);
  // log1p(exp(-|z|)) + max(z, 0) is the overflow-free form of log(1 + e^z); maximum (not relu)
  // splits its gradient at z = 0, which gives the exact slope ½ there
  const soft = add(log1p(exp(bx.abs().neg())), maximum(bx, 0)).div(beta);
  return where(bx.gt(threshold), xf, soft);
}

/**
 * Clamp to [minVal, maxVal].
 * @example
 * hardtanh(tensor([-3, 0.5, 3])).toArray(); // [-1, 0.5, 1]
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1, ...extra: never[]): Tensor {
  checkArity("hardtanh", [x, minVal, maxVal, ...extra], ["x", "minVal", "maxVal"]);
  checkTensor("hardtanh", "x", x);
  checkNumber("hardtanh", "minVal", minVal);
  checkNumber("hardtanh", "maxVal", maxVal);
  return minimum(maximum(x, minVal), maxVal);
}

/**
 * log(sigmoid(x)) without overflow.
 * @example
 * logSigmoid(tensor([0, -200])).toArray(); // [-0.6931, -200]
 */
export function logSigmoid(x: Tensor, ...extra: never[]): Tensor {
  checkArity("logSigmoid", [x, ...extra], ["x"]);
  checkTensor("logSigmoid", "x", x);
  return softplus(asFloat(x).neg()).neg();
}

export { log, relu, sigmoid, tanh };
