import { HEADER, WG } from "./wgsl_common.js";

/** WGSL of the fused optimizer updates (Adam/AdamW, SGD). */

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
