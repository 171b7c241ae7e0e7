/**
 * Reverse annealed importance sampling, RAISE (Burda, Grosse & Salakhutdinov 2015): a conservative
 * estimate of an RBM's log-likelihood, to set beside AIS's optimistic one.
 *
 * Forward AIS defines a generative model q of its own: start from the base-rate model, apply one Gibbs
 * transition per β, emit the last state. RAISE estimates q(v) of each test vector without bias by
 * annealing backwards from v itself, so its log is a stochastic lower bound on log q(v); q approaches the
 * RBM as the βs grow and in practice lies below it (a sampler that has not mixed puts less mass on the
 * data than the model). AIS errs the other way when its runs miss the model's modes; where the two agree,
 * the likelihood is pinned down from both sides.
 */
import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";
import type { Tensor } from "../core/tensor.js";
import { betaSchedule } from "./ais.js";
import { AnnealingPath } from "./anneal.js";
import { logSumExpNumbers } from "./exact.js";
import { GaussianRBM } from "./gaussian_rbm.js";
import type { RBM } from "./rbm.js";

/**
 * Options of `reverseAis`.
 * @example
 * const options: ReverseAISOptions = { betas: 2000, runs: 1 };
 * options.betas; // 2000
 */
export interface ReverseAISOptions {
  /** The intermediate distributions, spaced as `ais` spaces them, or the βs themselves (default 14500). */
  betas?: number | readonly number[];
  /** Reverse chains per data vector, averaged in probability (default 1). */
  runs?: number;
  /** Data whose marginals fit the base-rate model's visible biases (default: a uniform base model).
   * Use the training data, as for `ais`. */
  baseData?: Tensor;
  /** Data vectors annealed together (default 1000). */
  batchSize?: number;
  /** Generator for the transitions (default: the library-wide one). */
  generator?: Generator;
}

/**
 * What `reverseAis` returns: the mean over the data of the per-vector estimates, and each estimate.
 * @example
 * const r: ReverseAISResult = { logLikelihood: -2, perExample: Float64Array.from([-1, -3]) };
 * r.perExample.length; // 2
 */
export interface ReverseAISResult {
  /** Mean log-likelihood estimate in nats. */
  logLikelihood: number;
  /** log q̂(v) of each data vector. */
  perExample: Float64Array;
}

/**
 * Estimates the log-likelihood of each row of `data` under a Bernoulli-Bernoulli RBM by reverse AIS:
 * conservative (low) where `ais` is optimistic (high). Cost: one Gibbs transition per β per data vector
 * and run, so a subset of a test set is the usual use.
 * @example
 * const rbm = new unsupervised.RBM(6, 4, { initStd: 1, generator: new Generator(2) });
 * const v = bernoulli(0.5, [20, 6], { generator: new Generator(3) });
 * const exact = unsupervised.logLikelihood(rbm, v, unsupervised.exactLogPartition(rbm));
 * const r = unsupervised.reverseAis(rbm, v, { betas: 1000, runs: 10, generator: new Generator(4) });
 * Math.abs(r.logLikelihood - exact) < 0.1; // true
 */
export function reverseAis(rbm: RBM, data: Tensor, options: ReverseAISOptions = {}): ReverseAISResult {
  requireSyncReads(
    "reverseAis",
    rbm.weight,
    "accumulates its annealing weights on the host in float64",
    ON_A_HOST_BACKEND,
  );
  if (rbm instanceof GaussianRBM) {
    throw new ValueError("reverseAis: only Bernoulli-Bernoulli RBMs are supported (got a GaussianRBM)");
  }
  if (data.ndim !== 2 || data.shape[1] !== rbm.nVisible) {
    throw new ValueError(
      `reverseAis: data must be [n, ${rbm.nVisible}] (the RBM's visible units), got [${data.shape.join(", ")}]`,
    );
  }
  const runs = options.runs ?? 1;
  const batchSize = options.batchSize ?? 1000;
  for (const [name, value] of [
    ["runs", runs],
    ["batchSize", batchSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ValueError(`reverseAis: ${name} must be a positive integer, got ${value}`);
    }
  }
  const betas = typeof options.betas === "object" ? [...options.betas] : betaSchedule(options.betas ?? 14500);
  if (betas[0] !== 0 || betas[betas.length - 1] !== 1 || betas.some((b, i) => i > 0 && b < betas[i - 1])) {
    throw new ValueError("reverseAis: betas must increase from 0 to 1");
  }
  const g = options.generator ?? defaultGenerator;
  const dtype = rbm.weight.dtype;
  const n = data.shape[0];
  const perExample = new Float64Array(n);
  noGrad(() => {
    const path = new AnnealingPath(rbm, options.baseData);
    try {
      for (let from = 0; from < n; from += batchSize) {
        const rows = Math.min(batchSize, n - from);
        const logq = annealBack(path, rbm, data.slice(0, from, from + rows).cast(dtype), runs, betas, g);
        for (let i = 0; i < rows; i++) {
          perExample[from + i] =
            logSumExpNumbers(logq.subarray(i * runs, (i + 1) * runs)) - Math.log(runs) - path.logZBase;
        }
      }
    } finally {
      path.dispose();
    }
  });
  let total = 0;
  for (const x of perExample) total += x;
  return { logLikelihood: total / n, perExample };
}

/** One block of reverse chains, `runs` per data row (rows repeated in place): log p*(v) minus the
 * increments of log p*_β along the chain from β = 1 down to 0, each chain's value without log Z_A. */
function annealBack(
  path: AnnealingPath,
  rbm: RBM,
  v0: Tensor,
  runs: number,
  betas: number[],
  g: Generator,
): Float64Array {
  const rows = v0.shape[0];
  const logq = new Float64Array(rows * runs);
  // the chain's state v and its hidden input x, carried so each step makes two matmuls
  let v = keep(
    tidy(() =>
      runs === 1
        ? v0.clone()
        : v0.unsqueeze(1).expand([rows, runs, rbm.nVisible]).reshape([-1, rbm.nVisible]),
    ),
  );
  let x = keep(tidy(() => path.hiddenInput(v)));
  try {
    const start = tidy(() => rbm.freeEnergy(v).neg().dataSync());
    for (let r = 0; r < logq.length; r++) logq[r] = start[r];
    for (let k = betas.length - 1; k >= 1; k--) {
      // the transition at β_k, then the increment log p*_{β_k} − log p*_{β_{k−1}} at the new state
      const [moved, xMoved] = tidy(() => {
        const vNew = path.transition(x, betas[k], g);
        const xNew = path.hiddenInput(vNew);
        const d = path.logRatio(vNew, xNew, betas[k - 1], betas[k]).dataSync();
        for (let r = 0; r < logq.length; r++) logq[r] -= d[r];
        return [vNew, xNew];
      });
      v.dispose();
      x.dispose();
      v = keep(moved);
      x = keep(xMoved);
    }
  } finally {
    v.dispose();
    x.dispose();
  }
  return logq;
}
