/**
 * Linear systems, inverses and determinants through LU with partial pivoting, PyTorch's
 * `torch.linalg` names: `solve`, `inv`, `det`, `slogdet`. Host float64, batched, differentiable.
 */
import { LinAlgError, ShapeError, fmtShape } from "../base/errors.js";
import { defineFunction, type FunctionContext } from "../autograd/function.js";
import { checkTensor } from "../core/args.js";
import type { Tensor } from "../core/tensor.js";
import { broadcastShapes } from "../base/shape.js";
import { luHost, luSolveHost } from "./host_factor.js";
import { mT, namedTuple, readMatrices, toTensor } from "./matrix.js";

function singular(op: string, b: number, count: number, column: number): LinAlgError {
  const where = count > 1 ? ` (batch element ${b})` : "";
  return new LinAlgError(
    `${op}: the input matrix is singular${where}: U[${column - 1}, ${column - 1}] of its LU factorization is zero`,
  );
}

const SolveMatrices: (a: Tensor, b: Tensor) => Tensor = defineFunction({
  name: "linalg.solve",
  forward(ctx: FunctionContext, a: Tensor, bm: Tensor) {
    const A = readMatrices("linalg.solve", a, true);
    const B = readMatrices("linalg.solve", bm, false);
    const { n } = A;
    const k = B.n;
    const out = new Float64Array(A.count * n * k);
    for (let b = 0; b < A.count; b++) {
      const f = luHost(A.values.subarray(b * n * n, (b + 1) * n * n), n);
      if (f.zeroPivot > 0) throw singular("linalg.solve", b, A.count, f.zeroPivot);
      out.set(luSolveHost(f.lu, f.perm, B.values.subarray(b * n * k, (b + 1) * n * k), n, k), b * n * k);
    }
    const X = toTensor(out, bm.shape, a.dtype);
    ctx.saveForBackward(a, X);
    return X;
  },
  backward(ctx: FunctionContext, gX: Tensor): Tensor[] {
    const [A, X] = ctx.savedTensors;
    // X = A⁻¹B: gB = A⁻ᵀ gX, gA = −gB Xᵀ
    const gB = SolveMatrices(mT(A), gX);
    return [gB.matmul(mT(X)).neg(), gB];
  },
});

/**
 * Solves A X = B for square A (batched, with broadcasting of the batch axes), as `torch.linalg.solve`:
 * B of shape (…, n, k), or (…, n) / (n,) for a batch of vectors. A singular A raises a `LinAlgError`.
 * @example
 * const A = tensor([[3, 1], [1, 2]], { dtype: "float64" });
 * linalg.solve(A, tensor([9, 8], { dtype: "float64" })).toArray(); // [2, 3]
 * linalg.solve(tensor([[1, 2], [2, 4]]), tensor([1, 1])); // throws LinAlgError: the input matrix is singular
 */
export function solve(A: Tensor, B: Tensor): Tensor {
  checkTensor("linalg.solve", "A", A);
  checkTensor("linalg.solve", "B", B);
  if (A.rank < 2 || A.shape[A.rank - 1] !== A.shape[A.rank - 2]) {
    throw new ShapeError(`linalg.solve: A must be square matrices, got shape ${fmtShape(A.shape)}`);
  }
  const n = A.shape[A.rank - 1];
  const aBatch = A.shape.slice(0, -2);
  const vector = B.rank === 1 || (B.rank === A.rank - 1 && B.shape.every((d, i) => d === A.shape[i]));
  const Bm = vector ? B.unsqueeze(-1) : B;
  if (Bm.rank < 2 || Bm.shape[Bm.rank - 2] !== n) {
    throw new ShapeError(
      `linalg.solve: B of shape ${fmtShape(B.shape)} does not fit A of shape ${fmtShape(A.shape)}: expected (…, ${n}, k) or (…, ${n})`,
    );
  }
  const batch = broadcastShapes("linalg.solve", aBatch, Bm.shape.slice(0, -2));
  const a = A.expand([...batch, n, n]);
  const b = Bm.expand([...batch, n, Bm.shape[Bm.rank - 1]]);
  const X = SolveMatrices(a, b);
  return vector ? X.squeeze(-1) : X;
}

const Inv = defineFunction({
  name: "linalg.inv",
  forward(ctx: FunctionContext, a: Tensor) {
    const { batch, count, n, values } = readMatrices("linalg.inv", a, true);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const out = new Float64Array(count * n * n);
    for (let b = 0; b < count; b++) {
      const f = luHost(values.subarray(b * n * n, (b + 1) * n * n), n);
      if (f.zeroPivot > 0) throw singular("linalg.inv", b, count, f.zeroPivot);
      out.set(luSolveHost(f.lu, f.perm, eye, n, n), b * n * n);
    }
    const Ainv = toTensor(out, [...batch, n, n], a.dtype);
    ctx.saveForBackward(Ainv);
    return Ainv;
  },
  backward(ctx: FunctionContext, g: Tensor) {
    const [Ainv] = ctx.savedTensors;
    const t = mT(Ainv);
    return [t.matmul(g).matmul(t).neg()];
  },
});

/**
 * The inverse of square matrices (batched), as `torch.linalg.inv`; a singular matrix raises a
 * `LinAlgError`. Prefer `solve` to multiplying by an inverse.
 * @example
 * linalg.inv(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 */
export function inv(A: Tensor): Tensor {
  return Inv(A);
}

/** LU-based sign and log|det| of every matrix of a batch (sign 0 and −∞ for a singular one). */
function logDets(op: string, a: Tensor): { batch: number[]; sign: Float64Array; logabs: Float64Array } {
  const { batch, count, n, values } = readMatrices(op, a, true);
  const sign = new Float64Array(count);
  const logabs = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    const f = luHost(values.subarray(b * n * n, (b + 1) * n * n), n);
    let s = f.sign;
    let l = 0;
    for (let i = 0; i < n; i++) {
      const d = f.lu[i * n + i];
      if (d < 0) s = -s;
      l += Math.log(Math.abs(d));
    }
    sign[b] = f.zeroPivot > 0 ? 0 : s;
    logabs[b] = f.zeroPivot > 0 ? Number.NEGATIVE_INFINITY : l;
  }
  return { batch, sign, logabs };
}

const Det = defineFunction({
  name: "linalg.det",
  forward(ctx: FunctionContext, a: Tensor) {
    const { batch, sign, logabs } = logDets("linalg.det", a);
    const d = toTensor(
      sign.map((s, i) => s * Math.exp(logabs[i])),
      batch,
      a.dtype,
    );
    ctx.saveForBackward(a, d);
    return d;
  },
  backward(ctx: FunctionContext, g: Tensor) {
    const [A, d] = ctx.savedTensors;
    // d det(A) = det(A) tr(A⁻¹ dA)
    return [mT(inv(A)).mul(g.mul(d).unsqueeze(-1).unsqueeze(-1))];
  },
});

/**
 * Determinants of square matrices (batched), as `torch.linalg.det`, from an LU factorisation. The
 * gradient det(A)·A⁻ᵀ needs A invertible (a singular A raises a `LinAlgError` in backward).
 * @example
 * linalg.det(tensor([[1, 2], [3, 4]])).item(); // -2
 */
export function det(A: Tensor): Tensor {
  return Det(A);
}

const SlogDet = defineFunction({
  name: "linalg.slogdet",
  forward(ctx: FunctionContext, a: Tensor) {
    const { batch, sign, logabs } = logDets("linalg.slogdet", a);
    ctx.saveForBackward(a);
    return [toTensor(sign, batch, a.dtype), toTensor(logabs, batch, a.dtype)];
  },
  backward(ctx: FunctionContext, _gSign: Tensor, gLog: Tensor) {
    const [A] = ctx.savedTensors;
    return [mT(inv(A)).mul(gLog.unsqueeze(-1).unsqueeze(-1))];
  },
});

/**
 * Sign and natural log of |det| (batched), as `torch.linalg.slogdet`: no overflow where `det` would
 * overflow. A singular matrix gives sign 0 and −∞. Read by name or unpack as `[sign, logabsdet]`.
 * @example
 * const { sign, logabsdet } = linalg.slogdet(tensor([[1, 2], [3, 4]], { dtype: "float64" }));
 * [sign.item(), logabsdet.item()]; // [-1, 0.6931]
 */
export function slogdet(A: Tensor): Tensor[] & { sign: Tensor; logabsdet: Tensor } {
  return namedTuple(SlogDet(A), ["sign", "logabsdet"] as const);
}
