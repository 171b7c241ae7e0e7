/**
 * Resizing of channels-first tensors (N, C, ...spatial) by nearest-neighbour upsampling, as PyTorch's
 * `F.interpolate(mode="nearest")`: one index selection per spatial axis, so the gradient sums the
 * copies back (a scatter-add).
 */
import { checkTensor, describeValue, positionalOrOptions } from "../core/args.js";
import { ArgumentError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { indexSelect } from "./movement.js";

/**
 * Options of `interpolate`, the alternative to its positional arguments: exactly one of `size` (the
 * output's spatial size) or `scaleFactor` (output = floor(input · factor)).
 * @example
 * interpolate(tensor([[[1, 2]]]), { scaleFactor: 2 }).toArray(); // [[[1, 1, 2, 2]]]
 * interpolate(tensor([[[1, 2]]]), { size: 3 }).toArray(); // [[[1, 1, 2]]]
 */
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  /** Only "nearest" for now (the default). */
  mode?: "nearest";
}

/**
 * Nearest-neighbour resize of `x` (N, C, L), (N, C, H, W) or (N, C, D, H, W): output position o reads
 * input position floor(o · scale), with scale = 1 / scaleFactor when a factor is given and
 * input / output otherwise, as PyTorch. Arguments in PyTorch's order, `(x, size, scaleFactor,
 * mode = "nearest")`, or an options object after `x`.
 * @example
 * interpolate(randn([1, 3, 14, 14]), { scaleFactor: 2 }).shape // [1, 3, 28, 28]
 * const x = randn([1, 3, 5]);
 * interpolate(x, null, 2).shape; // [1, 3, 10]: as F.interpolate(x, None, 2)
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor;
export function interpolate(
  x: Tensor,
  size?: number | readonly number[] | null,
  scaleFactor?: number | readonly number[] | null,
  mode?: "nearest",
): Tensor;
export function interpolate(x: Tensor, ...rest: unknown[]): Tensor {
  const op = "interpolate";
  const options = positionalOrOptions(op, ["x"], rest, ["size", "scaleFactor", "mode"]) as InterpolateOptions;
  checkTensor(op, "x", x);
  if (x.rank < 3 || x.rank > 5) {
    throw new ShapeError(
      `${op}: expected input (N, C, ...spatial) with 1 to 3 spatial axes, got ${fmtShape(x.shape)}`,
    );
  }
  if ((options.mode ?? "nearest") !== "nearest") {
    throw new ValueError(`${op}: mode must be "nearest", got "${options.mode}"`);
  }
  const nd = x.rank - 2;
  const input = x.shape.slice(2);
  const size = options.size ?? undefined;
  const scaleFactor = options.scaleFactor ?? undefined;
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new ValueError(`${op}: give exactly one of size and scaleFactor`);
  }
  const expandArg = (v: number | readonly number[], name: string): number[] => {
    if (typeof v !== "number" && !Array.isArray(v)) {
      throw new ArgumentError(`${op}: ${name} must be a number or a list of ${nd}, got ${describeValue(v)}`);
    }
    const list = typeof v === "number" ? new Array<number>(nd).fill(v) : [...v];
    if (list.length !== nd || list.some((s) => !(s > 0) || !Number.isFinite(s))) {
      throw new ValueError(
        `${op}: ${name} must be a positive number or a list of ${nd}, got ${JSON.stringify(v)}`,
      );
    }
    return list;
  };
  const factors = scaleFactor === undefined ? null : expandArg(scaleFactor, "scaleFactor");
  const out = size !== undefined ? expandArg(size, "size") : input.map((v, d) => Math.floor(v * factors![d]));
  if (out.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ValueError(`${op}: output size ${out.join("×")} must be positive integers`);
  }
  let y = x;
  for (let d = 0; d < nd; d++) {
    if (out[d] === input[d]) continue;
    // PyTorch computes the source index in float32
    const scale = Math.fround(factors ? 1 / factors[d] : input[d] / out[d]);
    const index = Array.from({ length: out[d] }, (_, o) =>
      Math.min(Math.floor(Math.fround(o * scale)), input[d] - 1),
    );
    y = indexSelect(y, d + 2, index);
  }
  return y;
}
