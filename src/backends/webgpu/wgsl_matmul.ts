import type { DType } from "../../base/dtype.js";
import { HEADER, wgslType, WG, TILE } from "./wgsl_common.js";

/** WGSL of matmul: the tiled GPU form and the barrier-free form for CPU drivers. */

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
