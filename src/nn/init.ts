/**
 * Weight initializers with PyTorch's conventions: a weight is laid out `[out, in, ...kernel]`, so
 * fan-in is `in · prod(kernel)` and fan-out is `out · prod(kernel)`. Each function takes a shape (or a
 * tensor, whose shape and dtype it reuses) and returns a new tensor drawn from the seeded generator.
 * @example
 * import { nn } from "strata-dl";
 * const w = nn.parameter(nn.init.kaimingNormal([128, 784], { nonlinearity: "relu" }));
 * w.requiresGrad; // true
 */
import type { DType } from "../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import { checkShape, sizeOf } from "../base/shape.js";
import { Tensor } from "../core/tensor.js";
import { checkFits, fromHost, full, rand, randn } from "../ops/creation.js";

/**
 * A shape, or a tensor whose shape (and dtype, unless `dtype` is given) the new tensor takes.
 * @example
 * const like: ShapeLike = zeros([3, 4], { dtype: "float64" });
 * xavierUniform(like).dtype; // "float64"
 */
export type ShapeLike = readonly number[] | Tensor;

/**
 * Options of every random initializer.
 * @example
 * const options: InitOptions = { dtype: "float64", generator: new Generator(0) };
 * xavierUniform([4, 3], options).dtype; // "float64"
 */
export interface InitOptions {
  /** float32 (default, or the template tensor's dtype) or float64. */
  dtype?: DType;
  /** Draw from this generator instead of the library-wide one (`manualSeed`). */
  generator?: Generator;
}

/**
 * Activation names `calculateGain` knows, as in `torch.nn.init.calculate_gain`.
 * @example
 * const act: Nonlinearity = "leaky_relu";
 * calculateGain(act, 0.2); // 1.3868
 */
export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "selu";

/**
 * Whether weight statistics are scaled by the fan-in (preserves forward variance) or fan-out (backward).
 * @example
 * const mode: FanMode = "fanOut";
 * kaimingNormal([16, 8, 3, 3], { mode }).shape; // [16, 8, 3, 3]
 */
export type FanMode = "fanIn" | "fanOut";

function shapeOf(s: ShapeLike): readonly number[] {
  return s instanceof Tensor ? s.shape : s;
}

function dtypeOf(op: string, s: ShapeLike, options: InitOptions): DType {
  const dtype = options.dtype ?? (s instanceof Tensor ? s.dtype : "float32");
  if (dtype !== "float32" && dtype !== "float64") {
    throw new DTypeError(`init.${op}: dtype must be float32 or float64, got ${dtype}`);
  }
  return dtype;
}

/**
 * The recommended gain for an activation: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2 / (1 + slope²)) for leaky_relu (`param` is the slope, 0.01 by default) and 3/4 for selu.
 * @example
 * calculateGain("relu") // 1.4142…
 * calculateGain("tanh"); // 1.6667
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) {
        throw new ValueError(`calculateGain: negative slope must be a finite number, got ${slope}`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new ValueError(
        `calculateGain: unknown nonlinearity "${nonlinearity}"; expected linear, conv1d, conv2d, conv3d, ` +
          "sigmoid, tanh, relu, leaky_relu or selu",
      );
  }
}

/**
 * Fan-in and fan-out of a weight of shape `[out, in, ...kernel]`: `in · prod(kernel)` and
 * `out · prod(kernel)`. Needs at least 2 dimensions.
 * @example fanInOut([64, 3, 5, 5]) // { fanIn: 75, fanOut: 1600 }
 */
export function fanInOut(shape: ShapeLike): { fanIn: number; fanOut: number } {
  const s = shapeOf(shape);
  if (s.length < 2) {
    throw new ShapeError(
      `fanInOut: fan-in and fan-out need a weight with at least 2 dimensions [out, in, ...], got ${fmtShape(s)}`,
    );
  }
  const receptive = sizeOf(s.slice(2));
  return { fanIn: s[1] * receptive, fanOut: s[0] * receptive };
}

function fanOf(op: string, shape: ShapeLike, mode: FanMode): number {
  if (mode !== "fanIn" && mode !== "fanOut") {
    throw new ValueError(`init.${op}: mode must be "fanIn" or "fanOut", got "${mode}"`);
  }
  const { fanIn, fanOut } = fanInOut(shape);
  const fan = mode === "fanIn" ? fanIn : fanOut;
  if (fan === 0) throw new ShapeError(`init.${op}: cannot initialize a weight with ${mode} 0`);
  return fan;
}

/**
 * Uniform samples in [low, high).
 * @example
 * const w = uniform([3, 4], { low: -0.1, high: 0.1 });
 * w.abs().max().item() < 0.1; // true
 */
export function uniform(
  shape: ShapeLike,
  options: InitOptions & { low?: number; high?: number } = {},
): Tensor {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(low <= high)) throw new ValueError(`init.uniform: low (${low}) must not exceed high (${high})`);
  return rand(shapeOf(shape), {
    low,
    high,
    dtype: dtypeOf("uniform", shape, options),
    generator: options.generator,
  });
}

/**
 * Normal samples with the given mean (0) and standard deviation (1).
 * @example
 * normal([100, 100], { std: 0.02 }).std().item(); // 0.02
 */
export function normal(
  shape: ShapeLike,
  options: InitOptions & { mean?: number; std?: number } = {},
): Tensor {
  const std = options.std ?? 1;
  if (!(std >= 0)) throw new ValueError(`init.normal: std must be non-negative, got ${std}`);
  return randn(shapeOf(shape), {
    mean: options.mean ?? 0,
    std,
    dtype: dtypeOf("normal", shape, options),
    generator: options.generator,
  });
}

/**
 * Every element equal to `value`.
 * @example constant([4], 0.1) // [0.1, 0.1, 0.1, 0.1]
 */
export function constant(shape: ShapeLike, value: number, options: { dtype?: DType } = {}): Tensor {
  const dtype = options.dtype ?? (shape instanceof Tensor ? shape.dtype : "float32");
  return full(shapeOf(shape), value, { dtype });
}

/**
 * Zeros (of a template tensor's dtype when given one).
 * @example
 * zeros([10]).sum().item(); // 0: a zero bias
 */
export function zeros(shape: ShapeLike, options: { dtype?: DType } = {}): Tensor {
  return constant(shape, 0, options);
}

/**
 * Ones (of a template tensor's dtype when given one).
 * @example
 * ones([10]).sum().item(); // 10: a unit scale
 */
export function ones(shape: ShapeLike, options: { dtype?: DType } = {}): Tensor {
  return constant(shape, 1, options);
}

/**
 * Glorot uniform: U(−a, a) with a = gain · √(6 / (fanIn + fanOut)), keeping activation variance
 * roughly constant forwards and backwards.
 * @example
 * const w = xavierUniform([128, 784]); // bound √(6 / 912) ≈ 0.0811
 * w.abs().max().item() <= Math.sqrt(6 / 912); // true
 */
export function xavierUniform(shape: ShapeLike, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fanInOut(shape);
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform(shape, { ...options, low: -a, high: a });
}

/**
 * Glorot normal: N(0, std²) with std = gain · √(2 / (fanIn + fanOut)).
 * @example
 * xavierNormal([128, 784], { gain: calculateGain("tanh") }).std().item(); // 0.078: 5/3 · √(2 / 912)
 */
export function xavierNormal(shape: ShapeLike, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fanInOut(shape);
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return normal(shape, { ...options, mean: 0, std });
}

/**
 * Options of the He initializers.
 * @example
 * const options: KaimingOptions = { mode: "fanOut", nonlinearity: "relu" };
 * kaimingNormal([64, 3, 3, 3], options).std().item(); // 0.06: √2 / √(64 · 9) = 0.0589
 */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (only used with `leaky_relu`); default 0. */
  a?: number;
  /** Scale by fan-in (default, preserves forward variance) or fan-out (backward). */
  mode?: FanMode;
  /** The activation that follows; default `leaky_relu` (with `a` = 0 this is relu's √2), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, shape: ShapeLike, options: KaimingOptions): number {
  const fan = fanOf(op, shape, options.mode ?? "fanIn");
  const gain = calculateGain(options.nonlinearity ?? "leaky_relu", options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He uniform: U(−b, b) with b = gain · √(3 / fan). PyTorch's `Linear` and conv layers use it with
 * `a: √5`, which gives b = 1/√fanIn.
 * @example
 * kaimingUniform([128, 784], { nonlinearity: "relu" }).abs().max().item() <= Math.sqrt(6 / 784); // true
 * kaimingUniform([128, 784], { a: Math.sqrt(5) }); // what Linear(784, 128) starts from
 */
export function kaimingUniform(shape: ShapeLike, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform", shape, options);
  return uniform(shape, { dtype: options.dtype, generator: options.generator, low: -bound, high: bound });
}

/**
 * He normal: N(0, std²) with std = gain / √fan.
 * @example
 * kaimingNormal([256, 512], { nonlinearity: "relu" }).std().item(); // 0.0625: √2 / √512
 */
export function kaimingNormal(shape: ShapeLike, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd("kaimingNormal", shape, options);
  return normal(shape, { dtype: options.dtype, generator: options.generator, mean: 0, std });
}

/**
 * A (semi-)orthogonal matrix times `gain`: the weight is viewed as `[shape[0], rest]`, and its rows
 * (or columns, whichever are fewer) are orthonormal. Made as PyTorch does, from the QR decomposition
 * of a standard normal matrix with R's diagonal made positive, so it is uniformly (Haar) distributed.
 * @example
 * const w = orthogonal([64, 64]); // wᵀw ≈ I
 * w.T.matmul(w).sub(eye(64)).abs().max().item() < 1e-5; // true
 */
export function orthogonal(shape: ShapeLike, options: InitOptions & { gain?: number } = {}): Tensor {
  const s = checkShape("init.orthogonal", shapeOf(shape));
  if (s.length < 2) {
    throw new ShapeError(`init.orthogonal: needs a tensor with at least 2 dimensions, got ${fmtShape(s)}`);
  }
  const dtype = dtypeOf("orthogonal", shape, options);
  checkFits("init.orthogonal", s, dtype);
  const gain = options.gain ?? 1;
  const g = options.generator ?? defaultGenerator;
  const rows = s[0];
  const cols = sizeOf(s) / rows;
  if (rows === 0 || cols === 0) return full(s, 0, { dtype });
  // Q is tall: m ≥ n; work on the transpose when the weight is wide
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  // column-major m × n normal matrix: column j is a[j*m .. j*m+m)
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = g.normal();
  // modified Gram–Schmidt, run twice per column ("twice is enough") for orthogonality to rounding
  for (let j = 0; j < n; j++) {
    const col = a.subarray(j * m, j * m + m);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const q = a.subarray(k * m, k * m + m);
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i] * col[i];
        for (let i = 0; i < m; i++) col[i] -= dot * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += col[i] * col[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) col[i] /= norm;
  }
  // write Q (rows ≥ cols) or Qᵀ (rows < cols) in row-major [rows, cols]
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (rows >= cols ? a[c * m + r] : a[r * m + c]);
    }
  }
  return fromHost(out, s, dtype);
}
