import { BackendError } from "../../base/errors.js";
import { KERNELS_RELAXED_SIMD, KERNELS_SIMD, KERNELS_UNSHARED_SIMD } from "./kernels.generated.js";

/** The functions the AssemblyScript kernels export (pointers are byte addresses in the shared memory). */
export interface KernelExports {
  matmul_f32(
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    m: number,
    k: number,
    n: number,
    j0: number,
    j1: number,
    pack: number,
  ): void;
  matmul_f32_threaded(
    t: number,
    threads: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    m: number,
    k: number,
    n: number,
    packBase: number,
  ): void;
  binary2d_f32(
    op: number,
    a: number,
    as0: number,
    as1: number,
    b: number,
    bs0: number,
    bs1: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  compare2d_f32(
    op: number,
    a: number,
    as0: number,
    as1: number,
    b: number,
    bs0: number,
    bs1: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  where2d_f32(
    c: number,
    cs0: number,
    cs1: number,
    a: number,
    as0: number,
    as1: number,
    b: number,
    bs0: number,
    bs1: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  unary_f32(op: number, x: number, out: number, n: number): void;
  adam_f32(
    p: number,
    g: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    biasCorrection1: number,
    biasCorrection2Sqrt: number,
    flags: number,
  ): void;
  sgd_f32(
    p: number,
    g: number,
    buf: number,
    pOut: number,
    bufOut: number,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    flags: number,
  ): void;
  copy2d_32(x: number, s0: number, s1: number, out: number, rows: number, cols: number, pitch: number): void;
  copy_nd_32(x: number, rank: number, meta: number, out: number): void;
  gather_axis_32(
    x: number,
    outer: number,
    len: number,
    inner: number,
    index: number,
    count: number,
    out: number,
  ): void;
  scatter_add_axis_f32(
    src: number,
    outer: number,
    len: number,
    inner: number,
    index: number,
    count: number,
    out: number,
  ): void;
  reduce_rows_f32(op: number, x: number, rows: number, cols: number, out: number): void;
  reduce_cols_f32(op: number, x: number, rows: number, cols: number, out: number, scratch: number): void;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const g = globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(base64, "base64"));
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let simdBytes: Uint8Array<ArrayBuffer> | null = null;
let relaxedBytes: Uint8Array<ArrayBuffer> | null = null;
let unsharedBytes: Uint8Array<ArrayBuffer> | null = null;

/** Whether this page or process has SharedArrayBuffer (browsers: only with cross-origin isolation). */
export function sharedMemorySupported(): boolean {
  return typeof SharedArrayBuffer === "function";
}

/**
 * The kernel binaries: on shared memory, relaxed SIMD (fused multiply-add) where the engine validates
 * it, else plain SIMD; without shared memory, the single-threaded plain-SIMD build.
 */
export function kernelBytes(
  preferRelaxed: boolean,
  shared = true,
): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean } {
  if (!shared) {
    unsharedBytes ??= decode(KERNELS_UNSHARED_SIMD);
    return { bytes: unsharedBytes, relaxed: false };
  }
  simdBytes ??= decode(KERNELS_SIMD);
  if (preferRelaxed) {
    relaxedBytes ??= decode(KERNELS_RELAXED_SIMD);
    if (
      WebAssembly.validate(relaxedBytes) ||
      (enableRelaxedSimdSync() && WebAssembly.validate(relaxedBytes))
    ) {
      return { bytes: relaxedBytes, relaxed: true };
    }
  }
  return { bytes: simdBytes, relaxed: false };
}

/**
 * The synchronous way to set that flag, through `process.getBuiltinModule` (Node ≥ 20.16), so the very
 * first kernels are already the fused ones and a run never switches kernels midway.
 */
function enableRelaxedSimdSync(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.("node:v8") as { setFlagsFromString(flags: string): void } | undefined;
  if (!v8) return false;
  v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  return true;
}

/**
 * Makes relaxed SIMD available if the engine has it behind a flag (Node 20: V8's
 * --experimental-wasm-relaxed-simd, which a program may set before it compiles a module; on by
 * default in Node 22+ and current browsers). Resolves to whether the relaxed kernels now validate.
 */
export async function enableRelaxedSimd(): Promise<boolean> {
  relaxedBytes ??= decode(KERNELS_RELAXED_SIMD);
  if (WebAssembly.validate(relaxedBytes)) return true;
  try {
    const v8 = await import("node:v8");
    v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch {
    return false;
  }
  return WebAssembly.validate(relaxedBytes);
}

/** Whether this engine can run the kernels at all (WebAssembly with SIMD). */
export function wasmSupported(): boolean {
  try {
    if (typeof WebAssembly !== "object") return false;
    return WebAssembly.validate(kernelBytes(false, sharedMemorySupported()).bytes);
  } catch {
    return false;
  }
}

/** Instantiates the kernels over `memory`; synchronous compilation, as Node allows for any size. */
export function instantiateSync(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: abortImport } });
  return instance.exports as unknown as KernelExports;
}

function abortImport(): never {
  throw new BackendError("wasm kernel aborted");
}
