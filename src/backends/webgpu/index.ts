/// <reference types="@webgpu/types" />
import { type DType, type TypedArray, allocArray } from "../../base/dtype.js";
import { BackendError, DTypeError, DisposedError } from "../../base/errors.js";
import { contiguousStrides, sizeOf } from "../../base/shape.js";
import type {
  Backend,
  BinaryOp,
  FusedKernels,
  MemoryInfo,
  MemoryPressure,
  ReduceOp,
  Storage,
  UnaryOp,
  View,
} from "../backend.js";
import { matmulPlan } from "../host/matmul.js";
import { acquireDevice } from "./device.js";
import {
  TILE,
  WG,
  adamShader,
  sgdShader,
  argReduceShader,
  binaryShader,
  castShader,
  copyIntoShader,
  fillShader,
  gatherShader,
  matmulDirectShader,
  matmulShader,
  padShader,
  reduceDirectShader,
  reduceShader,
  scatterAddShader,
  smallUploadShader,
  unaryShader,
  whereShader,
} from "./wgsl.js";

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

/** How many bindings (windows) gather reads one tensor through. */
const GATHER_WINDOWS = 4;

const SYNC_READ =
  "webgpu backend: a GPU cannot be read synchronously; use the async forms: await t.data(), " +
  "await t.array(), await t.itemAsync() (dataSync, toArray, item and toString need the ref or wasm backend)";

/** The 4-byte host array a dtype is staged in (bool travels as u32). */
function gpuArray(dtype: DType, n: number): Float32Array | Int32Array | Uint32Array {
  return dtype === "float32"
    ? new Float32Array(n)
    : dtype === "int32"
      ? new Int32Array(n)
      : new Uint32Array(n);
}

/** The bits of float32 roundings of `values`, as the int32 parameters carry them. */
function f32Bits(values: number[]): number[] {
  return Array.from(new Int32Array(Float32Array.from(values).buffer));
}

/** rank, shape, strides, offset: the layout `viewOff` in the shaders reads. */
function viewParams(shape: readonly number[], strides: readonly number[], offset: number): number[] {
  return [shape.length, ...shape, ...strides, offset];
}
const vp = (v: View, shape: readonly number[] = v.shape) => viewParams(shape, v.strides, v.offset);

/**
 * The WebGPU backend: tensors live in GPU buffers (pooled by byte size, released deterministically),
 * every kernel of the table runs as a WGSL compute shader compiled once per (kernel, dtypes, op).
 * float32, int32 and bool; no float64 (WGSL has none). Reads are asynchronous only.
 * Create it with `await setBackend("webgpu")` or `await ready("webgpu")`.
 * @example
 * typeof WebGpuBackend; // "function": `await createWebGpuBackend()` makes one where an adapter exists
 */
export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  /** Reads are asynchronous: ops that would read values to check them skip those checks here. */
  readonly asyncReads = true;
  memoryPressure?: MemoryPressure;
  /** Fused Adam/AdamW and SGD updates: one kernel per parameter instead of a dozen. */
  readonly fused: FusedKernels = {
    adamStep: (p, grad, m, v, h) => {
      const n = sizeOf(p.shape);
      const outs = [this.alloc("float32", n), this.alloc("float32", n), this.alloc("float32", n)];
      const l2 = !h.decoupled && h.weightDecay !== 0;
      const flags = (h.decoupled ? 1 : 0) | (h.maximize ? 2 : 0) | (l2 ? 4 : 0);
      // scalars derived in float64 and rounded once, as the composed update's scalar operands are
      const scalars = f32Bits([
        h.decoupled ? 1 - h.lr * h.weightDecay : 1,
        h.lr / h.biasCorrection1,
        h.beta1,
        h.beta2,
        h.eps,
        h.weightDecay,
        h.biasCorrection2Sqrt,
        1 - h.beta1,
        1 - h.beta2,
      ]);
      if (n > 0) {
        this.run(
          "adam",
          adamShader,
          outs[0],
          [outs[1], outs[2], p.storage, grad.storage, m.storage, v.storage],
          [n, p.offset, grad.offset, m.offset, v.offset, flags, ...scalars],
          n,
        );
      }
      return [outs[0], outs[1], outs[2]];
    },
    sgdStep: (p, grad, buf, h) => {
      const n = sizeOf(p.shape);
      const pOut = this.alloc("float32", n);
      const momentum = h.momentum !== 0;
      // without momentum the buffer binding still needs a buffer: a one-element scratch, released at once
      const bOut = this.alloc("float32", momentum ? n : 1);
      const flags = (momentum ? 1 : 0) | (h.nesterov ? 2 : 0) | (h.maximize ? 4 : 0) | (buf ? 8 : 0);
      if (n > 0) {
        this.run(
          "sgd",
          sgdShader,
          pOut,
          [bOut, p.storage, grad.storage, (buf ?? p).storage],
          [
            n,
            p.offset,
            grad.offset,
            buf ? buf.offset : 0,
            flags,
            ...f32Bits([h.lr, h.momentum, h.weightDecay, 1 - h.dampening]),
          ],
          n,
        );
      }
      if (momentum) return [pOut, bOut];
      this.release(bOut);
      return [pOut, null];
    },
  };
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly pool = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  private live = 0;
  private liveBytes = 0;
  private readonly maxBinding: number;
  private readonly maxBuffer: number;
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
    // WebGPU reports errors asynchronously; the next read surfaces the first one as a BackendError
    device.addEventListener("uncapturederror", (e) => {
      this.deviceError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  private deviceError: string | undefined;

  private checkDevice(): void {
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
  private windowBytes(): number {
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    return Math.floor(this.maxBinding / align) * align;
  }

  // ---- memory ----

  private alloc(dtype: DType, size: number): WebGpuStorage {
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
  private take(bytes: number): GPUBuffer {
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

  private bufferOf(s: Storage, what = "used"): GPUBuffer {
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

  private recycle(buffer: GPUBuffer): void {
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
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    this.checkDevice();
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

  private pipeline(key: string, source: () => string): GPUComputePipeline {
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
  private run(
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

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly pendingPrm: GPUBuffer[] = [];
  private readonly prmPool = new Map<number, GPUBuffer[]>();

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

  private grid(groups: number): [number, number, number] {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= max) return [Math.max(1, groups), 1, 1];
    return [max, Math.ceil(groups / max), 1];
  }

  // ---- kernels ----

  unary(op: UnaryOp, x: View, outDtype: DType): Storage {
    const n = sizeOf(x.shape);
    const out = this.alloc(outDtype, n);
    if (n === 0) return out;
    this.run(
      `unary:${op}:${x.dtype}:${outDtype}`,
      () => unaryShader(op, x.dtype, outDtype),
      out,
      [x.storage],
      [n, ...vp(x)],
      n,
    );
    return out;
  }

  binary(op: BinaryOp, a: View, b: View, outShape: readonly number[], outDtype: DType): Storage {
    const n = sizeOf(outShape);
    const out = this.alloc(outDtype, n);
    if (n === 0) return out;
    this.run(
      `binary:${op}:${a.dtype}:${outDtype}`,
      () => binaryShader(op, a.dtype, outDtype),
      out,
      [a.storage, b.storage],
      [n, ...vp(a, outShape), ...vp(b, outShape)],
      n,
    );
    return out;
  }

  where(cond: View, a: View, b: View, outShape: readonly number[], outDtype: DType): Storage {
    const n = sizeOf(outShape);
    const out = this.alloc(outDtype, n);
    if (n === 0) return out;
    this.run(
      `where:${outDtype}`,
      () => whereShader(outDtype),
      out,
      [cond.storage, a.storage, b.storage],
      [n, ...vp(cond, outShape), ...vp(a, outShape), ...vp(b, outShape)],
      n,
    );
    return out;
  }

  cast(x: View, dtype: DType): Storage {
    const n = sizeOf(x.shape);
    const out = this.alloc(dtype, n);
    if (n === 0) return out;
    this.run(
      `cast:${x.dtype}:${dtype}`,
      () => castShader(x.dtype, dtype),
      out,
      [x.storage],
      [n, ...vp(x)],
      n,
    );
    return out;
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[]): Storage {
    const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outShape = keep.map((i) => x.shape[i]);
    const innerShape = axes.map((i) => x.shape[i]);
    const n = sizeOf(outShape);
    const outDtype: DType = x.dtype === "bool" && op === "sum" ? "int32" : x.dtype;
    const out = this.alloc(outDtype, n);
    if (n === 0) return out;
    const inner = sizeOf(innerShape);
    // one workgroup per output pays when the reduced length is long and the outputs few (on a GPU)
    const tree = !this.cpuAdapter && inner >= 256;
    this.run(
      `reduce${tree ? "" : "Direct"}:${op}:${x.dtype}`,
      () => (tree ? reduceShader : reduceDirectShader)(op, x.dtype, outDtype),
      out,
      [x.storage],
      [
        n,
        ...viewParams(
          outShape,
          keep.map((i) => x.strides[i]),
          x.offset,
        ),
        innerShape.length,
        ...innerShape,
        ...axes.map((i) => x.strides[i]),
        inner,
      ],
      tree ? 0 : n,
      tree ? this.grid(n) : undefined,
    );
    return out;
  }

  argReduce(op: "argmax" | "argmin", x: View, axis: number): Storage {
    const outShape = x.shape.filter((_, i) => i !== axis);
    const n = sizeOf(outShape);
    const out = this.alloc("int32", n);
    if (n === 0) return out;
    this.run(
      `arg:${op}:${x.dtype}`,
      () => argReduceShader(op, x.dtype),
      out,
      [x.storage],
      [
        n,
        ...viewParams(
          outShape,
          x.strides.filter((_, i) => i !== axis),
          x.offset,
        ),
        x.shape[axis],
        x.strides[axis],
      ],
      n,
    );
    return out;
  }

  matmul(a: View, b: View, outShape: readonly number[]): Storage {
    const rank = outShape.length;
    const batchShape = outShape.slice(0, rank - 2);
    const batch = sizeOf(batchShape);
    const { m, n, k } = matmulPlan(a, b, outShape);
    const out = this.alloc(a.dtype, batch * m * n);
    if (batch * m * n === 0) return out;
    if (k === 0) {
      this.run(`fill:${a.dtype}`, () => fillShader(a.dtype), out, [], [batch * m * n, 0], batch * m * n);
      return out;
    }
    const maxZ = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (!this.cpuAdapter && batch > maxZ) {
      throw new BackendError(
        `matmul: ${batch} batch matrices exceed the webgpu backend's ${maxZ} per dispatch; reshape into fewer, larger matrices`,
      );
    }
    const direct = this.cpuAdapter;
    const blocks = batch * Math.ceil(m / 4) * Math.ceil(n / 4);
    this.run(
      `matmul${direct ? "Direct" : ""}:${a.dtype}`,
      () => (direct ? matmulDirectShader : matmulShader)(a.dtype),
      out,
      [a.storage, b.storage],
      [
        m,
        n,
        k,
        a.strides[rank - 2],
        a.strides[rank - 1],
        b.strides[rank - 2],
        b.strides[rank - 1],
        batchShape.length,
        ...batchShape,
        ...a.strides.slice(0, rank - 2),
        ...b.strides.slice(0, rank - 2),
        a.offset,
        b.offset,
        blocks,
      ],
      direct ? blocks : 0,
      direct ? undefined : [Math.ceil(n / TILE), Math.ceil(m / TILE), batch],
    );
    return out;
  }

  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage {
    const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    const n = sizeOf(outShape);
    const out = this.alloc(x.dtype, n);
    if (n === 0) return out;
    const bits = gpuArray(x.dtype, 1);
    bits[0] = x.dtype === "bool" ? (value ? 1 : 0) : value;
    this.run(
      `pad:${x.dtype}`,
      () => padShader(x.dtype),
      out,
      [x.storage],
      [n, outShape.length, ...outShape, ...pads.map((p) => p[0]), ...vp(x), new Int32Array(bits.buffer)[0]],
      n,
    );
    return out;
  }

  concat(xs: readonly View[], axis: number, outShape: readonly number[]): Storage {
    const dtype = xs[0].dtype;
    const out = this.alloc(dtype, sizeOf(outShape));
    const os = contiguousStrides(outShape);
    let at = 0;
    for (const x of xs) {
      const n = sizeOf(x.shape);
      if (n > 0) {
        this.run(
          `copyInto:${dtype}`,
          () => copyIntoShader(dtype),
          out,
          [x.storage],
          [n, ...vp(x), ...os, at * os[axis]],
          n,
        );
      }
      at += x.shape[axis];
    }
    return out;
  }

  gather(x: View, axis: number, index: View): Storage {
    const n = sizeOf(index.shape);
    const out = this.alloc(x.dtype, n);
    if (n === 0) return out;
    // x through GATHER_WINDOWS bindings: all the whole buffer when it fits one, else consecutive windows
    const buffer = this.bufferOf(x.storage);
    const fits = buffer.size <= this.maxBinding;
    const win = fits ? buffer.size : this.windowBytes();
    const windows: GPUBufferBinding[] = [];
    for (let w = 0; w < GATHER_WINDOWS; w++) {
      // windows past the end are never read: they bind the first window again (offsets must be aligned)
      const offset = fits || w * win >= buffer.size ? 0 : w * win;
      windows.push({ buffer, offset, size: Math.min(win, buffer.size - offset) });
    }
    this.run(
      `gather:${x.dtype}`,
      () => gatherShader(x.dtype),
      out,
      [index.storage, ...windows],
      [n, ...vp(index), ...x.strides, x.offset, axis, x.shape[axis], fits ? 2 ** 31 - 1 : win / 4],
      n,
    );
    return out;
  }

  scatterAdd(outShape: readonly number[], dtype: DType, axis: number, index: View, src: View): Storage {
    const n = sizeOf(outShape);
    const out = this.alloc(dtype, n);
    if (n === 0) return out;
    this.run(
      `scatterAdd:${dtype}`,
      () => scatterAddShader(dtype),
      out,
      [index.storage, src.storage],
      [n, outShape.length, ...outShape, ...vp(index), ...vp(src, index.shape), axis],
      n,
    );
    return out;
  }
}

/** Keeps each backend's adapter referenced as long as the backend (Dawn needs its objects alive). */
const adapters = new WeakMap<WebGpuBackend, GPUAdapter>();

/**
 * Creates the webgpu backend: finds an adapter (navigator.gpu, or Dawn from the `webgpu` package in
 * Node) and a device; throws BackendError naming the fallback when there is none.
 * @example
 * typeof createWebGpuBackend; // "function": prefer `await setBackend("webgpu")`
 */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  const { device, adapter, adapterName } = await acquireDevice();
  const b = new WebGpuBackend(device, adapterName);
  adapters.set(b, adapter);
  return b;
}
