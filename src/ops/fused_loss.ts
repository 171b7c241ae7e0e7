import { derive, wrap } from "../core/dispatch.js";
import { isGradEnabled } from "../core/grad_mode.js";
import type { CustomGrad, Tensor } from "../core/tensor.js";
import { abs, mul, sub, where } from "./elementwise.js";

/** Whether the tensors are float32, contiguous, of one shape, on one backend: what fused kernels take. */
function fusable(first: Tensor, ...rest: Tensor[]): boolean {
  return [first, ...rest].every(
    (t) =>
      t.dtype === "float32" &&
      t.isContiguous &&
      t.backend === first.backend &&
      t.rank === first.rank &&
      t.shape.every((d, i) => d === first.shape[i]),
  );
}

/**
 * The Huber loss of each element (no reduction) as one op where the backend has the fused kernel:
 * two kernel calls (forward and backward) instead of the nine ops of the composed loss and their
 * rules, with the same values bit for bit (each kernel runs the composed float32 operations in their
 * order). Returns null where it does not apply (no kernel, not float32, not contiguous): the caller
 * composes. While a graph of the gradient is being built (`createGraph`), the backward is composed
 * of ops, so it can be differentiated again.
 * @example
 * const x = tensor([0, 0]), y = tensor([0.5, 3]);
 * const each = fusedHuber(x, y, 1); // where there is no kernel, null
 * if (each) each.toArray(); // [0.125, 2.5]
 */
export function fusedHuber(input: Tensor, target: Tensor, delta: number): Tensor | null {
  const backend = input.backend;
  const kernel = backend.fused?.huber;
  const gradKernel = backend.fused?.huberGrad;
  if (kernel === undefined || gradKernel === undefined || !fusable(input, target)) return null;
  const out = wrap(backend, kernel(input, target, delta), input.shape);
  const inputs = [input, target];
  derive(out, inputs);
  if (isGradEnabled() && (input.requiresGrad || target.requiresGrad)) {
    const fn: CustomGrad = {
      name: "huberLoss",
      outputs: [{ shape: [...input.shape], dtype: "float32" }],
      backward: ([g], needs) => {
        const gd =
          !isGradEnabled() && takesGradient(g, input)
            ? derive(wrap(backend, gradKernel(input, target, g, delta), input.shape), [input, target, g])
            : composedGrad(input, target, g, delta);
        // d = input − target: the target's gradient is the negation, as the sub rule gives it
        return [needs[0] ? gd : null, needs[1] ? gd.neg() : null];
      },
    };
    out.gradFn = { op: "custom", inputs, attrs: {}, custom: { index: 0, fn } };
    out.requiresGrad = true;
    out._ref.inGraph = true;
  }
  return out;
}

/** Whether the gradient kernel can read g: float32 of x's shape, contiguous or one broadcast value. */
function takesGradient(g: Tensor, x: Tensor): boolean {
  return (
    g.dtype === "float32" &&
    g.backend === x.backend &&
    g.rank === x.rank &&
    g.shape.every((d, i) => d === x.shape[i]) &&
    (g.isContiguous || g.strides.every((s) => s === 0))
  );
}

/** The gradient of the per-element loss with respect to d, written with ops: what the kernel computes. */
function composedGrad(input: Tensor, target: Tensor, g: Tensor, delta: number): Tensor {
  const d = sub(input, target);
  const quadratic = abs(d).lt(delta);
  const fromSquare = mul(mul(where(quadratic, g, 0), 0.5), d);
  return mul(mul(where(quadratic, 0, g), delta), d.sign())
    .add(fromSquare)
    .add(fromSquare);
}
