/**
 * Strata: deep learning for TypeScript.
 * @example
 * import { tensor } from "strata-dl";
 * tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray(); // [[3], [7]]
 */
// the op methods and backward() are installed on Tensor by the floors that own them
import "./ops/methods.js";
import "./autograd/methods.js";
import "./train/module_methods.js";

export { Tensor } from "./core/tensor.js";
export type { NestedArray, TensorLike, GradNode, CustomGrad } from "./core/tensor.js";
export type { DType, TypedArray } from "./base/dtype.js";
export {
  StrataError,
  ShapeError,
  DTypeError,
  ValueError,
  IndexError,
  LinAlgError,
  DisposedError,
  OutOfMemoryError,
  BackendError,
  ArgumentError,
} from "./base/errors.js";
export { FileError } from "./base/errors.js";
export { Generator, manualSeed } from "./core/random.js";
export { tidy, keep } from "./core/memory.js";
export { noGrad, enableGrad, isGradEnabled } from "./core/grad_mode.js";
export { gradcheck } from "./autograd/gradcheck.js";
export type { GradcheckOptions, GradcheckResult } from "./autograd/gradcheck.js";
export {
  setBackend,
  getBackend,
  registerBackend,
  registerAsyncBackend,
  listBackends,
  ready,
  backendInfo,
  type BackendInfo,
} from "./backends/registry.js";
export type { Backend, Kernels, FusedKernels, Storage, View, MemoryInfo } from "./backends/backend.js";
export { RefBackend } from "./backends/ref/index.js";
export { WasmBackend, createWasmBackend, type WasmBackendOptions } from "./backends/wasm/index.js";
export type { HeapStats } from "./backends/wasm/heap.js";
export * from "./ops/creation.js";
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  neg,
  exp,
  log,
  sqrt,
  rsqrt,
  abs,
  sign,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  floor,
  ceil,
  round,
  erf,
  log1p,
  expm1,
  reciprocal,
  square,
  clip,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logicalAnd,
  logicalOr,
  logicalNot,
  isNaN,
  isInf,
  isFinite,
  where,
  cast,
} from "./ops/elementwise.js";
export {
  sum,
  mean,
  max,
  min,
  variance,
  std,
  logSumExp,
  argmax,
  argmin,
  all,
  any,
  norm,
} from "./ops/reduce.js";
export { matmul } from "./ops/linalg.js";
export {
  reshape,
  permute,
  transpose,
  expand,
  squeeze,
  unsqueeze,
  flatten,
  slice,
  select,
  contiguous,
  clone,
  pad,
  concat,
  stack,
  split,
  chunk,
  gather,
  scatterAdd,
  indexSelect,
} from "./ops/movement.js";
export { oneHot } from "./ops/one_hot.js";
export { nonzero, nonzeroAsync, argwhere, type NonzeroOptions } from "./ops/nonzero.js";
export {
  softmax,
  logSoftmax,
  leakyRelu,
  elu,
  gelu,
  silu,
  softplus,
  hardtanh,
  logSigmoid,
} from "./ops/activation.js";
export * as autograd from "./autograd/index.js";
export * as linalg from "./linalg/index.js";
export * as nn from "./nn/index.js";
export * as models from "./models/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export * as io from "./io/index.js";
export * as plot from "./plot/index.js";
export * as losses from "./ops/losses.js";
export * from "./train/index.js";
export * as unsupervised from "./unsupervised/index.js";
export * as rl from "./rl/index.js";
