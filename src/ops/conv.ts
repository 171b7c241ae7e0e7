/**
 * Convolutions over channels-first tensors (N, C, L) and (N, C, H, W), as PyTorch lays them out:
 * weights are (out, in / groups, ...kernel). Each is composed from primitives: pad, one gather of the
 * windows (im2col, `windows.ts`) and a batched matmul, so the input's gradient is a scatter-add
 * (col2im); transposed convolution is the matmul followed by that scatter-add. Autograd and every
 * backend work with no kernel of their own. Inside, an ungrouped convolution works channels-last
 * (see `convChannelsLast`); inputs and outputs are always channels-first.
 */
import {
  checkNumber,
  checkOptionalTensor,
  checkTensor,
  describeValue,
  isOptionsObject,
  positionalOrOptions,
} from "../core/args.js";
import { ArgumentError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { channelwise } from "./channels.js";
import { matmul } from "./linalg.js";
import { contiguous, indexSelect, pad, permute, reshape, transpose } from "./movement.js";
import {
  type PaddingArg,
  type SizeArg,
  type WindowSpec,
  batched,
  fmtSize,
  gatherWindows,
  scatterWindows,
  sizes,
  symmetricPads,
  windowOffsets,
  windowSpec,
} from "./windows.js";

/**
 * Padding of `conv1d` / `conv2d`: a number or one per spatial axis (zeros on both sides), `"valid"`
 * (none) or `"same"` (output as large as the input; stride 1 only, and the odd extra element goes on
 * the right/bottom, as PyTorch).
 * @example
 * const p: ConvPadding = "same";
 * conv2d(randn([1, 1, 5, 5]), randn([2, 1, 3, 3]), null, { padding: p }).shape; // [1, 2, 5, 5]
 */
export type ConvPadding = PaddingArg | "same" | "valid";

/**
 * Options of `conv1d` / `conv2d`, the alternative to their positional arguments (see `ConvPadding`).
 * @example
 * const x = randn([1, 3, 8, 8]), w = randn([4, 3, 3, 3]), b = zeros([4]);
 * conv2d(x, w, b, { stride: 2, padding: 1 }).shape; // [1, 4, 4, 4]
 */
export interface ConvOptions {
  stride?: SizeArg;
  padding?: ConvPadding;
  dilation?: SizeArg;
  /** Split the channels into this many independent groups (in and out channels both divisible). */
  groups?: number;
}

/**
 * Options of `convTranspose1d` / `convTranspose2d`, the alternative to their positional arguments.
 * @example
 * const x = randn([1, 4, 4, 4]), w = randn([4, 3, 3, 3]);
 * convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }).shape; // [1, 3, 8, 8]
 */
export interface ConvTransposeOptions {
  stride?: SizeArg;
  /** Crops this much from both sides of each spatial axis of the full output (PyTorch's `padding`). */
  padding?: PaddingArg;
  /** Extra size added to one side (right/bottom) of the output, to pick among the sizes a strided conv maps from. */
  outputPadding?: SizeArg;
  dilation?: SizeArg;
  groups?: number;
}

function prod(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

function layoutOf(nd: number, c: number | string): string {
  return nd === 1 ? `(N, ${c}, L)` : nd === 2 ? `(N, ${c}, H, W)` : `(N, ${c}, D, H, W)`;
}

function checkGroups(op: string, groups: number): number {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ValueError(`${op}: groups must be a positive integer, got ${groups}`);
  }
  return groups;
}

function checkBias(op: string, bias: Tensor | null | undefined, channels: number): void {
  if (bias && (bias.rank !== 1 || bias.shape[0] !== channels)) {
    throw new ShapeError(`${op}: bias must have shape (${channels},), got ${fmtShape(bias.shape)}`);
  }
}

function addBias(y: Tensor, bias: Tensor | null | undefined): Tensor {
  return bias ? channelwise("add", y, bias) : y;
}

function convPads(
  op: string,
  padding: ConvOptions["padding"],
  kernel: number[],
  stride: number[],
  dilation: number[],
): [number, number][] {
  const nd = kernel.length;
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new ValueError(`${op}: padding "same" needs stride 1, got stride ${fmtSize(stride)}`);
    }
    return kernel.map((k, d) => {
      const total = dilation[d] * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  if (typeof padding === "string") {
    throw new ValueError(`${op}: padding must be a number, a list, "same" or "valid", got "${padding}"`);
  }
  return symmetricPads(op, padding ?? 0, nd);
}

/**
 * An ungrouped convolution computed channels-last: the windows are gathered from the (N, ...padded, C)
 * layout as rows of C contiguous values, giving columns (N, P, K·C) that multiply the weight
 * (O, K·C) in one matmul per sample. Every matmul of the forward and backward pass then reads its
 * operands with unit stride, and col2im adds whole rows. Returns (N, O, ...out), contiguous.
 */
function convChannelsLast(x: Tensor, weight: Tensor, spec: WindowSpec): Tensor {
  const [n, c] = x.shape;
  const o = weight.shape[0];
  const nd = spec.out.length;
  const k = prod(spec.kernel);
  const toLast = [0, ...Array.from({ length: nd }, (_, i) => i + 2), 1];
  let xl = contiguous(permute(x, toLast));
  if (spec.pads.some(([b, a]) => b > 0 || a > 0)) xl = pad(xl, [[0, 0], ...spec.pads, [0, 0]]);
  const offsets = windowOffsets(spec, "position");
  const cols = indexSelect(
    reshape(xl, [n, prod(spec.padded), c]),
    1,
    offsets, // from the host, so webgpu checks it there and not with a dispatch of its own
  );
  // weight (O, C, ...kernel) in the columns' (kernel, channel) order
  const w = reshape(contiguous(permute(weight, toLast)), [o, k * c]);
  const y = matmul(reshape(cols, [n, prod(spec.out), k * c]), transpose(w, 0, 1));
  const toFirst = [0, nd + 1, ...Array.from({ length: nd }, (_, i) => i + 1)];
  return contiguous(permute(reshape(y, [n, ...spec.out, o]), toFirst));
}

/** The shared body of conv1d/conv2d/conv3d. */
function convNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvOptions,
): Tensor {
  const { x, unbatched } = batched(op, input, nd, layoutOf(nd, "C_in"));
  const groups = checkGroups(op, options.groups ?? 1);
  if (weight.rank !== nd + 2) {
    throw new ShapeError(
      `${op}: weight must have shape (C_out, C_in / groups, ${nd === 1 ? "kL" : "kH, kW"}), got ${fmtShape(weight.shape)}`,
    );
  }
  const [n, c] = x.shape;
  const [o, cg] = weight.shape;
  if (cg * groups !== c) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} has ${c} channels, but weight ${fmtShape(weight.shape)} ` +
        `with groups ${groups} expects ${cg * groups}`,
    );
  }
  if (o % groups !== 0) {
    throw new ShapeError(`${op}: ${o} output channels are not divisible by groups ${groups}`);
  }
  checkBias(op, bias, o);
  const kernel = weight.shape.slice(2);
  const stride = sizes(op, "stride", options.stride ?? 1, nd);
  const dilation = sizes(op, "dilation", options.dilation ?? 1, nd);
  const pads = convPads(op, options.padding, kernel, stride, dilation);
  const spec = windowSpec(op, x.shape.slice(2), kernel, stride, dilation, pads);
  const k = prod(kernel);
  const p = prod(spec.out);
  let y: Tensor;
  if (groups === 1) {
    y = convChannelsLast(x, weight, spec);
  } else {
    // cols [N, G, Cg·K, P]; weight [G, O/G, Cg·K]: y = W · cols per sample and group
    const cols = reshape(gatherWindows(x, spec, "kernel"), [n, groups, cg * k, p]);
    y = reshape(matmul(reshape(weight, [groups, o / groups, cg * k]), cols), [n, o, ...spec.out]);
  }
  y = addBias(y, bias);
  return unbatched ? reshape(y, y.shape.slice(1)) : y;
}

const CONV_ARGS = ["stride", "padding", "dilation", "groups"] as const;
const CONV_TRANSPOSE_ARGS = ["stride", "padding", "outputPadding", "groups", "dilation"] as const;

/** x, weight, bias and the options of a convolution, checked, from either calling form. */
function convArgs<K extends string>(
  op: string,
  x: unknown,
  weight: unknown,
  rest: readonly unknown[],
  names: readonly K[],
): { x: Tensor; weight: Tensor; bias: Tensor | null; options: Partial<Record<K, unknown>> } {
  if (isOptionsObject(rest[0])) {
    throw new ArgumentError(
      `${op}: bias (argument 3) must be a Tensor or null, got ${describeValue(rest[0])}; ` +
        `options go after the bias: ${op}(x, weight, null, { ... })`,
    );
  }
  const options = positionalOrOptions(op, ["x", "weight", "bias"], rest.slice(1), names);
  const groups = (options as Record<string, unknown>).groups;
  if (groups !== undefined) checkNumber(op, "groups", groups);
  return {
    x: checkTensor(op, "x", x),
    weight: checkTensor(op, "weight", weight),
    bias: checkOptionalTensor(op, "bias", rest[0]),
    options,
  };
}

/**
 * 1-D convolution (cross-correlation, as PyTorch) of `x` (N, C_in, L) with `weight`
 * (C_out, C_in / groups, kL) and an optional `bias` (C_out). Arguments in PyTorch's order,
 * `(x, weight, bias, stride = 1, padding = 0, dilation = 1, groups = 1)`, or an options object
 * after `bias`.
 * @example
 * conv1d(randn([8, 4, 100]), randn([16, 4, 3]), null, { padding: "same" }).shape // [8, 16, 100]
 * const x = randn([1, 2, 10]), w = randn([4, 2, 3]), b = zeros([4]);
 * conv1d(x, w, b, 2, 1).shape; // [1, 4, 5]: stride 2, padding 1, as F.conv1d(x, w, b, 2, 1)
 * conv1d(tensor([[[1, 2, 3, 4]]]), tensor([[[1, 0, -1]]])).toArray(); // [[[-2, -2]]]: cross-correlation
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor;
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: SizeArg,
  padding?: ConvPadding,
  dilation?: SizeArg,
  groups?: number,
): Tensor;
export function conv1d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  const a = convArgs("conv1d", x, weight, rest, CONV_ARGS);
  return convNd("conv1d", 1, a.x, a.weight, a.bias, a.options as ConvOptions);
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of `x` (N, C_in, H, W) with `weight`
 * (C_out, C_in / groups, kH, kW) and an optional `bias` (C_out); output (N, C_out, H_out, W_out)
 * with H_out = floor((H + padding_top + padding_bottom − dilation·(kH − 1) − 1) / stride) + 1.
 * `groups` = C_in = C_out is a depthwise convolution. Arguments in PyTorch's order,
 * `(x, weight, bias, stride = 1, padding = 0, dilation = 1, groups = 1)`, or an options object
 * after `bias`.
 * @example
 * conv2d(randn([64, 1, 28, 28]), randn([32, 1, 5, 5]), zeros([32]), { padding: 2 }).shape // [64, 32, 28, 28]
 * const x = randn([2, 3, 9, 9]), w = randn([8, 3, 4, 4]);
 * conv2d(x, w, null, 1, "same").shape; // [2, 8, 9, 9]: as F.conv2d(x, w, None, 1, "same")
 * conv2d(x, randn([3, 1, 3, 3]), null, { groups: 3 }).shape; // [2, 3, 7, 7]: depthwise
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor;
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: SizeArg,
  padding?: ConvPadding,
  dilation?: SizeArg,
  groups?: number,
): Tensor;
export function conv2d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  const a = convArgs("conv2d", x, weight, rest, CONV_ARGS);
  return convNd("conv2d", 2, a.x, a.weight, a.bias, a.options as ConvOptions);
}

/** The shared body of the transposed convolutions: the adjoint of convNd with respect to its input. */
function convTransposeNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvTransposeOptions,
): Tensor {
  const { x, unbatched } = batched(op, input, nd, layoutOf(nd, "C_in"));
  const groups = checkGroups(op, options.groups ?? 1);
  if (weight.rank !== nd + 2) {
    throw new ShapeError(
      `${op}: weight must have shape (C_in, C_out / groups, ${nd === 1 ? "kL" : "kH, kW"}), got ${fmtShape(weight.shape)}`,
    );
  }
  const [n, c] = x.shape;
  const [wc, og] = weight.shape;
  if (wc !== c || c % groups !== 0) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} has ${c} channels, but weight ${fmtShape(weight.shape)} ` +
        `expects ${wc}${c % groups === 0 ? "" : ` (and ${c} is not divisible by groups ${groups})`}`,
    );
  }
  const o = og * groups;
  checkBias(op, bias, o);
  const kernel = weight.shape.slice(2);
  const stride = sizes(op, "stride", options.stride ?? 1, nd);
  const dilation = sizes(op, "dilation", options.dilation ?? 1, nd);
  const padding = sizes(op, "padding", options.padding ?? 0, nd, 0);
  const outputPadding = sizes(op, "outputPadding", options.outputPadding ?? 0, nd, 0);
  outputPadding.forEach((v, d) => {
    if (v >= Math.max(stride[d], dilation[d])) {
      throw new ValueError(
        `${op}: outputPadding ${fmtSize(outputPadding)} must be smaller than stride or dilation (${fmtSize(stride)}, ${fmtSize(dilation)})`,
      );
    }
  });
  const inSize = x.shape.slice(2);
  const outSize = inSize.map(
    (v, d) => (v - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + outputPadding[d] + 1,
  );
  if (outSize.some((v) => v < 1)) {
    throw new ShapeError(
      `${op}: padding ${fmtSize(padding)} leaves no output for input ${fmtShape(input.shape)} and kernel ${fmtSize(kernel)} (output ${fmtSize(outSize)})`,
    );
  }
  // the windows of a conv from the output back to this input: the same geometry, seen the other way
  const spec = {
    ...windowSpec(
      op,
      outSize,
      kernel,
      stride,
      dilation,
      padding.map((v) => [v, v]),
    ),
    // one window per input position (with outputPadding ≥ stride a conv would find one more)
    out: inSize,
  };
  const k = prod(kernel);
  const p = prod(inSize);
  // cols[n, g, (o, k), p] = Σ_c W[g, c, (o, k)] x[n, g, c, p]
  const w = transpose(reshape(weight, [groups, c / groups, og * k]), -1, -2);
  const cols = matmul(w, reshape(x, [n, groups, c / groups, p]));
  const y = addBias(scatterWindows(reshape(cols, [n * o, k * p]), n, o, spec), bias);
  return unbatched ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 1-D transposed convolution ("deconvolution") of `x` (N, C_in, L) with `weight`
 * (C_in, C_out / groups, kL): the gradient of `conv1d` with respect to its input. Arguments in
 * PyTorch's order, `(x, weight, bias, stride = 1, padding = 0, outputPadding = 0, groups = 1,
 * dilation = 1)` (groups before dilation, as `F.conv_transpose1d`), or an options object after `bias`.
 * @example
 * convTranspose1d(randn([2, 8, 10]), randn([8, 4, 4]), null, { stride: 2, padding: 1 }).shape // [2, 4, 20]
 * convTranspose1d(tensor([[[1, 2]]]), tensor([[[1, 1]]])).toArray(); // [[[1, 3, 2]]]
 */
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTransposeOptions,
): Tensor;
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: SizeArg,
  padding?: PaddingArg,
  outputPadding?: SizeArg,
  groups?: number,
  dilation?: SizeArg,
): Tensor;
export function convTranspose1d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  const a = convArgs("convTranspose1d", x, weight, rest, CONV_TRANSPOSE_ARGS);
  return convTransposeNd("convTranspose1d", 1, a.x, a.weight, a.bias, a.options as ConvTransposeOptions);
}

/**
 * 2-D transposed convolution of `x` (N, C_in, H, W) with `weight` (C_in, C_out / groups, kH, kW),
 * as PyTorch: H_out = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1. Computed as
 * a matmul followed by col2im (a scatter-add), so it is exactly the adjoint of `conv2d`. Arguments
 * in PyTorch's order, `(x, weight, bias, stride = 1, padding = 0, outputPadding = 0, groups = 1,
 * dilation = 1)`, or an options object after `bias`.
 * @example
 * const up = convTranspose2d(randn([1, 16, 7, 7]), randn([16, 8, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 });
 * up.shape; // [1, 8, 14, 14]
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTransposeOptions,
): Tensor;
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: SizeArg,
  padding?: PaddingArg,
  outputPadding?: SizeArg,
  groups?: number,
  dilation?: SizeArg,
): Tensor;
export function convTranspose2d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  const a = convArgs("convTranspose2d", x, weight, rest, CONV_TRANSPOSE_ARGS);
  return convTransposeNd("convTranspose2d", 2, a.x, a.weight, a.bias, a.options as ConvTransposeOptions);
}
