import { getBackend } from "../backends/registry.js";
import { wrap } from "../core/dispatch.js";
import type { Backend } from "../backends/backend.js";
import {
  type DType,
  type TypedArray,
  allocArray,
  bytesPerElement,
  dtypeOfArray,
  isFloat,
} from "../base/dtype.js";
import { DTypeError, OutOfMemoryError, ShapeError, ValueError, fmtBytes, fmtShape } from "../base/errors.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import { checkShape, sizeOf } from "../base/shape.js";
import type { NestedArray, Tensor } from "../core/tensor.js";

/**
 * Options every creation function takes.
 * @example
 * const options: CreateOptions = { dtype: "float64", requiresGrad: true };
 * zeros([2], options).requiresGrad; // true
 */
export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/**
 * Options of the random creation functions: a generator of your own instead of `manualSeed`'s.
 * @example
 * const options: RandomOptions = { generator: new Generator(1), dtype: "float64" };
 * randn([3], options).dtype; // "float64"
 */
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

type HostArray = TypedArray | Int8Array | Int16Array | Uint16Array | Uint32Array | Uint8ClampedArray;

/**
 * Throws an OutOfMemoryError naming `op` when a tensor of `shape` and `dtype` is larger than `backend`
 * can ever hold. Ops that build their values on the host call it first: zeros([2e9]) would otherwise
 * fill an 8 GB array (tens of seconds, and more memory than the machine may have) only to fail on upload.
 * @example
 * checkFits("eye", [1000, 1000], "float32"); // fits: nothing happens
 * checkFits("eye", [1e6, 1e6], "float32"); // throws OutOfMemoryError
 */
export function checkFits(
  op: string,
  shape: readonly number[],
  dtype: DType,
  backend: Backend = getBackend(),
): void {
  const n = sizeOf(shape);
  const max = backend.maxElements(dtype);
  if (n <= max) return;
  const bytes = bytesPerElement(dtype);
  const count = (x: number) => x.toLocaleString("en-US");
  throw new OutOfMemoryError(
    `${op}: shape ${fmtShape(shape)} holds ${count(n)} ${dtype} elements = ${fmtBytes(n * bytes)}, ` +
      `more than the ${backend.name} backend can hold (${count(max)} elements = ${fmtBytes(max * bytes)})`,
  );
}

/**
 * Wraps host values of the given dtype as a tensor on the current backend (the array is copied).
 * @example
 * fromHost([1, 2, 3, 4], [2, 2], "int32").toArray(); // [[1, 2], [3, 4]]
 */
export function fromHost(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  requiresGrad = false,
): Tensor {
  const backend = getBackend();
  if (!backend.supports(dtype)) {
    throw new DTypeError(`tensor: dtype ${dtype} is not supported by the ${backend.name} backend`);
  }
  checkFits("tensor", shape, dtype, backend);
  const n = sizeOf(shape);
  if (values.length !== n) {
    throw new ShapeError(
      `tensor: ${values.length} values do not fill shape ${fmtShape(shape)} (${n} elements)`,
    );
  }
  const data = allocArray(dtype, n);
  if (dtype === "bool") for (let i = 0; i < n; i++) data[i] = values[i] ? 1 : 0;
  else data.set(values);
  const t = wrap(backend, backend.upload(data, dtype), shape);
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A tensor from a number, nested arrays or a typed array. Numbers become float32 unless `dtype` says
 * otherwise; booleans become bool; a typed array keeps its type (Int8/Uint8/Int16/Uint16 → int32).
 * @example
 * const x = tensor([[1, 2, 3], [4, 5, 6]]); // float32, shape [2, 3]
 * const y = tensor(new Int32Array([0, 1, 2, 3]), { shape: [2, 2] });
 * y.dtype; // "int32"
 * tensor([1, 2], { dtype: "float64", requiresGrad: true }).requiresGrad; // true
 */
export function tensor(
  data: NestedArray | HostArray,
  options: CreateOptions & { shape?: number[] } = {},
): Tensor {
  if (ArrayBuffer.isView(data)) {
    const arr = data as HostArray;
    const natural: DType =
      arr instanceof Float32Array || arr instanceof Float64Array || arr instanceof Int32Array
        ? dtypeOfArray(arr)
        : "int32";
    const shape = checkShape("tensor", options.shape ?? [arr.length]);
    return fromHost(arr, shape, options.dtype ?? natural, options.requiresGrad);
  }
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
    if (probe === undefined) break;
  }
  const flat: number[] = [];
  let sawBool = false;
  const walk = (v: NestedArray, depth: number) => {
    if (depth === shape.length) {
      if (Array.isArray(v))
        throw new ShapeError(`tensor: ragged nested array: more nesting than shape ${fmtShape(shape)}`);
      if (typeof v === "boolean") sawBool = true;
      else if (typeof v !== "number")
        throw new ValueError(`tensor: expected numbers or booleans, got ${typeof v}`);
      flat.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `length ${v.length}` : "a scalar";
      throw new ShapeError(
        `tensor: ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${got}`,
      );
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(data, 0);
  const dtype = options.dtype ?? (sawBool ? "bool" : "float32");
  return fromHost(
    flat,
    options.shape ? checkShape("tensor", options.shape) : shape,
    dtype,
    options.requiresGrad,
  );
}

/**
 * A 0-d tensor.
 * @example
 * scalar(3).shape; // []
 * scalar(3).item(); // 3
 */
export function scalar(value: number | boolean, options: CreateOptions = {}): Tensor {
  return tensor(value, options);
}

/** `full` under the name of the op the user called, for error messages. */
function filled(op: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  const s = checkShape(op, shape);
  const dtype = options.dtype ?? "float32";
  const backend = getBackend();
  if (!backend.supports(dtype)) {
    throw new DTypeError(`${op}: dtype ${dtype} is not supported by the ${backend.name} backend`);
  }
  checkFits(op, s, dtype, backend);
  const t = wrap(backend, backend.fill(dtype, sizeOf(s), dtype === "bool" ? (value ? 1 : 0) : value), s);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A tensor of `shape` with every element equal to `value`.
 * @example
 * full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled("full", shape, value, options);
}

/**
 * A tensor of zeros.
 * @example
 * zeros([2, 3]).toArray(); // [[0, 0, 0], [0, 0, 0]]
 * zeros([2], { dtype: "int32" }).dtype; // "int32"
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled("zeros", shape, 0, options);
}

/**
 * A tensor of ones.
 * @example
 * ones([3]).toArray(); // [1, 1, 1]
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled("ones", shape, 1, options);
}

/**
 * Zeros of `t`'s shape and dtype.
 * @example
 * zerosLike(tensor([[1, 2]], { dtype: "int32" })).toArray(); // [[0, 0]]
 */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return filled("zerosLike", t.shape, 0, { dtype: t.dtype, ...options });
}

/**
 * Ones of `t`'s shape and dtype.
 * @example
 * onesLike(randn([2, 3])).shape; // [2, 3]
 */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return filled("onesLike", t.shape, 1, { dtype: t.dtype, ...options });
}

/**
 * `value` everywhere, in `t`'s shape and dtype.
 * @example
 * fullLike(tensor([1, 2]), -1).toArray(); // [-1, -1]
 */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return filled("fullLike", t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * Values from `start` up to (not including) `end` by `step`; int32 when all three are integers.
 * @example
 * arange(5) // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new ValueError("arange: step must be non-zero");
  if (![start, end, step].every(Number.isFinite)) {
    throw new ValueError(`arange: start, end and step must be finite, got ${start}, ${end}, ${step}`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = options.dtype ?? (ints ? "int32" : "float32");
  checkFits("arange", [n], dtype);
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromHost(data, [n], dtype, options.requiresGrad);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 * @example
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = options.dtype ?? "float32";
  checkFits("linspace", [steps], dtype);
  const data = allocArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) data[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return fromHost(data, [steps], dtype, options.requiresGrad);
}

/**
 * Identity matrix (n × m, m defaults to n).
 * @example
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 * eye(2, 3).shape; // [2, 3]
 */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  const shape = checkShape("eye", [n, m]);
  const dtype = options.dtype ?? "float32";
  checkFits("eye", shape, dtype);
  const data = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromHost(data, shape, dtype, options.requiresGrad);
}

function floatDtype(op: string, options: CreateOptions): DType {
  const dtype = options.dtype ?? "float32";
  if (!isFloat(dtype)) throw new DTypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

/**
 * Uniform samples in [low, high) from the seeded generator.
 * @example
 * manualSeed(0);
 * const w = rand([3, 3], { low: -1, high: 1 });
 * w.abs().max().item() < 1; // true
 */
export function rand(
  shape: readonly number[],
  options: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  const s = checkShape("rand", shape);
  const dtype = floatDtype("rand", options);
  checkFits("rand", s, dtype);
  const g = options.generator ?? defaultGenerator;
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  const data = allocArray(dtype, sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * g.uniform();
  return fromHost(data, s, dtype, options.requiresGrad);
}

/**
 * Normal samples (mean 0, std 1 unless given) from the seeded generator.
 * @example
 * const noise = randn([10_000], { mean: 5, std: 2 });
 * noise.mean().item(); // 5.0
 * noise.std().item(); // 2.0
 */
export function randn(
  shape: readonly number[],
  options: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  const s = checkShape("randn", shape);
  const dtype = floatDtype("randn", options);
  checkFits("randn", s, dtype);
  const g = options.generator ?? defaultGenerator;
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  const data = allocArray(dtype, sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * g.normal();
  return fromHost(data, s, dtype, options.requiresGrad);
}

/**
 * Integers uniform in [low, high), int32.
 * @example
 * const labels = randint(0, 10, [64]); // int32, each in 0..9
 * labels.max().item() < 10; // true
 */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  if (!(high > low)) throw new ValueError(`randint: high (${high}) must be greater than low (${low})`);
  const s = checkShape("randint", shape);
  const g = options.generator ?? defaultGenerator;
  const dtype = options.dtype ?? "int32";
  checkFits("randint", s, dtype);
  const data = allocArray(dtype, sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = g.int(low, high);
  return fromHost(data, s, dtype);
}

/**
 * 1 with probability `p` (a number, or a tensor of probabilities), else 0; float32 unless dtype is given.
 * @example
 * const mask = bernoulli(0.8, [1000]); // about 800 ones
 * bernoulli(tensor([0, 1, 1])).toArray(); // [0, 1, 1]
 */
export function bernoulli(
  p: number | Tensor,
  shape?: readonly number[],
  options: RandomOptions = {},
): Tensor {
  const g = options.generator ?? defaultGenerator;
  const dtype = options.dtype ?? "float32";
  if (typeof p === "number") {
    if (!(p >= 0 && p <= 1)) throw new ValueError(`bernoulli: probability must be in [0, 1], got ${p}`);
    const s = checkShape("bernoulli", shape ?? []);
    checkFits("bernoulli", s, dtype);
    const data = allocArray(dtype, sizeOf(s));
    for (let i = 0; i < data.length; i++) data[i] = g.uniform() < p ? 1 : 0;
    return fromHost(data, s, dtype);
  }
  const probs = p.dataSync();
  const data = allocArray(dtype, probs.length);
  for (let i = 0; i < probs.length; i++) {
    if (!(probs[i] >= 0 && probs[i] <= 1))
      throw new ValueError(`bernoulli: probability must be in [0, 1], got ${probs[i]}`);
    data[i] = g.uniform() < probs[i] ? 1 : 0;
  }
  return fromHost(data, p.shape, dtype);
}

/**
 * A random permutation of 0..n-1 (int32).
 * @example
 * const p = randperm(5); // 0..4 in a random order
 * p.sum().item(); // 10
 */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  checkFits("randperm", checkShape("randperm", [n]), "int32");
  return fromHost(g.permutation(n), [n], "int32");
}
