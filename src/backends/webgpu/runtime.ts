/// <reference types="@webgpu/types" />
import { type DType, type TypedArray, allocArray } from "../../base/dtype.js";
import { BackendError, DTypeError, DisposedError } from "../../base/errors.js";
import type { MemoryInfo, Storage } from "../backend.js";
import { DeviceIndexErrors, INDEX_ERROR_SLOTS } from "./index_errors.js";
import { WG, fillShader, stagedUploadShader } from "./wgsl.js";

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

/*
 * Why so few GPU objects per kernel: in Node, Dawn's objects (bind groups, encoders, what a submit
 * used) are freed only when the event loop turns (N-API finalizers and Dawn's event processing both run
 * from it). A synchronous training loop never lets it turn, so whatever a
 * kernel creates piles up until the loop ends; on lavapipe the process crashed (SIGSEGV) near 65,536
 * live bind groups. So a kernel creates nothing in the steady state: its parameters go into one staging
 * arena per submit (a dynamic offset into one buffer), its buffers' bind group is reused from a cache
 * (the pool hands out the same buffers step after step), and a submit carries many kernels.
 * docs/WEBGPU.md ("A long synchronous loop") has the measurements.
 */

/**
 * Kernels recorded into one command buffer before it is submitted. Measured on lavapipe in a synchronous
 * loop (bench/webgpu_sync_loop.ts, one loaded run each): 256 kept RSS flat; 64 and 2,048 let it drift
 * up (with 2,048 the driver fell further behind the loop).
 */
const FLUSH_EVERY = 256;

/** Bytes of the staging arena: the parameters and inline uploads of one submit, written with it. */
const ARENA_BYTES = 2 ** 20;

/** Bytes of parameters one kernel may take: the window its dynamic-offset binding reads. */
const PRM_WINDOW = 4096;

/** Uploads of at most this many bytes ride in the arena (no submit); larger ones go through the queue. */
const INLINE_UPLOAD = 2 ** 18;

/** Bind groups kept for reuse (a training step of a small recurrent model uses about 4,300). */
const BIND_CACHE = 16384;

/** Bind groups made between two turns of the event loop before a BackendError (lavapipe crashed near 65,536). */
const UNFREED_LIMIT = 49152;

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

/** A compiled kernel with the layout of its group 0 (the buffers) and that layout's signature. */
interface Kernel {
  pipeline: GPUComputePipeline;
  signature: string;
  layout: GPUBindGroupLayout;
}

/**
 * The storage bindings of group 0 a WGSL source declares, as "1w,2r,...": binding and access (explicit
 * layouts, unlike "auto" ones, let kernels of one signature share layouts and the parameters bind with a
 * dynamic offset).
 * @example
 * bindingSignature("@group(0) @binding(1) var<storage, read_write> o: array<f32>;"); // "1w"
 */
export function bindingSignature(source: string): string {
  const found: [number, string][] = [];
  for (const m of source.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<storage,\s*(read_write|read)>/g)) {
    found.push([Number(m[1]), m[2] === "read_write" ? "w" : "r"]);
  }
  return found
    .sort((a, b) => a[0] - b[0])
    .map(([b, a]) => `${b}${a}`)
    .join(",");
}

/**
 * What the webgpu backend runs on: the device, its buffers (pooled by byte size, released
 * deterministically), the pipeline cache, and the recording and submitting of kernels; the kernels of
 * the backend's table are in index.ts (WebGpuBackend).
 * @example
 * typeof WebGpuRuntime; // "function": the base of WebGpuBackend
 */
export abstract class WebGpuRuntime {
  protected readonly pipelines = new Map<string, Kernel>();
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
    this.arena = device.createBuffer({
      size: ARENA_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.prmLayout = device.createBindGroupLayout({
      entries: [
        {
          binding: 0,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: "read-only-storage", hasDynamicOffset: true },
        },
      ],
    });
    this.prmGroup = device.createBindGroup({
      layout: this.prmLayout,
      entries: [{ binding: 0, resource: { buffer: this.arena, size: PRM_WINDOW } }],
    });
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

  /**
   * A buffer of exactly `bytes` from the pool (the oldest one, so that a loop's steps get the same
   * buffers in the same roles and their bind groups come from the cache), or a new one.
   */
  protected take(bytes: number): GPUBuffer {
    const pooled = this.pool.get(bytes)?.pop();
    if (pooled) {
      this.pooledBytes -= bytes;
      return pooled;
    }
    const buffer = this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.bufferId(buffer);
    return buffer;
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

  /** Back to the pool, whose lists run from the newest buffer to the oldest (`take` pops the oldest). */
  protected recycle(buffer: GPUBuffer): void {
    const list = this.pool.get(buffer.size);
    if (list) {
      const id = this.bufferId(buffer);
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.bufferId(list[mid]) > id) lo = mid + 1;
        else hi = mid;
      }
      list.splice(lo, 0, buffer);
    } else this.pool.set(buffer.size, [buffer]);
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
    // cached bind groups may name the destroyed buffers
    this.bindGroups.clear();
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
    const bytes = data.length * 4;
    const bits = new Uint8Array(src.buffer, src.byteOffset, bytes);
    if (bytes <= INLINE_UPLOAD) {
      // staged in the arena and copied by a kernel: no submit, no queue write racing recorded kernels
      if (!this.arenaFits(bytes + 2 * PRM_WINDOW)) this.flush();
      const at = this.stage(bytes);
      this.arenaBytes.set(bits, at);
      const arena = { buffer: this.arena, offset: 0, size: ARENA_BYTES };
      this.run(
        `upload:${dtype}`,
        () => stagedUploadShader(dtype),
        s,
        [arena],
        [data.length, at / 4],
        data.length,
      );
      return s;
    }
    // the buffer may be a pooled one that recorded dispatches still read: submit them first
    this.flush();
    this.device.queue.writeBuffer(s.buffer, 0, src.buffer, src.byteOffset, bytes);
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

  protected pipeline(key: string, source: () => string): Kernel {
    let p = this.pipelines.get(key);
    if (!p) {
      const code = source();
      const module = this.device.createShaderModule({ code, label: key });
      const signature = bindingSignature(code);
      const layout = this.groupLayout(signature);
      let pipelineLayout = this.pipelineLayouts.get(signature);
      if (!pipelineLayout) {
        pipelineLayout = this.device.createPipelineLayout({ bindGroupLayouts: [layout, this.prmLayout] });
        this.pipelineLayouts.set(signature, pipelineLayout);
      }
      const pipeline = this.device.createComputePipeline({
        layout: pipelineLayout,
        compute: { module, entryPoint: "main" },
        label: key,
      });
      p = { pipeline, signature, layout };
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** The layout of group 0 for one binding signature (shared by the kernels of that signature). */
  private groupLayout(signature: string): GPUBindGroupLayout {
    let layout = this.groupLayouts.get(signature);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = signature.split(",").map((b) => ({
        binding: Number(b.slice(0, -1)),
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: b.endsWith("w") ? "storage" : "read-only-storage" },
      }));
      layout = this.device.createBindGroupLayout({ entries });
      this.groupLayouts.set(signature, layout);
    }
    return layout;
  }

  /** Number of pipelines compiled so far (each (kernel, dtypes, op) compiles once). */
  pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Bind groups created so far: flat once a training loop's steps repeat (see BIND_CACHE). */
  bindGroupCount(): number {
    return this.bindGroupsMade;
  }

  /** Command buffers submitted so far (FLUSH_EVERY kernels or a full arena each, and one per read). */
  submitCount(): number {
    return this.submits;
  }

  /**
   * Runs one kernel: binding 0 of group 1 is the parameter window, binding 1 of group 0 the output, then
   * the inputs. `threads` are laid out 1-d in workgroups of WG (2-d past the per-dimension limit), or
   * `groups` exact.
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
    const kernel = this.pipeline(key, source);
    const prmBytes = Math.max(4, params.length * 4);
    if (prmBytes > PRM_WINDOW) {
      throw new BackendError(
        `webgpu backend: ${key.split(":")[0]} takes ${params.length} parameters, more than the ${PRM_WINDOW / 4} ` +
          "a kernel reads (a tensor of too many dimensions: reshape it to fewer)",
      );
    }
    const bindings: GPUBufferBinding[] = [
      { buffer: this.bufferOf(out) },
      ...inputs.map((s) =>
        s instanceof WebGpuStorage ? { buffer: this.bufferOf(s) } : (s as GPUBufferBinding),
      ),
    ];
    for (const r of bindings) {
      const size = r.size ?? r.buffer.size;
      if (size > this.maxBinding) {
        throw new BackendError(
          `webgpu backend: ${key.split(":")[0]} would read a tensor of ${(size / 2 ** 20).toFixed(1)} MiB, more than ` +
            `this GPU binds at once (${(this.maxBinding / 2 ** 20).toFixed(0)} MiB); only gather (indexSelect, ` +
            "dataset batches) reads larger tensors: work on batches of it",
        );
      }
    }
    const bind = this.bindGroup(kernel, bindings);
    const at = this.stage(prmBytes);
    this.arenaWords.set(params, at / 4);
    if (this.pass === null) {
      this.encoder = this.device.createCommandEncoder();
      this.pass = this.encoder.beginComputePass();
    }
    this.pass.setPipeline(kernel.pipeline);
    this.pass.setBindGroup(0, bind);
    this.pass.setBindGroup(1, this.prmGroup, [at]);
    const [x, y, z] = groups ?? this.grid(Math.ceil(threads / WG));
    // one pass holds many dispatches: WebGPU orders each dispatch's writes before the next one's reads
    this.pass.dispatchWorkgroups(x, y, z);
    if (++this.recorded >= FLUSH_EVERY) this.flush();
  }

  /** The bind group of these buffers for this kernel's layout: from the cache when seen before. */
  private bindGroup(kernel: Kernel, bindings: readonly GPUBufferBinding[]): GPUBindGroup {
    let key = kernel.signature;
    for (const b of bindings) {
      key += `|${this.bufferId(b.buffer)}`;
      if (b.offset !== undefined || b.size !== undefined) key += `@${b.offset ?? 0}+${b.size ?? ""}`;
    }
    let bind = this.bindGroups.get(key);
    if (bind) {
      // most recently used last: eviction takes the oldest
      this.bindGroups.delete(key);
    } else {
      bind = this.device.createBindGroup({
        layout: kernel.layout,
        entries: bindings.map((resource, i) => ({ binding: i + 1, resource })),
      });
      this.bindGroupsMade++;
      this.checkUnfreed();
      if (this.bindGroups.size >= BIND_CACHE) {
        this.bindGroups.delete(this.bindGroups.keys().next().value as string);
      }
    }
    this.bindGroups.set(key, bind);
    return bind;
  }

  /**
   * Counts the bind groups made since the event loop last turned (only then can Dawn free them in
   * Node): past UNFREED_LIMIT a BackendError that says what to do replaces the driver's crash.
   */
  private checkUnfreed(): void {
    if (this.unfreed++ === 0) {
      const later = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
      if (later) later(() => (this.unfreed = 0));
      else setTimeout(() => (this.unfreed = 0), 0);
    }
    if (this.unfreed > UNFREED_LIMIT) {
      this.unfreed = 0;
      throw new BackendError(
        `webgpu backend: ${UNFREED_LIMIT} GPU bind groups were made without returning to the event loop, ` +
          "and Dawn frees them only then (past ~65,000 the driver crashes). A loop whose steps repeat " +
          "reuses them; this one keeps meeting new tensors (a growing model, or more than " +
          `${BIND_CACHE} kernel-buffer combinations a step): await something once per step, e.g. ` +
          "`await loss.itemAsync()` every few steps",
      );
    }
  }

  private bufferId(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }

  /** Whether `bytes` more (after alignment) fit in the arena, leaving a parameter window at the end. */
  private arenaFits(bytes: number): boolean {
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    return Math.ceil(this.arenaUsed / align) * align + bytes + PRM_WINDOW <= ARENA_BYTES;
  }

  /** Reserves `bytes` of the arena at an aligned offset (submitting first when it is full). */
  private stage(bytes: number): number {
    if (!this.arenaFits(bytes)) this.flush();
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    const at = Math.ceil(this.arenaUsed / align) * align;
    this.arenaUsed = at + bytes;
    return at;
  }

  protected encoder: GPUCommandEncoder | null = null;
  protected pass: GPUComputePassEncoder | null = null;
  private recorded = 0;
  private submits = 0;
  private bindGroupsMade = 0;
  private unfreed = 0;
  private readonly groupLayouts = new Map<string, GPUBindGroupLayout>();
  private readonly pipelineLayouts = new Map<string, GPUPipelineLayout>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  /** The host side of the arena, copied to `arena` by one queue write just before each submit. */
  private readonly arenaHost = new ArrayBuffer(ARENA_BYTES);
  private readonly arenaWords = new Int32Array(this.arenaHost);
  private readonly arenaBytes = new Uint8Array(this.arenaHost);
  private arenaUsed = 0;
  private readonly arena: GPUBuffer;
  private readonly prmLayout: GPUBindGroupLayout;
  private readonly prmGroup: GPUBindGroup;

  /**
   * Submits the dispatches recorded so far (one command buffer for up to FLUSH_EVERY kernels), their
   * parameters and inline uploads written to the arena just before: queue order runs that write after
   * the previous submit's kernels and before this one's. Runs before anything that goes through the
   * queue directly: large uploads, reads.
   */
  flush(): void {
    if (this.pass === null || this.encoder === null) return;
    this.pass.end();
    this.device.queue.writeBuffer(this.arena, 0, this.arenaHost, 0, this.arenaUsed);
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    this.pass = null;
    this.encoder = null;
    this.arenaUsed = 0;
    this.recorded = 0;
  }

  protected grid(groups: number): [number, number, number] {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= max) return [Math.max(1, groups), 1, 1];
    return [max, Math.ceil(groups / max), 1];
  }

  // ---- kernels ----
}
