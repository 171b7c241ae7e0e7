import { ArgumentError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { softplus } from "../ops/activation.js";
import { randn } from "../ops/creation.js";
import { RBM } from "./rbm.js";

/**
 * An RBM with Gaussian visible units of unit variance and Bernoulli hidden units, for real-valued data
 * standardised to zero mean and unit variance per feature (Hinton's guide, section 13.2):
 * E(v, h) = ½‖v − b‖² − hᵀc − hᵀWv, so p(v | h) = N(b + Wᵀh, I) and p(h = 1 | v) = σ(c + Wv).
 * Its free energy is F(v) = ½‖v − b‖² − Σ_j softplus(c_j + W_j v). Use a smaller learning rate than for
 * binary data (about 0.001–0.01).
 * @example
 * const grbm = new unsupervised.GaussianRBM(4, 3, { generator: new Generator(0) });
 * grbm.visibleMean(zeros([1, 3])).toArray(); // [[0, 0, 0, 0]]: the biases start at zero
 * grbm.fitCD(randn([64, 4]), { epochs: 2, batchSize: 16, lr: 0.01 }).values.length; // 2
 */
export class GaussianRBM extends RBM {
  /** E[v | h] = b + Wᵀh. */
  override visibleMean(h: Tensor): Tensor {
    return this.visibleInput(h);
  }

  /** v ~ N(mean, I). */
  override sampleVisible(mean: Tensor, generator: Generator = defaultGenerator): Tensor {
    const noise = randn(mean.shape, { generator, dtype: mean.dtype });
    const v = mean.add(noise);
    noise.dispose();
    return v;
  }

  override freeEnergy(v: Tensor): Tensor {
    this.checkVisible("freeEnergy", v);
    return noGrad(() =>
      tidy(() =>
        v
          .sub(this.vbias)
          .square()
          .sum(1)
          .mul(0.5)
          .sub(softplus(this.hiddenInput(v)).sum(1)),
      ),
    );
  }

  /** The data's mean: the visible biases CD starts from. */
  override visibleBiasFromData(data: Tensor): Tensor {
    return noGrad(() => data.mean(0));
  }

  /** Chains without data start from N(b, I). */
  override initialVisible(n: number, generator: Generator): Tensor {
    return noGrad(() =>
      tidy(() => randn([n, this.nVisible], { generator, dtype: this.weight.dtype }).add(this.vbias)),
    );
  }

  /** Pseudo-likelihood flips binary units: not defined for Gaussian ones (monitor "reconstruction" or "freeEnergy"). */
  override pseudoLikelihood(_v: Tensor): Tensor {
    throw new ArgumentError(
      'GaussianRBM.pseudoLikelihood: defined for binary visible units only; monitor "reconstruction" or "freeEnergy"',
    );
  }
}
