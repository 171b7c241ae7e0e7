/**
 * The fused optimizer updates of the wasm backend: one pass over parameter, gradient and state
 * instead of the composed primitives (which stay the reference; a test checks they agree).
 */
import { sizeOf } from "../../base/shape.js";
import type { DType } from "../../base/dtype.js";
import type { FusedKernels, Storage, View } from "../backend.js";
import type { KernelExports } from "./module.js";
import type { WasmStorage } from "./storage.js";

/**
 * What the fused kernels need of the backend: its allocator, addresses and compiled kernels.
 * @example
 * const host: KernelHost = new WasmBackend({ threads: 1 });
 * typeof host.ptrOf; // "function"
 */
export interface KernelHost {
  allocStorage(dtype: DType, size: number): WasmStorage;
  matmul(a: View, b: View, outShape: readonly number[]): Storage;
  ptrOf(v: View): number;
  readonly kernels: KernelExports;
}

/**
 * The fused Adam/AdamW and SGD updates and the fused linear layer over `backend`'s memory.
 * @example
 * const kernels = fusedKernels(new WasmBackend({ threads: 1 }));
 * typeof kernels.adamStep; // "function"
 */
export function fusedKernels(backend: KernelHost): FusedKernels {
  return {
    adamStep: (p, grad, m, v, h) => {
      const n = sizeOf(p.shape);
      const [po, mo, vo] = [
        backend.allocStorage("float32", n),
        backend.allocStorage("float32", n),
        backend.allocStorage("float32", n),
      ];
      const flags = (h.decoupled ? 1 : 0) | (h.maximize ? 2 : 0);
      backend.kernels.adam_f32(
        backend.ptrOf(p),
        backend.ptrOf(grad),
        backend.ptrOf(m),
        backend.ptrOf(v),
        po.ptr,
        mo.ptr,
        vo.ptr,
        n,
        h.lr,
        h.beta1,
        h.beta2,
        h.eps,
        h.weightDecay,
        h.biasCorrection1,
        h.biasCorrection2Sqrt,
        flags,
      );
      return [po, mo, vo];
    },
    sgdStep: (p, grad, buf, h) => {
      const n = sizeOf(p.shape);
      const po = backend.allocStorage("float32", n);
      const bo = h.momentum !== 0 ? backend.allocStorage("float32", n) : null;
      const flags = (h.momentum !== 0 ? 1 : 0) | (h.nesterov ? 2 : 0) | (h.maximize ? 4 : 0);
      backend.kernels.sgd_f32(
        backend.ptrOf(p),
        backend.ptrOf(grad),
        buf ? backend.ptrOf(buf) : 0,
        po.ptr,
        bo ? bo.ptr : 0,
        n,
        h.lr,
        h.momentum,
        h.dampening,
        h.weightDecay,
        flags,
      );
      return [po, bo];
    },
    linear: (x, weight, bias, relu) => {
      const [m, k] = x.shape;
      const n = weight.shape[0];
      // weightᵀ as a view: the very matmul that x.matmul(weight.T) runs, then the epilogue in place
      const wt: View = {
        storage: weight.storage,
        dtype: weight.dtype,
        shape: [k, n],
        strides: [weight.strides[1], weight.strides[0]],
        offset: weight.offset,
      };
      const out = backend.matmul(x, wt, [m, n]) as WasmStorage;
      if ((bias || relu) && m * n > 0) {
        backend.kernels.bias_act_f32(out.ptr, bias ? backend.ptrOf(bias) : 0, m, n, relu ? 1 : 0);
      }
      return out as Storage;
    },
    huber: (x, y, delta) => {
      const n = sizeOf(x.shape);
      const out = backend.allocStorage("float32", n);
      // the composed loss holds delta and 0.5·delta as float32 scalars: the kernel takes f32 too
      if (n > 0)
        backend.kernels.huber_f32(backend.ptrOf(x), backend.ptrOf(y), out.ptr, n, delta, 0.5 * delta);
      return out;
    },
    huberGrad: (x, y, g, delta) => {
      const n = sizeOf(x.shape);
      const out = backend.allocStorage("float32", n);
      // g contiguous, or one value broadcast to every element (stride 0: the gradient of a mean)
      const gStride = g.strides.every((s) => s === 0) ? 0 : 1;
      if (n > 0) {
        backend.kernels.huber_grad_f32(
          backend.ptrOf(x),
          backend.ptrOf(y),
          backend.ptrOf(g),
          gStride,
          out.ptr,
          n,
          delta,
        );
      }
      return out;
    },
    reluGrad: (y, g) => {
      const n = sizeOf(y.shape);
      const out = backend.allocStorage("float32", n);
      if (n > 0) backend.kernels.relu_grad_f32(backend.ptrOf(y), backend.ptrOf(g), out.ptr, n);
      return out;
    },
  };
}
