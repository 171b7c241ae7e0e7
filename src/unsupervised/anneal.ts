/**
 * The annealing path that AIS and reverse AIS walk: from a base model A (the RBM without weights, visible
 * biases b_A) to the RBM B, through p*_β(v) ∝ p*_A(v)^{1−β} p*_B(v)^β with the hidden units summed out.
 * One class serves both directions and both kinds of visible units, so the two estimators cannot
 * drift apart.
 */
import { keep, tidy } from "../core/memory.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { softplus } from "../ops/activation.js";
import { bernoulli, randn, zeros } from "../ops/creation.js";
import { softplusNumber } from "./exact.js";
import { GaussianRBM } from "./gaussian_rbm.js";
import type { RBM } from "./rbm.js";

/**
 * The path between the base-rate model (biases fitted to `baseData`'s marginals, or zero) and `rbm`.
 * Holds three small tensors: `dispose()` it when done.
 * @example
 * const path = new unsupervised.AnnealingPath(new unsupervised.RBM(6, 4));
 * path.logZBase / Math.LN2; // 10: no biases, Z_A = 2^(6+4)
 * path.dispose();
 */
export class AnnealingPath {
  /** log Z of the base model A, known in closed form. */
  readonly logZBase: number;
  private readonly gaussian: boolean;
  private readonly bA: Tensor;
  private readonly dBias: Tensor;
  /** (b + b_A) / 2: the Gaussian case's log-weight is taken about it. */
  private readonly midBias: Tensor | null;

  constructor(
    private readonly rbm: RBM,
    baseData?: Tensor,
  ) {
    const dtype = rbm.weight.dtype;
    this.gaussian = rbm instanceof GaussianRBM;
    this.bA = keep(
      baseData ? rbm.visibleBiasFromData(baseData).cast(dtype) : zeros([rbm.nVisible], { dtype }),
    );
    this.dBias = keep(rbm.vbias.sub(this.bA));
    this.midBias = this.gaussian ? keep(rbm.vbias.add(this.bA).mul(0.5)) : null;
    let logZ = rbm.nHidden * Math.LN2;
    if (this.gaussian) logZ += 0.5 * rbm.nVisible * Math.log(2 * Math.PI);
    else for (const b of this.bA.dataSync()) logZ += softplusNumber(b);
    this.logZBase = logZ;
  }

  /** `n` exact samples of the base model: Bernoulli(σ(b_A)), or N(b_A, I) for Gaussian visible units. */
  sampleBase(n: number, generator: Generator): Tensor {
    const dtype = this.rbm.weight.dtype;
    return tidy(() =>
      this.gaussian
        ? randn([n, this.rbm.nVisible], { generator, dtype }).add(this.bA)
        : bernoulli(this.bA.sigmoid().expand([n, this.rbm.nVisible]), undefined, { generator, dtype }),
    );
  }

  /** The hidden units' input x = vWᵀ + c, which both steps below take. */
  hiddenInput(v: Tensor): Tensor {
    return v.matmul(this.rbm.weight.transpose(0, 1)).add(this.rbm.hbias);
  }

  /**
   * log p*_{β1}(v) − log p*_{β0}(v) per row, as one small difference (float32 is enough): for binary
   * units (β1 − β0)(b − b_A)ᵀv, for Gaussian ones (β1 − β0)(b − b_A)ᵀ(v − (b + b_A)/2), plus
   * Σ_j softplus(β1 x_j) − softplus(β0 x_j).
   */
  logRatio(v: Tensor, x: Tensor, beta0: number, beta1: number): Tensor {
    const centred = this.midBias ? v.sub(this.midBias) : v;
    return centred
      .mul(this.dBias)
      .sum(1)
      .mul(beta1 - beta0)
      .add(
        softplus(x.mul(beta1))
          .sub(softplus(x.mul(beta0)))
          .sum(1),
      );
  }

  /** One Gibbs transition that leaves p_β invariant, from the state whose hidden input is `x`: h ~ σ(βx),
   * then v from its conditional, with visible input β(Wᵀh + b) + (1 − β)b_A. */
  transition(x: Tensor, beta: number, generator: Generator): Tensor {
    const dtype = x.dtype;
    const h = bernoulli(x.mul(beta).sigmoid(), undefined, { generator, dtype });
    const input = h
      .matmul(this.rbm.weight)
      .add(this.rbm.vbias)
      .mul(beta)
      .add(this.bA.mul(1 - beta));
    return this.gaussian
      ? input.add(randn(input.shape, { generator, dtype }))
      : bernoulli(input.sigmoid(), undefined, { generator, dtype });
  }

  dispose(): void {
    this.bA.dispose();
    this.dBias.dispose();
    this.midBias?.dispose();
  }
}
