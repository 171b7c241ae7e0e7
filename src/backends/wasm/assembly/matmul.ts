// AssemblyScript: float32 matrix multiply with 128-bit SIMD.
// C[m, n] = A[m, k] · B[k, n]. A and B are read through element strides (so transposed operands need no
// copy); C is contiguous. Only columns [j0, j1) are computed, so threads can split the work by columns.
// `pack` is scratch space of k·8 floats owned by the caller's thread.

const PANEL: i32 = 8; // columns per packed panel: two v128 accumulators per row

export function matmul_f32(
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, m: i32, k: i32, n: i32,
  j0: i32, j1: i32, pack: usize,
): void {
  if (m < 4 && brs == 1) {
    rowsTimesTransposed(a, ars, acs, b, bcs, c, m, k, n, j0, j1);
    return;
  }
  for (let jb = j0; jb < j1; jb += PANEL) {
    const w = min(PANEL, j1 - jb);
    packPanel(b, brs, bcs, k, jb, w, pack);
    let i = 0;
    for (; i + 4 <= m; i += 4) block4(a, ars, acs, pack, c, k, n, i, jb, w);
    for (; i < m; i++) block1(a, ars, acs, pack, c, k, n, i, jb, w);
  }
}

// B[:, jb:jb+w] into pack[p*8 + jj], zero-padded to 8 columns, so the inner loop reads two aligned vectors.
@inline
function packPanel(b: usize, brs: i32, bcs: i32, k: i32, jb: i32, w: i32, pack: usize): void {
  if (w == PANEL && brs == 1) {
    // B is a transposed matrix (a weight Wᵀ): 4×4 blocks of W's rows, transposed in registers
    const row = <usize>bcs << 2;
    const w0 = b + (<usize>(jb * bcs) << 2);
    const w4 = w0 + 4 * row;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const dst = pack + (<usize>(p * PANEL) << 2);
      const at = <usize>p << 2;
      storeTransposed(dst, w0 + at, row);
      storeTransposed(dst + 16, w4 + at, row);
    }
    for (; p < k; p++) {
      const dst = pack + (<usize>(p * PANEL) << 2);
      for (let jj = 0; jj < PANEL; jj++) store<f32>(dst + (<usize>jj << 2), load<f32>(w0 + jj * row + (<usize>p << 2)));
    }
    return;
  }
  if (w == PANEL && bcs == 1) {
    for (let p = 0; p < k; p++) {
      const src = b + (<usize>(p * brs + jb) << 2);
      const dst = pack + (<usize>(p * PANEL) << 2);
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
    }
    return;
  }
  for (let p = 0; p < k; p++) {
    const dst = pack + (<usize>(p * PANEL) << 2);
    for (let jj = 0; jj < PANEL; jj++) {
      const v: f32 = jj < w ? load<f32>(b + (<usize>(p * brs + (jb + jj) * bcs) << 2)) : 0;
      store<f32>(dst + (<usize>jj << 2), v);
    }
  }
}

// The 4×4 block at src (rows `row` bytes apart) transposed into four vectors stored 32 bytes apart
// (four rows of a packed panel).
@inline
function storeTransposed(dst: usize, src: usize, row: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + row);
  const r2 = v128.load(src + 2 * row);
  const r3 = v128.load(src + 3 * row);
  const s0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const s1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const s2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const s3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(s0, s1, 0, 1, 4, 5));
  v128.store(dst + 32, f32x4.shuffle(s0, s1, 2, 3, 6, 7));
  v128.store(dst + 64, f32x4.shuffle(s2, s3, 0, 1, 4, 5));
  v128.store(dst + 96, f32x4.shuffle(s2, s3, 2, 3, 6, 7));
}

// C[0:m, j0:j1] for fewer than 4 rows when B is a transposed matrix (B[p, j] at b + j·bcs + p: a
// linear layer's weight W seen as Wᵀ, as in a batch-1 forward). Packing would not be repaid by so
// few rows: 4×4 blocks of W are transposed in registers instead. Every output accumulates over p in
// order with madd from zero, as the packed path does, so both give the same bits.
function rowsTimesTransposed(
  a: usize, ars: i32, acs: i32, b: usize, bcs: i32,
  c: usize, m: i32, k: i32, n: i32, j0: i32, j1: i32,
): void {
  const row = <usize>bcs << 2;
  const colStep = <usize>acs << 2;
  for (let i = 0; i < m; i++) {
    const arow = a + (<usize>(i * ars) << 2);
    const crow = c + (<usize>(i * n) << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const w0 = b + (<usize>(j * bcs) << 2);
      let acc = f32x4.splat(0);
      let pa = arow;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const at = w0 + (<usize>p << 2);
        const r0 = v128.load(at);
        const r1 = v128.load(at + row);
        const r2 = v128.load(at + 2 * row);
        const r3 = v128.load(at + 3 * row);
        const s0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const s1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const s2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const s3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
        acc = madd(f32x4.splat(load<f32>(pa)), f32x4.shuffle(s0, s1, 0, 1, 4, 5), acc);
        acc = madd(f32x4.splat(load<f32>(pa + colStep)), f32x4.shuffle(s0, s1, 2, 3, 6, 7), acc);
        acc = madd(f32x4.splat(load<f32>(pa + 2 * colStep)), f32x4.shuffle(s2, s3, 0, 1, 4, 5), acc);
        acc = madd(f32x4.splat(load<f32>(pa + 3 * colStep)), f32x4.shuffle(s2, s3, 2, 3, 6, 7), acc);
        pa += 4 * colStep;
      }
      for (; p < k; p++) {
        const at = w0 + (<usize>p << 2);
        let col = f32x4.splat(load<f32>(at));
        col = f32x4.replace_lane(col, 1, load<f32>(at + row));
        col = f32x4.replace_lane(col, 2, load<f32>(at + 2 * row));
        col = f32x4.replace_lane(col, 3, load<f32>(at + 3 * row));
        acc = madd(f32x4.splat(load<f32>(pa)), col, acc);
        pa += colStep;
      }
      v128.store(crow + (<usize>j << 2), acc);
    }
    // the last columns one at a time, in lane 0
    for (; j < j1; j++) {
      const wj = b + (<usize>(j * bcs) << 2);
      let acc = f32x4.splat(0);
      let pa = arow;
      for (let p = 0; p < k; p++) {
        acc = madd(f32x4.splat(load<f32>(pa)), f32x4.splat(load<f32>(wj + (<usize>p << 2))), acc);
        pa += colStep;
      }
      store<f32>(crow + (<usize>j << 2), f32x4.extract_lane(acc, 0));
    }
  }
}

// Four rows of C times one panel: 8 accumulators stay in registers across the whole k loop.
@inline
function block4(a: usize, ars: i32, acs: i32, pack: usize, c: usize, k: i32, n: i32, i: i32, jb: i32, w: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let pa = a + (<usize>(i * ars) << 2);
  const rowStep = <usize>ars << 2;
  const colStep = <usize>acs << 2;
  let pb = pack;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = f32x4.splat(load<f32>(pa));
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = f32x4.splat(load<f32>(pa + rowStep));
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = f32x4.splat(load<f32>(pa + 2 * rowStep));
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = f32x4.splat(load<f32>(pa + 3 * rowStep));
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    pa += colStep;
    pb += 32;
  }
  const base = c + (<usize>(i * n + jb) << 2);
  const rowBytes = <usize>n << 2;
  storeRow(base, c00, c01, w);
  storeRow(base + rowBytes, c10, c11, w);
  storeRow(base + 2 * rowBytes, c20, c21, w);
  storeRow(base + 3 * rowBytes, c30, c31, w);
}

@inline
function block1(a: usize, ars: i32, acs: i32, pack: usize, c: usize, k: i32, n: i32, i: i32, jb: i32, w: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let pa = a + (<usize>(i * ars) << 2);
  const colStep = <usize>acs << 2;
  let pb = pack;
  for (let p = 0; p < k; p++) {
    const av = f32x4.splat(load<f32>(pa));
    c0 = madd(av, v128.load(pb), c0);
    c1 = madd(av, v128.load(pb, 16), c1);
    pa += colStep;
    pb += 32;
  }
  storeRow(c + (<usize>(i * n + jb) << 2), c0, c1, w);
}

// a·b + c; fused (one rounding) where relaxed SIMD is available, which the build decides
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

@inline
function storeRow(dst: usize, v0: v128, v1: v128, w: i32): void {
  if (w == PANEL) {
    v128.store(dst, v0);
    v128.store(dst, v1, 16);
    return;
  }
  for (let jj = 0; jj < w; jj++) {
    const v = jj < 4 ? laneOf(v0, jj) : laneOf(v1, jj - 4);
    store<f32>(dst + (<usize>jj << 2), v);
  }
}

@inline
function laneOf(v: v128, lane: i32): f32 {
  switch (lane) {
    case 0: return f32x4.extract_lane(v, 0);
    case 1: return f32x4.extract_lane(v, 1);
    case 2: return f32x4.extract_lane(v, 2);
    default: return f32x4.extract_lane(v, 3);
  }
}

// The share of thread `t` of `threads`: a contiguous range of 8-column panels, each thread with its
// own packing buffer (k·8 floats apart from `packBase`).
export function matmul_f32_threaded(
  t: i32, threads: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, m: i32, k: i32, n: i32,
  packBase: usize,
): void {
  const panels = (n + PANEL - 1) / PANEL;
  const p0 = (panels * t) / threads;
  const p1 = (panels * (t + 1)) / threads;
  const j0 = p0 * PANEL;
  const j1 = min(n, p1 * PANEL);
  if (j0 < j1) matmul_f32(a, ars, acs, b, brs, bcs, c, m, k, n, j0, j1, packBase + (<usize>(t * k * PANEL) << 2));
}
