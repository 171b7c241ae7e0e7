import { keep } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";

/**
 * Marks a tensor as a trainable parameter: it requires grad and outlives `tidy` scopes. A Module
 * finds parameters among its fields.
 * @example
 * class Scale extends nn.Module {
 *   weight = parameter(ones([3]));
 *   forward(x: Tensor) { return x.mul(this.weight); }
 * }
 * new Scale().parameters().length; // 1
 */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad_(true);
  return keep(t);
}

/**
 * Marks a tensor as a buffer: module state without gradients (running statistics).
 * @example
 * class Normalize extends nn.Module {
 *   mean = buffer(zeros([3])); // saved in the state dict, not trained
 *   forward(x: Tensor) { return x.sub(this.mean); }
 * }
 * Object.keys(new Normalize().stateDict()); // ["mean"]
 * new Normalize().parameters().length; // 0
 */
export function buffer(t: Tensor): Tensor {
  return keep(t);
}
