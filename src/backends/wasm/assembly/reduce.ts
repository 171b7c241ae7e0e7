// AssemblyScript: float32 reductions over a contiguous [rows, cols] block, along either axis.
// Partial sums are kept in four lanes (and in f64 for long rows) to limit rounding error.

export const SUM: i32 = 0;
export const RMAX: i32 = 1;
export const RMIN: i32 = 2;

/** out[r] = reduce(x[r, :]) */
export function reduce_rows_f32(op: i32, x: usize, rows: i32, cols: i32, out: usize): void {
  const vecEnd = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const p = x + (<usize>(r * cols) << 2);
    let j = 0;
    if (op == SUM) {
      // blocks of 256 summed in SIMD f32, blocks added in f64
      let total: f64 = 0;
      while (j < vecEnd) {
        const blockEnd = min(vecEnd, j + 256);
        let acc = f32x4.splat(0);
        for (; j < blockEnd; j += 4) acc = f32x4.add(acc, v128.load(p + (<usize>j << 2)));
        total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
      }
      for (; j < cols; j++) total += <f64>load<f32>(p + (<usize>j << 2));
      store<f32>(out + (<usize>r << 2), <f32>total);
    } else {
      let acc = f32x4.splat(op == RMAX ? -Infinity : Infinity);
      let nan = false;
      for (; j < vecEnd; j += 4) {
        const v = v128.load(p + (<usize>j << 2));
        acc = op == RMAX ? f32x4.max(acc, v) : f32x4.min(acc, v);
      }
      let m: f32 = op == RMAX ? -Infinity : Infinity;
      for (let l = 0; l < 4; l++) {
        const v = l == 0 ? f32x4.extract_lane(acc, 0) : l == 1 ? f32x4.extract_lane(acc, 1) : l == 2 ? f32x4.extract_lane(acc, 2) : f32x4.extract_lane(acc, 3);
        if (v != v) nan = true;
        m = op == RMAX ? max(m, v) : min(m, v);
      }
      for (; j < cols; j++) {
        const v = load<f32>(p + (<usize>j << 2));
        if (v != v) nan = true;
        m = op == RMAX ? max(m, v) : min(m, v);
      }
      store<f32>(out + (<usize>r << 2), nan ? NaN : m);
    }
  }
}

const COL_BLOCK: i32 = 256;

/** out[c] = reduce(x[:, c]); sums add blocks of 256 rows in f32, then the blocks in f64 in `scratch` (cols f64). */
export function reduce_cols_f32(op: i32, x: usize, rows: i32, cols: i32, out: usize, scratch: usize): void {
  if (op == SUM && rows > COL_BLOCK) {
    for (let j = 0; j < cols; j++) store<f64>(scratch + (<usize>j << 3), 0);
    for (let r = 0; r < rows; r += COL_BLOCK) {
      reduce_cols_f32(SUM, x + (<usize>r * <usize>cols << 2), min(COL_BLOCK, rows - r), cols, out, 0);
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const v = v128.load(out + (<usize>j << 2));
        const s = scratch + (<usize>j << 3);
        v128.store(s, f64x2.add(v128.load(s), f64x2.promote_low_f32x4(v)));
        v128.store(s, f64x2.add(v128.load(s, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))), 16);
      }
      for (; j < cols; j++) store<f64>(scratch + (<usize>j << 3), load<f64>(scratch + (<usize>j << 3)) + <f64>load<f32>(out + (<usize>j << 2)));
    }
    for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(scratch + (<usize>j << 3)));
    return;
  }
  const vecEnd = cols & ~3;
  const init: f32 = op == SUM ? 0 : op == RMAX ? -Infinity : Infinity;
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), init);
  for (let r = 0; r < rows; r++) {
    const p = x + (<usize>(r * cols) << 2);
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const o = out + (<usize>j << 2);
      const v = v128.load(p + (<usize>j << 2));
      const acc = v128.load(o);
      v128.store(o, op == SUM ? f32x4.add(acc, v) : op == RMAX ? f32x4.max(acc, v) : f32x4.min(acc, v));
    }
    for (; j < cols; j++) {
      const o = out + (<usize>j << 2);
      const v = load<f32>(p + (<usize>j << 2));
      const acc = load<f32>(o);
      store<f32>(o, op == SUM ? acc + v : v != v || acc != acc ? NaN : op == RMAX ? max(acc, v) : min(acc, v));
    }
  }
}
