/** The wasm backend's options and the codes its kernels take for each op. */
import type { BinaryOp, UnaryOp } from "../backend.js";

export const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
};
export const COMPARE_CODES: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
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
export const REDUCE_CODES = { sum: 0, max: 1, min: 2 } as const;

/** The first MiB of memory belongs to the kernels' own stack and data. */
export const HEAP_BASE = 1 << 20;
/** Multiply-adds below which a matmul stays on one thread (waking workers costs ~10 µs). */
export const PARALLEL_MIN_WORK = 1 << 18;

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

export function isNode(): boolean {
  return (
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string"
  );
}

export function requestedThreads(option: number | undefined): number | undefined {
  if (option !== undefined) return option;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.STRATA_THREADS;
  return env ? Number(env) : undefined;
}
