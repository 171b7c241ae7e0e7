import type { DType, TypedArray } from "../base/dtype.js";

/** A block of memory owned by a backend: a typed array, WebAssembly memory or a GPU buffer. Opaque above it. */
export interface Storage {
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

/**
 * What a kernel reads: a storage seen through a shape, strides (in elements) and an offset.
 * Broadcast inputs arrive with stride 0 on the broadcast axes, so kernels never allocate to broadcast.
 */
export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | "neg"
  | "exp"
  | "log"
  | "sqrt"
  | "abs"
  | "sign"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "floor"
  | "ceil"
  | "round"
  | "erf"
  | "log1p"
  | "expm1"
  | "reciprocal"
  | "not"
  | "isnan"
  | "isinf";

export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "and"
  | "or";

export type ReduceOp = "sum" | "max" | "min";

/** Unary ops whose result is bool: not differentiable, never recorded. */
export type BoolUnaryOp = "not" | "isnan" | "isinf";
/** Comparisons and logic: bool results, never recorded. */
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "and" | "or";

/**
 * The primitives: the ops that call a kernel of the table (or only change a view) and record a
 * gradient. One type keys `PRIM_KERNELS` below and the gradient rules (`src/autograd/grad_rules.ts`),
 * so a primitive without a kernel or without a rule does not compile; everything else in Strata is
 * composed from these.
 */
export type Prim =
  | Exclude<UnaryOp, BoolUnaryOp>
  | Exclude<BinaryOp, CompareOp>
  | ReduceOp
  | "cast"
  | "where"
  | "matmul"
  | "pad"
  | "concat"
  | "gather"
  | "scatterAdd"
  | "contiguous"
  | ViewPrim;

/** Primitives that change only shape, strides and offset: no kernel runs. */
export type ViewPrim = "reshape" | "permute" | "expand" | "slice";

/**
 * The primitive kernels every backend implements. Each returns a new contiguous storage.
 * Everything else in Strata (activations, softmax, losses, layers, gradients) is composed from these,
 * so a backend that implements this table runs the whole library; TypeScript refuses one that lacks a kernel.
 */
export interface Kernels {
  /** Elementwise f(x), written as `outDtype`; output shape = x.shape. */
  unary(op: UnaryOp, x: View, outDtype: DType): Storage;
  /** Elementwise f(a, b); a and b are already viewed at `outShape` (stride 0 where broadcast). */
  binary(op: BinaryOp, a: View, b: View, outShape: readonly number[], outDtype: DType): Storage;
  /** cond ? a : b elementwise; all three are viewed at `outShape`. */
  where(cond: View, a: View, b: View, outShape: readonly number[], outDtype: DType): Storage;
  /** Contiguous copy converted to `dtype` (float→int truncates toward zero; →bool is x ≠ 0). */
  cast(x: View, dtype: DType): Storage;
  /** Reduces over `axes` (sorted, unique); output shape is x.shape without those axes. */
  reduce(op: ReduceOp, x: View, axes: readonly number[]): Storage;
  /** Index (int32) of the first max/min along `axis`; output shape is x.shape without it. */
  argReduce(op: "argmax" | "argmin", x: View, axis: number): Storage;
  /** Batched a[..., m, k] × b[..., k, n]; batch axes already viewed at the broadcast batch shape. */
  matmul(a: View, b: View, outShape: readonly number[]): Storage;
  /** Pads each axis with `pads[i] = [before, after]` elements of `value`. */
  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage;
  /** Joins views along `axis`. */
  concat(xs: readonly View[], axis: number, outShape: readonly number[]): Storage;
  /** out[...i, j, k...] = x[...i, index[...i, j, k...], k...] along `axis` (torch.gather); out shape = index shape. */
  gather(x: View, axis: number, index: View): Storage;
  /** zeros(outShape).scatter_add(axis, index, src): the adjoint of gather. */
  scatterAdd(outShape: readonly number[], dtype: DType, axis: number, index: View, src: View): Storage;
}

/** Hyperparameters of one Adam/AdamW step (bias corrections already computed for this step). */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's decoupled weight decay instead of Adam's L2 term. */
  decoupled: boolean;
  maximize: boolean;
  biasCorrection1: number;
  biasCorrection2Sqrt: number;
}

/** Hyperparameters of one SGD step: also `SGD`'s options, so the two cannot drift apart. */
export interface SgdStep {
  /** Learning rate (default 1e-3, as in PyTorch 2). */
  lr: number;
  /** Momentum factor; 0 (the default) is plain gradient descent. */
  momentum: number;
  /** Dampening of the gradient's contribution to the momentum buffer (not applied on the first step). */
  dampening: number;
  /** L2 penalty: `weightDecay · param` is added to the gradient. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

/**
 * Optional fused kernels a backend may add; ops use them when present and fall back to the composed
 * primitives (the reference) otherwise. Inputs are contiguous float32 views of one shape.
 */
export interface FusedKernels {
  /** One Adam/AdamW update in a single pass: the new parameter, first and second moments. */
  adamStep?(p: View, grad: View, m: View, v: View, h: AdamStep): [Storage, Storage, Storage];
  /** One SGD update: the new parameter and (with momentum) the new momentum buffer; `buf` null on the first step. */
  sgdStep?(p: View, grad: View, buf: View | null, h: SgdStep): [Storage, Storage | null];
}

/** Live memory a backend holds, for leak tests and monitoring. */
export interface MemoryInfo {
  /** Storages allocated and not yet released. */
  storages: number;
  bytes: number;
}

export interface Backend extends Kernels {
  readonly name: string;
  /** Fused kernels this backend offers beyond the primitive table. */
  readonly fused?: FusedKernels;
  /**
   * Resolves when start-up work done in the background (kernel selection, worker threads) is over, so
   * that what runs next computes the same way every time.
   */
  settled?(): Promise<void>;
  /** Whether tensors of this dtype can live on this backend. */
  supports(dtype: DType): boolean;
  /**
   * The most elements of `dtype` one storage can ever hold (the wasm heap's cap, a typed array's
   * length limit), so that ops refuse a larger shape before building anything on the host.
   */
  maxElements(dtype: DType): number;
  /** A new storage of `size` elements all equal to `value` (0 or 1 for bool), made without a host copy. */
  fill(dtype: DType, size: number, value: number): Storage;
  /** Copies host data into a new storage. */
  upload(data: TypedArray, dtype: DType): Storage;
  /** Copies a whole storage back to the host. */
  read(storage: Storage): Promise<TypedArray>;
  /** Synchronous read, for backends whose memory the host can see (reference, wasm). */
  readSync(storage: Storage): TypedArray;
  /** Releases a storage; using it afterwards is an error. */
  release(storage: Storage): void;
  memory(): MemoryInfo;
  /**
   * Set by the tensor layer when the backend is created: what to run when memory runs short, before
   * an allocation fails (a backend's memory is invisible to the JS garbage collector).
   */
  memoryPressure?: MemoryPressure;
}

/** How a backend asks the layer above for memory back, and for the words to say if none comes. */
export interface MemoryPressure {
  /** Collects tensors no longer referenced; where the engine allows, their memory is back on return. */
  reclaim(): void;
  /** A sentence about memory held by tensors that may no longer be referenced, for the error. */
  explain(): string;
}

/** The kernel that computes each primitive ("view" for those that only change the view). */
export const PRIM_KERNELS: Readonly<Record<Prim, keyof Kernels | "view">> = {
  neg: "unary",
  exp: "unary",
  log: "unary",
  sqrt: "unary",
  abs: "unary",
  sign: "unary",
  sin: "unary",
  cos: "unary",
  tanh: "unary",
  sigmoid: "unary",
  relu: "unary",
  floor: "unary",
  ceil: "unary",
  round: "unary",
  erf: "unary",
  log1p: "unary",
  expm1: "unary",
  reciprocal: "unary",
  add: "binary",
  sub: "binary",
  mul: "binary",
  div: "binary",
  pow: "binary",
  maximum: "binary",
  minimum: "binary",
  sum: "reduce",
  max: "reduce",
  min: "reduce",
  cast: "cast",
  where: "where",
  matmul: "matmul",
  pad: "pad",
  concat: "concat",
  gather: "gather",
  scatterAdd: "scatterAdd",
  contiguous: "cast",
  reshape: "view",
  permute: "view",
  expand: "view",
  slice: "view",
};
