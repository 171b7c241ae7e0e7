/**
 * Principal component analysis with scikit-learn's definitions (`sklearn.decomposition.PCA`), through
 * `linalg`.
 */
import { ArgumentError, ShapeError, StrataError, ValueError, fmtShape } from "../base/errors.js";
import { checkTensor } from "../core/args.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import * as linalg from "../linalg/index.js";
import * as ops from "../ops/index.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

/**
 * Options of `PCA` (scikit-learn's names in camelCase).
 * @example
 * const options: PCAOptions = { nComponents: 2, whiten: true };
 * new PCA(options).fit(randn([20, 5])).components.shape; // [2, 5]
 */
export interface PCAOptions {
  /**
   * How many components to keep: an integer; a fraction in (0, 1) keeps the fewest components whose
   * explained variance ratio adds up to more than it; default min(samples, features).
   */
  nComponents?: number;
  /** Scale the transformed components to unit variance (and undo it in `inverseTransform`). */
  whiten?: boolean;
}

/** What `fit` learnt. */
interface Fitted {
  mean: Tensor;
  components: Tensor;
  explainedVariance: Tensor;
  explainedVarianceRatio: Tensor;
  singularValues: Tensor;
  noiseVariance: number;
  nSamples: number;
}

/** Above this many features with fewer samples than features, fit uses the SVD of the data instead of AᵀA. */
const GRAM_FEATURES = 1024;

/**
 * Principal component analysis, as scikit-learn's `PCA` with `svd_solver="full"`: the same mean,
 * components (rows, unit length, by decreasing variance), explained variance (with n − 1), its ratio,
 * singular values, noise variance, transform and inverse transform, with or without whitening. Signs of
 * the components follow scikit-learn 1.2's `svd_flip`: each component is oriented so that the
 * largest-magnitude entry of the matching column of U (the fitted data's coordinates) is positive.
 * Fitting is done in float64 on the host (the eigendecomposition of XᵀX when there are at most 1024
 * features or more samples than features, else the SVD of X); the results have the input's dtype.
 * @example
 * const x = tensor([[2, 0], [0, 1], [-2, 0], [0, -1]]);
 * const pca = new PCA({ nComponents: 1 }).fit(x);
 * pca.components.toArray(); // [[1, 0]]
 * pca.explainedVarianceRatio.toArray(); // [0.8]
 * pca.transform(x).toArray(); // [[2], [0], [-2], [0]]
 */
export class PCA {
  readonly nComponentsOption: number | undefined;
  readonly whiten: boolean;
  private state: Fitted | null = null;

  constructor(options: PCAOptions = {}) {
    const k = options.nComponents;
    if (k !== undefined && !(typeof k === "number" && k > 0 && (Number.isInteger(k) || k < 1))) {
      throw new ArgumentError(
        `PCA: nComponents must be a positive integer or a fraction in (0, 1), got ${String(k)}`,
      );
    }
    this.nComponentsOption = k;
    this.whiten = options.whiten ?? false;
  }

  /** Learns the mean and the principal axes of `x` (samples × features); returns this. */
  fit(x: Tensor): this {
    requireSyncReads("PCA.fit", x, "computes the eigendecomposition on the host", ON_A_HOST_BACKEND);
    checkTensor("PCA.fit", "x", x);
    if (x.rank !== 2)
      throw new ShapeError(`PCA.fit: expected samples × features (rank 2), got ${fmtShape(x.shape)}`);
    if (x.dtype !== "float32" && x.dtype !== "float64") {
      throw new ValueError(`PCA.fit: expected a float32 or float64 tensor, got ${x.dtype}`);
    }
    const [n, p] = x.shape;
    if (n < 2) throw new ValueError(`PCA.fit: needs at least 2 samples, got ${n}`);
    const maxK = Math.min(n, p);
    const asked = this.nComponentsOption;
    if (asked !== undefined && asked >= 1 && asked > maxK) {
      throw new ValueError(`PCA.fit: nComponents=${asked} must be at most min(samples, features) = ${maxK}`);
    }
    this.dispose();
    this.state = noGrad(() =>
      tidy(() => {
        const xd = x.cast("float64");
        const mean = xd.mean(0);
        const xc = xd.sub(mean);
        const { variances, axes } = principalAxes(xc, n, p);
        const total = variances.reduce((a, b) => a + b, 0);
        let k = asked === undefined ? maxK : asked;
        if (asked !== undefined && asked < 1) {
          let sum = 0;
          k = 0;
          while (k < variances.length && sum / total <= asked) sum += variances[k++];
          k = Math.max(1, k);
        }
        let components = axes.slice(0, 0, k);
        components = orientLikeSklearn(xc, components);
        const ev = variances.slice(0, k);
        const rest = variances.slice(k, maxK);
        const noise = k < maxK ? rest.reduce((a, b) => a + b, 0) / rest.length : 0;
        const dt = x.dtype;
        const own = (t: Tensor) => keep(t.cast(dt));
        return {
          mean: own(mean),
          components: own(components),
          explainedVariance: own(ops.fromHost(ev, [k], "float64")),
          explainedVarianceRatio: own(
            ops.fromHost(
              ev.map((v) => v / total),
              [k],
              "float64",
            ),
          ),
          singularValues: own(
            ops.fromHost(
              ev.map((v) => Math.sqrt(v * (n - 1))),
              [k],
              "float64",
            ),
          ),
          noiseVariance: noise,
          nSamples: n,
        };
      }),
    );
    return this;
  }

  /** Projects `x` on the components (whitened if asked): (x − mean) Cᵀ [/ √explainedVariance]. */
  transform(x: Tensor): Tensor {
    const s = this.fitted("transform");
    checkTensor("PCA.transform", "x", x);
    if (x.rank !== 2 || x.shape[1] !== s.mean.shape[0]) {
      throw new ShapeError(
        `PCA.transform: expected samples × ${s.mean.shape[0]} features, got ${fmtShape(x.shape)}`,
      );
    }
    const z = x.sub(s.mean).matmul(s.components.transpose(0, 1));
    return this.whiten ? z.div(s.explainedVariance.sqrt()) : z;
  }

  /** Fits on `x` and returns its transform. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Maps coordinates back to feature space: z [· √explainedVariance] C + mean. */
  inverseTransform(z: Tensor): Tensor {
    const s = this.fitted("inverseTransform");
    checkTensor("PCA.inverseTransform", "z", z);
    const k = s.components.shape[0];
    if (z.rank !== 2 || z.shape[1] !== k) {
      throw new ShapeError(
        `PCA.inverseTransform: expected samples × ${k} components, got ${fmtShape(z.shape)}`,
      );
    }
    const scaled = this.whiten ? z.mul(s.explainedVariance.sqrt()) : z;
    return scaled.matmul(s.components).add(s.mean);
  }

  /** Principal axes as rows (nComponents × features), unit length, by decreasing variance. */
  get components(): Tensor {
    return this.fitted("components").components;
  }
  /** Per-feature mean of the training data. */
  get mean(): Tensor {
    return this.fitted("mean").mean;
  }
  /** Variance along each component (divided by samples − 1). */
  get explainedVariance(): Tensor {
    return this.fitted("explainedVariance").explainedVariance;
  }
  /** Fraction of the total variance along each component. */
  get explainedVarianceRatio(): Tensor {
    return this.fitted("explainedVarianceRatio").explainedVarianceRatio;
  }
  /** Singular values of the centred data for each component. */
  get singularValues(): Tensor {
    return this.fitted("singularValues").singularValues;
  }
  /** Mean variance of the components left out (0 when none is), as scikit-learn's `noise_variance_`. */
  get noiseVariance(): number {
    return this.fitted("noiseVariance").noiseVariance;
  }
  /** The number of components kept (resolves a fractional `nComponents`). */
  get nComponents(): number {
    return this.fitted("nComponents").components.shape[0];
  }
  /** Number of samples seen by `fit`. */
  get nSamples(): number {
    return this.fitted("nSamples").nSamples;
  }

  /** Releases the fitted tensors now (a refit does it too). */
  dispose(): void {
    if (this.state === null) return;
    const s = this.state;
    for (const t of [s.mean, s.components, s.explainedVariance, s.explainedVarianceRatio, s.singularValues]) {
      t.dispose();
    }
    this.state = null;
  }

  private fitted(what: string): Fitted {
    if (this.state === null) throw new StrataError(`PCA.${what}: call fit(x) first`);
    return this.state;
  }
}

/**
 * Variances (descending, all min(n, p) of them, with n − 1) and the principal axes as rows (float64).
 */
function principalAxes(xc: Tensor, n: number, p: number): { variances: number[]; axes: Tensor } {
  const maxK = Math.min(n, p);
  if (p <= GRAM_FEATURES || p <= n) {
    // features that never vary (an image's blank border) decouple: their axes are unit vectors with
    // variance 0, so only the others go through the eigensolver (its cost grows as the cube)
    const gram = xc.transpose(0, 1).matmul(xc);
    const g = gram.dataSync();
    let top = 0;
    for (let j = 0; j < p; j++) top = Math.max(top, g[j * p + j]);
    // a constant feature centres to rounding noise, not always to exact zeros
    const varies = (j: number) => g[j * p + j] > top * 1e-24;
    const live: number[] = [];
    for (let j = 0; j < p; j++) if (varies(j)) live.push(j);
    const r = live.length;
    const reduced = r === p ? gram : gram.indexSelect(0, live).indexSelect(1, live);
    const { eigenvalues, eigenvectors } = linalg.eigh(reduced);
    const lambdas = eigenvalues.dataSync();
    const vectors = eigenvectors.dataSync();
    const axes = new Float64Array(maxK * p);
    const variances: number[] = [];
    for (let a = 0; a < maxK; a++) {
      if (a < r) {
        const col = r - 1 - a; // descending
        for (let i = 0; i < r; i++) axes[a * p + live[i]] = vectors[i * r + col];
        variances.push(Math.max(lambdas[col], 0) / (n - 1));
      } else {
        variances.push(0);
      }
    }
    const dead = Array.from({ length: p }, (_, j) => j).filter((j) => !varies(j));
    for (let a = r; a < maxK; a++) axes[a * p + dead[a - r]] = 1;
    return { variances, axes: ops.fromHost(axes, [maxK, p], "float64") };
  }
  const { S, Vh } = linalg.svd(xc, { fullMatrices: false });
  return { variances: Array.from(S.dataSync(), (s) => (s * s) / (n - 1)), axes: Vh };
}

/**
 * scikit-learn 1.2's `svd_flip` (decided by U): flips each axis so that the largest-magnitude entry
 * of the data's coordinates along it (the first one, on ties) is positive.
 */
function orientLikeSklearn(xc: Tensor, axes: Tensor): Tensor {
  const [n] = xc.shape;
  const k = axes.shape[0];
  const coords = xc.matmul(axes.transpose(0, 1)).dataSync();
  const signs = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let best = 0;
    for (let i = 0; i < n; i++) if (Math.abs(coords[i * k + j]) > Math.abs(best)) best = coords[i * k + j];
    signs[j] = best < 0 ? -1 : 1;
  }
  return axes.mul(ops.fromHost(signs, [k, 1], "float64"));
}
