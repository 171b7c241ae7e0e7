import type { DType } from "../../base/dtype.js";
import type { ReduceOp } from "../backend.js";
import { HEADER, conv, wgslType, WG } from "./wgsl_common.js";

/** WGSL of the reductions: the GPU form (workgroup tree), the CPU-driver form, arg-reductions. */

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
