import { ValueError } from "../base/errors.js";
import { tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { arange } from "./creation.js";
import { cast, eq } from "./elementwise.js";
import { checkIndex, unsqueeze } from "./movement.js";
import { max, min } from "./reduce.js";

/** One-hot encoding of int32 class indices: shape [..., numClasses]. */
export function oneHot(
  indices: Tensor,
  numClasses: number,
  dtype: "float32" | "float64" | "int32" = "float32",
): Tensor {
  checkIndex("oneHot", indices);
  if (indices.size > 0) {
    const lo = tidy(() => min(indices).item());
    const hi = tidy(() => max(indices).item());
    if (lo < 0 || hi >= numClasses) {
      throw new ValueError(
        `oneHot: class indices must be in [0, ${numClasses}), got values from ${lo} to ${hi}`,
      );
    }
  }
  return cast(eq(unsqueeze(indices, -1), arange(0, numClasses, 1, { dtype: "int32" })), dtype);
}
