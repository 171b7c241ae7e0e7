import { ArgumentError, IndexError } from "../base/errors.js";
import { describeValue, indexArg } from "../core/args.js";
import { tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { arange, fromHost } from "./creation.js";
import { cast, eq } from "./elementwise.js";
import { checkIndexRange } from "./index_check.js";
import { type IndexLike, unsqueeze } from "./movement.js";
import { max, min } from "./reduce.js";

/**
 * One-hot encoding of class indices (an int32 tensor, an `Int32Array` or a list of integers): shape
 * [..., numClasses].
 * @example oneHot([2, 0], 3).toArray() // [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(
  indices: IndexLike,
  numClasses: number,
  dtype: "float32" | "float64" | "int32" = "float32",
): Tensor {
  const idx = indexArg("oneHot", "indices", indices, fromHost);
  if (typeof numClasses !== "number" || !Number.isInteger(numClasses) || numClasses < 1) {
    throw new ArgumentError(
      `oneHot: numClasses must be a positive integer, got ${describeValue(numClasses)}`,
    );
  }
  if (idx.size > 0 && !idx.backend.asyncReads) {
    const lo = tidy(() => min(idx).item());
    const hi = tidy(() => max(idx).item());
    if (lo < 0 || hi >= numClasses) {
      throw new IndexError(
        `oneHot: class indices must be in [0, ${numClasses}), got values from ${lo} to ${hi}`,
      );
    }
  }
  checkIndexRange(
    { op: "oneHot", label: "class index", detail: () => `for ${numClasses} classes` },
    indices,
    idx,
    numClasses,
    true,
  );
  return cast(eq(unsqueeze(idx, -1), arange(0, numClasses, 1, { dtype: "int32" })), dtype);
}
