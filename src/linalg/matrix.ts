/**
 * What every linalg function shares: reading a batch of matrices to the host in float64, wrapping host
 * results as tensors of the input's dtype, and the few matrix helpers the backward formulas use
 * (written with differentiable ops, so gradients of gradients work).
 */
import { DTypeError, ShapeError, fmtShape } from "../base/errors.js";
import { checkTensor } from "../core/args.js";
import type { Tensor } from "../core/tensor.js";
import * as ops from "../ops/index.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

/**
 * A batch of matrices read to the host: `values` holds `count` row-major m×n matrices in float64.
 * @example
 * const b: HostBatch = readMatrices("linalg.det", zeros([3, 2, 2]), true);
 * [b.batch, b.count, b.m, b.n]; // [[3], 3, 2, 2]
 */
export interface HostBatch {
  batch: number[];
  count: number;
  m: number;
  n: number;
  values: Float64Array;
}

/**
 * Checks that `x` is a float tensor of matrices (rank ≥ 2; square when asked) and reads it.
 * The read is synchronous (`dataSync`): an async variant for backends that cannot read synchronously
 * (WebGPU) is left for later.
 * @example
 * readMatrices("linalg.inv", zeros([2, 3]), true); // throws ShapeError: linalg.inv: expected square matrices
 */
export function readMatrices(op: string, x: Tensor, square: boolean): HostBatch {
  checkTensor(op, "A", x);
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new DTypeError(`${op}: expected a float32 or float64 tensor, got ${x.dtype}`);
  }
  if (x.rank < 2) {
    throw new ShapeError(
      `${op}: expected a matrix or a batch of matrices (rank ≥ 2), got shape ${fmtShape(x.shape)}`,
    );
  }
  const m = x.shape[x.rank - 2];
  const n = x.shape[x.rank - 1];
  if (square && m !== n) {
    throw new ShapeError(`${op}: expected square matrices, got shape ${fmtShape(x.shape)} (${m}×${n})`);
  }
  requireSyncReads(op, x, "computes on the host in float64 (as LAPACK does)", ON_A_HOST_BACKEND);
  const batch = x.shape.slice(0, -2);
  const count = batch.reduce((a, b) => a * b, 1);
  return { batch: [...batch], count, m, n, values: Float64Array.from(x.dataSync()) };
}

/**
 * Wraps host float64 values as a tensor of `dtype` (float32 rounds).
 * @example
 * toTensor(Float64Array.from([1, 2]), [2], "float32").toArray(); // [1, 2]
 */
export function toTensor(
  values: Float64Array,
  shape: readonly number[],
  dtype: "float32" | "float64" | string,
): Tensor {
  return ops.fromHost(values, shape, dtype as "float32" | "float64");
}

/**
 * The last two axes swapped (PyTorch's `.mT`).
 * @example
 * mT(zeros([5, 2, 3])).shape; // [5, 3, 2]
 */
export function mT(x: Tensor): Tensor {
  return ops.transpose(x, -2, -1);
}

/**
 * The n×n identity in `dtype` (broadcasts over batch axes).
 * @example
 * eyeOf(2, "float64").toArray(); // [[1, 0], [0, 1]]
 */
export function eyeOf(n: number, dtype: string): Tensor {
  return ops.eye(n, n, { dtype: dtype as "float32" | "float64" });
}

/**
 * A mask keeping the entries with j − i ≤ k (lower) or j − i ≥ k (upper) of an m×n matrix.
 * @example
 * triMask(2, 2, "lower", 0, "float32").toArray(); // [[1, 0], [1, 1]]
 */
export function triMask(m: number, n: number, part: "lower" | "upper", k: number, dtype: string): Tensor {
  const v = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) v[i * n + j] = (part === "lower" ? j - i <= k : j - i >= k) ? 1 : 0;
  }
  return ops.fromHost(v, [m, n], dtype as "float32" | "float64");
}

/**
 * The lower triangle (with the k-th diagonal) of the last two axes; the rest zero (differentiable).
 * @example
 * tril(tensor([[1, 2], [3, 4]])).toArray(); // [[1, 0], [3, 4]]
 */
export function tril(x: Tensor, k = 0): Tensor {
  return x.mul(triMask(x.shape[x.rank - 2], x.shape[x.rank - 1], "lower", k, x.dtype));
}

/**
 * The upper triangle (from the k-th diagonal) of the last two axes; the rest zero (differentiable).
 * @example
 * triu(tensor([[1, 2], [3, 4]]), 1).toArray(); // [[0, 2], [0, 0]]
 */
export function triu(x: Tensor, k = 0): Tensor {
  return x.mul(triMask(x.shape[x.rank - 2], x.shape[x.rank - 1], "upper", k, x.dtype));
}

/**
 * Vectors (…, n) as diagonal matrices (…, n, n) (differentiable).
 * @example
 * diagEmbed(tensor([1, 2])).toArray(); // [[1, 0], [0, 2]]
 */
export function diagEmbed(v: Tensor): Tensor {
  const n = v.shape[v.rank - 1];
  return v.unsqueeze(-2).mul(eyeOf(n, v.dtype));
}

/**
 * The diagonal of the last two (square) axes (differentiable).
 * @example
 * diagonal(tensor([[1, 2], [3, 4]])).toArray(); // [1, 4]
 */
export function diagonal(x: Tensor): Tensor {
  return x.mul(eyeOf(x.shape[x.rank - 1], x.dtype)).sum(-1);
}

/**
 * A tuple whose entries can also be read by name, as PyTorch's named tuples (`eigh(A).eigenvectors`).
 * @example
 * const r = namedTuple([tensor(1), tensor(2)], ["sign", "logabsdet"] as const);
 * r.logabsdet.item(); // 2
 */
export function namedTuple<const K extends readonly string[]>(
  values: Tensor[],
  names: K,
): Tensor[] & { [P in K[number]]: Tensor } {
  const out = [...values] as Tensor[] & Record<string, Tensor>;
  names.forEach((name, i) => {
    Object.defineProperty(out, name, { value: values[i], enumerable: false });
  });
  return out as Tensor[] & { [P in K[number]]: Tensor };
}
