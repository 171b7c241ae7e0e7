/**
 * The kernel contract again with the forms GPUs get: the workgroup-memory tiled matmul and the tree
 * reduce (a CPU adapter such as lavapipe gets barrier-free forms by default).
 */
process.env.STRATA_WEBGPU_TILED = "1";
await import("./kernels.test.js");
