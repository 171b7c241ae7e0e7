/**
 * Annealed importance sampling (Neal 2001) for the log partition function of an RBM, as Salakhutdinov &
 * Murray (2008) use it: from a base-rate model A (no weights, visible biases fitted to the data's
 * marginals, whose Z is known) to the RBM B through p_β(v) ∝ p*_A(v)^{1−β} p*_B(v)^β, one Gibbs
 * transition per β, `runs` independent chains. Z_B/Z_A is estimated by the mean importance weight, so the
 * estimate of Z is unbiased and that of log Z is, if anything, low (a likelihood reported from it is
 * optimistic when too few β are used: use enough, and compare the ±3σ bounds). A `GaussianRBM` anneals
 * the same way from unit-variance Gaussian visible units with no weights.
 */
import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { AnnealingPath } from "./anneal.js";
import type { RBM } from "./rbm.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

/**
 * Options of `ais`.
 * @example
 * const options: AISOptions = { runs: 100, betas: 2000, generator: new Generator(1) };
 * options.betas; // 2000
 */
export interface AISOptions {
  /** Independent annealing runs (default 100, as the paper). */
  runs?: number;
  /** The number of intermediate distributions (spaced as the paper: 1/15 of them in [0, 0.5], 4/15 in
   * [0.5, 0.9], 10/15 in [0.9, 1]), or the increasing βs themselves from 0 to 1 (default 14500). */
  betas?: number | readonly number[];
  /** Data whose marginals fit the base-rate model's visible biases (for a `GaussianRBM`, its mean) (default: a
   * uniform base model, or N(0, I) for a `GaussianRBM`). */
  baseData?: Tensor;
  /** Generator for the transitions (default: the library-wide one). */
  generator?: Generator;
}

/**
 * What `ais` returns: log Z with the interval log(Ẑ ± 3σ̂) where σ̂ is the standard error of the mean
 * importance weight (`logZLow` is −∞ when Ẑ − 3σ̂ ≤ 0).
 * @example
 * const r: AISResult = unsupervised.ais(new unsupervised.RBM(6, 4), { runs: 10, betas: 100 });
 * r.logZLow <= r.logZ && r.logZ <= r.logZHigh; // true
 */
export interface AISResult {
  logZ: number;
  logZLow: number;
  logZHigh: number;
  /** log Z of the base-rate model the runs start from. */
  logZBase: number;
  /** Each run's log importance weight. */
  logWeights: Float64Array;
  /** (Σw)² / Σw² over the runs' importance weights (Kong 1992): how many runs carry the estimate. Near
   * `runs` when the annealing is smooth; a handful means log Z is not pinned down (use more βs). */
  effectiveSampleSize: number;
}

/**
 * The paper's spacing of `n` inverse temperatures from 0 to 1 (denser near 1, where the distributions
 * change fastest).
 * @example
 * const b = unsupervised.betaSchedule(15);
 * [b[0], b[b.length - 1], b.length]; // [0, 1, 16]
 */
export function betaSchedule(n: number): number[] {
  if (!Number.isInteger(n) || n < 3) throw new ValueError(`betaSchedule: n must be an integer ≥ 3, got ${n}`);
  const n1 = Math.max(1, Math.round(n / 15));
  const n2 = Math.max(1, Math.round((4 * n) / 15));
  const n3 = n - n1 - n2;
  const out: number[] = [];
  for (let i = 0; i < n1; i++) out.push((0.5 * i) / n1);
  for (let i = 0; i < n2; i++) out.push(0.5 + (0.4 * i) / n2);
  for (let i = 0; i <= n3; i++) out.push(0.9 + (0.1 * i) / n3);
  out[out.length - 1] = 1;
  return out;
}

/**
 * The AIS estimate from each run's log importance weight: log Z = log Z_A + log mean exp(log w), with
 * the ±3 standard-error bounds, in the log domain.
 * @example
 * unsupervised.summarizeWeights(Float64Array.from([0, 0]), 1).logZ; // 1
 * unsupervised.summarizeWeights(Float64Array.from([0, 0]), 1).effectiveSampleSize; // 2
 */
export function summarizeWeights(logw: Float64Array, logZBase: number): AISResult {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of logw) if (x > m) m = x;
  let mean = 0;
  for (const x of logw) mean += Math.exp(x - m);
  mean /= logw.length;
  let v = 0;
  for (const x of logw) v += (Math.exp(x - m) - mean) ** 2;
  const se = logw.length > 1 ? Math.sqrt(v / (logw.length - 1) / logw.length) : 0;
  const base = logZBase + m;
  return {
    logZ: base + Math.log(mean),
    logZLow: mean - 3 * se > 0 ? base + Math.log(mean - 3 * se) : Number.NEGATIVE_INFINITY,
    logZHigh: base + Math.log(mean + 3 * se),
    logZBase,
    logWeights: logw,
    effectiveSampleSize: effectiveSampleSize(logw),
  };
}

/**
 * The effective sample size of importance weights given as logs, (Σw)² / Σw² (Kong 1992): about the
 * number of runs that carry an AIS estimate. Near 1 of many runs, log Z is not established (use more βs).
 * @example
 * unsupervised.effectiveSampleSize(Float64Array.from([3, 3, 3, 3])); // 4
 * unsupervised.effectiveSampleSize(Float64Array.from([0, -50, -50])) < 1.001; // true: one run carries it
 */
export function effectiveSampleSize(logWeights: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logWeights.length; i++) if (logWeights[i] > m) m = logWeights[i];
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < logWeights.length; i++) {
    const w = Math.exp(logWeights[i] - m);
    s += w;
    s2 += w * w;
  }
  return (s * s) / s2;
}

/**
 * Estimates log Z of an RBM by annealed importance sampling: a Bernoulli-Bernoulli `RBM`, or a
 * `GaussianRBM` (its base model is N(b_A, I) over v with free hidden units, Z_A = (2π)^{D/2} 2^H, b_A the
 * data's mean with `baseData`, else 0; log Z is then that of a density, so `logLikelihood` gives nats of
 * a continuous density, not of a discrete distribution).
 * @example
 * const rbm = new unsupervised.RBM(6, 4, { initStd: 1, generator: new Generator(2) });
 * const { logZ } = unsupervised.ais(rbm, { runs: 100, betas: 1000, generator: new Generator(3) });
 * Math.abs(logZ - unsupervised.exactLogPartition(rbm)) < 0.1; // true
 * const grbm = new unsupervised.GaussianRBM(5, 4, { initStd: 0.7, generator: new Generator(2) });
 * const z = unsupervised.ais(grbm, { runs: 100, betas: 1000, generator: new Generator(3) });
 * Math.abs(z.logZ - unsupervised.exactLogPartition(grbm)) < 0.1; // true
 */
export function ais(rbm: RBM, options: AISOptions = {}): AISResult {
  requireSyncReads("ais", rbm.weight, "runs its annealing weights on the host in float64", ON_A_HOST_BACKEND);
  const runs = options.runs ?? 100;
  if (!Number.isInteger(runs) || runs < 1)
    throw new ValueError(`ais: runs must be a positive integer, got ${runs}`);
  const betas = typeof options.betas === "object" ? [...options.betas] : betaSchedule(options.betas ?? 14500);
  if (betas[0] !== 0 || betas[betas.length - 1] !== 1 || betas.some((b, i) => i > 0 && b < betas[i - 1])) {
    throw new ValueError("ais: betas must increase from 0 to 1");
  }
  const g = options.generator ?? defaultGenerator;
  return noGrad(() => {
    const path = new AnnealingPath(rbm, options.baseData);
    const logw = new Float64Array(runs);
    let v = keep(path.sampleBase(runs, g));
    try {
      for (let k = 1; k < betas.length; k++) {
        const last = k === betas.length - 1;
        const next = tidy(() => {
          const x = path.hiddenInput(v);
          const d = path.logRatio(v, x, betas[k - 1], betas[k]).dataSync();
          for (let r = 0; r < runs; r++) logw[r] += d[r];
          return last ? null : path.transition(x, betas[k], g);
        });
        if (next === null) break;
        v.dispose();
        v = keep(next);
      }
    } finally {
      v.dispose();
      path.dispose();
    }
    return summarizeWeights(logw, path.logZBase);
  });
}

/**
 * The mean log-likelihood of `data` under an RBM, in nats: mean(−F(v)) − log Z, with log Z from `ais`
 * (or `exactLogPartition`). For a `GaussianRBM` it is the mean log-density of the (real-valued) data.
 * @example
 * const rbm = new unsupervised.RBM(6, 4);
 * const v = bernoulli(0.5, [10, 6]);
 * unsupervised.logLikelihood(rbm, v, unsupervised.exactLogPartition(rbm)) + 6 * Math.LN2 < 0.01; // true: about uniform
 */
export function logLikelihood(rbm: RBM, data: Tensor, logZ: number | AISResult): number {
  requireSyncReads("logLikelihood", data, "sums free energies on the host in float64", ON_A_HOST_BACKEND);
  const z = typeof logZ === "number" ? logZ : logZ.logZ;
  let total = 0;
  const n = data.shape[0];
  for (let from = 0; from < n; from += 1000) {
    total += tidy(() =>
      rbm
        .freeEnergy(data.slice(0, from, Math.min(n, from + 1000)))
        .sum()
        .item(),
    );
  }
  return -total / n - z;
}
