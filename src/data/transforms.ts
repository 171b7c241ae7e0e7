/**
 * Normalisation helpers for features and images. `Standardizer.fit` (and the one-call `standardize`,
 * `minMaxScale`) keep their statistics, so test data gets exactly the transform fitted on the training
 * data.
 */

import { isFloat } from "../base/dtype.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { normAxes, normAxis } from "../base/shape.js";
import { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { cast } from "../ops/elementwise.js";

/**
 * A statistic: one number for all elements, one per channel, or a tensor that broadcasts against `x`.
 * @example
 * const perChannel: Stat = [0.485, 0.456, 0.406];
 * data.normalize(full([1, 3, 2, 2], 0.5), perChannel, 0.5).mean([0, 2, 3]).toArray(); // [0.03, 0.088, 0.188]
 */
export type Stat = number | readonly number[] | Tensor;

/**
 * The axes to reduce over: one, several, or `null` for all of them.
 * @example
 * const channels: Axes = [0, 2, 3]; // per-channel statistics of NCHW images
 * data.Standardizer.fit(randn([8, 3, 4, 4]), channels).mean.shape; // [1, 3, 1, 1]
 */
export type Axes = number | number[] | null;

function asFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : cast(x, "float32");
}

/** A per-channel list becomes a tensor shaped to broadcast along `axis`; numbers and tensors pass through. */
function statTensor(op: string, name: string, stat: Stat, x: Tensor, axis: number): Tensor | number {
  if (typeof stat === "number" || stat instanceof Tensor) return stat;
  if (x.rank === 0)
    throw new ShapeError(`${op}: per-channel ${name} needs a tensor with a channel axis, got a 0-d tensor`);
  const a = normAxis(op, axis, x.rank);
  const c = x.shape[a];
  if (stat.length !== c && stat.length !== 1) {
    throw new ShapeError(
      `${op}: ${name} has ${stat.length} values but axis ${a} of the input ${fmtShape(x.shape)} has ${c} channels`,
    );
  }
  const shape = x.shape.map((_, i) => (i === a ? stat.length : 1));
  return fromHost(stat, shape, isFloat(x.dtype) ? x.dtype : "float32");
}

function hasZero(stat: Stat): boolean {
  if (typeof stat === "number") return stat === 0;
  if (stat instanceof Tensor) return false; // fitted statistics are made safe when fitted
  return stat.some((v) => v === 0);
}

/**
 * `(x - mean) / std`: with numbers for all elements, with lists per channel along `axis` (default 1,
 * the C of NCHW images or the features of `[N, F]` rows), or with tensors that broadcast against `x`
 * (such as the statistics `standardize` returns). Integer inputs are converted to float32.
 * @example
 * const images = rand([4, 1, 28, 28]), rgb = rand([4, 3, 32, 32]);
 * data.normalize(images, 0.1307, 0.3081); // MNIST
 * data.normalize(rgb, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]); // per channel of [N, 3, H, W]
 * data.normalize(tensor([[1, 2], [3, 4]]), [1, 2], 2, 1).toArray(); // [[0, 0], [1, 1]]: one mean per column
 */
export function normalize(x: Tensor, mean: Stat, std: Stat, axis = 1): Tensor {
  if (hasZero(std)) throw new ValueError("normalize: std must be non-zero");
  const xf = asFloat(x);
  const m = statTensor("normalize", "mean", mean, xf, axis);
  const s = statTensor("normalize", "std", std, xf, axis);
  return xf.sub(m).div(s);
}

function reduceAxes(op: string, x: Tensor, axis: Axes): number[] | undefined {
  if (axis === null) return undefined;
  if (x.rank === 0) throw new ShapeError(`${op}: cannot reduce over axis ${axis} of a 0-d tensor`);
  return normAxes(op, axis, x.rank);
}

/**
 * Per-feature standardisation fitted once and applied to any data, like scikit-learn's
 * `StandardScaler`: `fit` learns the mean and the population standard deviation (divisor n) of the
 * training rows; `transform` maps any rows to `(x - mean) / std` with those statistics. A constant
 * feature has std 0, which is replaced by 1, so it maps to 0 instead of NaN. The statistics are kept out
 * of training steps' release (`keep`), since a scaler outlives them; `dispose()` frees them.
 * @example
 * const xTrain = tensor([[1, 100], [3, 300]]), xTest = tensor([[2, 400]]);
 * const scaler = data.Standardizer.fit(xTrain); // statistics of the training rows only
 * const zTrain = scaler.transform(xTrain);
 * const zTest = scaler.transform(xTest); // the training mean and std
 * zTest.toArray(); // [[0, 2]]
 * scaler.inverseTransform(zTest).toArray(); // [[2, 400]]: back to xTest's units
 */
export class Standardizer {
  /**
   * Statistics that broadcast against the data (as `fit` makes them: the reduced axes kept as size 1).
   * Use it to restore a saved scaler: `new Standardizer(tensor([[m1, m2]]), tensor([[s1, s2]]))`.
   */
  constructor(
    readonly mean: Tensor,
    readonly std: Tensor,
  ) {
    keep(mean);
    keep(std);
  }

  /**
   * Fits the statistics on `x` over `axis`: 0 by default (each feature of `[N, F]` rows), `[0, 2, 3]`
   * for the channels of NCHW images, `null` for one mean and std over everything.
   * @example
   * const scaler = data.Standardizer.fit(tensor([[1, 10], [3, 10]]));
   * scaler.mean.toArray(); // [[2, 10]]
   * scaler.std.toArray(); // [[1, 1]]: divided by n (as scikit-learn), and 1 for the constant column
   */
  static fit(x: Tensor, axis: Axes = 0): Standardizer {
    const axes = reduceAxes("Standardizer.fit", x, axis);
    if (x.size === 0)
      throw new ShapeError(`Standardizer.fit: cannot fit on an empty tensor ${fmtShape(x.shape)}`);
    const xf = asFloat(x);
    const { mean, std } = noGrad(() =>
      tidy(() => {
        const m = xf.mean(axes, true);
        const s = xf.std(axes, true, 0);
        return { mean: m, std: s.eq(0).where(1, s) };
      }),
    );
    return new Standardizer(mean, std);
  }

  /**
   * `(x - mean) / std` with the fitted statistics (integer input becomes float32).
   * @example
   * const xTrain = tensor([[0], [2]]), xTest = tensor([[4]]);
   * const zTest = data.Standardizer.fit(xTrain).transform(xTest);
   * zTest.toArray(); // [[3]]: (4 − 1) / 1
   */
  transform(x: Tensor): Tensor {
    return this.apply("transform", x, (xf) => xf.sub(this.mean).div(this.std));
  }

  /**
   * `z * std + mean`: the inverse of `transform`.
   * @example
   * const x = randn([10, 3]).mul(5).add(7);
   * const scaler = data.Standardizer.fit(x);
   * const back = scaler.inverseTransform(scaler.transform(x)); // x, up to rounding
   * back.sub(x).abs().max().item() < 1e-5; // true
   */
  inverseTransform(z: Tensor): Tensor {
    return this.apply("inverseTransform", z, (zf) => zf.mul(this.std).add(this.mean));
  }

  /** Frees the statistics. */
  dispose(): void {
    this.mean.dispose();
    this.std.dispose();
  }

  private apply(op: string, x: Tensor, f: (xf: Tensor) => Tensor): Tensor {
    const m = this.mean.shape;
    // the statistics must broadcast against x without growing it: same rank, each axis 1 or x's size
    const fits = m.length === x.rank && m.every((d, i) => d === 1 || d === x.shape[i]);
    if (!fits) {
      throw new ShapeError(
        `Standardizer.${op}: fitted statistics of shape ${fmtShape(m)} do not match data of shape ` +
          `${fmtShape(x.shape)} (fit on rows with the same features)`,
      );
    }
    return f(asFloat(x));
  }
}

/**
 * The result of {@link standardize}.
 * @example
 * const x = tensor([[1], [3]]);
 * const { result, mean, std, apply }: Standardized = data.standardize(x);
 * result.toArray(); // [[-1], [1]]
 * apply(tensor([[5]])).toArray(); // [[3]]
 */
export interface Standardized {
  /** `(x - mean) / std`. */
  result: Tensor;
  /** Means over the reduced axes, with those axes kept as size 1 (so they broadcast). */
  mean: Tensor;
  /** Population standard deviations (divisor n), with zeros replaced by 1 so constant features map to 0. */
  std: Tensor;
  /** Applies the same fitted transform to other data (e.g. the test set). */
  apply(y: Tensor): Tensor;
}

/**
 * Fits per-feature statistics on `x` over `axis` (default 0: the examples of `[N, F]` rows; `[0, 2, 3]`
 * for the channels of NCHW images; `null` for one mean and std over everything) and returns the
 * standardised data with the statistics, to reuse on test data. The same as {@link Standardizer}`.fit`
 * then `transform`, in one call.
 * @example
 * const trainX = randn([100, 4]).add(10), testX = randn([20, 4]).add(10);
 * const { result: trainZ, apply } = data.standardize(trainX);
 * const testZ = apply(testX); // uses the training mean and std
 * trainZ.mean(0).abs().max().item() < 1e-5; // true
 */
export function standardize(x: Tensor, axis: Axes = 0): Standardized {
  const scaler = Standardizer.fit(x, axis);
  const apply = (y: Tensor) => scaler.transform(y);
  return { result: apply(x), mean: scaler.mean, std: scaler.std, apply };
}

/**
 * The result of {@link minMaxScale}.
 * @example
 * const x = tensor([[0, 10], [5, 30]]);
 * const { result, min, max, apply }: MinMaxScaled = data.minMaxScale(x);
 * result.toArray(); // [[0, 0], [1, 1]]
 * apply(tensor([[10, 20]])).toArray(); // [[2, 0.5]]
 */
export interface MinMaxScaled {
  /** `x` mapped linearly so that `min` goes to `range[0]` and `max` to `range[1]`. */
  result: Tensor;
  /** Minima over the reduced axes (kept as size 1). */
  min: Tensor;
  /** Maxima over the reduced axes (kept as size 1). */
  max: Tensor;
  /** Applies the same fitted transform to other data (values outside the fitted range go outside `range`). */
  apply(y: Tensor): Tensor;
}

/**
 * Fits minima and maxima over `axis` (default 0, per feature; `null` for all elements) and maps `x`
 * linearly onto `range` (default [0, 1]). Constant features map to `range[0]`.
 * @example
 * const trainX = rand([50, 3]).mul(100), testX = rand([10, 3]).mul(100);
 * const { result, apply } = data.minMaxScale(trainX);
 * const testScaled = apply(testX);
 * data.minMaxScale(tensor([2, 4, 6]), null, [-1, 1]).result.toArray(); // [-1, 0, 1]: all of x into [-1, 1]
 */
export function minMaxScale(
  x: Tensor,
  axis: Axes = 0,
  range: readonly [number, number] = [0, 1],
): MinMaxScaled {
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new ValueError(`minMaxScale: range must be [low, high] with low < high, got [${lo}, ${hi}]`);
  }
  const axes = reduceAxes("minMaxScale", x, axis);
  const xf = asFloat(x);
  const { min, max, scale } = noGrad(() =>
    tidy(() => {
      const mn = xf.min(axes, true);
      const mx = xf.max(axes, true);
      const span = mx.sub(mn);
      return {
        min: mn,
        max: mx,
        scale: span
          .eq(0)
          .where(1, span)
          .reciprocal()
          .mul(hi - lo),
      };
    }),
  );
  const apply = (y: Tensor) => asFloat(y).sub(min).mul(scale).add(lo);
  return { result: apply(xf), min, max, apply };
}
