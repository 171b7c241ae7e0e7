import type { DType } from "../../base/dtype.js";
import type { BinaryOp, ReduceOp, UnaryOp } from "../backend.js";

/**
 * WGSL sources of the webgpu kernels. Every kernel is generic over rank: shapes, strides and offsets
 * arrive at run time in a small `array<i32>` storage buffer (binding 0, "prm"), so one pipeline serves
 * every shape and only (kernel, dtypes, op) select a pipeline.
 */

/**
 * The WGSL element type of a dtype on the GPU (bool is one u32 per element: WGSL has no 8-bit type).
 * @example
 * wgslType("bool"); // "u32"
 */
export function wgslType(dtype: DType): "f32" | "i32" | "u32" {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : "u32";
}

/**
 * Threads per workgroup of the one-thread-per-element kernels.
 * @example
 * Math.ceil(1000 / WG); // 4: workgroups for 1000 elements
 */
export const WG = 256;
/**
 * Side of the square matmul tile (TILE × TILE threads, each computing one output).
 * @example
 * TILE * TILE; // 256 threads per matmul workgroup
 */
export const TILE = 16;

/**
 * Common header: the parameter buffer, the strided-view offset function, NaN/Inf helpers and the
 * global thread index (2-d dispatch past 65535 workgroups).
 */
const HEADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;

// element offset of position i (row-major over the view's shape) of the view described at prm[base]:
// rank, shape[rank], strides[rank], offset
fn viewOff(base: i32, i: i32) -> i32 {
  let r = prm[base];
  var idx = i;
  var off = prm[base + 1 + 2 * r];
  for (var d = r - 1; d >= 0; d--) {
    let s = prm[base + 1 + d];
    off += (idx % s) * prm[base + 1 + r + d];
    idx = idx / s;
  }
  return off;
}
// the constants are made at run time: a constant NaN or Inf is a shader-creation error in WGSL
fn nanF() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn infF() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// JavaScript's ToInt32 for the values a kernel meets: truncation, NaN and ±Inf to 0
fn toI32(x: f32) -> i32 {
  if (isNan(x) || isInf(x)) { return 0; }
  return i32(trunc(x));
}
fn gidx(g: vec3<u32>, n: vec3<u32>) -> i32 { return i32(g.x + g.y * n.x * ${WG}u); }
`;

/** Converts an expression of WGSL type `from` to `to` with the reference backend's rules. */
function conv(expr: string, from: string, to: string): string {
  if (from === to) return expr;
  // "!(x == 0)", not "x != 0": llvmpipe compiles != as an ordered compare, false for NaN
  if (to === "u32") return `select(1u, 0u, ${expr} == ${from}(0))`;
  if (to === "i32" && from === "f32") return `toI32(${expr})`;
  return `${to}(${expr})`;
}

const F32_FUNCS = /* wgsl */ `
fn expm1F(x: f32) -> f32 {
  // Kahan: exact-ish for small |x| without a dedicated builtin
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um = u - 1.0;
  if (um == -1.0) { return -1.0; }
  if (isInf(u)) { return u; }
  return um * x / log(u);
}
fn log1pF(x: f32) -> f32 {
  if (x < -1.0) { return nanF(); }
  if (x == -1.0) { return -infF(); }
  if (isInf(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}
fn tanhF(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let a = abs(x);
  var t: f32;
  if (a < 0.625) {
    let e = expm1F(2.0 * a);
    t = e / (e + 2.0);
  } else {
    let e = exp(-2.0 * a);
    t = (1.0 - e) / (1.0 + e);
  }
  return select(t, -t, x < 0.0);
}
fn sigmoidF(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn erfF(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a < 2.0) {
    // Maclaurin series, enough terms for float32 below 2
    var term = a;
    var sum = a;
    let x2 = a * a;
    for (var n = 1; n < 40; n++) {
      term *= -x2 / f32(n);
      sum += term / f32(2 * n + 1);
    }
    r = 1.1283791670955126 * sum;
  } else if (a > 4.0) {
    r = 1.0;
  } else {
    // continued fraction for erfc, bottom-up
    var f = 0.0;
    for (var n = 40; n >= 1; n--) { f = f32(n) / 2.0 / (a + f); }
    r = 1.0 - exp(-a * a) / 1.7724538509055159 / (a + f);
  }
  return select(r, -r, x < 0.0);
}
fn powF(x: f32, y: f32) -> f32 {
  // Math.pow's special cases; WGSL's pow is undefined for x < 0 and loose at the edges
  if (y == 0.0) { return 1.0; }
  if (isNan(x) || isNan(y)) { return nanF(); }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  if (y == 0.5 && x >= 0.0 && !isInf(x)) { return sqrt(x); }
  if (y == -1.0) { return 1.0 / x; }
  let ax = abs(x);
  if (ax == 1.0 && isInf(y)) { return nanF(); }
  let yInt = trunc(y) == y;
  let yOdd = yInt && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
  if (x < 0.0 && !yInt && !isInf(x)) { return nanF(); }
  var r: f32;
  if (ax == 0.0) { r = select(0.0, infF(), y < 0.0); }
  else if (isInf(ax)) { r = select(infF(), 0.0, y < 0.0); }
  else if (isInf(y)) { r = select(select(0.0, infF(), y > 0.0), select(infF(), 0.0, y > 0.0), ax < 1.0); }
  else { r = exp2(y * log2(ax)); }
  let negBase = x < 0.0 || (x == 0.0 && (bitcast<u32>(x) & 0x80000000u) != 0u);
  return select(r, -r, negBase && yOdd);
}
fn powI(x: i32, y: i32) -> i32 {
  if (y < 0) {
    if (x == 1) { return 1; }
    if (x == -1) { return select(1, -1, (y & 1) == 1); }
    return 0;
  }
  var r = 1;
  var b = x;
  var e = y;
  loop {
    if (e == 0) { break; }
    if ((e & 1) == 1) { r = r * b; }
    b = b * b;
    e = e >> 1u;
  }
  return r;
}
`;

const UNARY_F32: Record<UnaryOp, string> = {
  neg: "-x",
  exp: "exp(x)",
  log: "select(select(log(x), -infF(), x == 0.0), nanF(), x < 0.0 || isNan(x))",
  sqrt: "select(sqrt(x), nanF(), x < 0.0 || isNan(x))",
  abs: "abs(x)",
  // ±0 and NaN give x itself, as Math.sign (a literal 0.0 came out as -0 on lavapipe)
  sign: "select(select(x, -1.0, x < 0.0), 1.0, x > 0.0)",
  sin: "sin(x)",
  cos: "cos(x)",
  tanh: "tanhF(x)",
  sigmoid: "sigmoidF(x)",
  relu: "select(x, 0.0, x <= 0.0)",
  floor: "floor(x)",
  ceil: "ceil(x)",
  round: "round(x)", // WGSL's round is half-to-even, like the reference
  erf: "erfF(x)",
  log1p: "log1pF(x)",
  expm1: "expm1F(x)",
  reciprocal: "1.0 / x",
  not: "select(0.0, 1.0, x == 0.0)",
  isnan: "select(0.0, 1.0, isNan(x))",
  isinf: "select(0.0, 1.0, isInf(x))",
};

const UNARY_I32: Partial<Record<UnaryOp, string>> = {
  neg: "-x",
  abs: "abs(x)",
  sign: "sign(x)",
  relu: "max(x, 0)",
  floor: "x",
  ceil: "x",
  round: "x",
  not: "select(0, 1, x == 0)",
  isnan: "0",
  isinf: "0",
};

/**
 * The unary kernel: out[i] = f(x[view(i)]), computed in i32 when input and output are integers and
 * the op is exact there, else in f32.
 * @example
 * unaryShader("sqrt", "float32", "float32").includes("sqrt(x)"); // true
 */
export function unaryShader(op: UnaryOp, inDtype: DType, outDtype: DType): string {
  const tin = wgslType(inDtype);
  const tout = wgslType(outDtype);
  const intPath = tin !== "f32" && tout !== "f32" && UNARY_I32[op] !== undefined;
  const ct = intPath ? "i32" : "f32";
  const expr = intPath ? UNARY_I32[op] : UNARY_F32[op];
  return `${HEADER}${F32_FUNCS}
@group(0) @binding(1) var<storage, read_write> out: array<${tout}>;
@group(0) @binding(2) var<storage, read> xs: array<${tin}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let x = ${conv("xs[viewOff(1, i)]", tin, ct)};
  let y: ${ct} = ${expr};
  out[i] = ${conv("y", ct, tout)};
}`;
}

const BIN_F32: Record<BinaryOp, string> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "powF(a, b)",
  maximum: "select(max(a, b), nanF(), isNan(a) || isNan(b))",
  minimum: "select(min(a, b), nanF(), isNan(a) || isNan(b))",
  eq: "select(0.0, 1.0, a == b)",
  ne: "select(1.0, 0.0, a == b)",
  lt: "select(0.0, 1.0, a < b)",
  le: "select(0.0, 1.0, a <= b)",
  gt: "select(0.0, 1.0, a > b)",
  ge: "select(0.0, 1.0, a >= b)",
  and: "select(0.0, 1.0, !(a == 0.0) && !(b == 0.0))",
  or: "select(0.0, 1.0, !(a == 0.0) || !(b == 0.0))",
};

function binInt(t: "i32" | "u32"): Record<BinaryOp, string> {
  const z = `${t}(0)`;
  const one = `${t}(1)`;
  const s = (c: string) => `select(${z}, ${one}, ${c})`;
  return {
    add: "a + b",
    sub: "a - b",
    mul: "a * b",
    // int / 0 is ±Inf or NaN in JavaScript, which an Int32Array stores as 0
    div: `select(a / b, ${z}, b == ${z})`,
    pow: t === "i32" ? "powI(a, b)" : "powI(i32(a), i32(b))",
    maximum: "max(a, b)",
    minimum: "min(a, b)",
    eq: s("a == b"),
    ne: s("a != b"),
    lt: s("a < b"),
    le: s("a <= b"),
    gt: s("a > b"),
    ge: s("a >= b"),
    and: s(`a != ${z} && b != ${z}`),
    or: s(`a != ${z} || b != ${z}`),
  };
}

/**
 * The binary kernel: both operands arrive in one dtype (ops promote first), viewed at the output shape.
 * @example
 * binaryShader("add", "float32", "float32").includes("a + b"); // true
 */
export function binaryShader(op: BinaryOp, inDtype: DType, outDtype: DType): string {
  const tin = wgslType(inDtype);
  const tout = wgslType(outDtype);
  const expr = tin === "f32" ? BIN_F32[op] : binInt(tin)[op];
  // the u32 (bool) path's pow yields an i32
  const ct = tin === "u32" && op === "pow" ? "i32" : tin;
  return `${HEADER}${F32_FUNCS}
@group(0) @binding(1) var<storage, read_write> out: array<${tout}>;
@group(0) @binding(2) var<storage, read> av: array<${tin}>;
@group(0) @binding(3) var<storage, read> bv: array<${tin}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let a = av[viewOff(1, i)];
  let b = bv[viewOff(prm[1] * 2 + 3, i)];
  let y: ${ct} = ${expr};
  out[i] = ${conv("y", ct, tout)};
}`;
}

/**
 * The where kernel: cond (bool, u32) picks a or b (both in the output dtype).
 * @example
 * whereShader("int32").includes("select("); // true
 */
export function whereShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> cs: array<u32>;
@group(0) @binding(3) var<storage, read> av: array<${t}>;
@group(0) @binding(4) var<storage, read> bv: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let v = prm[1] * 2 + 3;
  let c = cs[viewOff(1, i)];
  out[i] = select(bv[viewOff(2 * v - 1, i)], av[viewOff(v, i)], c != 0u);
}`;
}

/**
 * The cast kernel (also the contiguous copy): float to int truncates, NaN and ±Inf give 0; to bool is x ≠ 0.
 * @example
 * castShader("float32", "int32").includes("toI32"); // true
 */
export function castShader(from: DType, to: DType): string {
  const tin = wgslType(from);
  const tout = wgslType(to);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${tout}>;
@group(0) @binding(2) var<storage, read> xs: array<${tin}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  out[i] = ${conv("xs[viewOff(1, i)]", tin, tout)};
}`;
}

/**
 * Fills a buffer with one value (its bits in prm[1]).
 * @example
 * fillShader("float32").includes("bitcast<f32>"); // true
 */
export function fillShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  out[i] = bitcast<${t}>(prm[1]);
}`;
}

/**
 * Writes the values carried in prm[1..] (their bits): how small uploads (scalars) join the recorded
 * dispatches instead of forcing a submit.
 * @example
 * smallUploadShader("int32").includes("prm[1 + i]"); // true
 */
export function smallUploadShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  out[i] = bitcast<${t}>(prm[1 + i]);
}`;
}

function combineExpr(op: ReduceOp, t: string): string {
  if (op === "sum") return "a + b";
  const f = op === "max" ? "max" : "min";
  // NaN wins, as Math.max/Math.min make it
  return t === "f32" ? `select(${f}(a, b), nanF(), isNan(a) || isNan(b))` : `${f}(a, b)`;
}

function reduceInit(op: ReduceOp, t: string): string {
  if (op === "sum") return `${t}(0)`;
  if (t === "f32") return op === "max" ? "-infF()" : "infF()";
  if (t === "i32") return op === "max" ? "-2147483647 - 1" : "2147483647";
  return op === "max" ? "0u" : "1u";
}

/**
 * The reduce kernel. prm: [outSize, outer view (the kept axes, strides of x), inner rank, inner shape,
 * inner strides, inner size]. One workgroup per output element: each thread strides over the reduced
 * elements, then a tree reduction in workgroup memory combines the 256 partial results.
 * @example
 * reduceShader("sum", "float32", "float32").includes("workgroupBarrier"); // true
 */
export function reduceShader(op: ReduceOp, inDtype: DType, outDtype: DType): string {
  const tin = wgslType(inDtype);
  const tout = wgslType(outDtype);
  const t = tout;
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${tout}>;
@group(0) @binding(2) var<storage, read> xs: array<${tin}>;
var<workgroup> part: array<${t}, ${WG}>;
fn combine(a: ${t}, b: ${t}) -> ${t} { return ${combineExpr(op, t)}; }
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32,
        @builtin(num_workgroups) nw: vec3<u32>) {
  let o = i32(wg.x + wg.y * nw.x);
  let inRange = o < prm[0];
  var acc: ${t} = ${reduceInit(op, t)};
  if (inRange) {
    let base = viewOff(1, o);
    let ib = prm[1] * 2 + 3;
    let r = prm[ib];
    let n = prm[ib + 1 + 2 * r];
    for (var j = i32(li); j < n; j += ${WG}) {
      var idx = j;
      var off = base;
      for (var d = r - 1; d >= 0; d--) {
        let s = prm[ib + 1 + d];
        off += (idx % s) * prm[ib + 1 + r + d];
        idx = idx / s;
      }
      acc = combine(acc, ${conv("xs[off]", tin, t)});
    }
  }
  part[li] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (li < s) { part[li] = combine(part[li], part[li + s]); }
    workgroupBarrier();
  }
  if (inRange && li == 0u) { out[o] = part[0]; }
}`;
}

/**
 * argmax/argmin along one axis: one thread per output, first extreme wins, NaN counts as the extreme.
 * prm: [outSize, outer view, axis length, axis stride].
 * @example
 * argReduceShader("argmax", "float32").includes("isNan"); // true
 */
export function argReduceShader(op: "argmax" | "argmin", dtype: DType): string {
  const t = wgslType(dtype);
  const better = op === "argmax" ? "v > best" : "v < best";
  const nanCheck = t === "f32";
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<i32>;
@group(0) @binding(2) var<storage, read> xs: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let o = gidx(g, nw);
  if (o >= prm[0]) { return; }
  let base = viewOff(1, o);
  let p = prm[1] * 2 + 3;
  let len = prm[p];
  let step = prm[p + 1];
  var best = xs[base];
  var bi = 0;
  for (var j = 1; j < len; j++) {
    ${nanCheck ? "if (isNan(best)) { break; }" : ""}
    let v = xs[base + j * step];
    if (${nanCheck ? "isNan(v) || " : ""}${better}) { best = v; bi = j; }
  }
  out[o] = bi;
}`;
}

/**
 * Batched tiled matmul: each workgroup computes a TILE × TILE block of C, staging TILE × TILE blocks of
 * A and B in workgroup memory; any strides (transposes are free) and broadcast batch strides.
 * prm: [m, n, k, as0, as1, bs0, bs1, batch rank, batch shape, A batch strides, B batch strides, aOff, bOff].
 * @example
 * matmulShader("float32").includes("workgroupBarrier"); // true
 */
export function matmulShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> A: array<${t}>;
@group(0) @binding(3) var<storage, read> B: array<${t}>;
var<workgroup> ta: array<array<${t}, ${TILE}>, ${TILE}>;
var<workgroup> tb: array<array<${t}, ${TILE}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let m = prm[0]; let n = prm[1]; let k = prm[2];
  let as0 = prm[3]; let as1 = prm[4]; let bs0 = prm[5]; let bs1 = prm[6];
  let br = prm[7];
  // this workgroup's batch position → the base offsets of its A and B matrices
  var idx = i32(wg.z);
  var aBase = prm[8 + 3 * br];
  var bBase = prm[9 + 3 * br];
  for (var d = br - 1; d >= 0; d--) {
    let s = prm[8 + d];
    let c = idx % s;
    idx = idx / s;
    aBase += c * prm[8 + br + d];
    bBase += c * prm[8 + 2 * br + d];
  }
  let row = i32(wg.y) * ${TILE} + i32(l.y);
  let col = i32(wg.x) * ${TILE} + i32(l.x);
  var acc: ${t} = ${t}(0);
  let tiles = (k + ${TILE - 1}) / ${TILE};
  for (var tt = 0; tt < tiles; tt++) {
    let ak = tt * ${TILE} + i32(l.x);
    let bk = tt * ${TILE} + i32(l.y);
    ta[l.y][l.x] = select(${t}(0), A[max(aBase + row * as0 + ak * as1, 0)], row < m && ak < k);
    tb[l.y][l.x] = select(${t}(0), B[max(bBase + bk * bs0 + col * bs1, 0)], bk < k && col < n);
    workgroupBarrier();
    for (var p = 0; p < ${TILE}; p++) { acc += ta[l.y][p] * tb[p][l.x]; }
    workgroupBarrier();
  }
  if (row < m && col < n) { out[i32(wg.z) * m * n + row * n + col] = acc; }
}`;
}

/**
 * Pad: one thread per output element; inside the copied block it reads x, elsewhere writes `value`
 * (its bits in prm). prm: [outSize, out rank, out shape, befores, x view, value bits].
 * @example
 * padShader("float32").includes("inside"); // true
 */
export function padShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> xs: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let r = prm[1];
  let xv = 2 + 2 * r;
  var idx = i;
  var inside = true;
  var off = prm[xv + 1 + 2 * r];
  for (var d = r - 1; d >= 0; d--) {
    let c = idx % prm[2 + d] - prm[2 + r + d];
    idx = idx / prm[2 + d];
    if (c < 0 || c >= prm[xv + 1 + d]) { inside = false; }
    off += c * prm[xv + 1 + r + d];
  }
  if (inside) { out[i] = xs[off]; } else { out[i] = bitcast<${t}>(prm[xv + 2 + 2 * r]); }
}`;
}

/**
 * Copies a view into a contiguous output at `base` with the output's strides (one concat input).
 * prm: [size, x view, out strides (rank of x), base].
 * @example
 * copyIntoShader("int32").includes("out[o]"); // true
 */
export function copyIntoShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> xs: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let r = prm[1];
  let os = 3 + 2 * r;
  var idx = i;
  var o = prm[os + r];
  for (var d = r - 1; d >= 0; d--) {
    let s = prm[2 + d];
    o += (idx % s) * prm[os + d];
    idx = idx / s;
  }
  out[o] = xs[viewOff(1, i)];
}`;
}

/**
 * Gather along an axis: one thread per index element. An out-of-range index reads 0 (a GPU kernel
 * cannot throw; the ops above check indices where they can). prm: [size, index view, x strides, x
 * offset, axis, axis length, window elements]; x arrives through four bindings of consecutive windows.
 * @example
 * gatherShader("float32").includes("gather"); // true
 */
export function gatherShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
// gather: out[i] = x[coords of i with the axis coordinate replaced by index[i]]
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> ix: array<i32>;
// x seen through four bindings of consecutive windows (one binding is limited to maxStorageBufferBindingSize)
@group(0) @binding(3) var<storage, read> x0: array<${t}>;
@group(0) @binding(4) var<storage, read> x1: array<${t}>;
@group(0) @binding(5) var<storage, read> x2: array<${t}>;
@group(0) @binding(6) var<storage, read> x3: array<${t}>;
fn ldx(off: i32, win: i32) -> ${t} {
  let w = off / win;
  let o = off - w * win;
  if (w == 0) { return x0[o]; }
  if (w == 1) { return x1[o]; }
  if (w == 2) { return x2[o]; }
  return x3[o];
}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let r = prm[1];
  let xsb = 3 + 2 * r;
  let axis = prm[xsb + r + 1];
  let len = prm[xsb + r + 2];
  let j = ix[viewOff(1, i)];
  var idx = i;
  var off = prm[xsb + r];
  for (var d = r - 1; d >= 0; d--) {
    let s = prm[2 + d];
    let c = idx % s;
    idx = idx / s;
    off += select(c, j, d == axis) * prm[xsb + d];
  }
  if (j < 0 || j >= len) { out[i] = ${t}(0); } else { out[i] = ldx(off, prm[xsb + r + 3]); }
}`;
}

/**
 * scatterAdd without atomics (WGSL has no float atomics): one thread per OUTPUT element, which walks
 * the index entries along `axis` that share its other coordinates and sums the sources of those equal
 * to its own axis coordinate, in increasing order (the order the reference adds them, so float32 sums
 * match it bit for bit). Cost: outSize × index.shape[axis] reads.
 * prm: [outSize, out rank, out shape, index view, src view, axis].
 * @example
 * scatterAddShader("float32").includes("atomic"); // false
 */
export function scatterAddShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> ix: array<i32>;
@group(0) @binding(3) var<storage, read> ss: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let o = gidx(g, nw);
  if (o >= prm[0]) { return; }
  let r = prm[1];
  let iv = 2 + r;
  let sv = iv + 2 + 2 * r;
  let axis = prm[sv + 2 + 2 * r];
  // coordinates of o; the index/src element with coordinate j on the axis sits at base + j * stride
  var idx = o;
  var ib = prm[iv + 1 + 2 * r];
  var sb = prm[sv + 1 + 2 * r];
  var tgt = 0;
  var outside = false;
  for (var d = r - 1; d >= 0; d--) {
    let s = prm[2 + d];
    let c = idx % s;
    idx = idx / s;
    if (d == axis) { tgt = c; }
    else {
      if (c >= prm[iv + 1 + d]) { outside = true; }
      ib += c * prm[iv + 1 + r + d];
      sb += c * prm[sv + 1 + r + d];
    }
  }
  var acc: ${t} = ${t}(0);
  if (!outside) {
    let len = prm[iv + 1 + axis];
    let istep = prm[iv + 1 + r + axis];
    let sstep = prm[sv + 1 + r + axis];
    for (var j = 0; j < len; j++) {
      if (ix[ib + j * istep] == tgt) { acc += ss[sb + j * sstep]; }
    }
  }
  out[o] = acc;
}`;
}

/**
 * The matmul for CPU adapters (lavapipe, SwiftShader): no workgroup memory and no barriers, which a CPU
 * driver runs by switching between the invocations of a workgroup (slow); each thread computes a 4 × 4
 * block of outputs from global memory, and the driver vectorises across threads. prm as `matmulShader`.
 * @example
 * matmulDirectShader("float32").includes("workgroupBarrier"); // false
 */
export function matmulDirectShader(dtype: DType): string {
  const t = wgslType(dtype);
  // each thread: a 4 × 4 block of C, so every loaded element of A and B feeds four multiply-adds
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> A: array<${t}>;
@group(0) @binding(3) var<storage, read> B: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  let m = prm[0]; let n = prm[1]; let k = prm[2];
  let br = prm[7];
  let mb = (m + 3) / 4;
  let nb = (n + 3) / 4;
  // prm[10 + 3·br]: the number of 4 × 4 blocks of all batches (threads past it do nothing)
  if (i >= prm[10 + 3 * br]) { return; }
  let as0 = prm[3]; let as1 = prm[4]; let bs0 = prm[5]; let bs1 = prm[6];
  let col = (i % nb) * 4;
  let row = ((i / nb) % mb) * 4;
  let bi = i / (mb * nb);
  var idx = bi;
  var aBase = prm[8 + 3 * br];
  var bBase = prm[9 + 3 * br];
  for (var d = br - 1; d >= 0; d--) {
    let s = prm[8 + d];
    let c = idx % s;
    idx = idx / s;
    aBase += c * prm[8 + br + d];
    bBase += c * prm[8 + 2 * br + d];
  }
  // rows and columns past the edge read row/column 0 again (always in range) and are not written
  var ra: array<i32, 4>;
  var cb: array<i32, 4>;
  for (var q = 0; q < 4; q++) {
    ra[q] = aBase + select(0, row + q, row + q < m) * as0;
    cb[q] = bBase + select(0, col + q, col + q < n) * bs1;
  }
  var acc: array<array<${t}, 4>, 4>;
  for (var p = 0; p < k; p++) {
    let a0 = A[ra[0] + p * as1]; let a1 = A[ra[1] + p * as1];
    let a2 = A[ra[2] + p * as1]; let a3 = A[ra[3] + p * as1];
    let pb = p * bs0;
    let b0 = B[cb[0] + pb]; let b1 = B[cb[1] + pb];
    let b2 = B[cb[2] + pb]; let b3 = B[cb[3] + pb];
    acc[0][0] += a0 * b0; acc[0][1] += a0 * b1; acc[0][2] += a0 * b2; acc[0][3] += a0 * b3;
    acc[1][0] += a1 * b0; acc[1][1] += a1 * b1; acc[1][2] += a1 * b2; acc[1][3] += a1 * b3;
    acc[2][0] += a2 * b0; acc[2][1] += a2 * b1; acc[2][2] += a2 * b2; acc[2][3] += a2 * b3;
    acc[3][0] += a3 * b0; acc[3][1] += a3 * b1; acc[3][2] += a3 * b2; acc[3][3] += a3 * b3;
  }
  let ob = bi * m * n;
  for (var r = 0; r < 4; r++) {
    if (row + r >= m) { break; }
    for (var c = 0; c < 4; c++) {
      if (col + c < n) { out[ob + (row + r) * n + col + c] = acc[r][c]; }
    }
  }
}`;
}

/**
 * The reduce for CPU adapters: one thread per output walks its reduced elements in order (no barriers).
 * Same prm as `reduceShader`.
 * @example
 * reduceDirectShader("sum", "float32", "float32").includes("workgroupBarrier"); // false
 */
export function reduceDirectShader(op: ReduceOp, inDtype: DType, outDtype: DType): string {
  const tin = wgslType(inDtype);
  const t = wgslType(outDtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> xs: array<${tin}>;
fn combine(a: ${t}, b: ${t}) -> ${t} { return ${combineExpr(op, t)}; }
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let o = gidx(g, nw);
  if (o >= prm[0]) { return; }
  let base = viewOff(1, o);
  let ib = prm[1] * 2 + 3;
  let r = prm[ib];
  let n = prm[ib + 1 + 2 * r];
  var acc: ${t} = ${reduceInit(op, t)};
  for (var j = 0; j < n; j++) {
    var idx = j;
    var off = base;
    for (var d = r - 1; d >= 0; d--) {
      let s = prm[ib + 1 + d];
      off += (idx % s) * prm[ib + 1 + r + d];
      idx = idx / s;
    }
    acc = combine(acc, ${conv("xs[off]", tin, t)});
  }
  out[o] = acc;
}`;
}

/**
 * One Adam/AdamW step per element (the wasm kernel's arithmetic, in the same order). prm: [n, offsets of
 * p, g, m, v, flags (1 decoupled, 2 maximize, 4 L2), then the f32 bits of decay, step size, beta1,
 * beta2, eps, weight decay, sqrt of bias correction 2, 1 − beta1, 1 − beta2].
 * @example
 * adamShader().includes("sqrt(vv)"); // true
 */
export function adamShader(): string {
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> pOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> mOut: array<f32>;
@group(0) @binding(3) var<storage, read_write> vOut: array<f32>;
@group(0) @binding(4) var<storage, read> P: array<f32>;
@group(0) @binding(5) var<storage, read> G: array<f32>;
@group(0) @binding(6) var<storage, read> M: array<f32>;
@group(0) @binding(7) var<storage, read> V: array<f32>;
fn f(j: i32) -> f32 { return bitcast<f32>(prm[j]); }
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let flags = prm[5];
  let pv = P[prm[1] + i];
  var d = G[prm[2] + i];
  if ((flags & 2) != 0) { d = -d; }
  if ((flags & 4) != 0) { d = d + pv * f(11); }
  let param = select(pv, pv * f(6), (flags & 1) != 0);
  let mv = M[prm[3] + i] * f(8) + d * f(13);
  let vv = V[prm[4] + i] * f(9) + d * d * f(14);
  let denom = sqrt(vv) / f(12) + f(10);
  pOut[i] = param - (mv / denom) * f(7);
  mOut[i] = mv;
  vOut[i] = vv;
}`;
}

/**
 * One SGD step per element (the wasm kernel's arithmetic). prm: [n, offsets of p, g, buf, flags
 * (1 momentum, 2 nesterov, 4 maximize, 8 has a buffer), then the f32 bits of lr, momentum, weight
 * decay, 1 − dampening].
 * @example
 * sgdShader().includes("nesterov"); // true
 */
export function sgdShader(): string {
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> pOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> bOut: array<f32>;
@group(0) @binding(3) var<storage, read> P: array<f32>;
@group(0) @binding(4) var<storage, read> G: array<f32>;
@group(0) @binding(5) var<storage, read> B: array<f32>;
fn f(j: i32) -> f32 { return bitcast<f32>(prm[j]); }
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let flags = prm[4];
  let pv = P[prm[1] + i];
  var d = G[prm[2] + i];
  if ((flags & 4) != 0) { d = -d; }
  if (f(7) != 0.0) { d = d + pv * f(7); }
  if ((flags & 1) != 0) {
    var b = d;
    if ((flags & 8) != 0) { b = B[prm[3] + i] * f(6) + d * f(8); }
    bOut[i] = b;
    let nesterov = (flags & 2) != 0;
    d = select(b, d + b * f(6), nesterov);
  }
  pOut[i] = pv - d * f(5);
}`;
}
