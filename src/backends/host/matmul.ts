import { type TypedArray, allocArray } from "../../base/dtype.js";
import type { Storage, View } from "../backend.js";
import { type HostMemory, stridedOffsets } from "./memory.js";

/**
 * The sizes of a batched matmul and, for each batch position, the element offsets of A's and B's
 * matrices (batch axes may broadcast with stride 0), plus the row and column strides of both.
 * @example
 * const a = zeros([2, 3, 4]), b = zeros([4, 5]).expand([2, 4, 5]);
 * const plan = matmulPlan(a, b, [2, 3, 5]);
 * [plan.m, plan.k, plan.n]; // [3, 4, 5]
 * Array.from(plan.aBase); // [0, 12]
 * Array.from(plan.bBase); // [0, 0]: both batches read the same B
 */
export function matmulPlan(a: View, b: View, outShape: readonly number[]) {
  const rank = outShape.length;
  const batchShape = outShape.slice(0, rank - 2);
  return {
    m: outShape[rank - 2],
    n: outShape[rank - 1],
    k: a.shape[a.shape.length - 1],
    aBase: stridedOffsets(batchShape, a.strides.slice(0, rank - 2), a.offset),
    bBase: stridedOffsets(batchShape, b.strides.slice(0, rank - 2), b.offset),
    as0: a.strides[rank - 2],
    as1: a.strides[rank - 1],
    bs0: b.strides[rank - 2],
    bs1: b.strides[rank - 1],
  };
}

/**
 * Batched matmul: for each batch position, C[m,n] = A[m,k] · B[k,n].
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const a = tensor([[1, 2], [3, 4]]), b = tensor([[1], [1]]);
 * mem.readSync(matmul(mem, a, b, [2, 1])); // Float32Array [3, 7]
 */
export function matmul(mem: HostMemory, a: View, b: View, outShape: readonly number[]): Storage {
  const { m, n, k, aBase, bBase, as0, as1, bs0, bs1 } = matmulPlan(a, b, outShape);
  const { storage, data: C } = mem.alloc(a.dtype, aBase.length * m * n);
  const A = mem.dataOf(a);
  const B = mem.dataOf(b);
  const bRowMajor = bs1 === 1 || n === 1;
  const bTmp = bRowMajor ? null : allocArray(b.dtype, k * n);
  for (let t = 0; t < aBase.length; t++) {
    let Bm: TypedArray = B;
    let bOff = bBase[t];
    let bRow = bs0;
    if (bTmp !== null) {
      // the inner loop walks B along a row; a transposed B is copied once (k·n) to keep that walk unit-stride
      for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bTmp[p * n + j] = B[bOff + p * bs0 + j * bs1];
      Bm = bTmp;
      bOff = 0;
      bRow = n;
    }
    gemm(A, aBase[t], as0, as1, Bm, bOff, bRow, C, t * m * n, m, k, n);
  }
  return storage;
}

/**
 * C[i, :] += Σ_p A[i, p] · B[p, :], four rows of C at a time so each loaded B element feeds four
 * multiply-adds. (Zeros in A are not skipped: 0 · Inf and 0 · NaN must give NaN.)
 */
function gemm(
  A: TypedArray,
  aOff: number,
  as0: number,
  as1: number,
  B: TypedArray,
  bOff: number,
  bRow: number,
  C: TypedArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const c0 = cOff + i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    for (let p = 0; p < k; p++) {
      const ap = aOff + i * as0 + p * as1;
      const a0 = A[ap];
      const a1 = A[ap + as0];
      const a2 = A[ap + 2 * as0];
      const a3 = A[ap + 3 * as0];
      const bp = bOff + p * bRow;
      for (let j = 0; j < n; j++) {
        const bv = B[bp + j];
        C[c0 + j] += a0 * bv;
        C[c1 + j] += a1 * bv;
        C[c2 + j] += a2 * bv;
        C[c3 + j] += a3 * bv;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = cOff + i * n;
    for (let p = 0; p < k; p++) {
      const a0 = A[aOff + i * as0 + p * as1];
      const bp = bOff + p * bRow;
      for (let j = 0; j < n; j++) C[c0 + j] += a0 * B[bp + j];
    }
  }
}
