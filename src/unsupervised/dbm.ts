import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { Module } from "../nn/module.js";
import { parameter } from "../nn/parameter.js";
import { bernoulli, rand, randn, zeros, zerosLike } from "../ops/creation.js";
import type { CDHistory, CDOptions, Schedule } from "./cd.js";
import { hiddenInChunks } from "./dbn.js";
import { RBM, type RBMOptions, type SampleOptions } from "./rbm.js";

/**
 * An RBM whose hidden input (`up`) or visible input (`down`) counts the weights twice: the modified
 * RBMs that pretrain a DBM (Salakhutdinov & Hinton 2009, section 3.1). The bottom one doubles the
 * input to its hidden units (they will also get input from the layer above), the top one the input to
 * its visible units (they will also get input from below).
 * @example
 * const bottom = new unsupervised.ScaledRBM(6, 4, { up: 2 });
 * bottom.hiddenInput(ones([1, 6])).shape; // [1, 4]
 */
export class ScaledRBM extends RBM {
  readonly up: number;
  readonly down: number;

  constructor(nVisible: number, nHidden: number, options: RBMOptions & { up?: number; down?: number } = {}) {
    super(nVisible, nHidden, options);
    this.up = options.up ?? 1;
    this.down = options.down ?? 1;
  }

  override hiddenInput(v: Tensor): Tensor {
    const x = v.matmul(this.weight.transpose(0, 1));
    return (this.up === 1 ? x : x.mul(this.up)).add(this.hbias);
  }

  override visibleInput(h: Tensor): Tensor {
    const x = h.matmul(this.weight);
    return (this.down === 1 ? x : x.mul(this.down)).add(this.vbias);
  }
}

/**
 * Options of `DBM.fitJoint`.
 * @example
 * const options: DBMFitOptions = { epochs: 2, batchSize: 10, lr: (e) => 0.01 / (1 + e), chains: 20, meanFieldIterations: 5 };
 * options.chains; // 20
 */
export interface DBMFitOptions {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Stop after this many seconds of wall clock, checked before every update (default: no limit). */
  maxSeconds?: number;
  /** Examples per update (default 100). */
  batchSize?: number;
  /** Learning rate or a schedule of the epoch and the progress (as `fitCD`'s: updates done over those
   * planned, or the time used over `maxSeconds` when larger), read before every update (default 0.005). */
  lr?: Schedule;
  /** Momentum or a schedule (default 0.5 for 5 epochs, then 0.9). */
  momentum?: Schedule;
  /** Weight decay on the weights (default 0.0002). */
  weightDecay?: number;
  /** Persistent Gibbs chains for the model term (default 100). */
  chains?: number;
  /** Gibbs sweeps of the chains per update (default 1). */
  gibbsSteps?: number;
  /** Mean-field updates for the data term (default 10). */
  meanFieldIterations?: number;
  /** Generator for the chains (default: the library-wide one). */
  generator?: Generator;
  /** Print one line per epoch (default false). */
  verbose?: boolean;
  /** Where printed lines go (default console.log). */
  log?: (line: string) => void;
}

/**
 * The mean-field posterior q(h1, h2 | v) = Π μ1^h1 (1 − μ1)^(1−h1) · Π μ2^h2 (1 − μ2)^(1−h2).
 * @example
 * const { h1, h2 }: MeanField = new unsupervised.DBM(6, 4, 3).meanField(rand([2, 6]));
 * [h1.shape, h2.shape]; // [[2, 4], [2, 3]]
 */
export interface MeanField {
  h1: Tensor;
  h2: Tensor;
}

function sched(s: Schedule, epoch: number, progress: number): number {
  return typeof s === "function" ? s(epoch, progress) : s;
}

/**
 * A two-layer deep Boltzmann machine (Salakhutdinov & Hinton 2009):
 * E(v, h1, h2) = −vᵀb − h1ᵀc1 − h2ᵀc2 − h1ᵀW1v − h2ᵀW2h1, with `weight1` [nHidden1, nVisible] and
 * `weight2` [nHidden2, nHidden1]. Pretrained greedily by two modified RBMs (`pretrain`), then trained
 * jointly (`fitJoint`): mean-field inference for the data term, persistent Gibbs chains for the model term.
 * `dbmAis` estimates its log Z and `dbmLowerBound` the variational lower bound on log p(v).
 * @example
 * const dbm = new unsupervised.DBM(6, 4, 3, { generator: new Generator(0) });
 * const v = bernoulli(0.5, [20, 6]);
 * dbm.pretrain(v, { epochs: 1, batchSize: 10 });
 * dbm.fitJoint(v, { epochs: 1, batchSize: 10, chains: 10 }).values.length; // 1
 * dbm.sample(4, { steps: 10 }).shape; // [4, 6]
 */
export class DBM extends Module {
  weight1: Tensor;
  weight2: Tensor;
  vbias: Tensor;
  hbias1: Tensor;
  hbias2: Tensor;

  constructor(
    readonly nVisible: number,
    readonly nHidden1: number,
    readonly nHidden2: number,
    options: RBMOptions = {},
  ) {
    super();
    for (const [name, n] of [
      ["nVisible", nVisible],
      ["nHidden1", nHidden1],
      ["nHidden2", nHidden2],
    ] as const) {
      if (!Number.isInteger(n) || n <= 0)
        throw new ValueError(`DBM: ${name} must be a positive integer, got ${n}`);
    }
    const dtype = options.dtype ?? "float32";
    const std = options.initStd ?? 0.01;
    this.weight1 = parameter(randn([nHidden1, nVisible], { std, dtype, generator: options.generator }));
    this.weight2 = parameter(randn([nHidden2, nHidden1], { std, dtype, generator: options.generator }));
    this.vbias = parameter(zeros([nVisible], { dtype }));
    this.hbias1 = parameter(zeros([nHidden1], { dtype }));
    this.hbias2 = parameter(zeros([nHidden2], { dtype }));
  }

  /** The top layer's mean-field posterior μ2: features for a classifier. */
  forward(v: Tensor): Tensor {
    const { h1, h2 } = this.meanField(v);
    h1.dispose();
    return h2;
  }

  /** p(h1 = 1 | v, h2). */
  h1Given(v: Tensor, h2: Tensor): Tensor {
    return v.matmul(this.weight1.transpose(0, 1)).add(h2.matmul(this.weight2)).add(this.hbias1).sigmoid();
  }

  /** p(v = 1 | h1). */
  vGiven(h1: Tensor): Tensor {
    return h1.matmul(this.weight1).add(this.vbias).sigmoid();
  }

  /** p(h2 = 1 | h1). */
  h2Given(h1: Tensor): Tensor {
    return h1.matmul(this.weight2.transpose(0, 1)).add(this.hbias2).sigmoid();
  }

  /**
   * Mean-field inference: starts from the bottom-up pass of the pretraining RBMs (input to h1 doubled,
   * standing in for the missing top-down input), then alternates μ1 = σ(W1v + W2ᵀμ2 + c1),
   * μ2 = σ(W2μ1 + c2) `iterations` times (default 10) or until no unit moves by more than `tolerance`.
   */
  meanField(v: Tensor, options: { iterations?: number; tolerance?: number } = {}): MeanField {
    const iterations = options.iterations ?? 10;
    const tolerance = options.tolerance ?? 0;
    return noGrad(() =>
      tidy(() => {
        const up = v.matmul(this.weight1.transpose(0, 1));
        let mu1 = up.mul(2).add(this.hbias1).sigmoid();
        let mu2 = this.h2Given(mu1);
        for (let i = 0; i < iterations; i++) {
          const next1 = up.add(mu2.matmul(this.weight2)).add(this.hbias1).sigmoid();
          const next2 = this.h2Given(next1);
          const moved =
            tolerance > 0
              ? Math.max(next1.sub(mu1).abs().max().item(), next2.sub(mu2).abs().max().item())
              : 1;
          mu1.dispose();
          mu2.dispose();
          mu1 = next1;
          mu2 = next2;
          if (moved < tolerance) break;
        }
        return { h1: mu1, h2: mu2 };
      }),
    );
  }

  /**
   * Greedy pretraining by the paper's two modified RBMs: the bottom one (v → h1) with its hidden input
   * doubled, the top one (h1 → h2) with its visible input doubled, trained by CD on the data and on
   * the bottom one's hidden probabilities; their weights become W1 and W2 as they are (the doubling
   * stands in for the other layer's input, which the DBM then supplies), c1 the mean of the two biases
   * of h1. `options` apply to both RBMs, or give one object per RBM.
   */
  pretrain(data: Tensor, options: CDOptions | readonly CDOptions[] = {}): CDHistory[] {
    const o = (i: number): CDOptions =>
      Array.isArray(options) ? (options[i] ?? {}) : (options as CDOptions);
    const dtype = this.weight1.dtype;
    const bottom = new ScaledRBM(this.nVisible, this.nHidden1, { up: 2, dtype });
    const top = new ScaledRBM(this.nHidden1, this.nHidden2, { down: 2, dtype });
    const h1 = bottom.fitCD(data, { ...o(0), label: `${o(0).label ?? ""}Layer 1/2 ` });
    const x = keep(hiddenInChunks(bottom, data));
    let h2: CDHistory;
    try {
      h2 = top.fitCD(x, { ...o(1), label: `${o(1).label ?? ""}Layer 2/2 ` });
    } finally {
      x.dispose();
    }
    noGrad(() =>
      tidy(() => {
        this.weight1.assign(bottom.weight.clone());
        this.weight2.assign(top.weight.clone());
        this.vbias.assign(bottom.vbias.clone());
        this.hbias1.assign(bottom.hbias.add(top.vbias).mul(0.5));
        this.hbias2.assign(top.hbias.clone());
      }),
    );
    return [h1, h2];
  }

  /**
   * Joint training by stochastic approximation (persistent chains) with mean-field data statistics.
   * Returns per epoch the mean reconstruction error of the data's v from its μ1; with `maxSeconds` it
   * stops at that wall-clock budget (`timedOut` in the history).
   */
  fitJoint(data: Tensor, options: DBMFitOptions = {}): CDHistory {
    const epochs = options.epochs ?? 10;
    const batchSize = options.batchSize ?? 100;
    const m = options.chains ?? 100;
    const steps = options.gibbsSteps ?? 1;
    const wd = options.weightDecay ?? 0.0002;
    const g = options.generator ?? defaultGenerator;
    const log = options.log ?? ((line: string) => console.log(line));
    const n = data.shape[0];
    const maxSeconds = options.maxSeconds ?? Number.POSITIVE_INFINITY;
    if (!(maxSeconds > 0))
      throw new ValueError(`DBM.fitJoint: maxSeconds must be a positive number, got ${options.maxSeconds}`);
    const dtype = this.weight1.dtype;
    const params = [this.weight1, this.weight2, this.vbias, this.hbias1, this.hbias2];
    const velocity = params.map((p) => keep(noGrad(() => zerosLike(p))));
    // the chains start from data and its bottom-up states, as the paper's code does
    const start = noGrad(() =>
      tidy(() => {
        const idx = Int32Array.from({ length: m }, () => g.int(0, n));
        const v = data.indexSelect(0, idx);
        const mf = this.meanField(v, { iterations: 1 });
        return [
          v.clone(),
          bernoulli(mf.h1, undefined, { generator: g, dtype }),
          bernoulli(mf.h2, undefined, { generator: g, dtype }),
        ];
      }),
    );
    const chain = start.map((t) => keep(t));
    const history: CDHistory = {
      monitor: "reconstruction",
      values: [],
      seconds: [],
      updates: 0,
      timedOut: false,
    };
    const planned = epochs * Math.ceil(n / batchSize);
    const began = performance.now();
    try {
      for (let epoch = 0; epoch < epochs && !history.timedOut; epoch++) {
        const t0 = performance.now();
        const order = g.permutation(n);
        let errSum = 0;
        let batches = 0;
        for (let from = 0; from < n; from += batchSize) {
          const elapsed = (performance.now() - began) / 1000;
          if (elapsed >= maxSeconds) {
            history.timedOut = true;
            break;
          }
          const progress = Math.max(history.updates / planned, elapsed / maxSeconds);
          const lr = sched(options.lr ?? 0.005, epoch, progress);
          const momentum = sched(options.momentum ?? ((e: number) => (e < 5 ? 0.5 : 0.9)), epoch, progress);
          const to = Math.min(n, from + batchSize);
          errSum += noGrad(() =>
            tidy(() => {
              const v0 = data.indexSelect(0, order.subarray(from, to));
              const b = to - from;
              const { h1: mu1, h2: mu2 } = this.meanField(v0, {
                iterations: options.meanFieldIterations ?? 10,
              });
              let [cv, ch1, ch2] = chain;
              let pv = cv;
              let ph2 = ch2;
              let ph1 = ch1;
              for (let s = 0; s < steps; s++) {
                ph1 = this.h1Given(cv, ch2);
                ch1 = bernoulli(ph1, undefined, { generator: g, dtype });
                pv = this.vGiven(ch1);
                ph2 = this.h2Given(ch1);
                cv = bernoulli(pv, undefined, { generator: g, dtype });
                ch2 = bernoulli(ph2, undefined, { generator: g, dtype });
              }
              const grads = [
                mu1
                  .transpose(0, 1)
                  .matmul(v0)
                  .div(b)
                  .sub(ch1.transpose(0, 1).matmul(pv).div(m))
                  .sub(this.weight1.mul(wd)),
                mu2
                  .transpose(0, 1)
                  .matmul(mu1)
                  .div(b)
                  .sub(ph2.transpose(0, 1).matmul(ch1).div(m))
                  .sub(this.weight2.mul(wd)),
                v0.mean(0).sub(pv.mean(0)),
                mu1.mean(0).sub(ch1.mean(0)),
                mu2.mean(0).sub(ph2.mean(0)),
              ];
              params.forEach((p, i) => {
                velocity[i].assign(velocity[i].mul(momentum).add(grads[i].mul(lr)));
                p.assign(p.add(velocity[i]));
              });
              chain[0].assign(cv);
              chain[1].assign(ch1);
              chain[2].assign(ch2);
              return this.vGiven(mu1).sub(v0).square().mean().item();
            }),
          );
          batches++;
          history.updates++;
        }
        if (batches === 0) break;
        const seconds = (performance.now() - t0) / 1000;
        history.values.push(errSum / batches);
        history.seconds.push(seconds);
        if (options.verbose) {
          log(
            `DBM Epoch ${epoch + 1}/${epochs} - ${seconds.toFixed(1)}s - reconstruction: ${(errSum / batches).toFixed(4)}` +
              (history.timedOut
                ? ` - stopped at the ${maxSeconds} s budget after ${history.updates} updates`
                : ""),
          );
        }
      }
    } finally {
      for (const t of [...velocity, ...chain]) t.dispose();
    }
    return history;
  }

  /** Samples v by Gibbs sampling (h1 | v, h2; then v, h2 | h1) from noise; returns p(v | h1) of the last sweep. */
  sample(n: number, options: SampleOptions = {}): Tensor {
    const steps = options.steps ?? 1000;
    const g = options.generator ?? defaultGenerator;
    const dtype = this.weight1.dtype;
    return noGrad(() => {
      let v = tidy(() => rand([n, this.nVisible], { generator: g, dtype }).lt(0.5).cast(dtype));
      let h2 = tidy(() => rand([n, this.nHidden2], { generator: g, dtype }).lt(0.5).cast(dtype));
      let pv: Tensor | null = null;
      for (let s = 0; s < steps; s++) {
        const [nv, nh2, npv] = tidy(() => {
          const h1 = bernoulli(this.h1Given(v, h2), undefined, { generator: g, dtype });
          const p = this.vGiven(h1);
          return [
            bernoulli(p, undefined, { generator: g, dtype }),
            bernoulli(this.h2Given(h1), undefined, { generator: g, dtype }),
            p,
          ];
        });
        v.dispose();
        h2.dispose();
        pv?.dispose();
        v = nv;
        h2 = nh2;
        pv = npv;
      }
      v.dispose();
      h2.dispose();
      return pv as Tensor;
    });
  }

  override describe(): string {
    return `DBM(${this.nVisible}-${this.nHidden1}-${this.nHidden2})`;
  }
}
