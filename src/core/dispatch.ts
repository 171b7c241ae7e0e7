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
 * @example
 * const b = getBackend();
 * wrap(b, b.upload(new Float32Array([1, 2, 3, 4]), "float32"), [2, 2]).toArray(); // [[1, 2], [3, 4]]
 */
export function wrap(backend: Backend, storage: Storage, shape: readonly number[]): Tensor {
  return new Tensor(new Buffer(backend, storage), [...shape], contiguousStrides(shape), 0, storage.dtype);
}

/**
 * Attaches the autograd node to `out` when grad mode is on and an input requires grad, and always
 * notes what `out` was computed from (the step release follows those links; see `core/memory.ts`).
 * @example
 * // how a primitive op ends: run the kernel, wrap its storage, record the node
 * const x = tensor([1, -2], { requiresGrad: true });
 * const b = backendOf("neg", x);
 * const y = record(wrap(b, b.unary("neg", x, x.dtype), x.shape), "neg", [x]);
 * y.gradFn!.op; // "neg"
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

/**
 * Notes what `out` was computed from, for an op that is not differentiable.
 * @example
 * const x = tensor([1, 2]);
 * const b = backendOf("isnan", x);
 * const y = derive(wrap(b, b.unary("isnan", x, "bool"), x.shape), [x]);
 * y.toArray(); // [false, false]
 */
export function derive(out: Tensor, inputs: readonly Tensor[]): Tensor {
  out._ref.deriveFrom(inputs.map((t) => t._ref));
  return out;
}

/**
 * The backend all inputs live on; mixing backends is an error that names the op, and so is anything
 * that is not a tensor (the last line of defence: entry points name the parameter before this).
 * @example
 * backendOf("add", zeros([2]), ones([2])) === getBackend(); // true
 * backendOf("add", zeros([2]), [1, 2] as any); // throws ArgumentError: add: expected a Tensor
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
