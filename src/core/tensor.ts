import type { Backend, View } from "../backends/backend.js";
import * as ops from "../ops/index.js";
import { backward } from "./autograd.js";
import type { DType, TypedArray } from "./dtype.js";
import { DisposedError, ShapeError } from "./errors.js";
import { formatTensor } from "./format.js";
import { type Buffer, type ReleaseReason, TensorRef, track, untrack } from "./memory.js";
import { isContiguous, normAxis, sizeOf } from "./shape.js";

/** A node of the autograd graph: the primitive that made a tensor, its inputs and attributes. */
export interface GradNode {
  readonly op: string;
  /** Emptied once backward has used the node (unless retainGraph), so intermediates can be freed. */
  inputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

export type NestedArray = number | boolean | NestedArray[];
export type Scalar = number | boolean;
export type TensorLike = Tensor | number;

/**
 * An n-dimensional array on a backend, with autograd. Views (reshape, permute, slice, expand) share
 * memory; every other op makes a new tensor. Create tensors with `tensor`, `zeros`, `randn`, ...
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad!.toArray(); // [[2, 4], [6, 8]]
 */
export class Tensor implements View {
  private requires = false;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** The op that produced this tensor when it was recorded for autograd; null for leaves. */
  gradFn: GradNode | null = null;
  /** Keep `.grad` on this non-leaf tensor during backward (as PyTorch's `retain_grad`). */
  retainsGrad = false;
  private readonly ref: TensorRef;

  /** @internal Use the creation functions; this wraps a backend buffer as a view. */
  constructor(
    buffer: Buffer,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: DType,
  ) {
    this.ref = new TensorRef(buffer);
    track(this, this.ref);
  }

  /** Whether gradients flow to this tensor. Set it on leaves (parameters); ops propagate it. */
  get requiresGrad(): boolean {
    return this.requires;
  }
  set requiresGrad(flag: boolean) {
    this.requires = flag;
    // a leaf that learns is the user's to keep: the step release never takes it
    if (flag && this.gradFn === null) this.ref.pin();
  }

  /** @internal The tensor's hold on its memory and its provenance (for the step release). */
  get _ref(): TensorRef {
    return this.ref;
  }

  /** @internal */
  get storage() {
    return this.live().storage;
  }
  get backend(): Backend {
    return this.ref.buffer.backend;
  }
  get rank(): number {
    return this.shape.length;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** Whether this tensor's memory has been released (by `dispose()`, `tidy()` or the step release). */
  get isDisposed(): boolean {
    return this.ref.released;
  }
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  private live(): Buffer {
    if (this.ref.released || !this.ref.buffer.alive) {
      throw new DisposedError(
        `tensor of shape (${this.shape.join(", ")}) and dtype ${this.dtype} ${releasedBecause(this.ref.releasedBy)}`,
      );
    }
    return this.ref.buffer;
  }

  /** @internal A view over the same buffer (shared memory, one more reference). */
  _view(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(this.live().retain(), shape, strides, offset, this.dtype);
  }

  /**
   * Replaces this tensor's contents with `value`'s (same shape and dtype), in place: how optimizers
   * update parameters without changing their identity. Not recorded for autograd.
   */
  assign(value: Tensor): this {
    ops.checkAssign(this, value);
    const src =
      value.isContiguous && value.offset === 0 && value.size === value.storage.size
        ? value
        : value.contiguousCopy();
    const buf = src.live().retain();
    if (src !== value) src.dispose();
    this.live().release();
    this.ref.buffer = buf;
    (this as { strides: readonly number[] }).strides = value.shape.length
      ? ops.contiguousStridesOf(value.shape)
      : [];
    (this as { offset: number }).offset = 0;
    return this;
  }

  /** Releases this tensor's memory now instead of at garbage collection. Views keep theirs. */
  dispose(): void {
    this.release("dispose");
  }

  /** @internal Releases the memory, remembering why (a later read says so). */
  _release(reason: ReleaseReason): void {
    this.release(reason);
  }

  private release(reason: ReleaseReason): void {
    if (this.ref.released) return;
    untrack(this);
    this.ref.release(reason);
    this.gradFn = null;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- reading values ----

  /** The values in row-major order, as a new typed array (Float32Array, Int32Array, Uint8Array for bool). */
  async data(): Promise<TypedArray> {
    const c = this.contiguousCopyIfNeeded();
    const all = await c.backend.read(c.storage);
    const out = all.subarray(c.offset, c.offset + c.size);
    if (c !== this) c.dispose();
    return out.length === all.length ? out : out.slice();
  }

  /** Synchronous `data()` for backends whose memory the host can see (reference, wasm). */
  dataSync(): TypedArray {
    const c = this.contiguousCopyIfNeeded();
    const all = c.backend.readSync(c.storage);
    const out = all.subarray(c.offset, c.offset + c.size);
    if (c !== this) c.dispose();
    return out.length === all.length ? out : out.slice();
  }

  /** Nested JavaScript arrays (booleans for bool tensors); a number for a 0-d tensor. */
  toArray(): NestedArray {
    return ops.nest(this.dataSync(), this.shape, this.dtype === "bool");
  }

  /** The single value of a one-element tensor. */
  item(): number {
    return ops.item(this);
  }

  /** PyTorch-style printing, e.g. `tensor([[1.0000, 2.5000]])`. */
  toString(): string {
    return formatTensor(this.dataSync(), this.shape, this.dtype, this.requiresGrad);
  }

  private contiguousCopyIfNeeded(): Tensor {
    return this.isContiguous ? this : this.contiguousCopy();
  }

  /** @internal A contiguous copy with no autograd record. */
  contiguousCopy(): Tensor {
    return ops.copyRaw(this);
  }

  // ---- autograd ----

  /**
   * Computes gradients of this tensor with respect to every leaf that requires grad, adding them into
   * `.grad`. A non-scalar needs the seed gradient `grad` of its own shape.
   */
  backward(grad?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    backward(this, grad, options);
  }

  /** A tensor sharing memory with this one, cut off from the graph. */
  detach(): Tensor {
    const out = this._view(this.shape, this.strides, this.offset);
    out.ref.detachOf = this.ref;
    return out;
  }

  /** Sets `requiresGrad` on a leaf and returns it, for chaining. */
  requiresGrad_(flag = true): this {
    ops.checkRequiresGrad(this, flag);
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps `.grad` on this intermediate tensor during backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  // ---- elementwise ----
  add(other: TensorLike): Tensor {
    return ops.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return ops.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return ops.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return ops.div(this, other);
  }
  pow(other: TensorLike): Tensor {
    return ops.pow(this, other);
  }
  maximum(other: TensorLike): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return ops.minimum(this, other);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  floor(): Tensor {
    return ops.floor(this);
  }
  ceil(): Tensor {
    return ops.ceil(this);
  }
  round(): Tensor {
    return ops.round(this);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  log1p(): Tensor {
    return ops.log1p(this);
  }
  expm1(): Tensor {
    return ops.expm1(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  /** Limits values to [min, max]; either bound may be omitted. */
  clip(min?: number, max?: number): Tensor {
    return ops.clip(this, min, max);
  }
  /** Alias of `clip`, as in PyTorch. */
  clamp(min?: number, max?: number): Tensor {
    return ops.clip(this, min, max);
  }
  eq(other: TensorLike): Tensor {
    return ops.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ops.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return ops.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return ops.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return ops.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ops.ge(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return ops.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return ops.logicalOr(this, other);
  }
  logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  isNaN(): Tensor {
    return ops.isNaN(this);
  }
  isInf(): Tensor {
    return ops.isInf(this);
  }
  isFinite(): Tensor {
    return ops.isFinite(this);
  }
  /** Elementwise `this ? a : b` for a bool tensor. */
  where(a: TensorLike, b: TensorLike): Tensor {
    return ops.where(this, a, b);
  }
  /** Converts to another dtype (a copy, even when the dtype is the same). */
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  float(): Tensor {
    return ops.cast(this, "float32");
  }
  double(): Tensor {
    return ops.cast(this, "float64");
  }
  int(): Tensor {
    return ops.cast(this, "int32");
  }
  bool(): Tensor {
    return ops.cast(this, "bool");
  }

  // ---- reductions (axes: one axis, a list, or all when omitted) ----
  sum(axes?: number | number[], keepDims = false): Tensor {
    return ops.sum(this, axes, keepDims);
  }
  mean(axes?: number | number[], keepDims = false): Tensor {
    return ops.mean(this, axes, keepDims);
  }
  max(axes?: number | number[], keepDims = false): Tensor {
    return ops.max(this, axes, keepDims);
  }
  min(axes?: number | number[], keepDims = false): Tensor {
    return ops.min(this, axes, keepDims);
  }
  /** Variance with Bessel's correction by default (`correction` 1), as torch.var. */
  var(axes?: number | number[], keepDims = false, correction = 1): Tensor {
    return ops.variance(this, axes, keepDims, correction);
  }
  std(axes?: number | number[], keepDims = false, correction = 1): Tensor {
    return ops.std(this, axes, keepDims, correction);
  }
  logSumExp(axes?: number | number[], keepDims = false): Tensor {
    return ops.logSumExp(this, axes, keepDims);
  }
  argmax(axis?: number, keepDims = false): Tensor {
    return ops.argmax(this, axis, keepDims);
  }
  argmin(axis?: number, keepDims = false): Tensor {
    return ops.argmin(this, axis, keepDims);
  }
  all(axes?: number | number[], keepDims = false): Tensor {
    return ops.all(this, axes, keepDims);
  }
  any(axes?: number | number[], keepDims = false): Tensor {
    return ops.any(this, axes, keepDims);
  }
  /** p-norm over axes (default: all elements, p = 2). */
  norm(p = 2, axes?: number | number[], keepDims = false): Tensor {
    return ops.norm(this, p, axes, keepDims);
  }

  // ---- linear algebra ----
  /** Matrix product with numpy semantics: 1-D operands, batch axes broadcast. */
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }

  // ---- views and movement ----
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return ops.reshape(this, ops.shapeArg(shape));
  }
  view(...shape: number[] | [readonly number[]]): Tensor {
    return ops.reshape(this, ops.shapeArg(shape));
  }
  permute(...axes: number[] | [readonly number[]]): Tensor {
    return ops.permute(this, ops.shapeArg(axes));
  }
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return ops.transpose(this, axis0, axis1);
  }
  /** Transpose of a matrix (the last two axes). */
  get T(): Tensor {
    return ops.transpose(this, -2, -1);
  }
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return ops.expand(this, ops.shapeArg(shape));
  }
  expandAs(other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  }
  squeeze(axes?: number | number[]): Tensor {
    return ops.squeeze(this, axes);
  }
  unsqueeze(axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return ops.flatten(this, startAxis, endAxis);
  }
  /**
   * Elements `start` (inclusive) to `end` (exclusive) with `step` along `axis`; negative indices count
   * from the end and a null bound is open. Or several axes at once, one range per leading axis, as
   * PyTorch's `x[1:, :, :2]`.
   * @example
   * x.slice(1, 0, 2)                         // x[:, 0:2]
   * x.slice([[1, null], null, [null, 2]])    // x[1:, :, :2]
   */
  slice(axis: number, start?: number | null, end?: number | null, step?: number): Tensor;
  slice(ranges: readonly ops.SliceRange[]): Tensor;
  slice(...args: unknown[]): Tensor {
    return (ops.slice as (x: Tensor, ...rest: unknown[]) => Tensor)(this, ...args);
  }
  /** `length` elements along `axis` from `start` (negative counts from the end). */
  narrow(axis: number, start: number, length: number): Tensor {
    const n = this.shape[normAxis("narrow", axis, this.rank)];
    const s = start < 0 ? start + n : start;
    if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
      throw new ShapeError(
        `narrow: start ${start} and length ${length} do not fit axis ${axis} of size ${n}`,
      );
    }
    return ops.slice(this, axis, s, s + length, 1);
  }
  /** The sub-tensor at `index` along `axis` (the axis is removed). */
  select(axis: number, index: number): Tensor {
    return ops.select(this, axis, index);
  }
  /** A contiguous tensor with the same values (this tensor itself when already contiguous). */
  contiguous(): Tensor {
    return ops.contiguous(this);
  }
  /** A copy that is part of the graph. */
  clone(): Tensor {
    return ops.clone(this);
  }
  pad(pads: [number, number][], value = 0): Tensor {
    return ops.pad(this, pads, value);
  }
  split(sizeOrSections: number | number[], axis = 0): Tensor[] {
    return ops.split(this, sizeOrSections, axis);
  }
  chunk(chunks: number, axis = 0): Tensor[] {
    return ops.chunk(this, chunks, axis);
  }
  /** torch.gather along `axis`: `index` (int32, the input's rank) says which element each output takes. */
  gather(axis: number, index: ops.IndexLike): Tensor {
    return ops.gather(this, axis, index);
  }
  /** Entries along `axis` at a 1-D index: an int32 tensor, an `Int32Array` or a list of integers. */
  indexSelect(axis: number, index: ops.IndexLike): Tensor {
    return ops.indexSelect(this, axis, index);
  }
  oneHot(numClasses: number, dtype: "float32" | "float64" | "int32" = "float32"): Tensor {
    return ops.oneHot(this, numClasses, dtype);
  }

  // ---- activations ----
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
}

function releasedBecause(reason: ReleaseReason | null): string {
  switch (reason) {
    case "step":
      return (
        "was released when a later backward() began: it was computed in an earlier training step and the " +
        "next step's loss did not use it. To keep a value across steps, read it (.item(), .toArray()) or " +
        "take .detach() / .clone() of it before the next backward(), or keep() it"
      );
    case "loader":
      return "was released when the DataLoader produced the next batch; clone() a batch to keep it";
    case "tidy":
      return "was used after the tidy() scope that created it ended";
    default:
      return "was used after dispose() or after the tidy() scope that created it ended";
  }
}
