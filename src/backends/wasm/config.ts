/** The wasm backend's options and the codes its kernels take for each op. */
import type { BinaryOp, UnaryOp } from "../backend.js";

/** The op codes of the `binary2d_f32` kernel. @example BINARY_CODES.mul // 2 */
export const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
};
/** The op codes of the `compare2d_f32` kernel. @example COMPARE_CODES.lt // 2 */
export const COMPARE_CODES: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
/** The op codes of the `unary2d_f32` kernel. @example UNARY_CODES.relu // 3 */
export const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  sqrt: 2,
  relu: 3,
  exp: 4,
  log: 5,
  tanh: 6,
  sigmoid: 7,
};
/** The op codes of the reduction kernels. @example REDUCE_CODES.max // 1 */
export const REDUCE_CODES = { sum: 0, max: 1, min: 2 } as const;

/** The first MiB of memory belongs to the kernels' own stack and data. @example HEAP_BASE // 1048576 */
export const HEAP_BASE = 1 << 20;
/**
 * Multiply-adds below which a matmul stays on one thread: waking the workers and waiting for them
 * costs more than it saves below this (measured: a DQN step, whose matmuls are 32×120×84, ran 1.5×
 * faster with its matmuls on one thread).
 * @example PARALLEL_MIN_WORK // 1048576
 */
export const PARALLEL_MIN_WORK = 1 << 20;

/**
 * Options of the wasm backend.
 * @example
 * const options: WasmBackendOptions = { threads: 1, maxBytes: 2 ** 28 };
 * new WasmBackend(options).maxElements("float32"); // 67108864
 */
export interface WasmBackendOptions {
  /** Use relaxed SIMD (fused multiply-add) where the engine supports it (default true). */
  preferRelaxedSimd?: boolean;
  /** Threads for large kernels, the calling thread included (default: all cores; 1 disables workers). */
  threads?: number;
  /**
   * Shared memory (needed for threads; in browsers it needs cross-origin isolation). Default: wherever
   * SharedArrayBuffer exists.
   */
  sharedMemory?: boolean;
  /**
   * The most bytes tensors may take together (default: all wasm32 can address, 4 GiB less the kernels'
   * first MiB). Allocations beyond it throw an OutOfMemoryError instead of growing the memory.
   */
  maxBytes?: number;
  /** @internal A module compiled elsewhere (asynchronously, as browsers require). */
  module?: { module: WebAssembly.Module; relaxed: boolean };
}

// worker threads come from `node:worker_threads` in Node
export { isNode } from "../../base/platform.js";

/**
 * The thread count asked for: the option, else the STRATA_THREADS environment variable, else undefined.
 * @example requestedThreads(1) // 1
 */
export function requestedThreads(option: number | undefined): number | undefined {
  if (option !== undefined) return option;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.STRATA_THREADS;
  return env ? Number(env) : undefined;
}
