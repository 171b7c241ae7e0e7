import type { DType } from "../base/dtype.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { Module } from "../nn/module.js";
import { parameter } from "../nn/parameter.js";
import { softplus } from "../ops/activation.js";
import { bernoulli, fromHost, rand, randn, zeros } from "../ops/creation.js";
import { type CDHistory, type CDOptions, trainCD } from "./cd.js";
import { requireSyncReads } from "../core/sync_reads.js";

/**
 * Options of `RBM` (and `GaussianRBM`).
 * @example
 * const options: RBMOptions = { dtype: "float64", initStd: 0.01, generator: new Generator(1) };
 * new unsupervised.RBM(6, 4, options).weight.dtype; // "float64"
 */
export interface RBMOptions {
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Standard deviation of the initial weights, drawn from N(0, initStd²) (default 0.01, Hinton's guide). */
  initStd?: number;
  /** Generator for the initial weights (default: the library-wide one). */
  generator?: Generator;
}

/**
 * Options of `RBM.sample`.
 * @example
 * const options: SampleOptions = { steps: 100, generator: new Generator(3) };
 * new unsupervised.RBM(6, 4).sample(5, options).shape; // [5, 6]
 */
export interface SampleOptions {
  /** Gibbs steps v → h → v (default 1000). */
  steps?: number;
  /** Generator for the Bernoulli (and Gaussian) draws (default: the library-wide one). */
  generator?: Generator;
  /** Starting visible states [n, nVisible] (default: uniform noise, binarised for a Bernoulli RBM). */
  init?: Tensor;
  /** Return the last step's visible means instead of a binary sample (default true: nicer pictures). */
  means?: boolean;
}

/**
 * log(p / (1 − p)) of probabilities clipped to [0.001, 0.999] first: the bias of a unit with no weights
 * that is on with probability p (a base model's biases, the visible biases CD starts from).
 * @example
 * unsupervised.logOdds(tensor([0.5, 1])).toArray(); // [0, 6.9068]: log(0.999 / 0.001)
 */
export function logOdds(p: Tensor): Tensor {
  return tidy(() => {
    const c = p.clamp(0.001, 0.999);
    return c.div(c.neg().add(1)).log();
  });
}

/**
 * A Bernoulli-Bernoulli restricted Boltzmann machine, E(v, h) = −vᵀb − hᵀc − hᵀWv, with `weight` W of
 * shape [nHidden, nVisible] (the layout of `nn.Linear(nVisible, nHidden).weight`, so a trained RBM
 * unrolls into Linear layers without a transpose), `vbias` b [nVisible] and `hbias` c [nHidden].
 * `forward(v)` gives the hidden probabilities p(h = 1 | v), the features a classifier is fed.
 * Trained with `fitCD` (contrastive divergence CD-k or persistent CD), sampled with `sample` (Gibbs).
 * @example
 * const rbm = new unsupervised.RBM(6, 4, { generator: new Generator(0) });
 * rbm.forward(rand([3, 6])).shape; // [3, 4]
 * Object.keys(rbm.stateDict()); // ["weight", "vbias", "hbias"]
 * rbm.freeEnergy(ones([2, 6])).shape; // [2]
 */
export class RBM extends Module {
  weight: Tensor;
  vbias: Tensor;
  hbias: Tensor;

  constructor(
    readonly nVisible: number,
    readonly nHidden: number,
    options: RBMOptions = {},
  ) {
    super();
    for (const [name, v] of [
      ["nVisible", nVisible],
      ["nHidden", nHidden],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new ValueError(`${this.constructor.name}: ${name} must be a positive integer, got ${v}`);
      }
    }
    const dtype = options.dtype ?? "float32";
    const std = options.initStd ?? 0.01;
    this.weight = parameter(randn([nHidden, nVisible], { std, dtype, generator: options.generator }));
    this.vbias = parameter(zeros([nVisible], { dtype }));
    this.hbias = parameter(zeros([nHidden], { dtype }));
  }

  /** The hidden units' input c + Wv, [n, nHidden]. Subclasses scale it (the DBM's pretraining RBMs). */
  hiddenInput(v: Tensor): Tensor {
    return v.matmul(this.weight.transpose(0, 1)).add(this.hbias);
  }

  /** The visible units' input b + Wᵀh, [n, nVisible]. */
  visibleInput(h: Tensor): Tensor {
    return h.matmul(this.weight).add(this.vbias);
  }

  /** p(h = 1 | v), [n, nHidden]. */
  hiddenProbs(v: Tensor): Tensor {
    this.checkVisible("hiddenProbs", v);
    return this.hiddenInput(v).sigmoid();
  }

  /** E[v | h]: p(v = 1 | h) for Bernoulli units (the Gaussian RBM gives the mean), [n, nVisible]. */
  visibleMean(h: Tensor): Tensor {
    return this.visibleInput(h).sigmoid();
  }

  /** A binary sample of the hidden units given their probabilities. */
  sampleHidden(probs: Tensor, generator: Generator = defaultGenerator): Tensor {
    return bernoulli(probs, undefined, { generator, dtype: probs.dtype });
  }

  /** A sample of the visible units given their means (binary here; Gaussian in `GaussianRBM`). */
  sampleVisible(mean: Tensor, generator: Generator = defaultGenerator): Tensor {
    return bernoulli(mean, undefined, { generator, dtype: mean.dtype });
  }

  forward(v: Tensor): Tensor {
    return this.hiddenProbs(v);
  }

  /**
   * The free energy F(v) = −log Σ_h exp(−E(v, h)) = −vᵀb − Σ_j softplus(c_j + W_j v), [n]; so
   * p(v) = exp(−F(v)) / Z. Lower on data the model likes.
   */
  freeEnergy(v: Tensor): Tensor {
    this.checkVisible("freeEnergy", v);
    return noGrad(() => tidy(() => softplus(this.hiddenInput(v)).sum(1).add(v.mul(this.vbias).sum(1)).neg()));
  }

  /** Mean squared error per visible unit of a one-step reconstruction v → p(h|v) → E[v|h]. */
  reconstructionError(v: Tensor): number {
    requireSyncReads(
      "reconstructionError",
      v,
      "returns the error as a number",
      "use `await rbm.visibleMean(rbm.hiddenProbs(v)).sub(v).square().mean().itemAsync()`",
    );
    this.checkVisible("reconstructionError", v);
    return noGrad(() => tidy(() => this.visibleMean(this.hiddenProbs(v)).sub(v).square().mean().item()));
  }

  /**
   * Stochastic pseudo-log-likelihood per example (as scikit-learn's BernoulliRBM.score_samples): one
   * visible unit i chosen at random per example, nVisible · log σ(F(ṽ) − F(v)) with ṽ = v with unit i
   * flipped. Its mean over many examples estimates Σ_i log p(v_i | v_−i).
   */
  pseudoLikelihood(v: Tensor, generator: Generator = defaultGenerator): Tensor {
    this.checkVisible("pseudoLikelihood", v);
    return noGrad(() =>
      tidy(() => {
        const [n, d] = v.shape;
        const mask = new Float64Array(n * d);
        for (let r = 0; r < n; r++) mask[r * d + generator.int(0, d)] = 1;
        const m = fromHost(mask, [n, d], v.dtype);
        const flipped = v.add(m.mul(v.mul(-2).add(1)));
        // log σ(F(ṽ) − F(v)) = −softplus(F(v) − F(ṽ))
        return softplus(this.freeEnergy(v).sub(this.freeEnergy(flipped))).mul(-d);
      }),
    );
  }

  /**
   * Samples by Gibbs sampling: `steps` alternations v → h → v from `init` (default: noise), returning
   * [n, nVisible] (means of the last step unless `means: false`).
   */
  sample(n: number, options: SampleOptions = {}): Tensor {
    const steps = options.steps ?? 1000;
    const g = options.generator ?? defaultGenerator;
    if (!Number.isInteger(n) || n <= 0)
      throw new ValueError(`RBM.sample: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(steps) || steps < 1)
      throw new ValueError(`RBM.sample: steps must be a positive integer, got ${steps}`);
    return noGrad(() => {
      let v = options.init ?? this.initialVisible(n, g);
      if (options.init) this.checkVisible("sample", v);
      let mean: Tensor | null = null;
      for (let s = 0; s < steps; s++) {
        const [nextMean, next] = tidy(() => {
          const m = this.visibleMean(this.sampleHidden(this.hiddenProbs(v), g));
          return [m, this.sampleVisible(m, g)];
        });
        if (v !== options.init) v.dispose();
        if (mean) mean.dispose();
        mean = nextMean;
        v = next;
      }
      if (options.means === false) {
        mean?.dispose();
        return v;
      }
      v.dispose();
      return mean as Tensor;
    });
  }

  /** Log-odds of the data's marginals, clipped to [0.001, 0.999] first: the visible biases CD starts from. */
  visibleBiasFromData(data: Tensor): Tensor {
    return noGrad(() => logOdds(data.mean(0)));
  }

  /** Where a chain starts without data: fair coin flips (the Gaussian RBM starts from N(b, 1)). */
  initialVisible(n: number, generator: Generator): Tensor {
    return tidy(() =>
      rand([n, this.nVisible], { generator, dtype: this.weight.dtype }).lt(0.5).cast(this.weight.dtype),
    );
  }

  /**
   * Trains by contrastive divergence (CD-k, or persistent CD with `persistent: true`) on `data`
   * [N, nVisible], a loop without autograd that releases its own temporaries. Returns the history of
   * the monitored quantity per epoch.
   */
  fitCD(data: Tensor, options: CDOptions = {}): CDHistory {
    this.checkVisible("fitCD", data);
    return trainCD(this, data, options);
  }

  /** @internal */
  checkVisible(op: string, v: Tensor): void {
    if (v.rank !== 2 || v.shape[1] !== this.nVisible) {
      throw new ShapeError(
        `${this.constructor.name}.${op}: expected visible units [n, ${this.nVisible}], got ${fmtShape(v.shape)}`,
      );
    }
  }

  override describe(): string {
    return `${this.constructor.name}(${this.nVisible} visible, ${this.nHidden} hidden)`;
  }
}
