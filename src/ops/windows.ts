/**
 * Sliding windows over the spatial axes of a channels-first tensor (N, C, ...spatial): the im2col
 * that convolution and pooling are built on. A window is gathered with one `gather` through a
 * precomputed int32 index into the padded, flattened spatial grid, so its gradient is `scatterAdd`
 * (col2im) and every backend runs it with the primitive kernels it already has.
 */
import { describeValue } from "../core/args.js";
import { ArgumentError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "./creation.js";
import { expand, indexSelect, pad, reshape, scatterAdd, slice } from "./movement.js";

/**
 * One size per spatial axis, or one for all of them.
 * @example
 * const k: SizeArg = [3, 5];
 * nn.functional.maxPool2d(randn([1, 1, 9, 10]), k).shape; // [1, 1, 3, 2]
 */
export type SizeArg = number | readonly number[];

/**
 * Explicit padding per spatial axis (both sides), or one number for all.
 * @example
 * const p: PaddingArg = [1, 0]; // one row above and below, no columns
 * symmetricPads("conv2d", p, 2); // [[1, 1], [0, 0]]
 */
export type PaddingArg = number | readonly number[];

/**
 * The geometry of the windows of one op: sizes of the kernel, steps, padding and output.
 * @example
 * const spec: WindowSpec = windowSpec("maxPool2d", [28, 28], [2, 2], [2, 2], [1, 1], [[0, 0], [0, 0]]);
 * spec.out; // [14, 14]
 */
export interface WindowSpec {
  /** Kernel size per spatial axis. */
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** [before, after] padding per spatial axis (after includes ceil-mode overhang). */
  pads: [number, number][];
  /** Spatial sizes of the input, of the padded input and of the output. */
  input: number[];
  padded: number[];
  out: number[];
}

/**
 * Expands a size argument to one positive (or, with `min` 0, non-negative) integer per spatial axis.
 * @example
 * sizes("conv2d", "stride", 2, 2) // [2, 2]
 * sizes("conv2d", "padding", [0, 1], 2, 0); // [0, 1]
 * sizes("conv2d", "stride", [1, 2, 3], 2); // throws ValueError: a positive integer or a list of 2
 */
export function sizes(op: string, name: string, value: SizeArg, nd: number, min = 1): number[] {
  if (typeof value !== "number" && !Array.isArray(value)) {
    const what = min === 0 ? "non-negative" : "positive";
    throw new ArgumentError(
      `${op}: ${name} must be a ${what} integer or a list of ${nd}, got ${describeValue(value)}`,
    );
  }
  const list = typeof value === "number" ? new Array<number>(nd).fill(value) : [...value];
  if (list.length !== nd || list.some((v) => !Number.isInteger(v) || v < min)) {
    const what = min === 0 ? "non-negative" : "positive";
    throw new ValueError(
      `${op}: ${name} must be a ${what} integer or a list of ${nd}, got ${JSON.stringify(value)}`,
    );
  }
  return list;
}

/** "5×5"-style text of a spatial size. @example fmtSize([5, 3]) // "5×3" */
export function fmtSize(s: readonly number[]): string {
  return s.join("×");
}

/**
 * Checks the window arguments against the input's spatial sizes and works out the output size, as
 * PyTorch does: out = floor((in + padding − dilation·(kernel − 1) − 1) / stride) + 1, or with
 * `ceilMode` rounded up (a last window must still start inside the input or the left padding).
 * @example windowSpec("conv2d", [28, 28], [5, 5], [1, 1], [1, 1], [[2, 2], [2, 2]]).out // [28, 28]
 */
export function windowSpec(
  op: string,
  input: readonly number[],
  kernel: number[],
  stride: number[],
  dilation: number[],
  pads: [number, number][],
  ceilMode = false,
): WindowSpec {
  const nd = input.length;
  const out: number[] = [];
  const finalPads = pads.map(([b, a]) => [b, a] as [number, number]);
  for (let d = 0; d < nd; d++) {
    const span = dilation[d] * (kernel[d] - 1) + 1;
    const avail = input[d] + pads[d][0] + pads[d][1];
    if (span > avail) {
      const dil = dilation.some((v) => v !== 1)
        ? ` (dilated to ${fmtSize(kernel.map((k, i) => dilation[i] * (k - 1) + 1))})`
        : "";
      throw new ShapeError(
        `${op}: kernel ${fmtSize(kernel)}${dil} is larger than the padded input ` +
          `${fmtSize(input.map((v, i) => v + pads[i][0] + pads[i][1]))} ` +
          `(input ${fmtSize(input)}, padding ${pads.map((p) => p.join("+")).join(", ")})`,
      );
    }
    let o: number;
    if (ceilMode) {
      o = Math.ceil((avail - span) / stride[d]) + 1;
      // the last window must start inside the input or the left padding
      if ((o - 1) * stride[d] >= input[d] + pads[d][0]) o--;
      finalPads[d][1] += Math.max(0, (o - 1) * stride[d] + span - avail);
    } else {
      o = Math.floor((avail - span) / stride[d]) + 1;
    }
    out.push(o);
  }
  const padded = input.map((v, d) => v + finalPads[d][0] + finalPads[d][1]);
  return { kernel, stride, dilation, pads: finalPads, input: [...input], padded, out };
}

/** Row-major flat offsets Σ iᵈ·stepᵈ of every multi-index of `shape`. */
function gridOffsets(shape: readonly number[], steps: readonly number[]): Int32Array {
  let out = new Int32Array([0]);
  for (let d = 0; d < shape.length; d++) {
    const next = new Int32Array(out.length * shape[d]);
    for (let i = 0; i < out.length; i++)
      for (let j = 0; j < shape[d]; j++) next[i * shape[d] + j] = out[i] + j * steps[d];
    out = next;
  }
  return out;
}

/**
 * Flat offsets into the padded spatial grid of every (kernel offset, output position) pair, ordered
 * kernel-major (conv: [kernel..., out...]) or position-major (pooling: [out..., kernel...]).
 * @example
 * const spec = windowSpec("unfold", [3, 3], [2, 2], [1, 1], [1, 1], [[0, 0], [0, 0]]);
 * windowOffsets(spec, "kernel"); // Int32Array [0, 1, 3, 4,  1, 2, 4, 5,  3, 4, 6, 7,  4, 5, 7, 8]
 */
export function windowOffsets(spec: WindowSpec, order: "kernel" | "position"): Int32Array {
  const nd = spec.padded.length;
  const gridStrides = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) {
    gridStrides[d] = s;
    s *= spec.padded[d];
  }
  const k = gridOffsets(
    spec.kernel,
    spec.dilation.map((v, d) => v * gridStrides[d]),
  );
  const p = gridOffsets(
    spec.out,
    spec.stride.map((v, d) => v * gridStrides[d]),
  );
  const out = new Int32Array(k.length * p.length);
  if (order === "kernel") {
    for (let i = 0; i < k.length; i++) for (let j = 0; j < p.length; j++) out[i * p.length + j] = k[i] + p[j];
  } else {
    for (let j = 0; j < p.length; j++) for (let i = 0; i < k.length; i++) out[j * k.length + i] = k[i] + p[j];
  }
  return out;
}

function prod(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/**
 * The windows of `x` (N, C, ...spatial) as one gather: [N·C, K·P] in kernel-major order or [N·C, P·K]
 * in position-major order (K = kernel elements, P = output positions). Padding uses `padValue`.
 * @example
 * const x = tensor([[[[1, 2], [3, 4]]]]); // (N, C, H, W) = (1, 1, 2, 2)
 * const spec = windowSpec("maxPool2d", [2, 2], [2, 2], [2, 2], [1, 1], [[1, 1], [1, 1]]); // kernel 2, stride 2, padding 1
 * const windows = gatherWindows(x, spec, "position", Number.NEGATIVE_INFINITY); // −∞ padding
 * windows.reshape([4, 4]).max(1).toArray(); // [1, 2, 3, 4]: the max of each of the 4 windows
 */
export function gatherWindows(
  x: Tensor,
  spec: WindowSpec,
  order: "kernel" | "position",
  padValue = 0,
): Tensor {
  const [n, c] = x.shape;
  const padded = spec.pads.some(([b, a]) => b > 0 || a > 0)
    ? pad(x, [[0, 0], [0, 0], ...spec.pads], padValue)
    : x;
  const flat = reshape(padded, [n * c, prod(spec.padded)]);
  const offsets = windowOffsets(spec, order);
  // offsets from the host: webgpu range-checks them there, not with a dispatch of its own
  return indexSelect(flat, 1, offsets);
}

/**
 * The adjoint of `gatherWindows` (col2im): adds each column entry `cols` [N·C, K·P] (kernel-major)
 * back at its place in the padded grid, then crops the padding: [N, C, ...input].
 * @example
 * const spec = windowSpec("fold", [3], [2], [1], [1], [[0, 0]]); // two windows of 2 over 3 positions
 * const cols = ones([1, 4]); // [N·C, K·P]: every window entry 1
 * scatterWindows(cols, 1, 1, spec).toArray(); // [[[1, 2, 1]]]: the middle is in both windows
 */
export function scatterWindows(cols: Tensor, n: number, c: number, spec: WindowSpec): Tensor {
  const offsets = windowOffsets(spec, "kernel");
  const index = expand(reshape(fromHost(offsets, [offsets.length], "int32"), [1, offsets.length]), [
    n * c,
    offsets.length,
  ]);
  let y = reshape(scatterAdd([n * c, prod(spec.padded)], 1, index, cols), [n, c, ...spec.padded]);
  spec.pads.forEach(([before], d) => {
    if (before > 0 || spec.padded[d] !== spec.input[d]) y = slice(y, d + 2, before, before + spec.input[d]);
  });
  return y;
}

/**
 * Checks a (N, C, ...spatial) input of `nd` spatial axes, allowing an unbatched (C, ...spatial) one.
 * @example
 * const { x, unbatched } = batched("conv2d", zeros([3, 8, 8]), 2, "(N, C, H, W)");
 * x.shape; // [1, 3, 8, 8]
 * unbatched; // true
 */
export function batched(
  op: string,
  x: Tensor,
  nd: number,
  layout: string,
): { x: Tensor; unbatched: boolean } {
  if (x.rank === nd + 2) return { x, unbatched: false };
  if (x.rank === nd + 1) return { x: reshape(x, [1, ...x.shape]), unbatched: true };
  throw new ShapeError(`${op}: expected input ${layout} or unbatched, got ${fmtShape(x.shape)}`);
}

/** Padding pairs from a number or list (symmetric per axis). @example symmetricPads("conv2d", 1, 2) // [[1, 1], [1, 1]] */
export function symmetricPads(op: string, padding: PaddingArg, nd: number): [number, number][] {
  return sizes(op, "padding", padding, nd, 0).map((p) => [p, p]);
}

/**
 * Options of `unfold` and `fold`.
 * @example
 * const options: UnfoldOptions = { padding: 1, stride: 2, dilation: 1 };
 * unfold(randn([1, 2, 6, 6]), 3, options).shape; // [1, 18, 9]
 */
export interface UnfoldOptions {
  /** Spacing between kernel elements (default 1). */
  dilation?: SizeArg;
  /** Zero padding on both sides of each spatial axis (default 0). */
  padding?: PaddingArg;
  /** Step between windows (default 1). */
  stride?: SizeArg;
}

/**
 * im2col, as `torch.nn.functional.unfold`: the sliding windows of `x` (N, C, ...spatial) as columns,
 * shape (N, C·∏kernel, L) with L the number of windows. One or two spatial axes (or more).
 * @example
 * unfold(randn([2, 3, 8, 8]), 3, { padding: 1 }).shape // [2, 27, 64]
 */
export function unfold(x: Tensor, kernelSize: SizeArg, options: UnfoldOptions = {}): Tensor {
  const nd = typeof kernelSize === "number" ? Math.max(1, x.rank - 2) : kernelSize.length;
  if (x.rank !== nd + 2) {
    throw new ShapeError(
      `unfold: expected input (N, C, ...spatial) with ${nd} spatial axes, got ${fmtShape(x.shape)}`,
    );
  }
  const spec = windowSpec(
    "unfold",
    x.shape.slice(2),
    sizes("unfold", "kernelSize", kernelSize, nd),
    sizes("unfold", "stride", options.stride ?? 1, nd),
    sizes("unfold", "dilation", options.dilation ?? 1, nd),
    symmetricPads("unfold", options.padding ?? 0, nd),
  );
  const [n, c] = x.shape;
  return reshape(gatherWindows(x, spec, "kernel"), [n, c * prod(spec.kernel), prod(spec.out)]);
}

/**
 * col2im, as `torch.nn.functional.fold`: sums columns (N, C·∏kernel, L) back into an image of
 * `outputSize`, adding where windows overlap. The adjoint of `unfold`.
 * @example
 * const x = randn([1, 3, 8, 8]);
 * const back = fold(unfold(x, 2, { stride: 2 }), [8, 8], 2, { stride: 2 }); // equals x: no window overlaps
 * back.sub(x).abs().max().item(); // 0
 */
export function fold(
  cols: Tensor,
  outputSize: SizeArg,
  kernelSize: SizeArg,
  options: UnfoldOptions = {},
): Tensor {
  const nd = typeof outputSize === "number" ? 2 : outputSize.length;
  const out = sizes("fold", "outputSize", outputSize, nd);
  const kernel = sizes("fold", "kernelSize", kernelSize, nd);
  const spec = windowSpec(
    "fold",
    out,
    kernel,
    sizes("fold", "stride", options.stride ?? 1, nd),
    sizes("fold", "dilation", options.dilation ?? 1, nd),
    symmetricPads("fold", options.padding ?? 0, nd),
  );
  const k = prod(kernel);
  const l = prod(spec.out);
  if (cols.rank !== 3 || cols.shape[1] % k !== 0 || cols.shape[2] !== l) {
    throw new ShapeError(
      `fold: expected input (N, C·${k}, ${l}) for kernel ${fmtSize(kernel)} and output ${fmtSize(out)}, got ${fmtShape(cols.shape)}`,
    );
  }
  const [n, ck] = cols.shape;
  const c = ck / k;
  return scatterWindows(reshape(cols, [n * c, k * l]), n, c, spec);
}
