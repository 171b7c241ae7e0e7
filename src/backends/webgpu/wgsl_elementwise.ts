import type { DType } from "../../base/dtype.js";
import type { BinaryOp, UnaryOp } from "../backend.js";
import { HEADER, conv, wgslType, WG } from "./wgsl_common.js";

/** WGSL of the elementwise kernels (unary, binary, where, cast) and of fills and small uploads. */

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
 * Copies prm[0] values (their bits) from the staging arena at word prm[1]: how uploads join the
 * recorded dispatches instead of forcing a submit.
 * @example
 * stagedUploadShader("int32").includes("staged[prm[1] + i]"); // true
 */
export function stagedUploadShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> staged: array<i32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  out[i] = bitcast<${t}>(staged[prm[1] + i]);
}`;
}
