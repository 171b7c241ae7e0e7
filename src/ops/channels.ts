/**
 * Per-channel arithmetic on channels-first tensors (N, C, ...spatial): a bias, a scale or a mean per
 * channel. Broadcasting a (C) vector over (N, C, H, W) is a 3-D pattern (stride 0, 1, 0) that SIMD
 * backends run only on their slow general path; viewing the tensor as (N·C, H·W) and the vector as
 * one value per row, (N·C, 1), makes it the 2-D row broadcast they run fast. Same values, same
 * gradients (the per-row copy sums back to (C)).
 */
import type { Tensor } from "../core/tensor.js";
import { add, mul, sub } from "./elementwise.js";
import { expand, reshape } from "./movement.js";

const OPS = { add, sub, mul } as const;

/**
 * `x op v` with `v` (C) broadcast along axis 1 of `x` (N, C, ...).
 * @example
 * const bias = tensor([1, 2]);
 * const y = channelwise("add", zeros([8, 2, 5, 5]), bias); // bias added to every position of each channel
 * y.mean([0, 2, 3]).toArray(); // [1, 2]
 */
export function channelwise(op: keyof typeof OPS, x: Tensor, v: Tensor): Tensor {
  const f = OPS[op];
  if (x.rank <= 2) return f(x, v);
  const [n, c] = x.shape;
  const rows = n * c;
  const perRow = reshape(expand(reshape(v, [1, c, 1]), [n, c, 1]), [rows, 1]);
  return reshape(f(reshape(x, [rows, x.size / rows || 0]), perRow), x.shape);
}
