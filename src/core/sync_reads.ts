import { BackendError } from "../base/errors.js";
import type { Tensor } from "./tensor.js";

/**
 * For routines that compute on the host (linalg's factorizations, PCA, AIS, a DQN agent's action
 * choice…): throws a `BackendError` naming the routine, why it reads, and what to do instead, when
 * `t` lives on a backend that cannot be read synchronously (webgpu). Better than the `dataSync` error
 * from deep inside, which names neither the routine nor a way out.
 * @example
 * requireSyncReads("linalg.inv", tensor([[2]]), "factorizes on the host", "use the wasm backend"); // fine on wasm
 */
export function requireSyncReads(op: string, t: Tensor, why: string, instead: string): void {
  if (!t.backend.asyncReads) return;
  throw new BackendError(
    `${op}: ${why}, which needs a synchronous read that the ${t.backend.name} backend cannot do; ${instead}`,
  );
}

/**
 * The advice for a host routine on webgpu: run it on a host backend and move the values across.
 * @example
 * ON_A_HOST_BACKEND.startsWith("run it on the wasm backend"); // true
 */
export const ON_A_HOST_BACKEND =
  'run it on the wasm backend (`setBackend("wasm")`), moving values across with ' +
  "`tensor(await t.array())`";
