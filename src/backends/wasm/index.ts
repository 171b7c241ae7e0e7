import { type DType, type TypedArray, ARRAY_TYPES, bytesPerElement } from "../../base/dtype.js";
import { DisposedError, OutOfMemoryError } from "../../base/errors.js";
import { contiguousStrides, isContiguous, sizeOf } from "../../base/shape.js";
import type {
  Backend,
  FusedKernels,
  Kernels,
  MemoryInfo,
  MemoryPressure,
  Storage,
  View,
} from "../backend.js";
import { hostKernels } from "../host/kernels.js";
import { matmulPlan } from "../host/matmul.js";
import type { HostMemory } from "../host/memory.js";
import { type CopyPlan, collapse, collapse2d, copyPlan } from "./collapse.js";
import {
  BINARY_CODES,
  COMPARE_CODES,
  HEAP_BASE,
  PARALLEL_MIN_WORK,
  REDUCE_CODES,
  UNARY_CODES,
  type WasmBackendOptions,
  isNode,
  requestedThreads,
} from "./config.js";

export type { WasmBackendOptions };
import { Heap, type HeapStats, outOfMemoryMessage } from "./heap.js";
import {
  type KernelExports,
  enableRelaxedSimd,
  instantiateSync,
  kernelBytes,
  sharedMemorySupported,
} from "./module.js";
import { fusedKernels } from "./fused.js";
import { WasmStorage } from "./storage.js";
import { ThreadPool } from "./threads.js";

/**
 * The WebAssembly backend: tensors live in one shared WebAssembly.Memory (no copy per op); float32
 * matmul, elementwise and reduction kernels are AssemblyScript compiled to SIMD; everything else runs
 * the host kernels directly on that memory, so every dtype and op works from the start.
 * @example
 * const wasm = new WasmBackend({ threads: 1 }); // compiles synchronously (Node)
 * const s = wasm.upload(new Float32Array([1, 2, 3]), "float32");
 * wasm.readSync(s); // Float32Array [1, 2, 3]
 * wasm.heapStats().used; // 64
 * wasm.release(s);
 */
export class WasmBackend implements Backend, HostMemory {
  readonly name = "wasm";
  readonly wasmMemory: WebAssembly.Memory;
  private readonly heap: Heap;
  /** @internal The compiled kernels (the FMA build once start-up has switched to it). */
  kernels: KernelExports;
  private readonly host: Kernels;
  private live = 0;
  private liveBytes = 0;
  /** Whether the memory is shared (threads possible) or a plain ArrayBuffer (one thread). */
  readonly sharedMemory: boolean;
  /** Whether the kernels use relaxed SIMD (fused multiply-add). */
  relaxedSimd: boolean;

  /**
   * Compiles the kernels synchronously unless a compiled `module` is given (browsers refuse synchronous
   * compilation of modules over 4 KB on the main thread: use `createWasmBackend()` there).
   */
  constructor(options: WasmBackendOptions = {}) {
    const shared = options.sharedMemory ?? sharedMemorySupported();
    this.sharedMemory = shared;
    this.wasmMemory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared });
    this.heap = new Heap(this.wasmMemory, HEAP_BASE, { maxBytes: options.maxBytes });
    let compiled = options.module;
    if (!compiled) {
      const { bytes, relaxed } = kernelBytes(shared && (options.preferRelaxedSimd ?? true), shared);
      compiled = { module: new WebAssembly.Module(bytes), relaxed };
    }
    this.kernels = instantiateSync(compiled.module, this.wasmMemory);
    this.relaxedSimd = compiled.relaxed;
    this.host = hostKernels(this);
    // unshared memory (browser pages without cross-origin isolation) means one thread and plain SIMD
    this.poolStarting = shared
      ? this.start(compiled.module, options.preferRelaxedSimd ?? true, requestedThreads(options.threads))
      : Promise.resolve(null);
  }

  private pool: ThreadPool | null = null;
  private readonly poolStarting: Promise<ThreadPool | null>;

  /**
   * In the background: switch to the fused multiply-add kernels if the engine allows them (~10% faster
   * matmul), then start the worker threads, which must run the same kernels as this thread.
   */
  private async start(module: WebAssembly.Module, preferRelaxed: boolean, threads: number | undefined) {
    if (!this.relaxedSimd && preferRelaxed && (await enableRelaxedSimd())) {
      module = new WebAssembly.Module(kernelBytes(true).bytes);
      this.kernels = instantiateSync(module, this.wasmMemory);
      this.relaxedSimd = true;
    }
    if (threads !== undefined && threads < 2) return null;
    this.pool = await ThreadPool.create(module, this.wasmMemory, ["matmul_f32_threaded"], threads).catch(
      () => null,
    );
    if (this.pool === null && !isNode()) {
      console.info("Strata wasm backend: one thread (worker threads need a cross-origin-isolated page)");
    }
    return this.pool;
  }

  /** Resolves when the worker threads are running (or it is known there will be none); returns their number. */
  async threadsReady(): Promise<number> {
    const pool = await this.poolStarting;
    if (!pool) return 1;
    while (!pool.ready) await new Promise((r) => setTimeout(r, 5));
    return pool.size;
  }

  async settled(): Promise<void> {
    await this.threadsReady();
  }

  /** Threads a large kernel uses now (1 until the workers have started). */
  get threads(): number {
    return this.pool?.ready ? this.pool.size : 1;
  }

  /** Stops the worker threads (a Node process exits without this too: they do not keep it alive). */
  async dispose(): Promise<void> {
    await this.poolStarting;
    await this.pool?.terminate();
    this.pool = null;
  }

  supports(_dtype: DType): boolean {
    return true;
  }

  maxElements(dtype: DType): number {
    return Math.floor(this.heap.maxBytes / bytesPerElement(dtype));
  }

  /** The heap's live bytes, peak, capacity and largest free block. */
  heapStats(): HeapStats {
    return this.heap.stats();
  }

  // ---- memory ----

  /** For the host kernels, which expect zeroed output as a fresh typed array is (heap blocks are reused). */
  alloc(dtype: DType, size: number): { storage: Storage; data: TypedArray } {
    const storage = this.allocStorage(dtype, size);
    const data = this.arrayOf(storage);
    data.fill(0);
    return { storage, data };
  }

  /** @internal A fresh storage (not zeroed), for the kernels of this backend. */
  allocStorage(dtype: DType, size: number): WasmStorage {
    const bytes = size * bytesPerElement(dtype);
    const ptr = this.heapAlloc(bytes);
    this.live++;
    this.liveBytes += bytes;
    return new WasmStorage(dtype, size, ptr, bytes);
  }

  /** A heap block for a storage or a kernel's scratch: the one place where a full heap becomes an error. */
  memoryPressure?: MemoryPressure;

  private heapAlloc(bytes: number): number {
    let ptr = this.heap.tryAlloc(bytes);
    if (ptr < 0 && this.memoryPressure) {
      // tensors the program dropped may still hold memory the collector has not seen as scarce
      this.memoryPressure.reclaim();
      ptr = this.heap.tryAlloc(bytes);
    }
    if (ptr < 0) {
      const extra = this.memoryPressure?.explain();
      throw new OutOfMemoryError(outOfMemoryMessage(bytes, this.heap.stats(), extra));
    }
    return ptr;
  }

  private arrayOf(s: WasmStorage): TypedArray {
    if (s.released) throw new DisposedError("wasm backend: storage used after release");
    return new ARRAY_TYPES[s.dtype](this.wasmMemory.buffer, s.ptr, s.size);
  }

  dataOf(view: View): TypedArray {
    return this.arrayOf(view.storage as WasmStorage);
  }

  fill(dtype: DType, size: number, value: number): Storage {
    const storage = this.allocStorage(dtype, size);
    // a reused heap block holds old values, so zeros are written too
    this.arrayOf(storage).fill(value);
    return storage;
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

  /** @internal The byte address of a view's first element. */
  ptrOf(v: View): number {
    return (v.storage as WasmStorage).ptr + v.offset * bytesPerElement(v.dtype);
  }

  matmul: Backend["matmul"] = (a, b, outShape) => {
    if (a.dtype !== "float32" || b.dtype !== "float32") return this.host.matmul(a, b, outShape);
    const { m, n, k, aBase, bBase, as0: ars, as1: acs, bs0: brs, bs1: bcs } = matmulPlan(a, b, outShape);
    const out = this.allocStorage("float32", aBase.length * m * n);
    if (out.size === 0) return out;
    const ap = (a.storage as WasmStorage).ptr;
    const bp = (b.storage as WasmStorage).ptr;
    const pool = this.pool?.ready && m * n * k >= PARALLEL_MIN_WORK && n >= 16 ? this.pool : null;
    const threads = pool ? pool.size : 1;
    const pack = this.heapAlloc(Math.max(k, 1) * 8 * 4 * threads);
    for (let t = 0; t < aBase.length; t++) {
      const cp = out.ptr + t * m * n * 4;
      if (k === 0) {
        new Float32Array(this.wasmMemory.buffer, cp, m * n).fill(0);
      } else if (pool) {
        pool.run(this.kernels, "matmul_f32_threaded", [
          threads,
          ap + aBase[t] * 4,
          ars,
          acs,
          bp + bBase[t] * 4,
          brs,
          bcs,
          cp,
          m,
          k,
          n,
          pack,
        ]);
      } else {
        this.kernels.matmul_f32(
          ap + aBase[t] * 4,
          ars,
          acs,
          bp + bBase[t] * 4,
          brs,
          bcs,
          cp,
          m,
          k,
          n,
          0,
          n,
          pack,
        );
      }
    }
    this.heap.release(pack);
    return out;
  };

  binary: Backend["binary"] = (op, a, b, outShape, outDtype) => {
    const arith = BINARY_CODES[op];
    const compare = COMPARE_CODES[op];
    const fast =
      a.dtype === "float32" &&
      b.dtype === "float32" &&
      ((arith !== undefined && outDtype === "float32") || (compare !== undefined && outDtype === "bool"));
    const plan = fast ? this.plan2d(outShape, [a, b]) : null;
    if (plan === null) return this.host.binary(op, a, b, outShape, outDtype);
    const out = this.allocStorage(outDtype, sizeOf(outShape));
    if (out.size === 0) return out;
    const [[as0, as1], [bs0, bs1]] = plan.strides;
    const args = [this.ptrOf(a), as0, as1, this.ptrOf(b), bs0, bs1, out.ptr, plan.rows, plan.cols] as const;
    if (arith !== undefined) this.kernels.binary2d_f32(arith, ...args);
    else this.kernels.compare2d_f32(compare!, ...args);
    return out;
  };

  readonly fused: FusedKernels = fusedKernels(this);

  where: Backend["where"] = (c, a, b, outShape, outDtype) => {
    const fast =
      c.dtype === "bool" && a.dtype === "float32" && b.dtype === "float32" && outDtype === "float32";
    const plan = fast ? this.plan2d(outShape, [c, a, b]) : null;
    if (plan === null) return this.host.where(c, a, b, outShape, outDtype);
    const out = this.allocStorage("float32", sizeOf(outShape));
    if (out.size === 0) return out;
    const [[cs0, cs1], [as0, as1], [bs0, bs1]] = plan.strides;
    this.kernels.where2d_f32(
      this.ptrOf(c),
      cs0,
      cs1,
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

  /** The 2-D plan of an elementwise op when every operand's inner stride is 1 or 0, else null. */
  private plan2d(shape: readonly number[], views: readonly View[]) {
    const plan = collapse2d(
      shape,
      views.map((v) => v.strides),
    );
    return plan === null || plan.strides.some(([, inner]) => inner !== 0 && inner !== 1) ? null : plan;
  }

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

  /**
   * float32 reductions of a contiguous tensor whose reduced axes are a leading run, a trailing run, or
   * both (as a conv bias gradient sums N, H, W of NCHW): [lead, keep, trail] reduces the trailing part
   * along rows, then the leading part along columns.
   */
  reduce: Backend["reduce"] = (op, x, axes) => {
    if (x.dtype !== "float32" || axes.length === 0 || !isContiguous(x.shape, x.strides)) {
      return this.host.reduce(op, x, axes);
    }
    const rank = x.shape.length;
    let lead = 0;
    while (lead < axes.length && axes[lead] === lead) lead++;
    const trail = axes.length - lead;
    if (!axes.slice(lead).every((a, i) => a === rank - trail + i)) return this.host.reduce(op, x, axes);
    const outerSize = sizeOf(x.shape.slice(0, lead));
    const keptSize = sizeOf(x.shape.slice(lead, rank - trail));
    const innerSize = sizeOf(x.shape.slice(rank - trail));
    if (op !== "sum" && outerSize * innerSize === 0) return this.host.reduce(op, x, axes);
    const code = REDUCE_CODES[op];
    const out = this.allocStorage("float32", keptSize);
    if (out.size === 0) return out;
    if (trail > 0 && lead === 0) {
      this.kernels.reduce_rows_f32(code, this.ptrOf(x), keptSize, innerSize, out.ptr);
      return out;
    }
    let src = this.ptrOf(x);
    let partial = 0;
    if (trail > 0) {
      partial = this.heapAlloc(4 * outerSize * keptSize);
      this.kernels.reduce_rows_f32(code, src, outerSize * keptSize, innerSize, partial);
      src = partial;
    }
    const scratch = this.heapAlloc(keptSize * 8);
    this.kernels.reduce_cols_f32(code, src, outerSize, keptSize, out.ptr, scratch);
    this.heap.release(scratch);
    if (partial) this.heap.release(partial);
    return out;
  };

  cast: Backend["cast"] = (x, dtype) => {
    // a same-type copy of 32-bit values (contiguous(), transposes, permutes) is a strided copy
    if (dtype !== x.dtype || (dtype !== "float32" && dtype !== "int32")) return this.host.cast(x, dtype);
    const out = this.allocStorage(dtype, sizeOf(x.shape));
    if (out.size === 0) return out;
    const plan = copyPlan(x, contiguousStrides(x.shape));
    if (plan) this.copyInto(x, plan, out.ptr);
    else {
      const { dims, strides } = collapse(x.shape, [x.strides]);
      const meta = this.heapAlloc(12 * dims.length);
      new Int32Array(this.wasmMemory.buffer, meta, 2 * dims.length).set([...dims, ...strides[0]]);
      this.kernels.copy_nd_32(this.ptrOf(x), dims.length, meta, out.ptr);
      this.heap.release(meta);
    }
    return out;
  };

  private copyInto(x: View, plan: CopyPlan, dst: number): void {
    if (sizeOf(x.shape) === 0) return;
    this.kernels.copy2d_32(this.ptrOf(x), plan.s0, plan.s1, dst, plan.rows, plan.cols, plan.pitch);
  }

  /**
   * The indexSelect pattern of gather / scatterAdd: a contiguous 32-bit tensor and an int32 index that
   * varies only along `axis` (broadcast elsewhere, matching the tensor's other sizes). Returns the index
   * values in a heap block, or null when the pattern does not apply or an index is out of range (the
   * host kernel then runs and reports it).
   */
  private axisIndex(
    base: readonly number[],
    axis: number,
    index: View,
  ): { ptr: number; count: number } | null {
    if (index.dtype !== "int32" || index.shape.length !== base.length) return null;
    for (let d = 0; d < base.length; d++) {
      if (d !== axis && index.strides[d] !== 0 && index.shape[d] !== 1) return null;
      if (d !== axis && index.shape[d] !== base[d]) return null;
    }
    const count = index.shape[axis];
    const step = index.strides[axis];
    const all = this.arrayOf(index.storage as WasmStorage);
    const len = base[axis];
    const ptr = this.heapAlloc(4 * Math.max(count, 1));
    const dst = new Int32Array(this.wasmMemory.buffer, ptr, count);
    for (let i = 0; i < count; i++) {
      const v = all[index.offset + i * step];
      if (!(v >= 0 && v < len)) {
        this.heap.release(ptr);
        return null;
      }
      dst[i] = v;
    }
    return { ptr, count };
  }

  gather: Backend["gather"] = (x, axis, index) => {
    const fast = (x.dtype === "float32" || x.dtype === "int32") && isContiguous(x.shape, x.strides);
    const idx = fast ? this.axisIndex(x.shape, axis, index) : null;
    if (idx === null) return this.host.gather(x, axis, index);
    const out = this.allocStorage(x.dtype, sizeOf(index.shape));
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    if (out.size > 0)
      this.kernels.gather_axis_32(this.ptrOf(x), outer, x.shape[axis], inner, idx.ptr, idx.count, out.ptr);
    this.heap.release(idx.ptr);
    return out;
  };

  scatterAdd: Backend["scatterAdd"] = (outShape, dtype, axis, index, src) => {
    const fast =
      dtype === "float32" &&
      src.dtype === "float32" &&
      isContiguous(src.shape, src.strides) &&
      src.shape.every((d, i) => i === axis || d === outShape[i]);
    const idx = fast ? this.axisIndex(src.shape, axis, index) : null;
    if (idx === null || !index.shape.every((d, i) => d === src.shape[i])) {
      if (idx) this.heap.release(idx.ptr);
      return this.host.scatterAdd(outShape, dtype, axis, index, src);
    }
    const out = this.allocStorage("float32", sizeOf(outShape));
    const outer = sizeOf(outShape.slice(0, axis));
    const inner = sizeOf(outShape.slice(axis + 1));
    if (out.size > 0) {
      this.kernels.scatter_add_axis_f32(
        this.ptrOf(src),
        outer,
        outShape[axis],
        inner,
        idx.ptr,
        idx.count,
        out.ptr,
      );
    }
    this.heap.release(idx.ptr);
    return out;
  };

  argReduce: Backend["argReduce"] = (...args) => this.host.argReduce(...args);
  /** Padding of 32-bit values: fill, then one strided 2-D copy of the input into the window. */
  pad: Backend["pad"] = (x, pads, value) => {
    const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    const outStrides = contiguousStrides(outShape);
    const plan = x.dtype === "float32" || x.dtype === "int32" ? copyPlan(x, outStrides) : null;
    if (plan === null) return this.host.pad(x, pads, value);
    const out = this.allocStorage(x.dtype, sizeOf(outShape));
    if (out.size === 0) return out;
    new ARRAY_TYPES[x.dtype](this.wasmMemory.buffer, out.ptr, out.size).fill(value);
    const start = pads.reduce((acc, [before], i) => acc + before * outStrides[i], 0);
    this.copyInto(x, plan, out.ptr + start * 4);
    return out;
  };

  /** Concatenation of 32-bit values: each input is one strided 2-D copy into its window of the output. */
  concat: Backend["concat"] = (xs, axis, outShape) => {
    const dtype = xs[0].dtype;
    const outStrides = contiguousStrides(outShape);
    const plans = dtype === "float32" || dtype === "int32" ? xs.map((x) => copyPlan(x, outStrides)) : [null];
    if (plans.some((p) => p === null)) return this.host.concat(xs, axis, outShape);
    const out = this.allocStorage(dtype, sizeOf(outShape));
    if (out.size === 0) return out;
    let at = 0;
    xs.forEach((x, i) => {
      this.copyInto(x, plans[i]!, out.ptr + at * outStrides[axis] * 4);
      at += x.shape[axis];
    });
    return out;
  };
}

/**
 * Compiles the kernels asynchronously (as browsers require) and returns a ready backend.
 * @example
 * const wasm = await createWasmBackend({ threads: 1 });
 * registerBackend("wasm-1-thread", () => wasm);
 * wasm.threads; // 1
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const shared = options.sharedMemory ?? sharedMemorySupported();
  const { bytes, relaxed } = kernelBytes(shared && (options.preferRelaxedSimd ?? true), shared);
  return new WasmBackend({
    ...options,
    sharedMemory: shared,
    module: { module: await WebAssembly.compile(bytes), relaxed },
  });
}
