import * as ops from "../ops/index.js";
import { StrataError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";

/**
 * Step and tolerances of `gradcheck` (defaults: eps 1e-6, atol 1e-5, rtol 1e-3).
 * @example
 * const x = randn([4], { dtype: "float64", requiresGrad: true });
 * const options: GradcheckOptions = { eps: 1e-6, atol: 1e-6, rtol: 1e-4, seed: 1 };
 * gradcheck((x) => x.sin(), [x], options).ok; // true
 */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random upstream gradient that reduces a non-scalar output to a scalar. */
  seed?: number;
}

/**
 * What `gradcheck` found: whether every gradient matched, the worst error and where it was.
 * @example
 * const x = randn([3], { dtype: "float64", requiresGrad: true });
 * const { ok, maxAbsError }: GradcheckResult = gradcheck((x) => x.exp().sum(), [x]);
 * ok; // true
 * maxAbsError < 1e-6; // true
 */
export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic − numeric| over all checked input elements. */
  maxAbsError: number;
  /** Human-readable description of the worst mismatch, if any. */
  message: string;
}

/**
 * Compares the gradients `backward()` computes with central finite differences, for every element of
 * every input that requires grad. Use float64 inputs: float32 differences are too noisy.
 * @example
 * const x = randn([3, 4], { dtype: "float64", requiresGrad: true });
 * gradcheck((x) => x.tanh().sum(1), [x]).ok // true
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  for (const x of inputs) {
    if (x.requiresGrad && x.dtype !== "float64") {
      throw new StrataError(
        `gradcheck: inputs that require grad should be float64 for accurate differences, got ${x.dtype}`,
      );
    }
  }
  const probe = noGrad(() => fn(...inputs));
  const gen = new Generator(options.seed ?? 1234);
  const weightValues = Array.from({ length: probe.size }, () => gen.normal());
  const weights = ops.fromHost(weightValues, probe.shape, probe.dtype);
  const objective = (xs: Tensor[]) =>
    fn(...xs)
      .mul(weights)
      .sum();

  for (const x of inputs) x.grad = null;
  objective(inputs).backward();

  let worst = 0;
  let message = "";
  let ok = true;
  let worstMismatch = 0;
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const base = Float64Array.from(x.dataSync());
    const analytic = x.grad ? x.grad.dataSync() : new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number) => {
        const values = base.slice();
        values[i] += delta;
        const xs = inputs.map((y, j) => (j === k ? ops.fromHost(values, x.shape, x.dtype) : y));
        return noGrad(() => objective(xs).item());
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const err = Math.abs(analytic[i] - numeric);
      if (Number.isNaN(err) || err > worst) worst = err;
      // written as "not within" so a NaN on either side is a mismatch (NaN > tolerance is false)
      // the message describes the worst mismatch (a NaN counts as the worst), not the first
      if (!(err <= atol + rtol * Math.abs(numeric)) && (ok || Number.isNaN(err) || err > worstMismatch)) {
        ok = false;
        worstMismatch = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
        message = `input ${k}, element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`;
      }
    }
  });
  return { ok, maxAbsError: worst, message };
}
