import type { DType } from "../../base/dtype.js";
import { sizeOf } from "../../base/shape.js";
import type { BinaryOp, UnaryOp, Storage, View } from "../backend.js";
import { type HostMemory, offsetsOf } from "./memory.js";

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => Math.max(x, 0),
  floor: Math.floor,
  ceil: Math.ceil,
  // round half to even, as PyTorch and numpy do
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  erf,
  log1p: Math.log1p,
  expm1: Math.expm1,
  reciprocal: (x) => 1 / x,
  not: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY ? 1 : 0),
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

/**
 * Elementwise f(x) of a unary op, written as `outDtype`.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * mem.readSync(unary(mem, "abs", tensor([1, -2, 3]), "float32")); // Float32Array [1, 2, 3]
 */
export function unary(mem: HostMemory, op: UnaryOp, x: View, outDtype: DType): Storage {
  const n = sizeOf(x.shape);
  const { storage, data: out } = mem.alloc(outDtype, n);
  const src = mem.dataOf(x);
  const f = UNARY[op];
  const ix = offsetsOf(x, x.shape);
  if (ix === null) {
    const o = x.offset;
    if (op === "relu") for (let i = 0; i < n; i++) out[i] = Math.max(src[o + i], 0);
    else if (op === "neg") for (let i = 0; i < n; i++) out[i] = -src[o + i];
    else for (let i = 0; i < n; i++) out[i] = f(src[o + i]);
  } else {
    for (let i = 0; i < n; i++) out[i] = f(src[ix[i]]);
  }
  fixBool(outDtype, out);
  return storage;
}

/**
 * Elementwise f(a, b); `a` and `b` are already viewed at `outShape` (stride 0 where broadcast).
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const a = tensor([[1, 2], [3, 4]]);
 * const b = tensor([10, 20]).expand([2, 2]); // strides [0, 1]
 * mem.readSync(binary(mem, "add", a, b, [2, 2], "float32")); // Float32Array [11, 22, 13, 24]
 */
export function binary(
  mem: HostMemory,
  op: BinaryOp,
  a: View,
  b: View,
  outShape: readonly number[],
  outDtype: DType,
): Storage {
  const n = sizeOf(outShape);
  const { storage, data: out } = mem.alloc(outDtype, n);
  const A = mem.dataOf(a);
  const B = mem.dataOf(b);
  const ia = offsetsOf(a, outShape);
  const ib = offsetsOf(b, outShape);
  if (ia === null && ib === null) {
    const oa = a.offset;
    const ob = b.offset;
    // the hot arithmetic ops get their own loops; a shared loop calling a closure is ~5x slower
    switch (op) {
      case "add":
        for (let i = 0; i < n; i++) out[i] = A[oa + i] + B[ob + i];
        break;
      case "sub":
        for (let i = 0; i < n; i++) out[i] = A[oa + i] - B[ob + i];
        break;
      case "mul":
        for (let i = 0; i < n; i++) out[i] = A[oa + i] * B[ob + i];
        break;
      case "div":
        for (let i = 0; i < n; i++) out[i] = A[oa + i] / B[ob + i];
        break;
      default: {
        const f = BINARY[op];
        for (let i = 0; i < n; i++) out[i] = f(A[oa + i], B[ob + i]);
      }
    }
  } else {
    const f = BINARY[op];
    const oa = a.offset;
    const ob = b.offset;
    if (ia !== null && ib !== null) for (let i = 0; i < n; i++) out[i] = f(A[ia[i]], B[ib[i]]);
    else if (ia !== null) for (let i = 0; i < n; i++) out[i] = f(A[ia[i]], B[ob + i]);
    else if (ib !== null) for (let i = 0; i < n; i++) out[i] = f(A[oa + i], B[ib[i]]);
  }
  fixBool(outDtype, out);
  return storage;
}

/**
 * `c ? a : b` elementwise, all three viewed at `outShape`.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const c = tensor([true, false]), a = tensor([1, 2]), b = tensor([8, 9]);
 * mem.readSync(where(mem, c, a, b, [2], "float32")); // Float32Array [1, 9]
 */
export function where(
  mem: HostMemory,
  c: View,
  a: View,
  b: View,
  outShape: readonly number[],
  outDtype: DType,
): Storage {
  const n = sizeOf(outShape);
  const { storage, data: out } = mem.alloc(outDtype, n);
  const C = mem.dataOf(c);
  const A = mem.dataOf(a);
  const B = mem.dataOf(b);
  const ic = offsetsOf(c, outShape);
  const ia = offsetsOf(a, outShape);
  const ib = offsetsOf(b, outShape);
  for (let i = 0; i < n; i++) {
    const cond = C[ic === null ? c.offset + i : ic[i]];
    out[i] = cond !== 0 ? A[ia === null ? a.offset + i : ia[i]] : B[ib === null ? b.offset + i : ib[i]];
  }
  return storage;
}

/**
 * A contiguous copy converted to `dtype` (float to int truncates toward zero; to bool is x ≠ 0).
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * mem.readSync(cast(mem, tensor([1.7, -1.7, 0]), "int32")); // Int32Array [1, -1, 0]
 */
export function cast(mem: HostMemory, x: View, dtype: DType): Storage {
  const n = sizeOf(x.shape);
  const { storage, data: out } = mem.alloc(dtype, n);
  const src = mem.dataOf(x);
  const ix = offsetsOf(x, x.shape);
  if (ix === null) {
    if (dtype === x.dtype || dtype !== "bool") out.set(src.subarray(x.offset, x.offset + n));
    else for (let i = 0; i < n; i++) out[i] = src[x.offset + i] !== 0 ? 1 : 0;
  } else if (dtype === "bool" && x.dtype !== "bool") {
    for (let i = 0; i < n; i++) out[i] = src[ix[i]] !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) out[i] = src[ix[i]];
  }
  fixBool(dtype, out);
  return storage;
}

/** A bool array must hold exactly 0 or 1; Uint8Array alone would keep 2 for 2 and wrap 256 to 0. */
function fixBool<T extends ArrayLike<number>>(dtype: DType, out: T): T {
  if (dtype === "bool") {
    const u = out as unknown as Uint8Array;
    for (let i = 0; i < u.length; i++) if (u[i] > 1) u[i] = 1;
  }
  return out;
}

/** Abramowitz–Stegun 7.1.26 is too coarse for gradient checks; this uses a series / continued fraction. */
function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // continued fraction for erfc, evaluated bottom-up (Lentz not needed at this range)
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return x < 0 ? erfc - 1 : 1 - erfc;
}
