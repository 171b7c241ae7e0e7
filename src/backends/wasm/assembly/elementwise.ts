// AssemblyScript: float32 elementwise kernels over 2-D blocks. Inner strides are 1 (contiguous) or
// 0 (broadcast), outer strides are any, so one kernel covers same-shape, scalar and row/column
// broadcasting after the host collapses dimensions.

export const ADD: i32 = 0;
export const SUB: i32 = 1;
export const MUL: i32 = 2;
export const DIV: i32 = 3;
export const MAX: i32 = 4;
export const MIN: i32 = 5;

@inline
function vop(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    // NaN-propagating max/min, as Math.max: f32x4.max propagates NaN
    case MAX: return f32x4.max(x, y);
    default: return f32x4.min(x, y);
  }
}

@inline
function sop(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case MAX: return x != x || y != y ? NaN : max(x, y);
    default: return x != x || y != y ? NaN : min(x, y);
  }
}

export function binary2d_f32(
  op: i32,
  a: usize, as0: i32, as1: i32,
  b: usize, bs0: i32, bs1: i32,
  out: usize, rows: i32, cols: i32,
): void {
  const vecEnd = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>(r * as0) << 2);
    const pb = b + (<usize>(r * bs0) << 2);
    const po = out + (<usize>(r * cols) << 2);
    let j = 0;
    if (as1 == 1 && bs1 == 1) {
      for (; j < vecEnd; j += 4) v128.store(po + (<usize>j << 2), vop(op, v128.load(pa + (<usize>j << 2)), v128.load(pb + (<usize>j << 2))));
    } else if (as1 == 1) {
      const y = f32x4.splat(load<f32>(pb));
      for (; j < vecEnd; j += 4) v128.store(po + (<usize>j << 2), vop(op, v128.load(pa + (<usize>j << 2)), y));
    } else if (bs1 == 1) {
      const x = f32x4.splat(load<f32>(pa));
      for (; j < vecEnd; j += 4) v128.store(po + (<usize>j << 2), vop(op, x, v128.load(pb + (<usize>j << 2))));
    }
    for (; j < cols; j++) {
      store<f32>(po + (<usize>j << 2), sop(op, load<f32>(pa + (<usize>(j * as1) << 2)), load<f32>(pb + (<usize>(j * bs1) << 2))));
    }
  }
}

export const NEG: i32 = 0;
export const ABS: i32 = 1;
export const SQRT: i32 = 2;
export const RELU: i32 = 3;
export const EXP: i32 = 4;
export const LOG: i32 = 5;
export const TANH: i32 = 6;
export const SIGMOID: i32 = 7;

/** out[i] = f(x[i]) over n contiguous floats. */
export function unary_f32(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  const vecEnd = n & ~3;
  if (op <= RELU) {
    const zero = f32x4.splat(0);
    for (; i < vecEnd; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      let r: v128;
      if (op == NEG) r = f32x4.neg(v);
      else if (op == ABS) r = f32x4.abs(v);
      else if (op == SQRT) r = f32x4.sqrt(v);
      // relu keeps NaN (max with NaN is NaN), as Math.max(x, 0)
      else r = f32x4.max(v, zero);
      v128.store(out + (<usize>i << 2), r);
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    let r: f32;
    switch (op) {
      case NEG: r = -v; break;
      case ABS: r = abs(v); break;
      case SQRT: r = sqrt(v); break;
      case RELU: r = v != v ? v : max(v, <f32>0); break;
      case EXP: r = <f32>Math.exp(<f64>v); break;
      case LOG: r = <f32>Math.log(<f64>v); break;
      case TANH: r = <f32>Math.tanh(<f64>v); break;
      default: {
        const d = <f64>v;
        r = <f32>(d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d)));
      }
    }
    store<f32>(out + (<usize>i << 2), r);
  }
}
