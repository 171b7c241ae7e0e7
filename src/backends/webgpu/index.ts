/// <reference types="@webgpu/types" />
import type { DType } from "../../base/dtype.js";
import { BackendError, fmtShape } from "../../base/errors.js";
import { contiguousStrides, sizeOf } from "../../base/shape.js";
import type {
  Backend,
  BinaryOp,
  FusedKernels,
  IndexCheck,
  MemoryPressure,
  ReduceOp,
  Storage,
  UnaryOp,
  View,
} from "../backend.js";
import { matmulPlan } from "../host/matmul.js";
import { acquireDevice } from "./device.js";
import { GATHER_WINDOWS, WebGpuRuntime, gpuArray } from "./runtime.js";

import {
  TILE,
  adamShader,
  sgdShader,
  argReduceShader,
  binaryShader,
  castShader,
  copyIntoShader,
  fillShader,
  gatherShader,
  indexCheckShader,
  matmulDirectShader,
  matmulShader,
  padShader,
  reduceDirectShader,
  reduceShader,
  scatterAddShader,
  unaryShader,
  whereShader,
} from "./wgsl.js";

/** The storage class, from runtime.ts (what a webgpu tensor's storage is). */
export { WebGpuStorage } from "./runtime.js";

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
export class WebGpuBackend extends WebGpuRuntime implements Backend {
  readonly name = "webgpu";
  /** Reads are asynchronous: index ranges are checked on the device and reported by the next read. */
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
    const xShape = [...x.shape];
    const indexShape = [...index.shape];
    const check = this.indexErrors.register(
      {
        op: "gather",
        label: "index",
        detail: () =>
          `for axis ${axis} of size ${xShape[axis]} (input shape ${fmtShape(xShape)}, index shape ${fmtShape(indexShape)})`,
      },
      indexShape,
    );
    this.run(
      `gather:${x.dtype}`,
      () => gatherShader(x.dtype),
      out,
      [index.storage, ...windows, this.indexErrorStorage],
      [n, ...vp(index), ...x.strides, x.offset, axis, x.shape[axis], fits ? 2 ** 31 - 1 : win / 4, check],
      n,
    );
    return out;
  }

  scatterAdd(outShape: readonly number[], dtype: DType, axis: number, index: View, src: View): Storage {
    const n = sizeOf(outShape);
    const out = this.alloc(dtype, n);
    if (n === 0) return out;
    const indexShape = [...index.shape];
    const check = this.indexErrors.register(
      {
        op: "scatterAdd",
        label: "index",
        detail: () =>
          `for axis ${axis} of size ${outShape[axis]} (output shape ${fmtShape(outShape)}, index shape ${fmtShape(indexShape)})`,
      },
      indexShape,
    );
    this.run(
      `scatterAdd:${dtype}`,
      () => scatterAddShader(dtype),
      out,
      [index.storage, src.storage, this.indexErrorStorage],
      [n, outShape.length, ...outShape, ...vp(index), ...vp(src, index.shape), axis, check],
      n,
    );
    return out;
  }

  checkIndex(index: View, bound: number, check: IndexCheck): void {
    const n = sizeOf(index.shape);
    if (n === 0) return;
    const id = this.indexErrors.register(check, index.shape);
    this.run(
      "indexCheck",
      indexCheckShader,
      this.indexErrorStorage,
      [index.storage],
      [n, ...vp(index), bound, id],
      n,
    );
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
