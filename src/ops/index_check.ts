import { IndexError } from "../base/errors.js";
import { isTensor } from "../core/args.js";
import type { Tensor } from "../core/tensor.js";

/**
 * The range check of an index argument where the backend's reads are asynchronous (webgpu), so the
 * host-side checks of ref and wasm cannot read the values: indices given on the host (an array or an
 * Int32Array) are checked here, at the call; a tensor's are checked on the device when `onDevice`
 * (the op names itself in the IndexError the next read throws), else by the kernel that uses them
 * (gather, scatterAdd). Nothing happens on backends with synchronous reads: their paths check.
 * @example
 * import { fromHost } from "./creation.js";
 * checkIndexRange({ op: "take", label: "index", detail: () => "for 3 entries" }, [4], fromHost([4], [1], "int32"), 3); // nothing happens on ref and wasm: their kernels check
 */
export function checkIndexRange(
  check: { op: string; label: string; detail: () => string },
  given: unknown,
  index: Tensor,
  bound: number,
  onDevice = false,
): void {
  const backend = index.backend;
  if (!backend.asyncReads) return;
  if (!isTensor(given) && given !== null && typeof given === "object" && "length" in given) {
    const values = given as ArrayLike<number>;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < 0 || v >= bound) {
        throw new IndexError(
          `${check.op}: ${check.label} ${v} is out of range ${check.detail()}, at position ${i}`,
        );
      }
    }
    return;
  }
  if (onDevice) backend.checkIndex?.(index, bound, check);
}
