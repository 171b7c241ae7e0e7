import type { DType } from "../../base/dtype.js";

/**
 * What every webgpu kernel shares: the element types, the workgroup and tile sizes, the WGSL header
 * (parameter buffer, strided-view offsets, NaN/Inf helpers) and the reference backend's conversions.
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
 * Common header: the parameters (group 1, a window of the runtime's staging arena), the strided-view offset function, NaN/Inf helpers and the
 * global thread index (2-d dispatch past 65535 workgroups).
 * @example
 * HEADER.includes("fn viewOff(base: i32, i: i32) -> i32"); // true
 */
export const HEADER = /* wgsl */ `
@group(1) @binding(0) var<storage, read> prm: array<i32>;

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

/**
 * Converts an expression of WGSL type `from` to `to` with the reference backend's rules.
 * @example
 * conv("x", "f32", "i32"); // "toI32(x)"
 */
export function conv(expr: string, from: string, to: string): string {
  if (from === to) return expr;
  // "!(x == 0)", not "x != 0": llvmpipe compiles != as an ordered compare, false for NaN
  if (to === "u32") return `select(1u, 0u, ${expr} == ${from}(0))`;
  if (to === "i32" && from === "f32") return `toI32(${expr})`;
  return `${to}(${expr})`;
}
