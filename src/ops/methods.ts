/**
 * The op methods of `Tensor` (`x.add(y)`, `x.sum(1)`, ...). They live on the ops floor, which the
 * tensor floor below may not import: this module declares them on the `Tensor` interface and installs
 * them on its prototype. The package entry (`src/index.ts`) imports it, so every tensor has them.
 */
import type { DType } from "../base/dtype.js";
import { ShapeError } from "../base/errors.js";
import { normAxis } from "../base/shape.js";
import { Tensor, type TensorLike } from "../core/tensor.js";
import * as ops from "./index.js";

declare module "../core/tensor.js" {
  interface Tensor {
    // ---- elementwise ----
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(other: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    erf(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    reciprocal(): Tensor;
    square(): Tensor;
    /** Limits values to [min, max]; either bound may be omitted. */
    clip(min?: number, max?: number): Tensor;
    /** Alias of `clip`, as in PyTorch. */
    clamp(min?: number, max?: number): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalNot(): Tensor;
    isNaN(): Tensor;
    isInf(): Tensor;
    isFinite(): Tensor;
    /** Elementwise `this ? a : b` for a bool tensor. */
    where(a: TensorLike, b: TensorLike): Tensor;
    /** Converts to another dtype (a copy, even when the dtype is the same). */
    cast(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    // ---- reductions (axes: one axis, a list, or all when omitted) ----
    sum(axes?: number | number[], keepDims?: boolean): Tensor;
    mean(axes?: number | number[], keepDims?: boolean): Tensor;
    max(axes?: number | number[], keepDims?: boolean): Tensor;
    min(axes?: number | number[], keepDims?: boolean): Tensor;
    /** Variance with Bessel's correction by default (`correction` 1), as torch.var. */
    var(axes?: number | number[], keepDims?: boolean, correction?: number): Tensor;
    std(axes?: number | number[], keepDims?: boolean, correction?: number): Tensor;
    logSumExp(axes?: number | number[], keepDims?: boolean): Tensor;
    argmax(axis?: number, keepDims?: boolean): Tensor;
    argmin(axis?: number, keepDims?: boolean): Tensor;
    all(axes?: number | number[], keepDims?: boolean): Tensor;
    any(axes?: number | number[], keepDims?: boolean): Tensor;
    /** p-norm over axes (default: all elements, p = 2). */
    norm(p?: number, axes?: number | number[], keepDims?: boolean): Tensor;
    // ---- linear algebra ----
    /** Matrix product with numpy semantics: 1-D operands, batch axes broadcast. */
    matmul(other: Tensor): Tensor;
    // ---- views and movement ----
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    view(...shape: number[] | [readonly number[]]): Tensor;
    permute(...axes: number[] | [readonly number[]]): Tensor;
    transpose(axis0?: number, axis1?: number): Tensor;
    /** Transpose of a matrix (the last two axes). */
    readonly T: Tensor;
    expand(...shape: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    squeeze(axes?: number | number[]): Tensor;
    unsqueeze(axis: number): Tensor;
    flatten(startAxis?: number, endAxis?: number): Tensor;
    /**
     * Elements `start` (inclusive) to `end` (exclusive) with `step` along `axis`; negative indices count
     * from the end and a null bound is open. Or several axes at once, one range per leading axis, as
     * PyTorch's `x[1:, :, :2]`.
     * @example
     * const x = arange(24).reshape([2, 3, 4]);
     * x.slice(1, 0, 2).shape; // [2, 2, 4]: x[:, 0:2]
     * x.slice([[1, null], null, [null, 2]]).shape; // [1, 3, 2]: x[1:, :, :2]
     */
    slice(axis: number, start?: number | null, end?: number | null, step?: number): Tensor;
    slice(ranges: readonly ops.SliceRange[]): Tensor;
    /** `length` elements along `axis` from `start` (negative counts from the end). */
    narrow(axis: number, start: number, length: number): Tensor;
    /** The sub-tensor at `index` along `axis` (the axis is removed). */
    select(axis: number, index: number): Tensor;
    /** A contiguous tensor with the same values (this tensor itself when already contiguous). */
    contiguous(): Tensor;
    /** A copy that is part of the graph. */
    clone(): Tensor;
    pad(pads: [number, number][], value?: number): Tensor;
    split(sizeOrSections: number | number[], axis?: number): Tensor[];
    chunk(chunks: number, axis?: number): Tensor[];
    /** torch.gather along `axis`: `index` (int32, the input's rank) says which element each output takes. */
    gather(axis: number, index: ops.IndexLike): Tensor;
    /** Entries along `axis` at a 1-D index: an int32 tensor, an `Int32Array` or a list of integers. */
    indexSelect(axis: number, index: ops.IndexLike): Tensor;
    oneHot(numClasses: number, dtype?: "float32" | "float64" | "int32"): Tensor;
    /** Indices of the non-zero elements, `[count, rank]` int32 (ref and wasm; `nonzeroAsync` on webgpu). */
    nonzero(options?: ops.NonzeroOptions & { asTuple?: false }): Tensor;
    nonzero(options: ops.NonzeroOptions & { asTuple: true }): Tensor[];
    // ---- activations ----
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
  }
}

const methods: ThisType<Tensor> & Record<string, (this: Tensor, ...args: never[]) => unknown> = {
  add(this: Tensor, other: TensorLike): Tensor {
    return ops.add(this, other);
  },
  sub(this: Tensor, other: TensorLike): Tensor {
    return ops.sub(this, other);
  },
  mul(this: Tensor, other: TensorLike): Tensor {
    return ops.mul(this, other);
  },
  div(this: Tensor, other: TensorLike): Tensor {
    return ops.div(this, other);
  },
  pow(this: Tensor, other: TensorLike): Tensor {
    return ops.pow(this, other);
  },
  maximum(this: Tensor, other: TensorLike): Tensor {
    return ops.maximum(this, other);
  },
  minimum(this: Tensor, other: TensorLike): Tensor {
    return ops.minimum(this, other);
  },
  neg(this: Tensor): Tensor {
    return ops.neg(this);
  },
  exp(this: Tensor): Tensor {
    return ops.exp(this);
  },
  log(this: Tensor): Tensor {
    return ops.log(this);
  },
  sqrt(this: Tensor): Tensor {
    return ops.sqrt(this);
  },
  rsqrt(this: Tensor): Tensor {
    return ops.rsqrt(this);
  },
  abs(this: Tensor): Tensor {
    return ops.abs(this);
  },
  sign(this: Tensor): Tensor {
    return ops.sign(this);
  },
  sin(this: Tensor): Tensor {
    return ops.sin(this);
  },
  cos(this: Tensor): Tensor {
    return ops.cos(this);
  },
  tanh(this: Tensor): Tensor {
    return ops.tanh(this);
  },
  sigmoid(this: Tensor): Tensor {
    return ops.sigmoid(this);
  },
  relu(this: Tensor): Tensor {
    return ops.relu(this);
  },
  floor(this: Tensor): Tensor {
    return ops.floor(this);
  },
  ceil(this: Tensor): Tensor {
    return ops.ceil(this);
  },
  round(this: Tensor): Tensor {
    return ops.round(this);
  },
  erf(this: Tensor): Tensor {
    return ops.erf(this);
  },
  log1p(this: Tensor): Tensor {
    return ops.log1p(this);
  },
  expm1(this: Tensor): Tensor {
    return ops.expm1(this);
  },
  reciprocal(this: Tensor): Tensor {
    return ops.reciprocal(this);
  },
  square(this: Tensor): Tensor {
    return ops.square(this);
  },
  clip(this: Tensor, min?: number, max?: number): Tensor {
    return ops.clip(this, min, max);
  },
  clamp(this: Tensor, min?: number, max?: number): Tensor {
    return ops.clip(this, min, max);
  },
  eq(this: Tensor, other: TensorLike): Tensor {
    return ops.eq(this, other);
  },
  ne(this: Tensor, other: TensorLike): Tensor {
    return ops.ne(this, other);
  },
  lt(this: Tensor, other: TensorLike): Tensor {
    return ops.lt(this, other);
  },
  le(this: Tensor, other: TensorLike): Tensor {
    return ops.le(this, other);
  },
  gt(this: Tensor, other: TensorLike): Tensor {
    return ops.gt(this, other);
  },
  ge(this: Tensor, other: TensorLike): Tensor {
    return ops.ge(this, other);
  },
  logicalAnd(this: Tensor, other: TensorLike): Tensor {
    return ops.logicalAnd(this, other);
  },
  logicalOr(this: Tensor, other: TensorLike): Tensor {
    return ops.logicalOr(this, other);
  },
  logicalNot(this: Tensor): Tensor {
    return ops.logicalNot(this);
  },
  isNaN(this: Tensor): Tensor {
    return ops.isNaN(this);
  },
  isInf(this: Tensor): Tensor {
    return ops.isInf(this);
  },
  isFinite(this: Tensor): Tensor {
    return ops.isFinite(this);
  },
  where(this: Tensor, a: TensorLike, b: TensorLike): Tensor {
    return ops.where(this, a, b);
  },
  cast(this: Tensor, dtype: DType): Tensor {
    return ops.cast(this, dtype);
  },
  float(this: Tensor): Tensor {
    return ops.cast(this, "float32");
  },
  double(this: Tensor): Tensor {
    return ops.cast(this, "float64");
  },
  int(this: Tensor): Tensor {
    return ops.cast(this, "int32");
  },
  bool(this: Tensor): Tensor {
    return ops.cast(this, "bool");
  },
  sum(this: Tensor, axes?: number | number[], keepDims = false): Tensor {
    return ops.sum(this, axes, keepDims);
  },
  mean(this: Tensor, axes?: number | number[], keepDims = false): Tensor {
    return ops.mean(this, axes, keepDims);
  },
  max(this: Tensor, axes?: number | number[], keepDims = false): Tensor {
    return ops.max(this, axes, keepDims);
  },
  min(this: Tensor, axes?: number | number[], keepDims = false): Tensor {
    return ops.min(this, axes, keepDims);
  },
  var(this: Tensor, axes?: number | number[], keepDims = false, correction = 1): Tensor {
    return ops.variance(this, axes, keepDims, correction);
  },
  std(this: Tensor, axes?: number | number[], keepDims = false, correction = 1): Tensor {
    return ops.std(this, axes, keepDims, correction);
  },
  logSumExp(this: Tensor, axes?: number | number[], keepDims = false): Tensor {
    return ops.logSumExp(this, axes, keepDims);
  },
  argmax(this: Tensor, axis?: number, keepDims = false): Tensor {
    return ops.argmax(this, axis, keepDims);
  },
  argmin(this: Tensor, axis?: number, keepDims = false): Tensor {
    return ops.argmin(this, axis, keepDims);
  },
  all(this: Tensor, axes?: number | number[], keepDims = false): Tensor {
    return ops.all(this, axes, keepDims);
  },
  any(this: Tensor, axes?: number | number[], keepDims = false): Tensor {
    return ops.any(this, axes, keepDims);
  },
  norm(this: Tensor, p = 2, axes?: number | number[], keepDims = false): Tensor {
    return ops.norm(this, p, axes, keepDims);
  },
  matmul(this: Tensor, other: Tensor): Tensor {
    return ops.matmul(this, other);
  },
  reshape(this: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
    return ops.reshape(this, ops.shapeArg(shape));
  },
  view(this: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
    return ops.reshape(this, ops.shapeArg(shape));
  },
  permute(this: Tensor, ...axes: number[] | [readonly number[]]): Tensor {
    return ops.permute(this, ops.shapeArg(axes));
  },
  transpose(this: Tensor, axis0 = -2, axis1 = -1): Tensor {
    return ops.transpose(this, axis0, axis1);
  },
  expand(this: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
    return ops.expand(this, ops.shapeArg(shape));
  },
  expandAs(this: Tensor, other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  },
  squeeze(this: Tensor, axes?: number | number[]): Tensor {
    return ops.squeeze(this, axes);
  },
  unsqueeze(this: Tensor, axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  },
  flatten(this: Tensor, startAxis = 0, endAxis = -1): Tensor {
    return ops.flatten(this, startAxis, endAxis);
  },
  slice(this: Tensor, ...args: unknown[]): Tensor {
    return (ops.slice as (x: Tensor, ...rest: unknown[]) => Tensor)(this, ...args);
  },
  narrow(this: Tensor, axis: number, start: number, length: number): Tensor {
    const n = this.shape[normAxis("narrow", axis, this.rank)];
    const s = start < 0 ? start + n : start;
    if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
      throw new ShapeError(
        `narrow: start ${start} and length ${length} do not fit axis ${axis} of size ${n}`,
      );
    }
    return ops.slice(this, axis, s, s + length, 1);
  },
  select(this: Tensor, axis: number, index: number): Tensor {
    return ops.select(this, axis, index);
  },
  contiguous(this: Tensor): Tensor {
    return ops.contiguous(this);
  },
  clone(this: Tensor): Tensor {
    return ops.clone(this);
  },
  pad(this: Tensor, pads: [number, number][], value = 0): Tensor {
    return ops.pad(this, pads, value);
  },
  split(this: Tensor, sizeOrSections: number | number[], axis = 0): Tensor[] {
    return ops.split(this, sizeOrSections, axis);
  },
  chunk(this: Tensor, chunks: number, axis = 0): Tensor[] {
    return ops.chunk(this, chunks, axis);
  },
  gather(this: Tensor, axis: number, index: ops.IndexLike): Tensor {
    return ops.gather(this, axis, index);
  },
  indexSelect(this: Tensor, axis: number, index: ops.IndexLike): Tensor {
    return ops.indexSelect(this, axis, index);
  },
  oneHot(this: Tensor, numClasses: number, dtype: "float32" | "float64" | "int32" = "float32"): Tensor {
    return ops.oneHot(this, numClasses, dtype);
  },
  nonzero(this: Tensor, options?: ops.NonzeroOptions): Tensor | Tensor[] {
    return ops.nonzero(this, options);
  },
  softmax(this: Tensor, axis = -1): Tensor {
    return ops.softmax(this, axis);
  },
  logSoftmax(this: Tensor, axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
Object.defineProperty(Tensor.prototype, "T", {
  get(this: Tensor): Tensor {
    return ops.transpose(this, -2, -1);
  },
  configurable: true,
});
