/**
 * WGSL sources of the webgpu kernels, one file per kind (wgsl_common: the shared header and dtype
 * conversions; elementwise, reduce, matmul, movement, optim). Every kernel is generic over rank: shapes,
 * strides and offsets arrive at run time in a small `array<i32>` storage window (group 1, "prm"), so
 * one pipeline serves every shape and only (kernel, dtypes, op) select a pipeline.
 */
export { TILE, WG, wgslType } from "./wgsl_common.js";
export {
  binaryShader,
  castShader,
  fillShader,
  stagedUploadShader,
  unaryShader,
  whereShader,
} from "./wgsl_elementwise.js";
export { matmulDirectShader, matmulShader } from "./wgsl_matmul.js";
export {
  copyIntoShader,
  gatherShader,
  indexCheckShader,
  padShader,
  scatterAddShader,
} from "./wgsl_movement.js";
export { adamShader, sgdShader } from "./wgsl_optim.js";
export { argReduceShader, reduceDirectShader, reduceShader } from "./wgsl_reduce.js";
