import { derive, wrap } from "../core/dispatch.js";
import { isGradEnabled } from "../core/grad_mode.js";
import type { CustomGrad, Tensor } from "../core/tensor.js";
import { where } from "./elementwise.js";
import { matmul } from "./linalg.js";

/**
 * A linear layer, y = x Wᵀ + b and then relu when `relu`, as one op where the backend has the fused
 * kernel (the wasm backend): one kernel call and one tensor instead of a transposed view, a matmul, a
 * broadcast add and a relu, and a backward of three products instead of their four rules. The values
 * are those of the composed ops, bit for bit: the same matmul kernel runs, the bias and relu are the
 * same float32 operations, and the gradients are the same products summed in the same order. Returns
 * null where it does not apply (another backend, not float32, x not 2-D, a non-contiguous bias): the
 * caller composes.
 * @example
 * const x = tensor([[1, 2]]), w = tensor([[1, 1], [1, -1]]), b = tensor([0.5, 0.5]);
 * const y = fusedLinear(x, w, b, true) ?? x.matmul(w.T).add(b).relu(); // composed where it gives null
 * y.toArray(); // [[3.5, 0]]
 */
export function fusedLinear(x: Tensor, weight: Tensor, bias: Tensor | null, relu: boolean): Tensor | null {
  const backend = x.backend;
  const kernel = backend.fused?.linear;
  if (
    kernel === undefined ||
    x.rank !== 2 ||
    weight.rank !== 2 ||
    x.shape[1] !== weight.shape[1] ||
    x.dtype !== "float32" ||
    weight.dtype !== "float32" ||
    weight.backend !== backend ||
    (bias !== null && (bias.dtype !== "float32" || bias.backend !== backend || bias.strides[0] !== 1))
  ) {
    return null;
  }
  const m = x.shape[0];
  const n = weight.shape[0];
  const out = wrap(backend, kernel(x, weight, bias, relu), [m, n]);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  derive(out, inputs);
  if (isGradEnabled() && (x.requiresGrad || weight.requiresGrad || bias?.requiresGrad === true)) {
    const fn: CustomGrad = {
      name: relu ? "linearRelu" : "linear",
      outputs: [{ shape: [m, n], dtype: "float32" }],
      backward: ([g], needs) => {
        const gz = relu ? reluGrad(out, g) : g;
        // dx = g W and dW = gᵀ x: the products the matmul rule makes (Wᵀᵀ = W; (xᵀ g)ᵀ summed in the
        // same order), without the transposed copy of the weight's gradient; the engine sums db
        const grads: (Tensor | null)[] = [
          needs[0] ? matmul(gz, weight) : null,
          needs[1] ? matmul(gz.T, x) : null,
        ];
        if (bias !== null) grads.push(needs[2] ? gz : null);
        return grads;
      },
    };
    out.gradFn = { op: "custom", inputs, attrs: {}, custom: { index: 0, fn } };
    out.requiresGrad = true;
    out._ref.inGraph = true;
  }
  return out;
}

/**
 * The gradient through relu given its output y: y > 0 ? g : 0, in one kernel where the backend has it
 * and no graph of the gradient is being built; otherwise the relu rule's ops.
 * @example
 * reluGrad(tensor([0, 2, 3]), tensor([5, 6, 7])).toArray(); // [0, 6, 7]
 */
export function reluGrad(y: Tensor, g: Tensor): Tensor {
  const kernel = y.backend.fused?.reluGrad;
  if (
    kernel !== undefined &&
    !isGradEnabled() &&
    y.dtype === "float32" &&
    g.dtype === "float32" &&
    g.backend === y.backend &&
    y.isContiguous &&
    g.isContiguous &&
    y.rank === g.rank &&
    y.shape.every((d, i) => d === g.shape[i])
  ) {
    return derive(wrap(y.backend, kernel(y, g), y.shape), [y, g]);
  }
  return where(y.gt(0), g, 0);
}
