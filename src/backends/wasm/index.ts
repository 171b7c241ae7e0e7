import { type DType, type TypedArray, ARRAY_TYPES, bytesPerElement } from "../../core/dtype.js";
import { isContiguous, sizeOf } from "../../core/shape.js";
import type { Backend, BinaryOp, Kernels, MemoryInfo, Storage, UnaryOp, View } from "../backend.js";
import { hostKernels } from "../host/kernels.js";
import type { HostMemory } from "../host/memory.js";
import { stridedOffsets } from "../host/memory.js";
import { collapse2d } from "./collapse.js";
import { Heap } from "./heap.js";
import { type KernelExports, instantiateSync, kernelBytes } from "./module.js";
import { WasmStorage } from "./storage.js";

const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
};
const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  sqrt: 2,
  relu: 3,
  exp: 4,
  log: 5,
  tanh: 6,
  sigmoid: 7,
};
const REDUCE_CODES = { sum: 0, max: 1, min: 2 } as const;

/** The first MiB of memory belongs to the kernels' own stack and data. */
const HEAP_BASE = 1 << 20;

/**
 * The WebAssembly backend: tensors live in one shared WebAssembly.Memory (no copy per op); float32
 * matmul, elementwise and reduction kernels are AssemblyScript compiled to SIMD; everything else runs
 * the host kernels directly on that memory, so every dtype and op works from the start.
 */
export class WasmBackend implements Backend, HostMemory {
  readonly name = "wasm";
  readonly wasmMemory: WebAssembly.Memory;
  private readonly heap: Heap;
  private kernels: KernelExports;
  private readonly host: Kernels;
  private live = 0;
  private liveBytes = 0;
  /** Whether the kernels use relaxed SIMD (fused multiply-add). */
  relaxedSimd: boolean;

  /**
   * Compiles the kernels synchronously unless a compiled `module` is given (browsers refuse synchronous
   * compilation of modules over 4 KB on the main thread: use `createWasmBackend()` there).
   */
  constructor(
    options: { preferRelaxedSimd?: boolean; module?: { module: WebAssembly.Module; relaxed: boolean } } = {},
  ) {
    this.wasmMemory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
    this.heap = new Heap(this.wasmMemory, HEAP_BASE);
    let compiled = options.module;
    if (!compiled) {
      const { bytes, relaxed } = kernelBytes(options.preferRelaxedSimd ?? true);
      compiled = { module: new WebAssembly.Module(bytes), relaxed };
    }
    this.kernels = instantiateSync(compiled.module, this.wasmMemory);
    this.relaxedSimd = compiled.relaxed;
    this.host = hostKernels(this);
  }

  /** Switches to the relaxed-SIMD kernels if the engine now supports them (after a flag was set). */
  upgradeKernels(): boolean {
    if (this.relaxedSimd) return true;
    const { bytes, relaxed } = kernelBytes(true);
    if (!relaxed) return false;
    this.kernels = instantiateSync(new WebAssembly.Module(bytes), this.wasmMemory);
    this.relaxedSimd = true;
    return true;
  }

  supports(_dtype: DType): boolean {
    return true;
  }

  // ---- memory ----

  /** For the host kernels, which expect zeroed output as a fresh typed array is (heap blocks are reused). */
  alloc(dtype: DType, size: number): { storage: Storage; data: TypedArray } {
    const storage = this.allocStorage(dtype, size);
    const data = this.arrayOf(storage);
    data.fill(0);
    return { storage, data };
  }

  private allocStorage(dtype: DType, size: number): WasmStorage {
    const bytes = size * bytesPerElement(dtype);
    const ptr = this.heap.alloc(Math.max(bytes, 1));
    this.live++;
    this.liveBytes += bytes;
    return new WasmStorage(dtype, size, ptr, bytes);
  }

  private arrayOf(s: WasmStorage): TypedArray {
    if (s.released) throw new Error("wasm backend: storage used after release");
    return new ARRAY_TYPES[s.dtype](this.wasmMemory.buffer, s.ptr, s.size);
  }

  dataOf(view: View): TypedArray {
    return this.arrayOf(view.storage as WasmStorage);
  }

  upload(data: TypedArray, dtype: DType): Storage {
    const { storage, data: dst } = this.alloc(dtype, data.length);
    dst.set(data);
    return storage;
  }

  readSync(storage: Storage): TypedArray {
    return this.arrayOf(storage as WasmStorage).slice();
  }

  async read(storage: Storage): Promise<TypedArray> {
    return this.readSync(storage);
  }

  release(storage: Storage): void {
    const s = storage as WasmStorage;
    if (s.released) return;
    s.released = true;
    this.heap.release(s.ptr);
    this.live--;
    this.liveBytes -= s.bytes;
  }

  memory(): MemoryInfo {
    return { storages: this.live, bytes: this.liveBytes };
  }

  // ---- kernels: SIMD fast paths for float32, host kernels for the rest ----

  private ptrOf(v: View): number {
    return (v.storage as WasmStorage).ptr + v.offset * bytesPerElement(v.dtype);
  }

  matmul: Backend["matmul"] = (a, b, outShape) => {
    if (a.dtype !== "float32" || b.dtype !== "float32") return this.host.matmul(a, b, outShape);
    const rank = outShape.length;
    const m = outShape[rank - 2];
    const n = outShape[rank - 1];
    const k = a.shape[a.shape.length - 1];
    const batchShape = outShape.slice(0, rank - 2);
    const aBase = stridedOffsets(batchShape, a.strides.slice(0, rank - 2), a.offset);
    const bBase = stridedOffsets(batchShape, b.strides.slice(0, rank - 2), b.offset);
    const out = this.allocStorage("float32", aBase.length * m * n);
    if (out.size === 0) return out;
    const pack = this.heap.alloc(Math.max(k, 1) * 8 * 4);
    const ap = (a.storage as WasmStorage).ptr;
    const bp = (b.storage as WasmStorage).ptr;
    const [ars, acs] = [a.strides[rank - 2], a.strides[rank - 1]];
    const [brs, bcs] = [b.strides[rank - 2], b.strides[rank - 1]];
    for (let t = 0; t < aBase.length; t++) {
      if (k === 0) {
        new Float32Array(this.wasmMemory.buffer, out.ptr + t * m * n * 4, m * n).fill(0);
        continue;
      }
      this.kernels.matmul_f32(
        ap + aBase[t] * 4,
        ars,
        acs,
        bp + bBase[t] * 4,
        brs,
        bcs,
        out.ptr + t * m * n * 4,
        m,
        k,
        n,
        0,
        n,
        pack,
      );
    }
    this.heap.release(pack);
    return out;
  };

  binary: Backend["binary"] = (op, a, b, outShape, outDtype) => {
    const code = BINARY_CODES[op];
    if (code === undefined || a.dtype !== "float32" || b.dtype !== "float32" || outDtype !== "float32") {
      return this.host.binary(op, a, b, outShape, outDtype);
    }
    const plan = collapse2d(outShape, [a.strides, b.strides]);
    if (plan === null || plan.strides.some(([, inner]) => inner !== 0 && inner !== 1)) {
      return this.host.binary(op, a, b, outShape, outDtype);
    }
    const out = this.allocStorage("float32", sizeOf(outShape));
    if (out.size === 0) return out;
    const [[as0, as1], [bs0, bs1]] = plan.strides;
    this.kernels.binary2d_f32(
      code,
      this.ptrOf(a),
      as0,
      as1,
      this.ptrOf(b),
      bs0,
      bs1,
      out.ptr,
      plan.rows,
      plan.cols,
    );
    return out;
  };

  unary: Backend["unary"] = (op, x, outDtype) => {
    const code = UNARY_CODES[op];
    if (
      code === undefined ||
      x.dtype !== "float32" ||
      outDtype !== "float32" ||
      !isContiguous(x.shape, x.strides)
    ) {
      return this.host.unary(op, x, outDtype);
    }
    const out = this.allocStorage("float32", sizeOf(x.shape));
    if (out.size > 0) this.kernels.unary_f32(code, this.ptrOf(x), out.ptr, out.size);
    return out;
  };

  reduce: Backend["reduce"] = (op, x, axes) => {
    if (x.dtype !== "float32" || axes.length === 0) return this.host.reduce(op, x, axes);
    const rank = x.shape.length;
    if (!isContiguous(x.shape, x.strides)) return this.host.reduce(op, x, axes);
    const trailing = axes.every((a, i) => a === rank - axes.length + i);
    const leading = axes.every((a, i) => a === i);
    if (!trailing && !leading) return this.host.reduce(op, x, axes);
    const inner = trailing ? sizeOf(x.shape.slice(rank - axes.length)) : sizeOf(x.shape.slice(axes.length));
    const outer = trailing
      ? sizeOf(x.shape.slice(0, rank - axes.length))
      : sizeOf(x.shape.slice(0, axes.length));
    if (op !== "sum" && (trailing ? inner : outer) === 0) return this.host.reduce(op, x, axes);
    const out = this.allocStorage("float32", trailing ? outer : inner);
    if (out.size === 0) return out;
    if (trailing) this.kernels.reduce_rows_f32(REDUCE_CODES[op], this.ptrOf(x), outer, inner, out.ptr);
    else this.kernels.reduce_cols_f32(REDUCE_CODES[op], this.ptrOf(x), outer, inner, out.ptr);
    return out;
  };

  where: Backend["where"] = (...args) => this.host.where(...args);
  cast: Backend["cast"] = (...args) => this.host.cast(...args);
  argReduce: Backend["argReduce"] = (...args) => this.host.argReduce(...args);
  pad: Backend["pad"] = (...args) => this.host.pad(...args);
  concat: Backend["concat"] = (...args) => this.host.concat(...args);
  gather: Backend["gather"] = (...args) => this.host.gather(...args);
  scatterAdd: Backend["scatterAdd"] = (...args) => this.host.scatterAdd(...args);
}

/** Compiles the kernels asynchronously (as browsers require) and returns a ready backend. */
export async function createWasmBackend(options: { preferRelaxedSimd?: boolean } = {}): Promise<WasmBackend> {
  const { bytes, relaxed } = kernelBytes(options.preferRelaxedSimd ?? true);
  return new WasmBackend({ module: { module: await WebAssembly.compile(bytes), relaxed } });
}
