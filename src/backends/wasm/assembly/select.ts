// AssemblyScript: float32 comparisons (to bool bytes) and where (bool bytes choose between floats),
// over 2-D blocks with inner strides 1 or 0, like binary2d_f32.

export const EQ: i32 = 0;
export const NE: i32 = 1;
export const LT: i32 = 2;
export const LE: i32 = 3;
export const GT: i32 = 4;
export const GE: i32 = 5;

@inline
function vcmp(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case EQ: return f32x4.eq(x, y);
    case NE: return f32x4.ne(x, y);
    case LT: return f32x4.lt(x, y);
    case LE: return f32x4.le(x, y);
    case GT: return f32x4.gt(x, y);
    default: return f32x4.ge(x, y);
  }
}

@inline
function scmp(op: i32, x: f32, y: f32): u8 {
  switch (op) {
    case EQ: return x == y ? 1 : 0;
    case NE: return x != y ? 1 : 0;
    case LT: return x < y ? 1 : 0;
    case LE: return x <= y ? 1 : 0;
    case GT: return x > y ? 1 : 0;
    default: return x >= y ? 1 : 0;
  }
}

@inline
function operand(p: usize, j: i32, inner: i32): v128 {
  return inner == 1 ? v128.load(p + (<usize>j << 2)) : f32x4.splat(load<f32>(p));
}

/** out[r, c] = a[r, c] <op> b[r, c] as 0/1 bytes. */
export function compare2d_f32(
  op: i32,
  a: usize, as0: i32, as1: i32,
  b: usize, bs0: i32, bs1: i32,
  out: usize, rows: i32, cols: i32,
): void {
  const one = i8x16.splat(1);
  const vecEnd = cols & ~15;
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>(r * as0) << 2);
    const pb = b + (<usize>(r * bs0) << 2);
    const po = out + <usize>(r * cols);
    let j = 0;
    for (; j < vecEnd; j += 16) {
      // four lanes of -1/0 per compare, narrowed 32 → 16 → 8 bits, then masked to 0/1
      const m0 = vcmp(op, operand(pa, j * as1, as1), operand(pb, j * bs1, bs1));
      const m1 = vcmp(op, operand(pa, (j + 4) * as1, as1), operand(pb, (j + 4) * bs1, bs1));
      const m2 = vcmp(op, operand(pa, (j + 8) * as1, as1), operand(pb, (j + 8) * bs1, bs1));
      const m3 = vcmp(op, operand(pa, (j + 12) * as1, as1), operand(pb, (j + 12) * bs1, bs1));
      const lo = i16x8.narrow_i32x4_s(m0, m1);
      const hi = i16x8.narrow_i32x4_s(m2, m3);
      v128.store(po + <usize>j, v128.and(i8x16.narrow_i16x8_s(lo, hi), one));
    }
    for (; j < cols; j++) {
      store<u8>(po + <usize>j, scmp(op, load<f32>(pa + (<usize>(j * as1) << 2)), load<f32>(pb + (<usize>(j * bs1) << 2))));
    }
  }
}

/** out[r, c] = cond[r, c] ? a[r, c] : b[r, c]; cond is bytes, inner strides 1 or 0 for all three. */
export function where2d_f32(
  c: usize, cs0: i32, cs1: i32,
  a: usize, as0: i32, as1: i32,
  b: usize, bs0: i32, bs1: i32,
  out: usize, rows: i32, cols: i32,
): void {
  const zero = i32x4.splat(0);
  const vecEnd = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const pc = c + <usize>(r * cs0);
    const pa = a + (<usize>(r * as0) << 2);
    const pb = b + (<usize>(r * bs0) << 2);
    const po = out + (<usize>(r * cols) << 2);
    let j = 0;
    for (; j < vecEnd; j += 4) {
      let mask: v128;
      if (cs1 == 1) {
        // four condition bytes widened to four 32-bit lanes
        const bytes = v128.load32_zero(pc + <usize>j);
        mask = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)), zero);
      } else {
        mask = i32x4.splat(load<u8>(pc) != 0 ? -1 : 0);
      }
      v128.store(po + (<usize>j << 2), v128.bitselect(operand(pa, j * as1, as1), operand(pb, j * bs1, bs1), mask));
    }
    for (; j < cols; j++) {
      const take = load<u8>(pc + <usize>(j * cs1)) != 0;
      store<f32>(po + (<usize>j << 2), take ? load<f32>(pa + (<usize>(j * as1) << 2)) : load<f32>(pb + (<usize>(j * bs1) << 2)));
    }
  }
}
