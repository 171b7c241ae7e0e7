import type { AdamStep, SgdStep } from "../backends/backend.js";

export type { SgdStep };
import { wrap } from "../core/dispatch.js";
import type { Tensor } from "../core/tensor.js";

/** Whether all tensors are contiguous float32 of one shape on the same backend: what fused kernels take. */
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
 * One Adam/AdamW step in a single pass when the backend has the fused kernel (not recorded for
 * autograd; optimizers run under noGrad). Returns null when it does not apply: the caller composes.
 * @example
 * const p = tensor([1, 2]), g = tensor([0.5, -0.5]);
 * const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false,
 *   maximize: false, biasCorrection1: 0.1, biasCorrection2Sqrt: Math.sqrt(0.001) }; // the first step
 * const out = fusedAdamStep(p, g, zeros([2]), zeros([2]), h); // or null without the kernel
 * if (out) out[0].toArray(); // [0.9, 2.1]: the first step moves each weight by lr
 */
export function fusedAdamStep(
  p: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  h: AdamStep,
): [Tensor, Tensor, Tensor] | null {
  const kernel = p.backend.fused?.adamStep;
  if (!kernel || !fusable(p, grad, m, v)) return null;
  const [ps, ms, vs] = kernel(p, grad, m, v, h);
  return [wrap(p.backend, ps, p.shape), wrap(p.backend, ms, p.shape), wrap(p.backend, vs, p.shape)];
}

/**
 * One SGD step in a single pass when the backend has the fused kernel; null otherwise.
 * @example
 * const p = tensor([1, 2]), g = tensor([0.5, 0.5]);
 * const h = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
 * const [next] = fusedSgdStep(p, g, null, h) ?? [p.sub(g.mul(h.lr))]; // composed where there is no kernel
 * next.toArray(); // [0.95, 1.95]
 */
export function fusedSgdStep(
  p: Tensor,
  grad: Tensor,
  buf: Tensor | null,
  h: SgdStep,
): [Tensor, Tensor | null] | null {
  const kernel = p.backend.fused?.sgdStep;
  if (!kernel || !fusable(p, grad, ...(buf ? [buf] : []))) return null;
  const [ps, bs] = kernel(p, grad, buf, h);
  return [wrap(p.backend, ps, p.shape), bs ? wrap(p.backend, bs, p.shape) : null];
}
