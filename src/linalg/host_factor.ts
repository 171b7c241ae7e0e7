/**
 * QR, Cholesky and LU factorisations of one matrix on the host, in float64 (row-major Float64Arrays).
 */

/**
 * Householder QR of an m×n matrix: Q is m×k and R k×n with k = min(m, n) (reduced), or Q m×m and R
 * m×n (`complete`). R's diagonal has LAPACK's signs (the reflector sends a column to −sign(a_kk)‖a‖).
 * @example
 * const { r } = householderQR(Float64Array.from([3, 4]), 2, 1, false);
 * Array.from(r); // [-5]
 */
export function householderQR(
  a: Float64Array,
  m: number,
  n: number,
  complete: boolean,
): { q: Float64Array; r: Float64Array } {
  const w = Float64Array.from(a);
  const k = Math.min(m, n);
  const steps = Math.min(m - 1, n);
  const reflectors: { v: Float64Array; beta: number; j: number }[] = [];
  for (let j = 0; j < steps; j++) {
    const len = m - j;
    const v = new Float64Array(len);
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      v[i] = w[(j + i) * n + j];
      norm2 += v[i] * v[i];
    }
    const tail = norm2 - v[0] * v[0];
    if (tail === 0) continue; // the column is already zero below the diagonal
    const alpha = v[0] > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v[0] -= alpha;
    const beta = 2 / (tail + v[0] * v[0]);
    // columns j.. of W ← (I − β v vᵀ) W
    for (let c = j; c < n; c++) {
      let s = 0;
      for (let i = 0; i < len; i++) s += v[i] * w[(j + i) * n + c];
      s *= beta;
      for (let i = 0; i < len; i++) w[(j + i) * n + c] -= s * v[i];
    }
    reflectors.push({ v, beta, j });
  }
  const qCols = complete ? m : k;
  const rRows = complete ? m : k;
  const r = new Float64Array(rRows * n);
  for (let i = 0; i < Math.min(rRows, m); i++) for (let c = i; c < n; c++) r[i * n + c] = w[i * n + c];
  // Q = H_0 H_1 ⋯ applied to the first qCols columns of the identity, last reflector first
  const q = new Float64Array(m * qCols);
  for (let i = 0; i < Math.min(m, qCols); i++) q[i * qCols + i] = 1;
  const s = new Float64Array(qCols);
  for (let t = reflectors.length - 1; t >= 0; t--) {
    const { v, beta, j } = reflectors[t];
    s.fill(0);
    for (let i = 0; i < v.length; i++) {
      const row = (j + i) * qCols;
      for (let c = 0; c < qCols; c++) s[c] += v[i] * q[row + c];
    }
    for (let i = 0; i < v.length; i++) {
      const row = (j + i) * qCols;
      const f = beta * v[i];
      for (let c = 0; c < qCols; c++) q[row + c] -= f * s[c];
    }
  }
  return { q, r };
}

/**
 * Lower Cholesky factor L (L Lᵀ = A) of the symmetric matrix whose lower triangle is `a` (n×n), or the
 * order (1-based) of the first leading minor that is not positive-definite.
 * @example
 * const { l } = choleskyHost(Float64Array.from([4, 0, 2, 5]), 2);
 * Array.from(l!); // [2, 0, 1, 2]
 * choleskyHost(Float64Array.from([1, 0, 2, 1]), 2).failedMinor; // 2
 */
export function choleskyHost(a: Float64Array, n: number): { l: Float64Array | null; failedMinor: number } {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] ** 2;
    if (!(d > 0)) return { l: null, failedMinor: j + 1 };
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return { l, failedMinor: 0 };
}

/**
 * LU factorisation with partial pivoting, P A = L U, packed in one n×n array (L's unit diagonal not
 * stored); `perm[i]` is the row of A that became row i; `sign` is det(P); `zeroPivot` is the first
 * column (1-based) whose pivot is exactly zero, 0 when none (LAPACK's getrf convention).
 * @example
 * const { lu, perm, sign } = luHost(Float64Array.from([0, 1, 2, 3]), 2);
 * [Array.from(lu), perm, sign]; // [[2, 3, 0, 1], [1, 0], -1]
 */
export function luHost(
  a: Float64Array,
  n: number,
): { lu: Float64Array; perm: number[]; sign: number; zeroPivot: number } {
  const lu = Float64Array.from(a);
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let zeroPivot = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let c = 0; c < n; c++) {
        const t = lu[k * n + c];
        lu[k * n + c] = lu[p * n + c];
        lu[p * n + c] = t;
      }
      [perm[k], perm[p]] = [perm[p], perm[k]];
      sign = -sign;
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) {
      if (zeroPivot === 0) zeroPivot = k + 1;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k] / pivot;
      lu[i * n + k] = f;
      if (f === 0) continue;
      for (let c = k + 1; c < n; c++) lu[i * n + c] -= f * lu[k * n + c];
    }
  }
  return { lu, perm, sign, zeroPivot };
}

/**
 * Solves A X = B from A's LU factors, for B of n×k (row-major); the result is n×k.
 * @example
 * const f = luHost(Float64Array.from([2, 0, 0, 4]), 2);
 * Array.from(luSolveHost(f.lu, f.perm, Float64Array.from([2, 8]), 2, 1)); // [1, 2]
 */
export function luSolveHost(
  lu: Float64Array,
  perm: readonly number[],
  b: Float64Array,
  n: number,
  k: number,
): Float64Array {
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) x.set(b.subarray(perm[i] * k, perm[i] * k + k), i * k);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) {
      const f = lu[i * n + p];
      if (f === 0) continue;
      for (let c = 0; c < k; c++) x[i * k + c] -= f * x[p * k + c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const f = lu[i * n + p];
      if (f === 0) continue;
      for (let c = 0; c < k; c++) x[i * k + c] -= f * x[p * k + c];
    }
    const d = lu[i * n + i];
    for (let c = 0; c < k; c++) x[i * k + c] /= d;
  }
  return x;
}
