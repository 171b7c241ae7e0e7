import type { Backend, Prim, View } from "../backends/backend.js";
import type { DType, TypedArray } from "../base/dtype.js";
import {
  BackendError,
  DisposedError,
  ShapeError,
  StrataError,
  ValueError,
  fmtShape,
} from "../base/errors.js";
import { formatTensor } from "./format.js";
import { Buffer, type ReleaseReason, TensorRef, track, untrack } from "./memory.js";
import { contiguousStrides, isContiguous, sizeOf } from "../base/shape.js";

/**
 * A node of the autograd graph: the primitive that made a tensor, its inputs and attributes.
 * @example
 * const x = tensor([1, 2], { requiresGrad: true });
 * const node: GradNode = x.mul(3).gradFn!;
 * node.op; // "mul"
 * node.inputs[0] === x; // true
 */
export interface GradNode {
  /** The primitive, or `"custom"` for a node made by `autograd.defineFunction` (see `custom`). */
  readonly op: Prim | "custom";
  /** Emptied once backward has used the node (unless retainGraph), so intermediates can be freed. */
  inputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Set when the node was made by `autograd.defineFunction`: it carries its own backward. */
  readonly custom?: { readonly index: number; readonly fn: CustomGrad };
}

/**
 * The backward of one call of a user-defined function (`autograd.defineFunction`): the nodes of all its
 * outputs share it, so the engine gathers the gradients of every output and calls `backward` once.
 * @example
 * const Double = autograd.defineFunction({
 *   forward: (ctx, x: Tensor) => x.mul(2),
 *   backward: (ctx, g: Tensor) => [g.mul(2)],
 * });
 * const y = Double(tensor([1], { requiresGrad: true }));
 * const c: CustomGrad = y.gradFn!.custom!.fn;
 * [c.name, c.outputs.length]; // ["custom", 1]
 */
export interface CustomGrad {
  readonly name: string;
  /** Shape and dtype of every output (zeros stand in for the gradient of an output that got none). */
  readonly outputs: readonly { readonly shape: readonly number[]; readonly dtype: DType }[];
  /** Gradients of every output to one gradient per input (null: none); set to null once consumed. */
  backward: ((grads: readonly Tensor[], needs: readonly boolean[]) => readonly (Tensor | null)[]) | null;
}

/**
 * Values as nested arrays, one level per axis (what `tensor()` takes and `toArray()` gives).
 * @example
 * const rows: NestedArray = tensor([[1, 2], [3, 4]]).transpose(0, 1).toArray(); // [[1, 3], [2, 4]]
 */
export type NestedArray = number | boolean | NestedArray[];
/**
 * One element's value.
 * @example
 * const s: Scalar = tensor([true, false]).toArray()[0]; // true
 */
export type Scalar = number | boolean;
/**
 * What ops take where a tensor goes: a tensor, or a number used as a scalar tensor.
 * @example
 * const scale: TensorLike = 2;
 * tensor([1, 2]).mul(scale).toArray(); // [2, 4]
 */
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
    checkAssign(this, value);
    const src =
      value.isContiguous && value.offset === 0 && value.size === value.storage.size
        ? value
        : value.contiguousCopy();
    const buf = src.live().retain();
    if (src !== value) src.dispose();
    this.live().release();
    this.ref.buffer = buf;
    (this as { strides: readonly number[] }).strides = value.shape.length
      ? contiguousStrides(value.shape)
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

  /**
   * Synchronous `data()` for backends whose memory the host can see (reference, wasm); on webgpu it
   * throws a BackendError naming the async forms (`await data()`, `await array()`, `await itemAsync()`).
   */
  dataSync(): TypedArray {
    this.checkSyncRead("dataSync");
    const c = this.contiguousCopyIfNeeded();
    const all = c.backend.readSync(c.storage);
    const out = all.subarray(c.offset, c.offset + c.size);
    if (c !== this) c.dispose();
    return out.length === all.length ? out : out.slice();
  }

  /** Nested JavaScript arrays (booleans for bool tensors); a number for a 0-d tensor. */
  toArray(): NestedArray {
    this.checkSyncRead("toArray");
    return nest(this.dataSync(), this.shape, this.dtype === "bool");
  }

  /** `toArray()` on every backend, the GPU included: nested arrays, read asynchronously (tfjs's name). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype === "bool");
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.checkItem("item");
    this.checkSyncRead("item");
    return this.dataSync()[0];
  }

  /** `item()` on every backend, the GPU included: the single value, read asynchronously. */
  async itemAsync(): Promise<number> {
    this.checkItem("itemAsync");
    return (await this.data())[0];
  }

  private checkItem(op: string): void {
    if (this.size !== 1) {
      throw new ValueError(`${op}: only one-element tensors have an item, got shape ${fmtShape(this.shape)}`);
    }
  }

  private checkSyncRead(op: string): void {
    if (this.backend.asyncReads) {
      throw new BackendError(
        `${op}: the ${this.backend.name} backend cannot be read synchronously; use the async form ` +
          `(await t.data(), await t.array(), await t.itemAsync())`,
      );
    }
  }

  /**
   * PyTorch-style printing, e.g. `tensor([[1.0000, 2.5000]])`; on webgpu only shape and dtype (reads are
   * async; `await t.toStringAsync()` prints the values there).
   */
  toString(): string {
    if (this.backend.asyncReads) {
      return `tensor(<${this.dtype}, shape ${fmtShape(this.shape)} on ${this.backend.name}: await t.toStringAsync() to print>)`;
    }
    return formatTensor(this.dataSync(), this.shape, this.dtype, this.requiresGrad);
  }

  /** `toString()` with the values on every backend, the GPU included (read asynchronously). */
  async toStringAsync(): Promise<string> {
    return formatTensor(await this.data(), this.shape, this.dtype, this.requiresGrad);
  }

  private contiguousCopyIfNeeded(): Tensor {
    return this.isContiguous ? this : this.contiguousCopy();
  }

  /** @internal A contiguous copy with no autograd record. */
  contiguousCopy(): Tensor {
    const b = this.backend;
    const storage = b.cast(this, this.dtype);
    const out = new Tensor(
      new Buffer(b, storage),
      [...this.shape],
      contiguousStrides(this.shape),
      0,
      this.dtype,
    );
    out.ref.deriveFrom([this.ref]);
    return out;
  }

  // ---- autograd (backward() is installed by src/autograd/methods.ts) ----

  /** A tensor sharing memory with this one, cut off from the graph. */
  detach(): Tensor {
    const out = this._view(this.shape, this.strides, this.offset);
    out.ref.detachOf = this.ref;
    return out;
  }

  /** Sets `requiresGrad` on a leaf and returns it, for chaining. */
  requiresGrad_(flag = true): this {
    if (flag && this.dtype !== "float32" && this.dtype !== "float64") {
      throw new StrataError(`requiresGrad: only float tensors can require gradients, got ${this.dtype}`);
    }
    if (!this.isLeaf)
      throw new StrataError("requiresGrad: can only be set on leaf tensors; use detach() first");
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps `.grad` on this intermediate tensor during backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
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

function checkAssign(target: Tensor, value: Tensor): void {
  if (target.shape.length !== value.shape.length || target.shape.some((d, i) => d !== value.shape[i])) {
    throw new ShapeError(
      `assign: value of shape ${fmtShape(value.shape)} does not match target ${fmtShape(target.shape)}`,
    );
  }
  if (target.dtype !== value.dtype) {
    throw new ShapeError(`assign: value dtype ${value.dtype} does not match target dtype ${target.dtype}`);
  }
  if (target.backend !== value.backend) throw new StrataError("assign: value lives on another backend");
}

/** Row-major values as nested arrays (booleans for bool tensors); a number for a 0-d tensor. */
function nest(values: TypedArray, shape: readonly number[], asBool: boolean): NestedArray {
  const conv = (v: number): number | boolean => (asBool ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0]) as NestedArray;
  const build = (depth: number, offset: number, stride: number): NestedArray[] => {
    const n = shape[depth];
    const inner = stride / (n || 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        depth === shape.length - 1
          ? (conv(values[offset + i]) as NestedArray)
          : build(depth + 1, offset + i * inner, inner),
      );
    }
    return out;
  };
  return build(0, 0, sizeOf(shape));
}
