import { backendOf, record, wrap } from "../core/dispatch.js";
import { checkArity, checkTensor, describeValue, indexArg } from "../core/args.js";
import { ArgumentError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { contiguousStrides, isContiguous, normAxis, normAxes, sizeOf } from "../base/shape.js";
import type { Tensor } from "../core/tensor.js";
import { promoteTypes } from "../base/dtype.js";
import { fromHost } from "./creation.js";
import { cast } from "./elementwise.js";
import { checkIndexRange } from "./index_check.js";

/**
 * Accepts `f(2, 3)` and `f([2, 3])` alike.
 * @example
 * shapeArg([2, 3]); // [2, 3]
 * shapeArg([[2, 3]]); // [2, 3]
 */
export function shapeArg(args: readonly number[] | readonly [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : [...(args as readonly number[])];
}

function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1))
    throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  if (free >= 0) {
    const rest = out.reduce((n, d, i) => (i === free ? n : n * d), 1);
    if (rest === 0 || x.size % rest !== 0) {
      throw new ShapeError(
        `${op}: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`,
      );
    }
    out[free] = x.size / rest;
  }
  if (out.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(out) !== x.size) {
    throw new ShapeError(
      `${op}: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} (${sizeOf(out)} elements)`,
    );
  }
  return out;
}

/**
 * A contiguous copy of `x`, not recorded (internal building block).
 * @example
 * const t = arange(6).reshape([2, 3]).transpose(0, 1);
 * copyRaw(t).isContiguous; // true
 */
export function copyRaw(x: Tensor): Tensor {
  return x.contiguousCopy();
}

/**
 * Same values, contiguous memory (a view of `x` itself when it already is).
 * @example
 * const t = arange(6).reshape([2, 3]).transpose(0, 1); // strides [1, 3]
 * contiguous(t).strides; // [2, 1]
 * const c = arange(6);
 * contiguous(c) === c; // true
 */
export function contiguous(x: Tensor): Tensor {
  if (isContiguous(x.shape, x.strides)) return x;
  return record(copyRaw(x), "contiguous", [x]);
}

/**
 * A copy that stays in the graph.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * clone(w).sum().backward();
 * w.grad!.toArray(); // [1, 1]
 */
export function clone(x: Tensor): Tensor {
  return record(copyRaw(x), "contiguous", [x]);
}

/**
 * Same elements in a new shape (one size may be -1). A view when `x` is contiguous, else a copy.
 * @example
 * arange(6).reshape([2, 3]).toArray(); // [[0, 1, 2], [3, 4, 5]]
 * reshape(arange(6), [3, -1]).shape; // [3, 2]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("reshape", "x", x);
  const s = inferShape("reshape", x, shape);
  const src = contiguous(x);
  const out = src._view(s, contiguousStrides(s), src.offset);
  return record(out, "reshape", [src], { shape: x.shape });
}

/**
 * Reorders axes (a view).
 * @example
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkTensor("permute", "x", x);
  if (axes.length !== x.rank) {
    throw new ShapeError(
      `permute: got ${axes.length} axes [${axes.join(", ")}] for a tensor of rank ${x.rank}`,
    );
  }
  const perm = axes.map((a) => normAxis("permute", a, x.rank));
  if (new Set(perm).size !== perm.length)
    throw new ShapeError(`permute: [${axes.join(", ")}] is not a permutation`);
  const out = x._view(
    perm.map((a) => x.shape[a]),
    perm.map((a) => x.strides[a]),
    x.offset,
  );
  return record(out, "permute", [x], { axes: perm });
}

/**
 * Swaps two axes (a view); a tensor of rank below 2 is returned as it is.
 * @example
 * transpose(tensor([[1, 2, 3]]), 0, 1).toArray(); // [[1], [2], [3]]
 */
export function transpose(x: Tensor, axis0: number, axis1: number): Tensor {
  checkTensor("transpose", "x", x);
  if (x.rank < 2) return x;
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  const a = normAxis("transpose", axis0, x.rank);
  const b = normAxis("transpose", axis1, x.rank);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/**
 * Broadcasts size-1 axes (and new leading axes) to `shape` without copying; -1 keeps a size.
 * @example
 * expand(tensor([[1], [2]]), [2, 3]).toArray(); // [[1, 1, 1], [2, 2, 2]]
 * expand(tensor([1, 2]), [3, -1]).shape; // [3, 2]
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("expand", "x", x);
  if (shape.length < x.rank) {
    throw new ShapeError(
      `expand: target ${fmtShape(shape)} has fewer dimensions than the tensor ${fmtShape(x.shape)}`,
    );
  }
  const lead = shape.length - x.rank;
  const outShape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = i < lead ? 1 : x.shape[i - lead];
    const want = shape[i] === -1 ? d : shape[i];
    if (d !== want && d !== 1) {
      throw new ShapeError(
        `expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}: dimension ${i} has size ${d}, not 1`,
      );
    }
    outShape.push(want);
    strides.push(i < lead || d !== want ? 0 : x.strides[i - lead]);
  }
  return record(x._view(outShape, strides, x.offset), "expand", [x], { shape: x.shape });
}

/**
 * A view that drops size-1 axes (or the listed ones, which must have size 1).
 * @example
 * squeeze(zeros([1, 3, 1])).shape; // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape; // [3, 1]
 */
export function squeeze(x: Tensor, axes?: number | number[]): Tensor {
  checkTensor("squeeze", "x", x);
  const list =
    axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normAxes("squeeze", axes, x.rank);
  for (const a of list) {
    if (x.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} has size ${x.shape[a]}, not 1 (shape ${fmtShape(x.shape)})`);
  }
  const keepAxis = (_: number, i: number) => !list.includes(i);
  return viewAs(x, x.shape.filter(keepAxis), x.strides.filter(keepAxis));
}

/**
 * A view with a new size-1 axis at `axis` (negative counts from the end of the result).
 * @example
 * unsqueeze(zeros([3]), 0).shape; // [1, 3]
 * unsqueeze(zeros([3]), -1).shape; // [3, 1]
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor("unsqueeze", "x", x);
  const a = normAxis("unsqueeze", axis, x.rank + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(a, 0, 1);
  strides.splice(a, 0, 0);
  return viewAs(x, shape, strides);
}

/** A view with the same elements and different size-1 axes (the gradient reshapes back). */
function viewAs(x: Tensor, shape: number[], strides: number[]): Tensor {
  return record(x._view(shape, strides, x.offset), "reshape", [x], { shape: x.shape });
}

/**
 * Merges axes startAxis..endAxis into one.
 * @example
 * flatten(zeros([32, 1, 28, 28]), 1).shape; // [32, 784]
 * flatten(zeros([2, 3])).shape; // [6]
 */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkTensor("flatten", "x", x);
  if (x.rank === 0) return reshape(x, [1]);
  const s = normAxis("flatten", startAxis, x.rank);
  const e = normAxis("flatten", endAxis, x.rank);
  if (s > e) throw new ShapeError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * One axis of a multi-axis `slice`: null (or undefined) keeps the whole axis, as Python's `:`;
 * `[start, end, step]` is Python's `start:end:step`, any of them null or left out for the default.
 * @example
 * const everyOther: SliceRange = [null, null, 2]; // ::2
 * slice(arange(6).reshape([2, 3]), [null, everyOther]).toArray(); // [[0, 2], [3, 5]]
 */
export type SliceRange =
  | null
  | undefined
  | readonly [start?: number | null, end?: number | null, step?: number | null];

/** A Python-style slice along one axis (a view); the checked form is `slice`. */
function sliceAxis(x: Tensor, axis: number, start: number | null, end: number | null, step: number): Tensor {
  const a = normAxis("slice", axis, x.rank);
  if (!Number.isInteger(step) || step < 1)
    throw new ValueError(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[a];
  const clampIndex = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
  const s = start === null ? 0 : clampIndex(start);
  const e = end === null ? n : clampIndex(end);
  const len = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[a] = len;
  strides[a] = x.strides[a] * step;
  const out = x._view(shape, strides, x.offset + (len > 0 ? s * x.strides[a] : 0));
  return record(out, "slice", [x], { axis: a, start: s, step, size: n });
}

/** One bound of a slice: an integer, or null for the open end (undefined too). */
function bound(name: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new ArgumentError(`slice: ${name} must be an integer or null, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * Python-style slicing (a view): negative indices count from the end, bounds are clamped, a null
 * bound is open. Either one axis, `slice(x, axis, start, end, step)`, or several at once with one
 * range per leading axis, as PyTorch's `x[1:, :, :2]`: `slice(x, [[1, null], null, [null, 2]])`.
 * @example
 * slice(arange(10), 0, 2, 8, 2).toArray() // [2, 4, 6]
 * slice(randn([4, 5, 6]), [[1, null], null, [null, 2]]).shape // [3, 5, 2]
 */
export function slice(
  x: Tensor,
  axis: number,
  start?: number | null,
  end?: number | null,
  step?: number,
): Tensor;
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor;
export function slice(x: Tensor, ...args: unknown[]): Tensor {
  checkTensor("slice", "x", x);
  const [axis, start, end, step] = args;
  if (Array.isArray(axis)) {
    checkArity("slice", [x, ...args], ["x", "ranges"]);
    if (axis.length > x.rank) {
      throw new ShapeError(
        `slice: ${axis.length} ranges for a tensor of rank ${x.rank} (shape ${fmtShape(x.shape)})`,
      );
    }
    let y = x;
    axis.forEach((r: unknown, i: number) => {
      if (r === null || r === undefined) return;
      if (!Array.isArray(r) || r.length > 3) {
        throw new ArgumentError(
          `slice: range ${i} must be null (the whole axis) or [start, end, step] (nulls for defaults), ` +
            `got ${describeValue(r)}${typeof r === "number" ? `; for one index use [${r}, ${r + 1}] (or select(${i}, ${r}) to drop the axis)` : ""}`,
        );
      }
      const st = r[2] === undefined || r[2] === null ? 1 : r[2];
      if (typeof st !== "number")
        throw new ArgumentError(`slice: step of range ${i} must be an integer, got ${describeValue(st)}`);
      y = sliceAxis(y, i, bound(`start of range ${i}`, r[0]), bound(`end of range ${i}`, r[1]), st);
    });
    return y;
  }
  checkArity("slice", [x, ...args], ["x", "axis", "start", "end", "step"]);
  if (typeof axis !== "number") {
    throw new ArgumentError(
      `slice: axis must be an integer (or a list of ranges, one per axis, as [[1, null], null, [null, 2]]), got ${describeValue(axis)}`,
    );
  }
  const st = step === undefined || step === null ? 1 : step;
  if (typeof st !== "number")
    throw new ArgumentError(`slice: step must be an integer, got ${describeValue(st)}`);
  return sliceAxis(x, axis, bound("start", start), bound("end", end), st);
}

/**
 * The sub-tensor at `index` along `axis`, with that axis removed (a view).
 * @example
 * const m = tensor([[1, 2], [3, 4]]);
 * select(m, 0, 1).toArray(); // [3, 4]
 * select(m, 1, -1).toArray(); // [2, 4]
 */
export function select(x: Tensor, axis: number, index: number): Tensor {
  checkTensor("select", "x", x);
  if (typeof index !== "number") {
    throw new ArgumentError(`select: index must be an integer, got ${describeValue(index)}`);
  }
  const a = normAxis("select", axis, x.rank);
  const n = x.shape[a];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new ShapeError(
      `select: index ${index} is out of range for axis ${a} of size ${n} (shape ${fmtShape(x.shape)})`,
    );
  }
  const i = index < 0 ? index + n : index;
  return squeeze(sliceAxis(x, a, i, i + 1, 1), a);
}

/**
 * Pads each axis with `[before, after]` elements of `value`.
 * @example
 * pad(tensor([[1, 2]]), [[0, 0], [1, 2]]).toArray(); // [[0, 1, 2, 0, 0]]
 * pad(tensor([1]), [[1, 1]], -1).toArray(); // [-1, 1, -1]
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  checkTensor("pad", "x", x);
  if (pads.length !== x.rank) {
    throw new ShapeError(
      `pad: got ${pads.length} [before, after] pairs for a tensor of rank ${x.rank} (shape ${fmtShape(x.shape)})`,
    );
  }
  for (const [b, e] of pads) {
    if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e < 0) {
      throw new ValueError(`pad: padding amounts must be non-negative integers, got [${b}, ${e}]`);
    }
  }
  const backend = backendOf("pad", x);
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  return record(wrap(backend, backend.pad(x, pads, value), shape), "pad", [x], { pads });
}

/**
 * Joins tensors along an existing axis.
 * @example
 * concat([tensor([[1, 2]]), tensor([[3, 4]])]).toArray(); // [[1, 2], [3, 4]]
 * concat([zeros([2, 3]), zeros([2, 5])], 1).shape; // [2, 8]
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown)) {
    throw new ArgumentError(`concat: tensors must be an array of tensors, got ${describeValue(tensors)}`);
  }
  if (tensors.length === 0) throw new ValueError("concat: needs at least one tensor");
  for (const [i, t] of tensors.entries()) checkTensor("concat", `tensors[${i}]`, t);
  const first = tensors[0];
  const a = normAxis("concat", axis, Math.max(first.rank, 1));
  const shapes = tensors.map((t) => fmtShape(t.shape)).join(", ");
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${shapes} differ outside axis ${a}`);
    }
  }
  const dtype = tensors.reduce((d, t) => promoteTypes(d, t.dtype), first.dtype);
  const inputs = tensors.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
  const backend = backendOf("concat", ...inputs);
  const shape = [...first.shape];
  shape[a] = tensors.reduce((n, t) => n + t.shape[a], 0);
  const out = wrap(backend, backend.concat(inputs, a, shape), shape);
  return record(out, "concat", inputs, { axis: a, sizes: inputs.map((t) => t.shape[a]) });
}

/**
 * Joins tensors of the same shape along a new axis.
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray(); // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown)) {
    throw new ArgumentError(`stack: tensors must be an array of tensors, got ${describeValue(tensors)}`);
  }
  if (tensors.length === 0) throw new ValueError("stack: needs at least one tensor");
  for (const [i, t] of tensors.entries()) checkTensor("stack", `tensors[${i}]`, t);
  const first = tensors[0];
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(
        `stack: all tensors must have the same shape, got ${tensors.map((u) => fmtShape(u.shape)).join(", ")}`,
      );
    }
  }
  const a = normAxis("stack", axis, first.rank + 1);
  return concat(
    tensors.map((t) => unsqueeze(t, a)),
    a,
  );
}

/**
 * Splits into pieces of `size` (the last may be smaller) or of the listed sizes, as views.
 * @example
 * split(arange(5), 2).map((t) => t.toArray()); // [[0, 1], [2, 3], [4]]
 * split(arange(5), [1, 4]).map((t) => t.shape[0]); // [1, 4]
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor("split", "x", x);
  const a = normAxis("split", axis, x.rank);
  const n = x.shape[a];
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0)
      throw new ValueError(`split: size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let at = 0; at < n; at += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - at));
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((s, v) => s + v, 0);
    if (total !== n)
      throw new ShapeError(
        `split: sections [${sizes.join(", ")}] sum to ${total}, but axis ${a} has size ${n}`,
      );
  }
  const out: Tensor[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(sliceAxis(x, a, at, at + s, 1));
    at += s;
  }
  return out;
}

/**
 * Splits into `chunks` nearly equal pieces.
 * @example
 * chunk(arange(6), 3).map((t) => t.toArray()); // [[0, 1], [2, 3], [4, 5]]
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  const a = normAxis("chunk", axis, x.rank);
  return split(x, Math.max(1, Math.ceil(x.shape[a] / chunks)), a);
}

/**
 * An index argument of `op`: an int32 tensor, an Int32Array or an array of integers.
 * @example
 * const rows: IndexLike = [2, 0];
 * indexSelect(tensor([[1], [2], [3]]), 0, rows).toArray(); // [[3], [1]]
 */
export type IndexLike = Tensor | Int32Array | readonly number[];

/**
 * torch.gather: out[i][j] = x[i][index[i][j]] along `axis`; `index` has the input's rank (an
 * Int32Array or a list of integers is a 1-D index).
 * @example gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]], { dtype: "int32" })).toArray() // [[2], [3]]
 */
export function gather(x: Tensor, axis: number, index: IndexLike): Tensor {
  checkTensor("gather", "x", x);
  const idx = indexArg("gather", "index", index, fromHost);
  const a = normAxis("gather", axis, x.rank);
  if (idx.rank !== x.rank || idx.shape.some((d, i) => i !== a && d > x.shape[i])) {
    throw new ShapeError(
      `gather: index ${fmtShape(idx.shape)} does not fit input ${fmtShape(x.shape)} along axis ${a}`,
    );
  }
  checkIndexRange(
    {
      op: "gather",
      label: "index",
      detail: () => `for axis ${a} of size ${x.shape[a]} (tensor shape ${fmtShape(x.shape)})`,
    },
    index,
    idx,
    x.shape[a],
  );
  const backend = backendOf("gather", x, idx);
  return record(wrap(backend, backend.gather(x, a, idx), idx.shape), "gather", [x, idx], { axis: a });
}

/**
 * zeros(shape).scatterAdd: adds each `src` element at the position `index` names along `axis`.
 * @example
 * scatterAdd([3], 0, [0, 2, 0], tensor([1, 2, 3])).toArray(); // [4, 0, 2]
 */
export function scatterAdd(shape: readonly number[], axis: number, index: IndexLike, src: Tensor): Tensor {
  const idx = indexArg("scatterAdd", "index", index, fromHost);
  checkTensor("scatterAdd", "src", src);
  const a = normAxis("scatterAdd", axis, shape.length);
  if (idx.rank !== shape.length || src.shape.some((d, i) => d !== idx.shape[i])) {
    throw new ShapeError(
      `scatterAdd: index ${fmtShape(idx.shape)} and src ${fmtShape(src.shape)} must match, with rank ${shape.length}`,
    );
  }
  checkIndexRange(
    {
      op: "scatterAdd",
      label: "index",
      detail: () => `for axis ${a} of size ${shape[a]} (output shape ${fmtShape(shape)})`,
    },
    index,
    idx,
    shape[a],
  );
  const backend = backendOf("scatterAdd", idx, src);
  const out = wrap(backend, backend.scatterAdd(shape, src.dtype, a, idx, src), shape);
  return record(out, "scatterAdd", [idx, src], { axis: a, shape: [...shape] });
}

/**
 * Picks entries along `axis` by a 1-D index: an int32 tensor, an `Int32Array` or a list of integers
 * (as `torch.index_select`).
 * @example
 * indexSelect(randn([5, 3]), 0, new Int32Array([4, 0])).shape // [2, 3]
 * indexSelect(tensor([10, 20, 30]), 0, [2, 2]).toArray(); // [30, 30]
 */
export function indexSelect(x: Tensor, axis: number, index: IndexLike): Tensor {
  checkTensor("indexSelect", "x", x);
  const idx = indexArg("indexSelect", "index", index, fromHost);
  if (idx.rank !== 1) throw new ShapeError(`indexSelect: index must be 1-D, got ${fmtShape(idx.shape)}`);
  const a = normAxis("indexSelect", axis, x.rank);
  // on webgpu, a check of its own so that the error names indexSelect (gather's kernel checks too)
  checkIndexRange(
    {
      op: "indexSelect",
      label: "index",
      detail: () => `for axis ${a} of size ${x.shape[a]} (tensor shape ${fmtShape(x.shape)})`,
    },
    index,
    idx,
    x.shape[a],
    true,
  );
  const outShape = [...x.shape];
  outShape[a] = idx.shape[0];
  const lifted = x.shape.map((_, i) => (i === a ? idx.shape[0] : 1));
  // a broadcast view of the index, so gather needs no index copy of the output size
  return gather(x, a, expand(reshape(idx, lifted), outShape));
}
