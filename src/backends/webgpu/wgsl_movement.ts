import type { DType } from "../../base/dtype.js";
import { indexErrorWgsl } from "./index_errors.js";
import { HEADER, wgslType, WG } from "./wgsl_common.js";

/**
 * WGSL of the movement kernels: pad, copy into (concat), gather, the atomic-free scatterAdd and the
 * index check. The kernels that take indices record an out-of-range one in the error buffer
 * (index_errors.ts), which the next read turns into an IndexError.
 */

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
 * Gather along an axis: one thread per index element. An out-of-range index reads nothing (0) and is
 * recorded in the error buffer (binding 7) under the dispatch's id. prm: [size, index view, x strides,
 * x offset, axis, axis length, window elements, check id]; x arrives through four bindings of
 * consecutive windows.
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
${indexErrorWgsl(7)}
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
  if (j < 0 || j >= len) {
    out[i] = ${t}(0);
    indexError(prm[xsb + r + 4], i, j);
  } else {
    out[i] = ldx(off, prm[xsb + r + 3]);
  }
}`;
}

/**
 * scatterAdd without atomics (WGSL has no float atomics): one thread per OUTPUT element, which walks
 * the index entries along `axis` that share its other coordinates and sums the sources of those equal
 * to its own axis coordinate, in increasing order (the order the reference adds them, so float32 sums
 * match it bit for bit). Cost: outSize × index.shape[axis] reads. An out-of-range index adds nowhere;
 * the threads of axis coordinate 0 record it in the error buffer (binding 4).
 * prm: [outSize, out rank, out shape, index view, src view, axis, check id].
 * @example
 * scatterAddShader("float32").includes("read_write> out: array<f32>"); // true: plain stores, no atomics on the output
 */
export function scatterAddShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${HEADER}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> ix: array<i32>;
@group(0) @binding(3) var<storage, read> ss: array<${t}>;
${indexErrorWgsl(4)}
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
  // row-major position in the index of the entry at j = 0, and the step of j, for error reports
  var ipos = 0;
  var ipstep = 1;
  var iprod = 1;
  for (var d = r - 1; d >= 0; d--) {
    let s = prm[2 + d];
    let c = idx % s;
    idx = idx / s;
    if (d == axis) { tgt = c; ipstep = iprod; }
    else {
      if (c >= prm[iv + 1 + d]) { outside = true; }
      ib += c * prm[iv + 1 + r + d];
      sb += c * prm[sv + 1 + r + d];
      ipos += c * iprod;
    }
    iprod *= prm[iv + 1 + d];
  }
  var acc: ${t} = ${t}(0);
  if (!outside) {
    let len = prm[iv + 1 + axis];
    let istep = prm[iv + 1 + r + axis];
    let sstep = prm[sv + 1 + r + axis];
    let bound = prm[2 + axis];
    for (var j = 0; j < len; j++) {
      let v = ix[ib + j * istep];
      if (v == tgt) { acc += ss[sb + j * sstep]; }
      if (tgt == 0 && (v < 0 || v >= bound)) { indexError(prm[sv + 3 + 2 * r], ipos + j * ipstep, v); }
    }
  }
  out[o] = acc;
}`;
}

/**
 * Checks that every index of a view lies in [0, bound), recording the first violation in the error
 * buffer (binding 1): the device-side range check of the ops that name themselves (embedding,
 * crossEntropy, oneHot, indexSelect). prm: [size, index view, bound, check id].
 * @example
 * indexCheckShader().includes("indexError"); // true
 */
export function indexCheckShader(): string {
  return `${HEADER}
${indexErrorWgsl(1)}
@group(0) @binding(2) var<storage, read> ix: array<i32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gidx(g, nw);
  if (i >= prm[0]) { return; }
  let r = prm[1];
  let v = ix[viewOff(1, i)];
  if (v < 0 || v >= prm[3 + 2 * r]) { indexError(prm[4 + 2 * r], i, v); }
}`;
}
