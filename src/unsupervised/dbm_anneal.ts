/**
 * The annealing path of a two-layer DBM that forward and reverse AIS walk. The base model A is
 * factorial: biases a_v, a_1, a_2 on v, h1, h2 and no weights. p_β ∝ exp(−(1 − β)E_A − βE_B); with v and
 * h2 summed out analytically its marginal over h1 is
 *   log p*_β(h1) = ((1 − β)a_1 + βc1)ᵀh1 + Σ_i softplus((1 − β)a_v + β(b + W1ᵀh1))_i
 *                                       + Σ_k softplus((1 − β)a_2 + β(c2 + W2h1))_k.
 * Fitting all three of A's layers to the data (v's marginals, and the means of the mean-field posteriors
 * for h1 and h2) starts the runs near the model instead of at fair coins for the hidden layers: on a
 * trained 784-500-1000 DBM, 1,000 βs then land within 3 nats of log Z where 5,000 from a base that fits
 * v alone fall 32 nats short (docs/RBM.md).
 */
import { keep, tidy } from "../core/memory.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { softplus } from "../ops/activation.js";
import { bernoulli, zeros } from "../ops/creation.js";
import type { DBM } from "./dbm.js";
import { softplusNumber } from "./exact.js";
import { logOdds } from "./rbm.js";

/** Rows of the base data that fit the hidden base biases (mean-field is run on them, 500 at a time). */
const HIDDEN_FIT_ROWS = 2000;

/**
 * The path from a factorial base model to `dbm` (base biases fitted to `baseData`, or zero: fair coins).
 * Holds three small tensors: `dispose()` it when done.
 * @example
 * const path = new unsupervised.DBMAnnealingPath(new unsupervised.DBM(6, 4, 3));
 * path.logZBase / Math.LN2; // 13: no biases, Z_A = 2^(6+4+3)
 * path.dispose();
 */
export class DBMAnnealingPath {
  /** log Z of the base model A, known in closed form. */
  readonly logZBase: number;
  private readonly aV: Tensor;
  private readonly a1: Tensor;
  private readonly a2: Tensor;

  /** With `fitHidden: false` only v's biases are fitted (the paper's base model); h1 and h2 stay fair coins. */
  constructor(
    private readonly dbm: DBM,
    baseData?: Tensor,
    options: { fitHidden?: boolean } = {},
  ) {
    const dtype = dbm.weight1.dtype;
    this.aV = keep(baseData ? logOdds(baseData.mean(0)).cast(dtype) : zeros([dbm.nVisible], { dtype }));
    if (baseData && options.fitHidden !== false) {
      const [m1, m2] = this.posteriorMeans(
        baseData.slice(0, 0, Math.min(baseData.shape[0], HIDDEN_FIT_ROWS)),
      );
      this.a1 = keep(logOdds(m1).cast(dtype));
      this.a2 = keep(logOdds(m2).cast(dtype));
      m1.dispose();
      m2.dispose();
    } else {
      this.a1 = keep(zeros([dbm.nHidden1], { dtype }));
      this.a2 = keep(zeros([dbm.nHidden2], { dtype }));
    }
    let logZ = 0;
    for (const bias of [this.aV, this.a1, this.a2])
      for (const x of bias.dataSync()) logZ += softplusNumber(x);
    this.logZBase = logZ;
  }

  /** The means over `data` of the mean-field posteriors of h1 and h2, in chunks that bound the memory. */
  private posteriorMeans(data: Tensor): [Tensor, Tensor] {
    return tidy(() => {
      let s1 = zeros([this.dbm.nHidden1], { dtype: this.dbm.weight1.dtype });
      let s2 = zeros([this.dbm.nHidden2], { dtype: s1.dtype });
      const n = data.shape[0];
      for (let from = 0; from < n; from += 500) {
        const { h1, h2 } = this.dbm.meanField(data.slice(0, from, Math.min(n, from + 500)), {
          iterations: 30,
        });
        s1 = s1.add(h1.sum(0).cast(s1.dtype));
        s2 = s2.add(h2.sum(0).cast(s1.dtype));
      }
      return [s1.div(n), s2.div(n)];
    });
  }

  /** `n` exact samples of h1 under the base model: Bernoulli(σ(a_1)). */
  sampleBase(n: number, generator: Generator): Tensor {
    const dtype = this.dbm.weight1.dtype;
    return tidy(() =>
      bernoulli(this.a1.sigmoid().expand([n, this.dbm.nHidden1]), undefined, { generator, dtype }),
    );
  }

  /** The inputs h1 gives to v and to h2 (b + W1ᵀh1, c2 + W2h1), which both steps below take. */
  inputs(h1: Tensor): { toV: Tensor; toH2: Tensor } {
    return {
      toV: h1.matmul(this.dbm.weight1).add(this.dbm.vbias),
      toH2: h1.matmul(this.dbm.weight2.transpose(0, 1)).add(this.dbm.hbias2),
    };
  }

  private blend(target: Tensor, base: Tensor, beta: number): Tensor {
    return target.mul(beta).add(base.mul(1 - beta));
  }

  /** log p*_{β1}(h1) − log p*_{β0}(h1) per row. */
  logRatio(h1: Tensor, inputs: { toV: Tensor; toH2: Tensor }, beta0: number, beta1: number): Tensor {
    const { toV, toH2 } = inputs;
    // differences taken per unit before summing: float32 keeps the small steps exact enough
    const change = (input: Tensor, base: Tensor) =>
      softplus(this.blend(input, base, beta1))
        .sub(softplus(this.blend(input, base, beta0)))
        .sum(1);
    return h1
      .mul(this.dbm.hbias1.sub(this.a1))
      .sum(1)
      .mul(beta1 - beta0)
      .add(change(toV, this.aV))
      .add(change(toH2, this.a2));
  }

  /** One Gibbs transition that leaves p_β invariant: v and h2 given h1, then h1 given both. */
  transition(inputs: { toV: Tensor; toH2: Tensor }, beta: number, generator: Generator): Tensor {
    const dtype = this.dbm.weight1.dtype;
    const v = bernoulli(this.blend(inputs.toV, this.aV, beta).sigmoid(), undefined, { generator, dtype });
    const h2 = bernoulli(this.blend(inputs.toH2, this.a2, beta).sigmoid(), undefined, { generator, dtype });
    const in1 = v
      .matmul(this.dbm.weight1.transpose(0, 1))
      .add(h2.matmul(this.dbm.weight2))
      .add(this.dbm.hbias1);
    return bernoulli(this.blend(in1, this.a1, beta).sigmoid(), undefined, { generator, dtype });
  }

  dispose(): void {
    this.aV.dispose();
    this.a1.dispose();
    this.a2.dispose();
  }
}
