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

// e^x for four lanes, |x| ≤ 87 (callers check): Cody–Waite reduction x = n·ln2 + r, a degree-6
// polynomial for e^r (Cephes' expf coefficients, ~1 ulp), and 2^n built in the exponent bits.
@inline
function vexp(x: v128): v128 {
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

// tanh for four lanes, |x| ≤ 40: an odd polynomial below 0.625 (Cephes' tanhf), else 1 − 2/(e^{2|x|}+1)
// with the sign put back; the polynomial avoids the cancellation of the exp form near 0.
@inline
function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(p, z), x));
  const e = vexp(f32x4.min(f32x4.mul(ax, f32x4.splat(2)), f32x4.splat(80)));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

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
  } else if (op == EXP || op == TANH || op == SIGMOID) {
    // SIMD where every lane is in the polynomial's range (a NaN fails the compare too); the rare
    // vector with a lane outside it takes the exact scalar path below, lane by lane
    const limit = f32x4.splat(op == TANH ? 40 : 80);
    for (; i < vecEnd; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      if (!i32x4.all_true(f32x4.le(f32x4.abs(v), limit))) {
        for (let l = 0; l < 4; l++) store<f32>(out + (<usize>(i + l) << 2), scalarUnary(op, load<f32>(x + (<usize>(i + l) << 2))));
        continue;
      }
      let r: v128;
      if (op == EXP) r = vexp(v);
      else if (op == TANH) r = vtanh(v);
      else r = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), vexp(f32x4.neg(v))));
      v128.store(out + (<usize>i << 2), r);
    }
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), scalarUnary(op, load<f32>(x + (<usize>i << 2))));
}

@inline
function scalarUnary(op: i32, v: f32): f32 {
  switch (op) {
    case NEG: return -v;
    case ABS: return abs(v);
    case SQRT: return sqrt(v);
    case RELU: return v != v ? v : max(v, <f32>0);
    case EXP: return <f32>Math.exp(<f64>v);
    case LOG: return <f32>Math.log(<f64>v);
    case TANH: return <f32>Math.tanh(<f64>v);
    default: {
      const d = <f64>v;
      return <f32>(d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d)));
    }
  }
}
