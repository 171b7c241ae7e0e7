import { BackendError, StrataError, ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { Tensor } from "../core/tensor.js";
import { scalar } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { norm } from "../ops/reduce.js";

/**
 * Options of `clipGradNorm`.
 * @example
 * const w = tensor([1], { requiresGrad: true });
 * w.mul(Infinity).sum().backward(); // an infinite gradient
 * clipGradNorm([w], 1, 2, { errorIfNonfinite: true }); // throws StrataError: the total norm is infinite
 * clipGradNorm([w], 1); // Infinity: without the option, the norm is returned
 */
export interface ClipGradNormOptions {
  /** Throw a `StrataError` when the total norm is NaN or infinite (default false: return it). */
  errorIfNonfinite?: boolean;
}

function gradsOf(fn: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  const grads: Tensor[] = [];
  for (const [i, p] of list.entries()) {
    if (!(p instanceof Tensor)) throw new ValueError(`${fn}: params[${i}] is not a Tensor`);
    if (p.grad !== null) grads.push(p.grad);
  }
  return grads;
}

/**
 * Rescales the gradients of `params` in place so that their total norm (the `normType`-norm of all
 * gradient elements together; `Infinity` for the max-abs norm) is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_`: every gradient is multiplied by `min(1, maxNorm / (total + 1e-6))`. Parameters
 * without a gradient are skipped. Returns the total norm before clipping; a NaN or infinite norm is
 * returned too (and, as in PyTorch, the gradients are scaled by the resulting NaN or 0) unless
 * `errorIfNonfinite` asks for an error.
 * @example
 * loss.backward();
 * const total = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(w).sum().backward(); // gradient [6, 8], norm 10
 * clipGradNorm([w], 5); // 10: the norm before clipping
 * w.grad!.toArray(); // [3, 4]
 */
export function clipGradNorm(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): number {
  const grads = checkedGrads("clipGradNorm", params, maxNorm, normType);
  if (grads.length === 0) return 0;
  const backend = grads[0].backend;
  if (backend.asyncReads) {
    throw new BackendError(
      `clipGradNorm: returns the total norm as a number, which the ${backend.name} backend cannot read ` +
        "synchronously; use `await clipGradNormAsync(...)`, or compile({ clipNorm }) in fit (no read)",
    );
  }
  return noGrad(() =>
    tidy(() => {
      // one read back for all the gradients
      const total = totalNorm(grads, normType).item();
      return scaleByTotal("clipGradNorm", grads, maxNorm, normType, total, options);
    }),
  );
}

/**
 * `clipGradNorm` on every backend, a GPU included: the same clipping, the total norm read with one
 * `await` (on ref and wasm it computes exactly what `clipGradNorm` does).
 * @example
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(w).sum().backward(); // gradient [6, 8], norm 10
 * await clipGradNormAsync([w], 5); // 10
 * await w.grad!.array(); // [3, 4]
 */
export async function clipGradNormAsync(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): Promise<number> {
  const grads = checkedGrads("clipGradNormAsync", params, maxNorm, normType);
  if (grads.length === 0) return 0;
  const totalT = noGrad(() => keep(totalNorm(grads, normType)));
  let total: number;
  try {
    total = await totalT.itemAsync();
  } finally {
    totalT.dispose();
  }
  return noGrad(() =>
    tidy(() => scaleByTotal("clipGradNormAsync", grads, maxNorm, normType, total, options)),
  );
}

/**
 * The clipping of `clipGradNorm` without reading anything back (what `compile({ clipNorm })` runs in
 * `fit` on webgpu): the factor min(1, maxNorm / (total + 1e-6)) is computed on the device, in the
 * gradients' dtype. A NaN total gives NaN gradients, as in PyTorch. Returns nothing.
 * @example
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(w).sum().backward(); // gradient [6, 8], norm 10
 * clipGradNormOnDevice([w], 5);
 * w.grad!.toArray(); // [3, 4] (to float32 rounding)
 */
export function clipGradNormOnDevice(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2): void {
  const grads = checkedGrads("clipGradNormOnDevice", params, maxNorm, normType);
  if (grads.length === 0) return;
  noGrad(() =>
    tidy(() => {
      const coef = scalar(maxNorm).div(totalNorm(grads, normType).add(1e-6)).minimum(1);
      for (const g of grads) g.assign(g.mul(coef.dtype === g.dtype ? coef : coef.cast(g.dtype)));
    }),
  );
}

function checkedGrads(
  fn: string,
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType: number,
): Tensor[] {
  if (typeof maxNorm !== "number" || Number.isNaN(maxNorm) || maxNorm < 0) {
    throw new ValueError(`${fn}: maxNorm must be a number >= 0, got ${maxNorm}`);
  }
  if (typeof normType !== "number" || !(normType > 0)) {
    throw new ValueError(`${fn}: normType must be a number > 0 or Infinity, got ${normType}`);
  }
  return gradsOf(fn, params);
}

/** The normType-norm of all the gradients together, as a 0-d tensor (float64 only if all are). */
function totalNorm(grads: readonly Tensor[], normType: number): Tensor {
  const dtype = grads.every((g) => g.dtype === "float64") ? "float64" : "float32";
  const norms = grads.map((g) => {
    const n = norm(g, normType);
    return n.dtype === dtype ? n : n.cast(dtype);
  });
  return norm(stack(norms), normType);
}

/** Scales the gradients by min(1, maxNorm / (total + 1e-6)), computed on the host; returns total. */
function scaleByTotal(
  fn: string,
  grads: readonly Tensor[],
  maxNorm: number,
  normType: number,
  total: number,
  options: ClipGradNormOptions,
): number {
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new StrataError(
      `${fn}: the total norm of order ${normType} of the gradients is ${total}, so they cannot be ` +
        "clipped; pass errorIfNonfinite: false to clip anyway",
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // PyTorch multiplies by min(coef, 1); a NaN coefficient is kept (as clamp keeps NaN)
  if (!(coef >= 1)) for (const g of grads) g.assign(g.mul(coef));
  return total;
}

/**
 * Clips every gradient element of `params` to [−clipValue, clipValue] in place, as PyTorch's
 * `clip_grad_value_`. Parameters without a gradient are skipped.
 * @example
 * loss.backward();
 * clipGradValue(model.parameters(), 0.5);
 * opt.step();
 * const w = tensor([1, 1], { requiresGrad: true });
 * w.mul(tensor([2, -0.1])).sum().backward();
 * clipGradValue([w], 0.5);
 * w.grad!.toArray(); // [0.5, -0.1]
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== "number" || Number.isNaN(clipValue) || clipValue < 0) {
    throw new ValueError(`clipGradValue: clipValue must be a number >= 0, got ${clipValue}`);
  }
  const grads = gradsOf("clipGradValue", params);
  noGrad(() =>
    tidy(() => {
      for (const g of grads) g.assign(g.clip(-clipValue, clipValue));
    }),
  );
}
