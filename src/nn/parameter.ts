import { keep } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";

/**
 * Marks a tensor as a trainable parameter: it requires grad and outlives `tidy` scopes. A Module
 * finds parameters among its fields.
 * @example
 * this.weight = parameter(randn([out, in]));
 */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad_(true);
  return keep(t);
}

/** Marks a tensor as a buffer: module state without gradients (running statistics). */
export function buffer(t: Tensor): Tensor {
  return keep(t);
}
