/// <reference types="@webgpu/types" />
import { type DType, type TypedArray, allocArray } from "../../base/dtype.js";
import { BackendError, DTypeError, DisposedError } from "../../base/errors.js";
import type { MemoryInfo, Storage } from "../backend.js";
import { DeviceIndexErrors, INDEX_ERROR_SLOTS } from "./index_errors.js";
import { WG, fillShader, smallUploadShader } from "./wgsl.js";

/**
 * A storage on the GPU: one GPUBuffer of 4 bytes per element (bool is a u32 per element there).
 * @example
 * typeof WebGpuStorage; // "function": made by the webgpu backend, opaque above it
 */
export class WebGpuStorage implements Storage {
  released = false;
  constructor(
    readonly dtype: DType,
    readonly size: number,
    readonly buffer: GPUBuffer,
  ) {}
  /** Bytes of the buffer (at least 4: WebGPU has no empty storage binding). */
  get bytes(): number {
    return this.buffer.size;
  }
}

/** Uploads of at most this many elements go through a kernel's parameters instead of the queue. */
const SMALL_UPLOAD = 64;

/** Kernels recorded into one command buffer before it is submitted. */
const FLUSH_EVERY = 64;

/**
 * How many bindings (windows) gather reads one tensor through.
 * @example
 * GATHER_WINDOWS; // 4
 */
export const GATHER_WINDOWS = 4;

const SYNC_READ =
  "webgpu backend: a GPU cannot be read synchronously; use the async forms: await t.data(), " +
  "await t.array(), await t.itemAsync() (dataSync, toArray, item and toString need the ref or wasm backend)";

/**
 * The 4-byte host array a dtype is staged in (bool travels as u32).
 * @example
 * gpuArray("bool", 2); // Uint32Array [0, 0]
 */
export function gpuArray(dtype: DType, n: number): Float32Array | Int32Array | Uint32Array {
  return dtype === "float32"
    ? new Float32Array(n)
    : dtype === "int32"
      ? new Int32Array(n)
      : new Uint32Array(n);
}

/**
 * What the webgpu backend runs on: the device, its buffers (pooled by byte size, released
 * deterministically), the pipeline cache, and the recording and submitting of kernels; the kernels of
 * the backend's table are in index.ts (WebGpuBackend).
 * @example
 * typeof WebGpuRuntime; // "function": the base of WebGpuBackend
 */
export abstract class WebGpuRuntime {
  protected readonly pipelines = new Map<string, GPUComputePipeline>();
  protected readonly pool = new Map<number, GPUBuffer[]>();
  protected pooledBytes = 0;
  protected live = 0;
  protected liveBytes = 0;
  protected readonly maxBinding: number;
  protected readonly maxBuffer: number;
  /**
   * A CPU driver (lavapipe, SwiftShader) runs workgroup barriers by switching invocations, so there
   * matmul and reduce use their barrier-free forms (measured in docs/WEBGPU.md).
   */
  readonly cpuAdapter: boolean;

  constructor(
    readonly device: GPUDevice,
    /** The adapter, as the driver names it (e.g. "llvmpipe: Mesa 25.0.7" for lavapipe). */
    readonly adapterName = "",
    /** Barrier-free matmul and reduce (default: where the adapter is a CPU driver). */
    options: { directKernels?: boolean } = {},
  ) {
    this.maxBinding = device.limits.maxStorageBufferBindingSize;
    this.maxBuffer = device.limits.maxBufferSize;
    this.cpuAdapter = options.directKernels ?? /llvmpipe|lavapipe|swiftshader/i.test(adapterName);
    this.indexErrors = new DeviceIndexErrors(device);
    this.indexErrorStorage = new WebGpuStorage("int32", INDEX_ERROR_SLOTS, this.indexErrors.buffer);
    // WebGPU reports errors asynchronously; the next read surfaces the first one as a BackendError
    device.addEventListener("uncapturederror", (e) => {
      this.deviceError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  protected deviceError: string | undefined;
  /** Out-of-range indices found by kernels, thrown by the next read (index_errors.ts). */
  protected readonly indexErrors: DeviceIndexErrors;
  /** The error buffer as a storage the kernels bind (not counted by `memory()`, never released). */
  protected readonly indexErrorStorage: WebGpuStorage;

  protected checkDevice(): void {
    const message = this.deviceError;
    if (message !== undefined) {
      this.deviceError = undefined;
      throw new BackendError(`webgpu backend: the GPU reported an error: ${message}`);
    }
  }

  supports(dtype: DType): boolean {
    return dtype !== "float64";
  }

  /**
   * A kernel binds each input whole, up to the device's binding limit (128 MiB on lavapipe, usually
   * 2-4 GiB on GPUs); gather (what a dataset's batches go through) reads up to GATHER_WINDOWS times that,
   * so a dataset may be larger than any tensor the other kernels take.
   */
  maxElements(_dtype: DType): number {
    return Math.floor(Math.min(this.maxBuffer, GATHER_WINDOWS * this.windowBytes()) / 4);
  }

  /** Bytes of one gather window: the binding limit, rounded down to the offset alignment. */
  protected windowBytes(): number {
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    return Math.floor(this.maxBinding / align) * align;
  }

  // ---- memory ----

  protected alloc(dtype: DType, size: number): WebGpuStorage {
    if (dtype === "float64") {
      throw new DTypeError(
        "webgpu backend: float64 is not supported on the GPU (WGSL has no f64); use float32",
      );
    }
    const bytes = Math.max(4, size * 4);
    const buffer = this.take(bytes);
    this.live++;
    this.liveBytes += bytes;
    return new WebGpuStorage(dtype, size, buffer);
  }

  /** A buffer of exactly `bytes` from the pool, or a new one. */
  protected take(bytes: number): GPUBuffer {
    const pooled = this.pool.get(bytes)?.pop();
    if (pooled) {
      this.pooledBytes -= bytes;
      return pooled;
    }
    return this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  protected bufferOf(s: Storage, what = "used"): GPUBuffer {
    const g = s as WebGpuStorage;
    if (g.released) throw new DisposedError(`webgpu backend: storage ${what} after release`);
    return g.buffer;
  }

  release(storage: Storage): void {
    const s = storage as WebGpuStorage;
    if (s.released) return;
    s.released = true;
    this.live--;
    this.liveBytes -= s.bytes;
    // queue order makes reuse safe: later writes to this buffer run after the work already submitted
    this.recycle(s.buffer);
  }

  protected recycle(buffer: GPUBuffer): void {
    const list = this.pool.get(buffer.size);
    if (list) list.push(buffer);
    else this.pool.set(buffer.size, [buffer]);
    this.pooledBytes += buffer.size;
  }

  memory(): MemoryInfo {
    return { storages: this.live, bytes: this.liveBytes };
  }

  /** Bytes held in the pool of released buffers awaiting reuse (not counted by `memory()`). */
  pooled(): number {
    return this.pooledBytes;
  }

  /** Destroys the pooled buffers (their memory goes back to the driver). */
  trimPool(): void {
    this.flush();
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
    this.pooledBytes = 0;
  }

  fill(dtype: DType, size: number, value: number): Storage {
    const s = this.alloc(dtype, size);
    if (size === 0) return s;
    const bits = gpuArray(dtype, 1);
    bits[0] = dtype === "bool" ? (value ? 1 : 0) : value;
    this.run(`fill:${dtype}`, () => fillShader(dtype), s, [], [size, new Int32Array(bits.buffer)[0]], size);
    return s;
  }

  upload(data: TypedArray, dtype: DType): Storage {
    const s = this.alloc(dtype, data.length);
    if (data.length === 0) return s;
    let src: ArrayBufferView = data;
    if (dtype === "bool" || data.BYTES_PER_ELEMENT !== 4) {
      const a = gpuArray(dtype, data.length);
      a.set(data);
      src = a;
    }
    if (data.length <= SMALL_UPLOAD) {
      // scalars and short vectors ride in a kernel's parameters: no submit (ops upload many scalars)
      const staged = gpuArray(dtype, data.length);
      staged.set(data);
      const bits = new Int32Array(staged.buffer as ArrayBuffer);
      this.run(`upload:${dtype}`, () => smallUploadShader(dtype), s, [], [data.length, ...bits], data.length);
      return s;
    }
    // the buffer may be a pooled one that recorded dispatches still read: submit them first
    this.flush();
    this.device.queue.writeBuffer(s.buffer, 0, src.buffer, src.byteOffset, data.length * 4);
    return s;
  }

  readSync(_storage: Storage): TypedArray {
    throw new BackendError(SYNC_READ);
  }

  async read(storage: Storage): Promise<TypedArray> {
    const s = storage as WebGpuStorage;
    const buffer = this.bufferOf(s, "read");
    const out = allocArray(s.dtype, s.size);
    if (s.size === 0) return out;
    const bytes = s.size * 4;
    const staging = this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.flush();
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    const indexReport = this.indexErrors.collect(enc);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    this.checkDevice();
    await indexReport?.throwIfSet().catch((e: unknown) => {
      staging.destroy();
      throw e;
    });
    const mapped = staging.getMappedRange();
    if (s.dtype === "bool") out.set(new Uint32Array(mapped));
    else out.set(new (s.dtype === "float32" ? Float32Array : Int32Array)(mapped));
    staging.unmap();
    staging.destroy();
    return out;
  }

  /** Resolves when all the work submitted so far has finished on the GPU. */
  settled(): Promise<void> {
    this.flush();
    return this.device.queue.onSubmittedWorkDone();
  }

  // ---- dispatch ----

  protected pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: source(), label: key });
      p = this.device.createComputePipeline({
        layout: "auto",
        compute: { module, entryPoint: "main" },
        label: key,
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Number of pipelines compiled so far (each (kernel, dtypes, op) compiles once). */
  pipelineCount(): number {
    return this.pipelines.size;
  }

  /**
   * Runs one kernel: binding 0 is the parameter buffer, 1 the output, then the inputs.
   * `threads` are laid out 1-d in workgroups of WG (2-d past the per-dimension limit), or `groups` exact.
   */
  protected run(
    key: string,
    source: () => string,
    out: WebGpuStorage,
    inputs: readonly (Storage | GPUBufferBinding)[],
    params: readonly number[],
    threads: number,
    groups?: [number, number, number],
  ): void {
    const pipeline = this.pipeline(key, source);
    const prm = Int32Array.from(params);
    const prmBytes = Math.max(4, prm.byteLength);
    // parameter buffers come from their own pool, refilled only after a flush: a queue write to a buffer
    // that a recorded, unsubmitted dispatch still reads would overtake it
    const prmBuf =
      this.prmPool.get(prmBytes)?.pop() ??
      this.device.createBuffer({ size: prmBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(prmBuf, 0, prm.buffer, 0, prm.byteLength);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: prmBuf } },
      { binding: 1, resource: { buffer: this.bufferOf(out) } },
      ...inputs.map((s, i) => ({
        binding: i + 2,
        resource: s instanceof WebGpuStorage ? { buffer: this.bufferOf(s) } : (s as GPUBufferBinding),
      })),
    ];
    for (const e of entries) {
      const r = e.resource as GPUBufferBinding;
      const size = r.size ?? r.buffer.size;
      if (size > this.maxBinding) {
        throw new BackendError(
          `webgpu backend: ${key.split(":")[0]} would read a tensor of ${(size / 2 ** 20).toFixed(1)} MiB, more than ` +
            `this GPU binds at once (${(this.maxBinding / 2 ** 20).toFixed(0)} MiB); only gather (indexSelect, ` +
            "dataset batches) reads larger tensors: work on batches of it",
        );
      }
    }
    const bind = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    if (this.pass === null) {
      this.encoder = this.device.createCommandEncoder();
      this.pass = this.encoder.beginComputePass();
    }
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bind);
    const [x, y, z] = groups ?? this.grid(Math.ceil(threads / WG));
    // one pass holds many dispatches: WebGPU orders each dispatch's writes before the next one's reads
    this.pass.dispatchWorkgroups(x, y, z);
    this.pendingPrm.push(prmBuf);
    if (this.pendingPrm.length >= FLUSH_EVERY) this.flush();
  }

  protected encoder: GPUCommandEncoder | null = null;
  protected pass: GPUComputePassEncoder | null = null;
  protected readonly pendingPrm: GPUBuffer[] = [];
  protected readonly prmPool = new Map<number, GPUBuffer[]>();

  /**
   * Submits the dispatches recorded so far (one command buffer for up to FLUSH_EVERY kernels, instead of
   * one submit per kernel). Runs before anything that goes through the queue directly: uploads, reads.
   */
  flush(): void {
    if (this.pass === null || this.encoder === null) return;
    this.pass.end();
    this.device.queue.submit([this.encoder.finish()]);
    this.pass = null;
    this.encoder = null;
    for (const b of this.pendingPrm) {
      const list = this.prmPool.get(b.size);
      if (list) list.push(b);
      else this.prmPool.set(b.size, [b]);
    }
    this.pendingPrm.length = 0;
  }

  protected grid(groups: number): [number, number, number] {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= max) return [Math.max(1, groups), 1, 1];
    return [max, Math.ceil(groups / max), 1];
  }

  // ---- kernels ----
}
