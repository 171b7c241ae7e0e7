/**
 * `Tensor.backward()`: autograd sits above the tensor floor, so it installs the method itself. The
 * package entry (`src/index.ts`) imports this module.
 */
import { Tensor } from "../core/tensor.js";
import { backward } from "./backward.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /**
     * Computes gradients of this tensor with respect to every leaf that requires grad, adding them into
     * `.grad`. A non-scalar needs the seed gradient `grad` of its own shape.
     * @example
     * const x = tensor([1, 2, 3], { requiresGrad: true });
     * x.mul(x).sum().backward();
     * x.grad!.toArray(); // [2, 4, 6]
     */
    backward(grad?: Tensor, options?: { retainGraph?: boolean; createGraph?: boolean }): void;
  }
}

Object.defineProperty(Tensor.prototype, "backward", {
  value(this: Tensor, grad?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}) {
    backward(this, grad, options);
  },
  writable: true,
  configurable: true,
});
