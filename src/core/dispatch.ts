import type { Backend, Prim, Storage } from "../backends/backend.js";
import { isGradEnabled } from "./grad_mode.js";
import { Buffer } from "./memory.js";
import { contiguousStrides } from "../base/shape.js";
import { Tensor } from "./tensor.js";
import { ArgumentError, StrataError } from "../base/errors.js";
import { describeValue } from "./args.js";

/**
 * The one dispatch point between ops and backends: every kernel result becomes a tensor here, and
 * every differentiable op records its graph node here.
 */
export function wrap(backend: Backend, storage: Storage, shape: readonly number[]): Tensor {
  return new Tensor(new Buffer(backend, storage), [...shape], contiguousStrides(shape), 0, storage.dtype);
}

/**
 * Attaches the autograd node to `out` when grad mode is on and an input requires grad, and always
 * notes what `out` was computed from (the step release follows those links; see `core/memory.ts`).
 */
export function record(
  out: Tensor,
  op: Prim,
  inputs: readonly Tensor[],
  attrs: Record<string, unknown> = {},
): Tensor {
  derive(out, inputs);
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.gradFn = { op, inputs, attrs };
    out.requiresGrad = true;
    out._ref.inGraph = true;
  }
  return out;
}

/** Notes what `out` was computed from, for an op that is not differentiable. */
export function derive(out: Tensor, inputs: readonly Tensor[]): Tensor {
  out._ref.deriveFrom(inputs.map((t) => t._ref));
  return out;
}

/**
 * The backend all inputs live on; mixing backends is an error that names the op, and so is anything
 * that is not a tensor (the last line of defence: entry points name the parameter before this).
 */
export function backendOf(op: string, ...tensors: Tensor[]): Backend {
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: expected a Tensor, got ${describeValue(t)}`);
  }
  const b = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== b) {
      throw new StrataError(
        `${op}: tensors live on different backends (${b.name} and ${t.backend.name}); move one first`,
      );
    }
  }
  return b;
}
