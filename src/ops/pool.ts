/**
 * Pooling over channels-first tensors (N, C, L) and (N, C, H, W), matched to PyTorch. The windows are
 * one gather (`windows.ts`) laid out with the kernel axis last, then a max or mean over that axis, so
 * the backward pass is the reduction's gradient followed by a scatter-add: no kernel of its own.
 */
import { checkArity, checkBoolean, checkTensor, positionalOrOptions } from "../core/args.js";
import { ArgumentError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "./creation.js";
import { matmul } from "./linalg.js";
import { contiguous, permute, reshape, transpose } from "./movement.js";
import { max, mean, sum } from "./reduce.js";
import {
  type PaddingArg,
  type SizeArg,
  type WindowSpec,
  batched,
  fmtSize,
  gatherWindows,
  sizes,
  symmetricPads,
  windowSpec,
} from "./windows.js";

/**
 * Options of `maxPool1d` / `maxPool2d`, the alternative to their positional arguments.
 * @example
 * maxPool2d(randn([1, 8, 32, 32]), 3, { stride: 2, padding: 1 }).shape; // [1, 8, 16, 16]
 */
export interface MaxPoolOptions {
  /** Step between windows (default, or null: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit −∞ padding on both sides, at most half the (dilated) kernel (default 0). */
  padding?: PaddingArg;
  dilation?: SizeArg;
  /** Round the output size up instead of down, so the last partial window counts (default false). */
  ceilMode?: boolean;
}

/**
 * Options of `avgPool1d` / `avgPool2d`, the alternative to their positional arguments.
 * @example
 * const x = ones([1, 1, 3, 3]);
 * avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false }).min().item(); // 1
 * avgPool2d(x, 3, { stride: 1, padding: 1 }).min().item(); // 0.4444: a corner counts 5 zeros of padding
 */
export interface AvgPoolOptions {
  /** Step between windows (default, or null: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: PaddingArg;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count padding zeros in the average's divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size (null: the window size). */
  divisorOverride?: number | null;
}

function layoutOf(nd: number): string {
  return nd === 1 ? "(N, C, L)" : "(N, C, H, W)";
}

function prod(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/**
 * Windows of `x` (N, C, ...spatial) as (K, N·C·P): kernel elements on the leading axis, so the max or
 * sum over a window is a reduction over a leading axis (a fast column reduction on SIMD backends).
 */
function windowsFirst(x: Tensor, spec: WindowSpec, padValue: number): Tensor {
  const [n, c] = x.shape;
  const k = prod(spec.kernel);
  const p = prod(spec.out);
  const cols = reshape(gatherWindows(x, spec, "kernel", padValue), [n * c, k, p]);
  return reshape(contiguous(permute(cols, [1, 0, 2])), [k, n * c * p]);
}

function poolSpec(
  op: string,
  nd: number,
  x: Tensor,
  kernelSize: SizeArg,
  options: { stride?: SizeArg | null; padding?: PaddingArg; dilation?: SizeArg; ceilMode?: boolean },
  halfOf: (k: number, d: number) => number,
): WindowSpec {
  const kernel = sizes(op, "kernelSize", kernelSize, nd);
  const stride = sizes(op, "stride", options.stride ?? kernel, nd);
  const dilation = sizes(op, "dilation", options.dilation ?? 1, nd);
  const pads = symmetricPads(op, options.padding ?? 0, nd);
  checkBoolean(op, "ceilMode", options.ceilMode, false);
  pads.forEach(([p], d) => {
    if (p > halfOf(kernel[d], dilation[d])) {
      throw new ValueError(
        `${op}: padding ${p} must be at most half the kernel ${fmtSize(kernel)}` +
          (dilation[d] > 1 ? ` dilated by ${dilation[d]}` : ""),
      );
    }
  });
  return windowSpec(op, x.shape.slice(2), kernel, stride, dilation, pads, options.ceilMode ?? false);
}

function maxPoolNd(
  op: string,
  nd: number,
  input: Tensor,
  kernelSize: SizeArg,
  options: MaxPoolOptions,
): Tensor {
  const { x, unbatched } = batched(op, input, nd, layoutOf(nd));
  const spec = poolSpec(op, nd, x, kernelSize, options, (k, d) => (d * (k - 1) + 1) / 2);
  // ties share the gradient equally (PyTorch gives it all to the first maximum)
  const y = reshape(max(windowsFirst(x, spec, Number.NEGATIVE_INFINITY), 0), [
    x.shape[0],
    x.shape[1],
    ...spec.out,
  ]);
  return unbatched ? reshape(y, y.shape.slice(1)) : y;
}

const MAX_POOL_ARGS = ["stride", "padding", "dilation", "ceilMode", "returnIndices"] as const;
const AVG_POOL_ARGS = ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"] as const;

/** The options of a pooling call, from its positional arguments or its options object, checked. */
function poolArgs<K extends string>(
  op: string,
  x: unknown,
  rest: readonly unknown[],
  names: readonly K[],
): Partial<Record<K, unknown>> {
  const o = positionalOrOptions(op, ["x", "kernelSize"], rest, names) as Record<string, unknown>;
  checkTensor(op, "x", x);
  if (o.returnIndices !== undefined && o.returnIndices !== false) {
    throw new ArgumentError(
      `${op}: returnIndices is not supported (got ${String(o.returnIndices)}); take argmax over unfold(x, ...) for the positions`,
    );
  }
  return o as Partial<Record<K, unknown>>;
}

/**
 * Max over sliding windows of `x` (N, C, L). Padding is −∞ (it never wins). Arguments in PyTorch's
 * order, `(x, kernelSize, stride = kernelSize, padding = 0, dilation = 1, ceilMode = false)`, or an
 * options object after `kernelSize`.
 * @example
 * maxPool1d(randn([8, 16, 100]), 2).shape // [8, 16, 50]
 * maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2, 1).toArray(); // [[[3, 3, 5, 5]]]
 */
export function maxPool1d(x: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor;
export function maxPool1d(
  x: Tensor,
  kernelSize: SizeArg,
  stride?: SizeArg | null,
  padding?: PaddingArg,
  dilation?: SizeArg,
  ceilMode?: boolean,
  returnIndices?: false,
): Tensor;
export function maxPool1d(x: Tensor, kernelSize: SizeArg, ...rest: unknown[]): Tensor {
  return maxPoolNd(
    "maxPool1d",
    1,
    x,
    kernelSize,
    poolArgs("maxPool1d", x, rest, MAX_POOL_ARGS) as MaxPoolOptions,
  );
}

/**
 * Max over sliding windows of `x` (N, C, H, W); the stride defaults to the kernel size. Where a
 * window has several equal maxima the gradient is shared equally among them (PyTorch gives it all to
 * the first); elsewhere it matches PyTorch. Arguments in PyTorch's order, `(x, kernelSize, stride =
 * kernelSize, padding = 0, dilation = 1, ceilMode = false)`, or an options object after `kernelSize`.
 * @example
 * maxPool2d(randn([64, 32, 28, 28]), 2).shape // [64, 32, 14, 14]
 * const x = randn([1, 4, 9, 9]);
 * maxPool2d(x, 3, 2, 1).shape; // [1, 4, 5, 5]: as F.max_pool2d(x, 3, 2, 1)
 */
export function maxPool2d(x: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor;
export function maxPool2d(
  x: Tensor,
  kernelSize: SizeArg,
  stride?: SizeArg | null,
  padding?: PaddingArg,
  dilation?: SizeArg,
  ceilMode?: boolean,
  returnIndices?: false,
): Tensor;
export function maxPool2d(x: Tensor, kernelSize: SizeArg, ...rest: unknown[]): Tensor {
  return maxPoolNd(
    "maxPool2d",
    2,
    x,
    kernelSize,
    poolArgs("maxPool2d", x, rest, MAX_POOL_ARGS) as MaxPoolOptions,
  );
}

/** Per output position, the number PyTorch divides a window's sum by. */
function avgDivisors(spec: WindowSpec, countIncludePad: boolean): number[] {
  const nd = spec.out.length;
  let out = [1];
  for (let d = 0; d < nd; d++) {
    const along: number[] = [];
    for (let o = 0; o < spec.out[d]; o++) {
      const pad = spec.pads[d][0];
      let start = o * spec.stride[d] - pad;
      let end = Math.min(start + spec.kernel[d], spec.input[d] + pad);
      const withPad = end - start;
      start = Math.max(start, 0);
      end = Math.min(end, spec.input[d]);
      along.push(countIncludePad ? withPad : end - start);
    }
    out = out.flatMap((v) => along.map((a) => v * a));
  }
  return out;
}

function avgPoolNd(
  op: string,
  nd: number,
  input: Tensor,
  kernelSize: SizeArg,
  options: AvgPoolOptions,
): Tensor {
  const { x, unbatched } = batched(op, input, nd, layoutOf(nd));
  const spec = poolSpec(op, nd, x, kernelSize, options, (k) => k / 2);
  const sums = reshape(sum(windowsFirst(x, spec, 0), 0), [x.shape[0], x.shape[1], ...spec.out]);
  let y: Tensor;
  const countIncludePad = checkBoolean(op, "countIncludePad", options.countIncludePad, true);
  if (options.divisorOverride !== undefined && options.divisorOverride !== null) {
    if (typeof options.divisorOverride !== "number" || !(options.divisorOverride > 0))
      throw new ValueError(`${op}: divisorOverride must be positive, got ${options.divisorOverride}`);
    y = sums.div(options.divisorOverride);
  } else {
    const divisors = avgDivisors(spec, countIncludePad);
    y = divisors.every((v) => v === divisors[0])
      ? sums.div(divisors[0])
      : sums.div(fromHost(divisors, spec.out, sums.dtype));
  }
  return unbatched ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * Mean over sliding windows of `x` (N, C, L). Arguments in PyTorch's order, `(x, kernelSize, stride =
 * kernelSize, padding = 0, ceilMode = false, countIncludePad = true)`, or an options object after
 * `kernelSize`.
 * @example
 * avgPool1d(randn([8, 16, 100]), 4).shape // [8, 16, 25]
 * avgPool1d(tensor([[[1, 3, 2, 6]]]), 2).toArray(); // [[[2, 4]]]
 */
export function avgPool1d(x: Tensor, kernelSize: SizeArg, options?: AvgPoolOptions): Tensor;
export function avgPool1d(
  x: Tensor,
  kernelSize: SizeArg,
  stride?: SizeArg | null,
  padding?: PaddingArg,
  ceilMode?: boolean,
  countIncludePad?: boolean,
): Tensor;
export function avgPool1d(x: Tensor, kernelSize: SizeArg, ...rest: unknown[]): Tensor {
  const o = poolArgs("avgPool1d", x, rest, AVG_POOL_ARGS.slice(0, 4));
  return avgPoolNd("avgPool1d", 1, x, kernelSize, o as AvgPoolOptions);
}

/**
 * Mean over sliding windows of `x` (N, C, H, W); the stride defaults to the kernel size. By default
 * padding zeros count in the divisor (`countIncludePad`), as PyTorch. Arguments in PyTorch's order,
 * `(x, kernelSize, stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true,
 * divisorOverride = null)`, or an options object after `kernelSize`.
 * @example
 * avgPool2d(randn([1, 3, 32, 32]), 2).shape // [1, 3, 16, 16]
 * const x = randn([1, 2, 6, 6]);
 * avgPool2d(x, 3, 1, 1, false, false).shape; // [1, 2, 6, 6]: as F.avg_pool2d(x, 3, 1, 1, False, False)
 */
export function avgPool2d(x: Tensor, kernelSize: SizeArg, options?: AvgPoolOptions): Tensor;
export function avgPool2d(
  x: Tensor,
  kernelSize: SizeArg,
  stride?: SizeArg | null,
  padding?: PaddingArg,
  ceilMode?: boolean,
  countIncludePad?: boolean,
  divisorOverride?: number | null,
): Tensor;
export function avgPool2d(x: Tensor, kernelSize: SizeArg, ...rest: unknown[]): Tensor {
  const o = poolArgs("avgPool2d", x, rest, AVG_POOL_ARGS);
  return avgPoolNd("avgPool2d", 2, x, kernelSize, o as AvgPoolOptions);
}

/**
 * An output size per spatial axis; null keeps that axis's input size.
 * @example
 * const s: AdaptiveSize = [7, null];
 * adaptiveAvgPool2d(randn([1, 2, 14, 5]), s).shape; // [1, 2, 7, 5]
 */
export type AdaptiveSize = number | readonly (number | null)[];

/** The averaging matrix [out, in] of adaptive pooling along one axis: windows floor(i·in/out)..ceil((i+1)·in/out). */
function adaptiveMatrix(inSize: number, outSize: number, dtype: Tensor["dtype"]): Tensor {
  const m = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) m[i * inSize + j] = 1 / (end - start);
  }
  return fromHost(m, [outSize, inSize], dtype);
}

function adaptiveSizes(op: string, outputSize: AdaptiveSize, input: readonly number[]): number[] {
  const nd = input.length;
  const list = typeof outputSize === "number" ? new Array(nd).fill(outputSize) : [...outputSize];
  if (list.length !== nd || list.some((v) => v !== null && (!Number.isInteger(v) || v < 1))) {
    throw new ValueError(
      `${op}: outputSize must be a positive integer or a list of ${nd} (null keeps a size), got ${JSON.stringify(outputSize)}`,
    );
  }
  return list.map((v, d) => (v === null ? input[d] : v));
}

/**
 * Average pooling to a fixed output size whatever the input size, as PyTorch's adaptive pooling
 * (windows of varying size, floor(i·in/out) to ceil((i+1)·in/out)). Computed as two small matmuls.
 * @example
 * adaptiveAvgPool2d(randn([2, 512, 13, 17]), [7, 7]).shape // [2, 512, 7, 7]
 * adaptiveAvgPool2d(tensor([[[[1, 2], [3, 4]]]]), 1).toArray(); // [[[[2.5]]]]
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize, ...extra: never[]): Tensor {
  checkArity("adaptiveAvgPool2d", [input, outputSize, ...extra], ["x", "outputSize"]);
  checkTensor("adaptiveAvgPool2d", "x", input);
  const { x, unbatched } = batched("adaptiveAvgPool2d", input, 2, "(N, C, H, W)");
  const [h, w] = x.shape.slice(2);
  const [oh, ow] = adaptiveSizes("adaptiveAvgPool2d", outputSize, [h, w]);
  const fdt = x.dtype === "float64" ? "float64" : "float32";
  // out = A_h · x · A_wᵀ per (n, c): averaging is separable
  const y = matmul(adaptiveMatrix(h, oh, fdt), matmul(x, transpose(adaptiveMatrix(w, ow, fdt), 0, 1)));
  return unbatched ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * Adaptive average pooling of `x` (N, C, L) to `outputSize` positions.
 * @example
 * adaptiveAvgPool1d(randn([2, 8, 100]), 10).shape // [2, 8, 10]
 * adaptiveAvgPool1d(tensor([[[1, 2, 3]]]), 2).toArray(); // [[[1.5, 2.5]]]: windows 0..2 and 1..3
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: AdaptiveSize, ...extra: never[]): Tensor {
  checkArity("adaptiveAvgPool1d", [input, outputSize, ...extra], ["x", "outputSize"]);
  checkTensor("adaptiveAvgPool1d", "x", input);
  const { x, unbatched } = batched("adaptiveAvgPool1d", input, 1, "(N, C, L)");
  const [o] = adaptiveSizes("adaptiveAvgPool1d", outputSize, [x.shape[2]]);
  const fdt = x.dtype === "float64" ? "float64" : "float32";
  const y = matmul(x, transpose(adaptiveMatrix(x.shape[2], o, fdt), 0, 1));
  return unbatched ? reshape(y, y.shape.slice(1)) : y;
}

function checkGlobal(op: string, x: Tensor): number[] {
  if (x.rank < 3) {
    throw new ShapeError(
      `${op}: expected input (N, C, ...spatial) with at least one spatial axis, got ${fmtShape(x.shape)}`,
    );
  }
  return Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
}

/**
 * Mean over all spatial axes: (N, C, ...spatial) → (N, C), as Keras's GlobalAveragePooling2D
 * (`adaptiveAvgPool2d(x, 1)` keeps the (N, C, 1, 1) shape instead).
 * @example globalAvgPool2d(randn([8, 64, 7, 7])).shape // [8, 64]
 */
export function globalAvgPool2d(x: Tensor): Tensor {
  checkTensor("globalAvgPool2d", "x", x);
  return mean(x, checkGlobal("globalAvgPool2d", x));
}

/**
 * Max over all spatial axes: (N, C, ...spatial) → (N, C).
 * @example globalMaxPool2d(randn([8, 64, 7, 7])).shape // [8, 64]
 */
export function globalMaxPool2d(x: Tensor): Tensor {
  checkTensor("globalMaxPool2d", "x", x);
  return max(x, checkGlobal("globalMaxPool2d", x));
}
