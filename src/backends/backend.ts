import type { DType, TypedArray } from "../base/dtype.js";

/**
 * A block of memory owned by a backend: a typed array, WebAssembly memory or a GPU buffer. Opaque above it.
 * @example
 * const s: Storage = getBackend().upload(new Int32Array([1, 2, 3]), "int32");
 * [s.dtype, s.size]; // ["int32", 3]
 */
export interface Storage {
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

/**
 * What a kernel reads: a storage seen through a shape, strides (in elements) and an offset.
 * Broadcast inputs arrive with stride 0 on the broadcast axes, so kernels never allocate to broadcast.
 * @example
 * const b = getBackend();
 * const storage = b.upload(new Float32Array([1, 2, 3, 4, 5, 6]), "float32");
 * const column: View = { storage, dtype: "float32", shape: [2], strides: [3], offset: 1 }; // the values 2 and 5
 * b.readSync(b.unary("neg", column, "float32")); // Float32Array [-2, -5]
 * const t: View = tensor([[1, 2], [3, 4]]).transpose(0, 1); // a tensor is a view too
 */
export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * The elementwise functions of the `unary` kernel.
 * @example
 * const op: UnaryOp = "sqrt";
 * const b = getBackend(), x = tensor([4, 9]);
 * b.readSync(b.unary(op, x, "float32")); // Float32Array [2, 3]
 */
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

/**
 * The elementwise operations of the `binary` kernel (arithmetic, comparisons, logic).
 * @example
 * const op: BinaryOp = "maximum";
 * const b = getBackend(), x = tensor([1, 5]), y = tensor([3, 2]);
 * b.readSync(b.binary(op, x, y, [2], "float32")); // Float32Array [3, 5]
 */
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

/**
 * The reductions of the `reduce` kernel.
 * @example
 * const op: ReduceOp = "min";
 * const b = getBackend();
 * b.readSync(b.reduce(op, tensor([[3, 1], [2, 4]]), [1])); // Float32Array [1, 2]
 */
export type ReduceOp = "sum" | "max" | "min";

/**
 * Unary ops whose result is bool: not differentiable, never recorded.
 * @example
 * const op: BoolUnaryOp = "isnan";
 * const b = getBackend();
 * b.readSync(b.unary(op, tensor([1, NaN]), "bool")); // Uint8Array [0, 1]
 */
export type BoolUnaryOp = "not" | "isnan" | "isinf";
/**
 * Comparisons and logic: bool results, never recorded.
 * @example
 * const op: CompareOp = "lt";
 * tensor([1, 3]).lt(2).requiresGrad; // false: nothing to differentiate
 */
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "and" | "or";

/**
 * The primitives: the ops that call a kernel of the table (or only change a view) and record a
 * gradient. One type keys `PRIM_KERNELS` below and the gradient rules (`src/autograd/grad_rules.ts`),
 * so a primitive without a kernel or without a rule does not compile; everything else in Strata is
 * composed from these.
 * @example
 * const y = tensor([1, 2], { requiresGrad: true }).softmax();
 * const prim: Prim = y.gradFn!.op; // softmax is composed: its last primitive is a division
 * prim; // "div"
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

/**
 * Primitives that change only shape, strides and offset: no kernel runs.
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const view: ViewPrim = "permute";
 * x.transpose(0, 1).gradFn!.op === view; // true
 */
export type ViewPrim = "reshape" | "permute" | "expand" | "slice";

/**
 * The primitive kernels every backend implements. Each returns a new contiguous storage.
 * Everything else in Strata (activations, softmax, losses, layers, gradients) is composed from these,
 * so a backend that implements this table runs the whole library; TypeScript refuses one that lacks a kernel.
 * @example
 * const k: Kernels = getBackend();
 * const a = tensor([[1, 2], [3, 4]]), b = tensor([[1], [1]]);
 * getBackend().readSync(k.matmul(a, b, [2, 1])); // Float32Array [3, 7]
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

/**
 * Hyperparameters of one Adam/AdamW step (bias corrections already computed for this step).
 * @example
 * const t = 1, beta1 = 0.9, beta2 = 0.999; // the first step
 * const h: AdamStep = { lr: 1e-3, beta1, beta2, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false,
 *   biasCorrection1: 1 - beta1 ** t, biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** t) };
 */
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

/**
 * Hyperparameters of one SGD step: also `SGD`'s options, so the two cannot drift apart.
 * @example
 * const h: SgdStep = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, maximize: false };
 * new optim.SGD(model.parameters(), h).paramGroups[0].nesterov; // true
 */
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
 * @example
 * const fused: FusedKernels | undefined = getBackend().fused;
 * typeof fused?.adamStep; // function on wasm; the reference backend has none
 */
export interface FusedKernels {
  /** One Adam/AdamW update in a single pass: the new parameter, first and second moments. */
  adamStep?(p: View, grad: View, m: View, v: View, h: AdamStep): [Storage, Storage, Storage];
  /** One SGD update: the new parameter and (with momentum) the new momentum buffer; `buf` null on the first step. */
  sgdStep?(p: View, grad: View, buf: View | null, h: SgdStep): [Storage, Storage | null];
  /**
   * A linear layer in one call: x [m, k] times weightᵀ (weight [n, k]), plus bias [n] when given, then
   * relu when asked; the same values as matmul, add and relu run one after another.
   */
  linear?(x: View, weight: View, bias: View | null, relu: boolean): Storage;
  /** The gradient through relu, y > 0 ? g : 0 (y the relu's output; both contiguous, one shape). */
  reluGrad?(y: View, g: View): Storage;
  /** The Huber loss per element of x against y (contiguous, one shape): the composed loss's values. */
  huber?(x: View, y: View, delta: number): Storage;
  /**
   * The gradient of `huber` with respect to x given the upstream gradient g (the composed rules'
   * values); g is contiguous, or one value broadcast over x's shape (all strides 0).
   */
  huberGrad?(x: View, y: View, g: View, delta: number): Storage;
}

/**
 * Live memory a backend holds, for leak tests and monitoring.
 * @example
 * const before: MemoryInfo = getBackend().memory();
 * const t = zeros([256]);
 * getBackend().memory().bytes - before.bytes; // 1024
 * t.dispose();
 * getBackend().memory().storages - before.storages; // 0
 */
export interface MemoryInfo {
  /** Storages allocated and not yet released. */
  storages: number;
  bytes: number;
}

/**
 * What a device-side index check reports: the op, what the index is ("index", "target class") and the
 * rest of the sentence after "is out of range" (built only when a violation is reported).
 * @example
 * const check: IndexCheck = { op: "oneHot", label: "class index", detail: () => "for 3 classes" };
 */
export interface IndexCheck {
  readonly op: string;
  readonly label: string;
  readonly detail: () => string;
}

/**
 * A place where tensors live and kernels run: the kernel table, storage management and a name.
 * @example
 * const backend: Backend = getBackend();
 * backend.supports("float64"); // true
 * backend.maxElements("float32") > 1e8; // true
 * const s = backend.fill("float32", 3, 7);
 * backend.readSync(s); // Float32Array [7, 7, 7]
 * backend.release(s);
 */
export interface Backend extends Kernels {
  readonly name: string;
  /**
   * The GPU adapter as its driver names it (webgpu: e.g. "llvmpipe: Mesa 25.0.7" for lavapipe, or the
   * GPU's model); absent on CPU backends. `backendInfo()` reports it.
   */
  readonly adapterName?: string;
  /** Fused kernels this backend offers beyond the primitive table. */
  readonly fused?: FusedKernels;
  /**
   * Resolves when start-up work done in the background (kernel selection, worker threads) is over, so
   * that what runs next computes the same way every time.
   */
  settled?(): Promise<void>;
  /**
   * True where values can only be read asynchronously (a GPU): `readSync` throws, and ops check on the
   * device (`checkIndex`) the index ranges they would otherwise check with a synchronous read.
   */
  readonly asyncReads?: boolean;
  /**
   * Where reads are asynchronous: checks on the device that every value of `index` lies in
   * [0, bound). The first violation is thrown by the next read as an `IndexError` whose message is
   * `${op}: ${label} <value> is out of range ${detail()}` plus where it was found. gather and
   * scatterAdd check their own indices; ops call this to name themselves (embedding, crossEntropy...).
   */
  checkIndex?(index: View, bound: number, check: IndexCheck): void;
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

/**
 * How a backend asks the layer above for memory back, and for the words to say if none comes.
 * @example
 * const pressure: MemoryPressure = getBackend().memoryPressure!; // set by the tensor layer
 * pressure.reclaim(); // collects tensors nothing references any more
 * typeof pressure.explain(); // "string"
 */
export interface MemoryPressure {
  /** Collects tensors no longer referenced; where the engine allows, their memory is back on return. */
  reclaim(): void;
  /** A sentence about memory held by tensors that may no longer be referenced, for the error. */
  explain(): string;
}

/**
 * The kernel that computes each primitive ("view" for those that only change the view).
 * @example
 * PRIM_KERNELS.sigmoid; // "unary"
 * PRIM_KERNELS.reshape; // "view"
 */
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
