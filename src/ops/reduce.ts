import type { ReduceOp } from "../backends/backend.js";
import { backendOf, record, wrap, derive } from "../core/dispatch.js";
import { DTypeError, ShapeError, fmtShape } from "../base/errors.js";
import { isGradEnabled } from "../core/grad_mode.js";
import { normAxes, normAxis } from "../base/shape.js";
import type { Tensor } from "../core/tensor.js";
import { abs, asFloat, cast, div, exp, log, logicalNot, mul, pow, sqrt, sub, where } from "./elementwise.js";
import { reshape } from "./movement.js";

/**
 * Shape after reducing `axes` with keepDims (reduced axes become 1).
 * @example
 * keptShape([2, 3, 4], [1]); // [2, 1, 4]
 */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduceOp(
  op: ReduceOp,
  x: Tensor,
  axesArg: number | number[] | undefined,
  keepDims: boolean,
): Tensor {
  const axes = normAxes(op, axesArg, x.rank);
  if (op !== "sum") {
    for (const a of axes) {
      if (x.shape[a] === 0) {
        throw new ShapeError(
          `${op}: cannot reduce over axis ${a} of size 0 (shape ${fmtShape(x.shape)}); the result is undefined`,
        );
      }
    }
  }
  const backend = backendOf(op, x);
  const storage = backend.reduce(op, x, axes);
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  let out = record(wrap(backend, storage, outShape), op, [x], { axes });
  if (keepDims) out = reshape(out, keptShape(x.shape, axes));
  return out;
}

/**
 * Sum over `axes` (default: all elements), dropping them unless `keepDims`.
 * @example
 * tensor([[1, 2], [3, 4]]).sum(1) // [3, 7]
 * sum(tensor([[1, 2], [3, 4]])).item(); // 10
 * sum(tensor([[1, 2], [3, 4]]), 0, true).toArray(); // [[4, 6]]
 */
export function sum(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return reduceOp("sum", x, axes, keepDims);
}

/**
 * Largest value over `axes` (default: all elements); its gradient is shared among ties.
 * @example
 * max(tensor([[1, 5], [3, 2]]), 1).toArray(); // [5, 3]
 */
export function max(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return reduceOp("max", x, axes, keepDims);
}

/**
 * Smallest value over `axes` (default: all elements).
 * @example
 * min(tensor([[1, 5], [3, 2]])).item(); // 1
 */
export function min(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return reduceOp("min", x, axes, keepDims);
}

function countOf(x: Tensor, axes: number | number[] | undefined): number {
  return normAxes("mean", axes, x.rank).reduce((n, a) => n * x.shape[a], 1);
}

/**
 * Mean over `axes` (default: all elements); integers give float32.
 * @example
 * mean(tensor([[1, 2], [3, 4]]), 0).toArray(); // [2, 3]
 */
export function mean(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const s = sum(asFloat(x), axes, keepDims);
  return div(s, countOf(x, axes));
}

/**
 * Variance; `correction` 1 divides by n − 1 (torch.var's default), 0 by n.
 * @example
 * variance(tensor([1, 2, 3, 4])).item(); // 1.6667
 * variance(tensor([1, 2, 3, 4]), undefined, false, 0).item(); // 1.25
 */
export function variance(x: Tensor, axes?: number | number[], keepDims = false, correction = 1): Tensor {
  const xf = asFloat(x);
  const centered = sub(xf, mean(xf, axes, true));
  const n = countOf(x, axes);
  return div(sum(mul(centered, centered), axes, keepDims), Math.max(0, n - correction));
}

/**
 * Standard deviation: the square root of `variance` (n − 1 unless `correction` is 0).
 * @example
 * std(tensor([2, 4, 4, 4, 5, 5, 7, 9]), undefined, false, 0).item(); // 2
 */
export function std(x: Tensor, axes?: number | number[], keepDims = false, correction = 1): Tensor {
  return sqrt(variance(x, axes, keepDims, correction));
}

/**
 * log Σ exp(x), computed stably by factoring out the maximum.
 * @example
 * logSumExp(tensor([1000, 1000])).item(); // 1000.6931
 */
export function logSumExp(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const xf = asFloat(x);
  const m = max(xf, axes, true).detach();
  // an all −∞ slice has max −∞; subtracting it would give NaN, so shift by 0 there instead
  const shift = m.isFinite().where(m, 0);
  const s = log(sum(exp(sub(xf, shift)), axes, true));
  const out = s.add(shift);
  return keepDims
    ? out
    : reshape(
        out,
        x.shape.filter((_, i) => !normAxes("logSumExp", axes, x.rank).includes(i)),
      );
}

function argReduce(op: "argmax" | "argmin", x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  if (x.dtype === "bool") throw new DTypeError(`${op}: bool tensors are not supported; cast to int32 first`);
  const flat = axis === undefined ? reshape(x, [x.size]) : x;
  const a = axis === undefined ? 0 : normAxis(op, axis, x.rank);
  if (flat.shape[a] === 0)
    throw new ShapeError(`${op}: cannot reduce over an empty axis (shape ${fmtShape(x.shape)})`);
  const backend = backendOf(op, flat);
  const outShape = flat.shape.filter((_, i) => i !== a);
  const out = derive(wrap(backend, backend.argReduce(op, flat, a), outShape), [flat]);
  if (!keepDims) return out;
  return reshape(out, axis === undefined ? x.shape.map(() => 1) : keptShape(x.shape, [a]));
}

/**
 * Index of the largest value along `axis` (of the flattened tensor when omitted); int32.
 * @example
 * argmax(tensor([[1, 5], [3, 2]]), 1).toArray(); // [1, 0]
 * argmax(tensor([[1, 5], [3, 2]])).item(); // 1
 */
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argReduce("argmax", x, axis, keepDims);
}

/**
 * Index of the smallest value along `axis` (of the flattened tensor when omitted); int32.
 * @example
 * argmin(tensor([[1, 5], [3, 2]]), 1).toArray(); // [0, 1]
 */
export function argmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argReduce("argmin", x, axis, keepDims);
}

/**
 * True where every element along the axes is non-zero (true over an empty axis).
 * @example
 * all(tensor([[1, 0], [2, 3]]), 1).toArray(); // [false, true]
 */
export function all(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  // count the zeros: a cast to int32 would truncate 0.5 to 0, and min has no value over an empty axis
  return sum(logicalNot(x), axes, keepDims).eq(0);
}

/**
 * True where some element along the axes is non-zero (false over an empty axis).
 * @example
 * any(tensor([[0, 0], [0, 3]]), 1).toArray(); // [false, true]
 */
export function any(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return sum(cast(x, "bool"), axes, keepDims).gt(0);
}

/**
 * p-norm over `axes` (default: all elements): (Σ|x|ᵖ)^(1/p); p = Infinity gives the max-abs norm and
 * p = 0 counts the non-zero entries. As in PyTorch (torch.linalg.vector_norm), the gradient of a norm
 * that is 0 (a zero vector or slice) is 0 rather than NaN, and for 0 < p < 1 the zero entries of a
 * non-zero vector get gradient 0.
 * @example
 * tensor([[3, 4], [0, 0]]).norm(2, 1) // [5, 0]; its gradient at the zero row is [0, 0]
 * norm(tensor([3, -4]), Infinity).item(); // 4
 * norm(tensor([3, 0, -4]), 0).item(); // 2
 */
export function norm(x: Tensor, p = 2, axes?: number | number[], keepDims = false): Tensor {
  const a = abs(asFloat(x));
  if (p === Number.POSITIVE_INFINITY) return max(a, axes, keepDims);
  // the "0-norm" counts non-zero entries, as torch.linalg.vector_norm
  if (p === 0) return sum(cast(a.ne(0), a.dtype), axes, keepDims);
  // |x| has derivative sign(x) = 0 at 0, so the 1-norm's gradient is already 0 there
  if (p === 1) return sum(a, axes, keepDims);
  // the root's derivative is infinite where the sum is 0 (and |x|ᵖ's at x = 0 for p < 1): 0 · ∞ would
  // give NaN, so those points go through a constant branch instead. The forward values are the same;
  // without a graph to record (clipGradNorm, evaluation) the plain formula saves the extra ops.
  const guard = p > 0 && isGradEnabled() && x.requiresGrad;
  let powered: Tensor;
  if (p === 2) powered = mul(a, a);
  else if (guard && p < 1) {
    const zero = a.eq(0);
    powered = where(zero, 0, pow(where(zero, 1, a), p));
  } else powered = pow(a, p);
  const s = sum(powered, axes, keepDims);
  const root = (v: Tensor) => (p === 2 ? sqrt(v) : pow(v, 1 / p));
  if (!guard) return root(s);
  const zero = s.eq(0);
  return where(zero, 0, root(where(zero, 1, s)));
}

/**
 * Sums `g` down to `shape` (the adjoint of broadcasting).
 * @example
 * sumTo(ones([2, 3]), [3]).toArray(); // [2, 2, 2]
 * sumTo(ones([2, 3]), [2, 1]).toArray(); // [[3], [3]]
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes), shape);
}
