// Entry point of the Strata wasm kernels (AssemblyScript). Built by scripts/build_wasm.ts into two
// binaries: plain SIMD, and relaxed SIMD (fused multiply-add) where the runtime supports it.
export { matmul_f32, matmul_f32_threaded } from "./matmul";
export { binary2d_f32, unary_f32 } from "./elementwise";
export { reduce_rows_f32, reduce_cols_f32 } from "./reduce";
export { compare2d_f32, where2d_f32 } from "./select";
export { copy2d_32 } from "./copy";
export { adam_f32, sgd_f32 } from "./optim";
export { bias_act_f32, relu_grad_f32 } from "./linear";
export { huber_f32, huber_grad_f32 } from "./huber";
export { gather_axis_32, scatter_add_axis_f32, copy_nd_32 } from "./gather";
