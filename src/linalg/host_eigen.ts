/**
 * Symmetric eigendecomposition and SVD of one matrix on the host, in float64 (row-major Float64Arrays).
 * The tensor-level functions in `decompositions.ts` call these once per matrix of a batch.
 */
import { LinAlgError } from "../base/errors.js";
import { householderQR } from "./host_factor.js";

/**
 * Eigenvalues (ascending) and eigenvectors (columns of `vectors`, n×n row-major) of the symmetric
 * matrix whose lower triangle is `a` (n×n row-major; the upper triangle is not read). Householder
 * reduction to tridiagonal form, then the implicit QL iteration with Wilkinson-like shifts.
 * @example
 * const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
 * Array.from(values); // [1, 3]
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      m[i * n + j] = a[i * n + j];
      m[j * n + i] = a[i * n + j];
    }
  }
  const { d, e, qt } = tridiagonalize(m, n);
  implicitQL(d, e, qt, n);
  // ascending order, as torch.linalg.eigh; eigenvector j is row j of qt
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => {
    values[j] = d[src];
    for (let r = 0; r < n; r++) vectors[r * n + j] = qt[src * n + r];
  });
  return { values, vectors };
}

/**
 * Reduces the full symmetric `m` (overwritten) to tridiagonal T = Qᵀ m Q: diagonal `d`, subdiagonal
 * `e` (e[i] = T[i+1][i], e[n-1] = 0) and Qᵀ row-major (rows of qt are columns of Q).
 */
function tridiagonalize(m: Float64Array, n: number): { d: Float64Array; e: Float64Array; qt: Float64Array } {
  const vs: { v: Float64Array; beta: number; k: number }[] = [];
  const p = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const len = n - k - 1;
    const v = new Float64Array(len);
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      v[i] = m[(k + 1 + i) * n + k];
      norm2 += v[i] * v[i];
    }
    let tail = norm2 - v[0] * v[0];
    if (tail === 0) continue; // already tridiagonal in this column
    const alpha = v[0] > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v[0] -= alpha;
    tail += v[0] * v[0];
    const beta = 2 / tail;
    // A22 ← H A22 H with H = I − β v vᵀ, as a symmetric rank-2 update: A22 −= v wᵀ + w vᵀ
    let pv = 0;
    for (let i = 0; i < len; i++) {
      const row = (k + 1 + i) * n + k + 1;
      let s = 0;
      for (let j = 0; j < len; j++) s += m[row + j] * v[j];
      p[i] = beta * s;
      pv += p[i] * v[i];
    }
    const half = (beta / 2) * pv;
    for (let i = 0; i < len; i++) w[i] = p[i] - half * v[i];
    for (let i = 0; i < len; i++) {
      const row = (k + 1 + i) * n + k + 1;
      const vi = v[i];
      const wi = w[i];
      for (let j = 0; j < len; j++) m[row + j] -= vi * w[j] + wi * v[j];
    }
    m[(k + 1) * n + k] = alpha;
    for (let i = 1; i < len; i++) m[(k + 1 + i) * n + k] = 0;
    vs.push({ v, beta, k });
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = m[i * n + i];
  for (let i = 0; i < n - 1; i++) e[i] = m[(i + 1) * n + i];
  // Qᵀ = H_last ⋯ H_0: apply each reflector from the left to the identity, first one first
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  const s = new Float64Array(n);
  for (const { v, beta, k } of vs) {
    s.fill(0);
    for (let i = 0; i < v.length; i++) {
      const row = (k + 1 + i) * n;
      const vi = v[i];
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) s[j] += vi * qt[row + j];
    }
    for (let i = 0; i < v.length; i++) {
      const row = (k + 1 + i) * n;
      const f = beta * v[i];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) qt[row + j] -= f * s[j];
    }
  }
  return { d, e, qt };
}

/**
 * Diagonalises the tridiagonal (d, e) in place by implicit QL steps; every plane rotation is also
 * applied to the rows i, i+1 of zt (eigenvector i of the original matrix ends as row i).
 */
function implicitQL(d: Float64Array, e: Float64Array, zt: Float64Array, n: number): void {
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iter > 60) {
        throw new LinAlgError(`linalg.eigh: the QL iteration did not converge for eigenvalue ${l} of ${n}`);
      }
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        const ri = i * n;
        const rj = (i + 1) * n;
        for (let k = 0; k < n; k++) {
          const zf = zt[rj + k];
          const zi = zt[ri + k];
          zt[rj + k] = s * zi + c * zf;
          zt[ri + k] = c * zi - s * zf;
        }
      }
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Thin SVD of an m×n matrix (row-major): U (m×k), S (k, descending), Vᵀ (k×n) with k = min(m, n).
 * One-sided Jacobi (Hestenes) on the columns, after a QR step when the matrix is tall, so it is
 * accurate for small singular values too. Columns of U (or V) for zero singular values are completed
 * to an orthonormal set. With `full`, U is m×m and Vᵀ n×n.
 * @example
 * const { s } = svdHost(Float64Array.from([3, 0, 0, 0, -2, 0]), 2, 3, false);
 * Array.from(s); // [3, 2]
 */
export function svdHost(
  a: Float64Array,
  m: number,
  n: number,
  full: boolean,
): { u: Float64Array; s: Float64Array; vt: Float64Array } {
  if (m < n) {
    // Aᵀ = V S Uᵀ
    const at = transposeHost(a, m, n);
    const r = svdHost(at, n, m, full);
    const k = m;
    const uCols = full ? n : k;
    const vRows = full ? m : k;
    // U of A = V of Aᵀ: rows of r.vt are columns of U
    return { u: transposeHost(r.vt, vRows, m), s: r.s, vt: transposeHost(r.u, n, uCols) };
  }
  // tall: A = Q R, then the SVD of the small square R
  if (m > n && n > 0) {
    const { q, r } = householderQR(a, m, n, false);
    const inner = svdHost(r, n, n, false);
    let u = matmulHost(q, inner.u, m, n, n);
    if (full) u = completeColumns(u, m, n, m);
    return { u, s: inner.s, vt: inner.vt };
  }
  return jacobiSVD(a, n);
}

/** Above this size the Jacobi SVD starts from the eigenvectors of AᵀA. */
const PRECONDITION_ABOVE = 32;

/** One-sided Jacobi on a square n×n matrix. */
function jacobiSVD(a: Float64Array, n: number): { u: Float64Array; s: Float64Array; vt: Float64Array } {
  // rows of w are the columns of A (contiguous pairs for the rotations); rows of vt collect V's columns
  let w: Float64Array = transposeHost(a, n, n);
  let v: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  if (n > PRECONDITION_ABOVE) {
    // start from the eigenvectors of AᵀA: A V has nearly orthogonal columns, so the sweeps that follow
    // only polish (a few instead of ~10 sweeps); the accuracy is still the Jacobi iteration's
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += w[i * n + k] * w[j * n + k];
        gram[i * n + j] = dot;
      }
    }
    v = transposeHost(symmetricEigen(gram, n).vectors, n, n);
    w = matmulHost(v, w, n, n, n);
  }
  const tol = Number.EPSILON * n;
  // a column whose norm is rounding noise next to the matrix's is not rotated: its tiny inner
  // products are noise too and would keep the sweeps going
  let frob2 = 0;
  for (let i = 0; i < n * n; i++) frob2 += w[i] * w[i];
  const negligible = (Number.EPSILON * n) ** 2 * frob2;
  for (let sweep = 0; ; sweep++) {
    let rotated = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const ri = i * n;
        const rj = j * n;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < n; k++) {
          const x = w[ri + k];
          const y = w[rj + k];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        if (alpha <= negligible || beta <= negligible) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < n; k++) {
          const x = w[ri + k];
          const y = w[rj + k];
          w[ri + k] = c * x - s * y;
          w[rj + k] = s * x + c * y;
          const p = v[ri + k];
          const q = v[rj + k];
          v[ri + k] = c * p - s * q;
          v[rj + k] = s * p + c * q;
        }
      }
    }
    if (!rotated) break;
    if (sweep > 60) throw new LinAlgError(`linalg.svd: the Jacobi iteration did not converge (${n}×${n})`);
  }
  const norms = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += w[i * n + k] ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, i) => i).sort((i, j) => norms[j] - norms[i]);
  const s = new Float64Array(n);
  const ut = new Float64Array(n * n);
  const vt = new Float64Array(n * n);
  const biggest = norms[order[0]] ?? 0;
  let rank = 0;
  order.forEach((src, j) => {
    s[j] = norms[src];
    vt.set(v.subarray(src * n, src * n + n), j * n);
    if (s[j] > biggest * n * Number.EPSILON && s[j] > 0) {
      for (let k = 0; k < n; k++) ut[j * n + k] = w[src * n + k] / s[j];
      rank = j + 1;
    }
  });
  const u = completeColumns(transposeHost(ut, n, n), n, rank, n);
  return { u, s, vt };
}

/**
 * Given an m×cols matrix (row-major) whose first `have` columns are orthonormal, fills columns
 * have..want−1 with unit vectors orthogonal to all before them (Gram–Schmidt, twice, on e_1, e_2, …).
 */
function completeColumns(q: Float64Array, m: number, have: number, want: number): Float64Array {
  const cols = Math.max(want, 1);
  const inCols = q.length / m;
  const out = new Float64Array(m * cols);
  for (let r = 0; r < m; r++)
    for (let c = 0; c < Math.min(have, cols); c++) out[r * cols + c] = q[r * inCols + c];
  const x = new Float64Array(m);
  let next = 0;
  for (let c = have; c < want; c++) {
    for (; next < m; next++) {
      x.fill(0);
      x[next] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < c; p++) {
          let dot = 0;
          for (let r = 0; r < m; r++) dot += out[r * cols + p] * x[r];
          for (let r = 0; r < m; r++) x[r] -= dot * out[r * cols + p];
        }
      }
      let norm = 0;
      for (let r = 0; r < m; r++) norm += x[r] * x[r];
      norm = Math.sqrt(norm);
      if (norm > 0.5) {
        for (let r = 0; r < m; r++) out[r * cols + c] = x[r] / norm;
        next++;
        break;
      }
    }
  }
  return out;
}

/**
 * The transpose of a rows×cols row-major matrix.
 * @example
 * Array.from(transposeHost(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3)); // [1, 4, 2, 5, 3, 6]
 */
export function transposeHost(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/**
 * The product of an m×k and a k×n row-major matrix.
 * @example
 * Array.from(matmulHost(Float64Array.from([1, 2]), Float64Array.from([3, 4]), 1, 2, 1)); // [11]
 */
export function matmulHost(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p];
      if (x === 0) continue;
      const row = p * n;
      const o = i * n;
      for (let j = 0; j < n; j++) out[o + j] += x * b[row + j];
    }
  }
  return out;
}
