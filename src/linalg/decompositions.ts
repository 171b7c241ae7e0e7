/**
 * Matrix decompositions, PyTorch's `torch.linalg` names and conventions: `eigh`, `eigvalsh`, `svd`,
 * `svdvals`, `qr`, `cholesky`. The factorisation runs on the host in float64 (one matrix of the batch at a
 * time); the result has the input's dtype; gradients are PyTorch's formulas, written with ops.
 */
import { ArgumentError, LinAlgError, ValueError } from "../base/errors.js";
import { defineFunction, type FunctionContext } from "../autograd/function.js";
import type { Tensor } from "../core/tensor.js";
import { symmetricEigen, svdHost } from "./host_eigen.js";
import { choleskyHost, householderQR } from "./host_factor.js";
import { diagEmbed, eyeOf, mT, namedTuple, readMatrices, toTensor, tril } from "./matrix.js";
import { inv } from "./solve.js";

/**
 * `eigh`'s result: eigenvalues (…, n) in ascending order and eigenvectors (…, n, n) as columns; read
 * by name or unpack as `[L, Q]`.
 * @example
 * const { eigenvalues, eigenvectors }: EighResult = linalg.eigh(tensor([[2, 1], [1, 2]]));
 * eigenvalues.toArray(); // [1, 3]
 */
export type EighResult = Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };

/**
 * Which triangle of a symmetric input is read.
 * @example
 * const options: EighOptions = { UPLO: "U" };
 * linalg.eigvalsh(tensor([[1, 5], [0, 1]]), options).toArray(); // [-4, 6]
 */
export interface EighOptions {
  /** "L" (default) reads the lower triangle, "U" the upper; the other is never read (as PyTorch). */
  UPLO?: "L" | "U";
}

/** Copies the chosen triangle of each square matrix into the lower triangle. */
function lowerOf(values: Float64Array, count: number, n: number, uplo: "L" | "U"): Float64Array {
  if (uplo === "L") return values;
  const out = new Float64Array(values.length);
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[o + i * n + j] = values[o + j * n + i];
  }
  return out;
}

function checkUplo(op: string, uplo: unknown): "L" | "U" {
  if (uplo === undefined) return "L";
  if (uplo !== "L" && uplo !== "U")
    throw new ArgumentError(`${op}: UPLO must be "L" or "U", got ${String(uplo)}`);
  return uplo;
}

const Eigh = defineFunction({
  name: "linalg.eigh",
  forward(ctx: FunctionContext, a: Tensor, uplo: "L" | "U") {
    const { batch, count, n, values } = readMatrices("linalg.eigh", a, true);
    const lower = lowerOf(values, count, n, uplo);
    const vals = new Float64Array(count * n);
    const vecs = new Float64Array(count * n * n);
    for (let b = 0; b < count; b++) {
      const r = symmetricEigen(lower.subarray(b * n * n, (b + 1) * n * n), n);
      vals.set(r.values, b * n);
      vecs.set(r.vectors, b * n * n);
    }
    const L = toTensor(vals, [...batch, n], a.dtype);
    const V = toTensor(vecs, [...batch, n, n], a.dtype);
    ctx.saveForBackward(L, V);
    return [L, V];
  },
  backward(ctx: FunctionContext, gL: Tensor, gV: Tensor) {
    const [L, V] = ctx.savedTensors;
    const n = L.shape[L.rank - 1];
    // gA = V (diag(gL) + sym(F ∘ VᵀgV)) Vᵀ with F_ij = 1/(λ_j − λ_i): only the symmetric part of the
    // gradient is defined for a symmetric input (PyTorch returns the same)
    const vtg = mT(V).matmul(gV);
    const skew = vtg.sub(mT(vtg)).mul(0.5);
    const gap = L.unsqueeze(-2).sub(L.unsqueeze(-1)).add(eyeOf(n, L.dtype));
    const inner = skew.div(gap).add(diagEmbed(gL));
    return [V.matmul(inner).matmul(mT(V)), null];
  },
});

/**
 * Eigenvalues (ascending) and eigenvectors of symmetric matrices (batched over leading axes), as
 * `torch.linalg.eigh`. Only the lower triangle is read (`UPLO: "U"`: the upper). Each eigenvector is
 * defined up to its sign; gradients are defined for losses that do not depend on that sign and for
 * distinct eigenvalues.
 * @example
 * const [L, Q] = linalg.eigh(tensor([[2, 1], [1, 2]], { dtype: "float64" }));
 * L.toArray(); // [1, 3]
 * Q.mul(L).matmul(Q.transpose(0, 1)).toArray(); // [[2, 1], [1, 2]]: Q diag(L) Qᵀ
 */
export function eigh(A: Tensor, options: EighOptions = {}): EighResult {
  const uplo = checkUplo("linalg.eigh", options.UPLO);
  return namedTuple(Eigh(A, uplo), ["eigenvalues", "eigenvectors"] as const);
}

/**
 * Eigenvalues only (ascending) of symmetric matrices, as `torch.linalg.eigvalsh`.
 * @example
 * linalg.eigvalsh(tensor([[2, 0], [0, -1]])).toArray(); // [-1, 2]
 */
export function eigvalsh(A: Tensor, options: EighOptions = {}): Tensor {
  return eigh(A, options).eigenvalues;
}

/**
 * `svd`'s result: U (…, m, k), S (…, k) descending, Vh (…, k, n) with k = min(m, n) (m and n with
 * `fullMatrices`).
 * @example
 * const { U, S, Vh }: SvdResult = linalg.svd(randn([4, 3]), { fullMatrices: false });
 * [U.shape, S.shape, Vh.shape]; // [[4, 3], [3], [3, 3]]
 */
export type SvdResult = Tensor[] & { U: Tensor; S: Tensor; Vh: Tensor };

/**
 * Options of `svd`.
 * @example
 * const options: SvdOptions = { fullMatrices: false };
 * linalg.svd(randn([5, 2]), options).U.shape; // [5, 2]
 */
export interface SvdOptions {
  /** U is m×m and Vh n×n (the default, as PyTorch); false: the thin k = min(m, n) factors. */
  fullMatrices?: boolean;
}

/** U, S, Vh of a batch, thin or full, as host arrays. */
function svdBatch(a: Tensor, full: boolean, op: string) {
  const { batch, count, m, n, values } = readMatrices(op, a, false);
  const k = Math.min(m, n);
  const uc = full ? m : k;
  const vr = full ? n : k;
  const U = new Float64Array(count * m * uc);
  const S = new Float64Array(count * k);
  const Vh = new Float64Array(count * vr * n);
  for (let b = 0; b < count; b++) {
    const r = svdHost(values.subarray(b * m * n, (b + 1) * m * n), m, n, full);
    U.set(r.u, b * m * uc);
    S.set(r.s, b * k);
    Vh.set(r.vt, b * vr * n);
  }
  return {
    U: toTensor(U, [...batch, m, uc], a.dtype),
    S: toTensor(S, [...batch, k], a.dtype),
    Vh: toTensor(Vh, [...batch, vr, n], a.dtype),
  };
}

/** PyTorch's svd_backward for thin factors (gU, gVh may be null: zero). */
function svdGrad(
  U: Tensor,
  S: Tensor,
  Vh: Tensor,
  gU: Tensor | null,
  gS: Tensor,
  gVh: Tensor | null,
): Tensor {
  const [m, k] = U.shape.slice(-2);
  const n = Vh.shape[Vh.rank - 1];
  let inner = diagEmbed(gS);
  if (gU === null && gVh === null) return U.matmul(inner).matmul(Vh);
  const s2 = S.square();
  // E_ij = S_j² − S_i² (1 on the diagonal, where the skew parts are zero)
  const gap = s2.unsqueeze(-2).sub(s2.unsqueeze(-1)).add(eyeOf(k, S.dtype));
  const V = mT(Vh);
  let gA: Tensor | null = null;
  if (gU !== null) {
    const x = mT(U).matmul(gU);
    inner = inner.add(x.sub(mT(x)).div(gap).mul(S.unsqueeze(-2)));
    // the part of gU outside U's columns
    if (m > k) gA = gU.sub(U.matmul(x)).div(S.unsqueeze(-2)).matmul(Vh);
  }
  if (gVh !== null) {
    const gV = mT(gVh);
    const y = Vh.matmul(gV);
    inner = inner.add(S.unsqueeze(-1).mul(y.sub(mT(y)).div(gap)));
    if (n > k) {
      const extra = U.div(S.unsqueeze(-2)).matmul(mT(gV.sub(V.matmul(y))));
      gA = gA === null ? extra : gA.add(extra);
    }
  }
  const core = U.matmul(inner).matmul(Vh);
  return gA === null ? core : core.add(gA);
}

const Svd = defineFunction({
  name: "linalg.svd",
  forward(ctx: FunctionContext, a: Tensor, full: boolean) {
    const { U, S, Vh } = svdBatch(a, full, "linalg.svd");
    ctx.saveForBackward(U, S, Vh);
    return [U, S, Vh];
  },
  backward(ctx: FunctionContext, gU: Tensor, gS: Tensor, gVh: Tensor) {
    let [U, S, Vh] = ctx.savedTensors;
    const k = S.shape[S.rank - 1];
    // the completion of U and Vh to square matrices is arbitrary: gradients flow through the thin part
    if (U.shape[U.rank - 1] > k) {
      U = U.slice(-1, 0, k);
      gU = gU.slice(-1, 0, k);
    }
    if (Vh.shape[Vh.rank - 2] > k) {
      Vh = Vh.slice(-2, 0, k);
      gVh = gVh.slice(-2, 0, k);
    }
    return [svdGrad(U, S, Vh, gU, gS, gVh), null];
  },
});

/**
 * Singular value decomposition A = U diag(S) Vh (batched), as `torch.linalg.svd`: S descending,
 * `fullMatrices` true by default. Singular vectors are defined up to sign (and rotation within equal
 * singular values): gradients are defined for losses invariant to that, with distinct singular values;
 * the columns that complete U (or rows of Vh) to square matrices carry no gradient.
 * @example
 * const A = tensor([[3, 0], [0, -2], [0, 0]], { dtype: "float64" });
 * const { U, S, Vh } = linalg.svd(A, { fullMatrices: false });
 * S.toArray(); // [3, 2]
 * U.mul(S.unsqueeze(-2)).matmul(Vh).toArray(); // [[3, 0], [0, -2], [0, 0]]
 */
export function svd(A: Tensor, options: SvdOptions = {}): SvdResult {
  return namedTuple(Svd(A, options.fullMatrices ?? true), ["U", "S", "Vh"] as const);
}

const SvdVals = defineFunction({
  name: "linalg.svdvals",
  forward(ctx: FunctionContext, a: Tensor) {
    const { U, S, Vh } = svdBatch(a, false, "linalg.svdvals");
    ctx.saveForBackward(U, Vh);
    return S;
  },
  backward(ctx: FunctionContext, gS: Tensor) {
    const [U, Vh] = ctx.savedTensors;
    return [U.matmul(diagEmbed(gS)).matmul(Vh)];
  },
});

/**
 * Singular values only, descending (batched), as `torch.linalg.svdvals`; differentiable (for distinct
 * singular values).
 * @example
 * linalg.svdvals(tensor([[0, 2], [1, 0]])).toArray(); // [2, 1]
 */
export function svdvals(A: Tensor): Tensor {
  return SvdVals(A);
}

/**
 * `qr`'s result: Q with orthonormal columns and upper-triangular R; read by name or unpack as `[Q, R]`.
 * @example
 * const { Q, R }: QrResult = linalg.qr(randn([4, 3]));
 * [Q.shape, R.shape]; // [[4, 3], [3, 3]]
 */
export type QrResult = Tensor[] & { Q: Tensor; R: Tensor };

/**
 * Options of `qr`.
 * @example
 * const options: QrOptions = { mode: "complete" };
 * linalg.qr(randn([4, 3]), options).Q.shape; // [4, 4]
 */
export interface QrOptions {
  /** "reduced" (default): Q m×k, R k×n; "complete": Q m×m, R m×n; "r": R only (Q is an empty tensor). */
  mode?: "reduced" | "complete" | "r";
}

const Qr = defineFunction({
  name: "linalg.qr",
  forward(ctx: FunctionContext, a: Tensor, complete: boolean) {
    const { batch, count, m, n, values } = readMatrices("linalg.qr", a, false);
    const k = Math.min(m, n);
    const qc = complete ? m : k;
    const Q = new Float64Array(count * m * qc);
    const R = new Float64Array(count * qc * n);
    for (let b = 0; b < count; b++) {
      const r = householderQR(values.subarray(b * m * n, (b + 1) * m * n), m, n, complete);
      Q.set(r.q, b * m * qc);
      R.set(r.r, b * qc * n);
    }
    const q = toTensor(Q, [...batch, m, qc], a.dtype);
    const r = toTensor(R, [...batch, qc, n], a.dtype);
    ctx.saveForBackward(q, r);
    return [q, r];
  },
  backward(ctx: FunctionContext, gQ: Tensor, gR: Tensor) {
    const [Q, R] = ctx.savedTensors;
    const [m, qc] = Q.shape.slice(-2);
    const n = R.shape[R.rank - 1];
    if (m < n || qc !== n) {
      throw new ValueError(
        `linalg.qr: the gradient is defined for m ≥ n with mode "reduced" (or a square input), got ${m}×${n} with Q of ${qc} columns`,
      );
    }
    // gA = (gQ + Q copyltu(M)) R⁻ᵀ with M = R gRᵀ − gQᵀ Q, copyltu(M) the symmetric matrix with M's lower triangle
    const M = R.matmul(mT(gR)).sub(mT(gQ).matmul(Q));
    const lower = tril(M, -1);
    const sym = lower.add(mT(lower)).add(M.mul(eyeOf(n, M.dtype)));
    return [gQ.add(Q.matmul(sym)).matmul(mT(inv(R))), null];
  },
});

/**
 * QR decomposition A = Q R by Householder reflections (batched), as `torch.linalg.qr` (R's diagonal
 * has LAPACK's signs). Differentiable for m ≥ n (mode "reduced", or "complete" with a square input).
 * @example
 * const A = tensor([[3, 1], [4, 2]], { dtype: "float64" });
 * const [Q, R] = linalg.qr(A);
 * R.toArray(); // [[-5, -2.2], [0, 0.4]]
 * Q.matmul(R).toArray(); // [[3, 1], [4, 2]]
 */
export function qr(A: Tensor, options: QrOptions = {}): QrResult {
  const mode = options.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new ArgumentError(`linalg.qr: mode must be "reduced", "complete" or "r", got ${String(mode)}`);
  }
  const [Q, R] = Qr(A, mode === "complete");
  return namedTuple([mode === "r" ? toTensor(new Float64Array(0), [0], A.dtype) : Q, R], ["Q", "R"] as const);
}

/**
 * Options of `cholesky`.
 * @example
 * const options: CholeskyOptions = { upper: true };
 * linalg.cholesky(tensor([[4, 2], [2, 5]]), options).toArray(); // [[2, 1], [0, 2]]
 */
export interface CholeskyOptions {
  /** Return the upper factor U (A = Uᵀ U) instead of the lower L (A = L Lᵀ). */
  upper?: boolean;
}

const Cholesky = defineFunction({
  name: "linalg.cholesky",
  forward(ctx: FunctionContext, a: Tensor) {
    const { batch, count, n, values } = readMatrices("linalg.cholesky", a, true);
    const out = new Float64Array(count * n * n);
    for (let b = 0; b < count; b++) {
      const { l, failedMinor } = choleskyHost(values.subarray(b * n * n, (b + 1) * n * n), n);
      if (l === null) {
        const where = count > 1 ? ` (batch element ${b})` : "";
        throw new LinAlgError(
          `linalg.cholesky: the factorization could not be completed because the input is not positive-definite${where}: the leading minor of order ${failedMinor} is not positive-definite`,
        );
      }
      out.set(l, b * n * n);
    }
    const L = toTensor(out, [...batch, n, n], a.dtype);
    ctx.saveForBackward(L);
    return L;
  },
  backward(ctx: FunctionContext, gL: Tensor) {
    const [L] = ctx.savedTensors;
    const n = L.shape[L.rank - 1];
    // gA = sym(L⁻ᵀ Φ(Lᵀ gL) L⁻¹), Φ: the lower triangle with the diagonal halved
    const phi = tril(mT(L).matmul(gL)).sub(mT(L).matmul(gL).mul(eyeOf(n, L.dtype)).mul(0.5));
    const Linv = inv(L);
    const g = mT(Linv).matmul(phi).matmul(Linv);
    return [g.add(mT(g)).mul(0.5)];
  },
});

/**
 * Cholesky factor of symmetric positive-definite matrices (batched), as `torch.linalg.cholesky`: the
 * lower L with A = L Lᵀ (`upper`: U = Lᵀ). Only the lower triangle is read. A matrix that is not
 * positive-definite raises a `LinAlgError` naming the leading minor that fails.
 * @example
 * linalg.cholesky(tensor([[4, 2], [2, 5]])).toArray(); // [[2, 0], [1, 2]]
 * linalg.cholesky(tensor([[1, 2], [2, 1]])); // throws LinAlgError: the leading minor of order 2 is not positive-definite
 */
export function cholesky(A: Tensor, options: CholeskyOptions = {}): Tensor {
  const L = Cholesky(A);
  return options.upper ? mT(L) : L;
}
