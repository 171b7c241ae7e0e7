import { BackendError } from "../../base/errors.js";
import {
  KERNELS_RELAXED_SIMD,
  KERNELS_SIMD,
  KERNELS_UNSHARED_SIMD,
  type KernelExports,
} from "./kernels.generated.js";

export type { KernelExports };

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

/**
 * Whether this page or process has SharedArrayBuffer (browsers: only with cross-origin isolation).
 * @example
 * sharedMemorySupported(); // true in Node
 */
export function sharedMemorySupported(): boolean {
  return typeof SharedArrayBuffer === "function";
}

/**
 * The kernel binaries: on shared memory, relaxed SIMD (fused multiply-add) where the engine validates
 * it, else plain SIMD; without shared memory, the single-threaded plain-SIMD build.
 * @example
 * const { bytes, relaxed } = kernelBytes(false);
 * WebAssembly.validate(bytes); // true
 * relaxed; // false
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
 * @example
 * const fma = await enableRelaxedSimd(); // true in Node 20+
 * kernelBytes(fma).relaxed === fma; // true
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

/**
 * Whether this engine can run the kernels at all (WebAssembly with SIMD).
 * @example
 * wasmSupported(); // true in Node 20+ and current browsers
 */
export function wasmSupported(): boolean {
  try {
    if (typeof WebAssembly !== "object") return false;
    return WebAssembly.validate(kernelBytes(false, sharedMemorySupported()).bytes);
  } catch {
    return false;
  }
}

/**
 * Instantiates the kernels over `memory`; synchronous compilation, as Node allows for any size.
 * @example
 * const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
 * const kernels = instantiateSync(new WebAssembly.Module(kernelBytes(false).bytes), memory);
 * typeof kernels.matmul_f32; // "function"
 */
export function instantiateSync(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: abortImport } });
  return instance.exports as unknown as KernelExports;
}

function abortImport(): never {
  throw new BackendError("wasm kernel aborted");
}
