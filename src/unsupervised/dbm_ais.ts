/**
 * Likelihoods of a two-layer DBM: log Z by AIS (Salakhutdinov & Hinton 2009), or exactly by enumeration
 * when the middle layer is tiny, and the variational lower bound on log p(v) from mean-field inference.
 * Summing v and h2 out analytically, a DBM's marginal over h1 is
 *   p*(h1) = exp(c1ᵀh1) Π_i (1 + exp(b + W1ᵀh1)_i) Π_k (1 + exp(c2 + W2h1)_k),
 * so AIS anneals over h1 alone (forward from a factorial base model, or back to it from the DBM's own
 * Gibbs chains: `dbm_anneal.ts` holds the path both walk).
 */
import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { bernoulli, rand } from "../ops/creation.js";
import { type AISOptions, type AISResult, betaSchedule, summarizeWeights } from "./ais.js";
import type { DBM } from "./dbm.js";
import { DBMAnnealingPath } from "./dbm_anneal.js";
import { logSumExpNumbers, softplusNumber } from "./exact.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

/** What both directions check and read first: a host backend, the runs, the βs and the generator. */
function setUp(
  fn: string,
  dbm: DBM,
  options: DBMAISOptions,
): { runs: number; betas: number[]; g: Generator } {
  requireSyncReads(fn, dbm.weight1, "runs its annealing weights on the host in float64", ON_A_HOST_BACKEND);
  const runs = options.runs ?? 100;
  if (!Number.isInteger(runs) || runs < 1)
    throw new ValueError(`${fn}: runs must be a positive integer, got ${runs}`);
  const betas = typeof options.betas === "object" ? [...options.betas] : betaSchedule(options.betas ?? 14500);
  if (betas[0] !== 0 || betas[betas.length - 1] !== 1 || betas.some((b, i) => i > 0 && b < betas[i - 1])) {
    throw new ValueError(`${fn}: betas must increase from 0 to 1`);
  }
  const base = options.baseData;
  if (base && (base.shape.length !== 2 || base.shape[1] !== dbm.nVisible || base.shape[0] < 1)) {
    throw new ValueError(
      `${fn}: baseData must be [n, nVisible] = [n, ${dbm.nVisible}] with n ≥ 1, got [${base.shape}] (${base.dtype})`,
    );
  }
  return { runs, betas, g: options.generator ?? defaultGenerator };
}

/**
 * Walks `h1` along `betas` (in the order given), adding each step's log-ratio to `logw` and applying the
 * transition at the step's new β, except after the last. Owns and disposes `h1`.
 */
function anneal(
  path: DBMAnnealingPath,
  h1: Tensor,
  betas: readonly number[],
  logw: Float64Array,
  g: Generator,
): void {
  let state = h1;
  try {
    for (let k = 1; k < betas.length; k++) {
      const next = tidy(() => {
        const inputs = path.inputs(state);
        const d = path.logRatio(state, inputs, betas[k - 1], betas[k]).dataSync();
        for (let r = 0; r < logw.length; r++) logw[r] += d[r];
        return k === betas.length - 1 ? null : path.transition(inputs, betas[k], g);
      });
      if (next === null) break;
      state.dispose();
      state = keep(next);
    }
  } finally {
    state.dispose();
  }
}

/**
 * Options of `dbmAis`: those of `ais`, and how much of the base model the data fits.
 * @example
 * const options: DBMAISOptions = { runs: 100, betas: 20000, fitHiddenBase: false };
 * options.fitHiddenBase; // false
 */
export interface DBMAISOptions extends AISOptions {
  /** With `baseData`, fit h1's and h2's base biases to the mean-field posteriors as well as v's (default
   * true); false keeps them fair coins, the base model of Salakhutdinov & Hinton (2009). */
  fitHiddenBase?: boolean;
}

/**
 * log Z of a two-layer DBM by annealed importance sampling over h1 (options as `ais`). With `baseData`
 * the base model fits v's marginals and h1's and h2's mean-field posteriors on it: pass the training
 * data. Like `ais`, its log Z is low more often than high (a bound computed from it is optimistic);
 * `dbmReverseAis` errs the other way, and where the two meet log Z is pinned down.
 * @example
 * const dbm = new unsupervised.DBM(6, 4, 3, { initStd: 1, generator: new Generator(4) });
 * const r = unsupervised.dbmAis(dbm, { runs: 100, betas: 1000, generator: new Generator(5) });
 * Math.abs(r.logZ - unsupervised.dbmExactLogPartition(dbm)) < 0.1; // true
 */
export function dbmAis(dbm: DBM, options: DBMAISOptions = {}): AISResult {
  const { runs, betas, g } = setUp("dbmAis", dbm, options);
  return noGrad(() => {
    const path = new DBMAnnealingPath(dbm, options.baseData, { fitHidden: options.fitHiddenBase });
    try {
      const logw = new Float64Array(runs);
      // the base model is factorial: its samples are exact
      anneal(path, keep(path.sampleBase(runs, g)), betas, logw, g);
      return summarizeWeights(logw, path.logZBase);
    } finally {
      path.dispose();
    }
  });
}

/**
 * Options of `dbmReverseAis`: those of `ais`, and where the chains start.
 * @example
 * const options: DBMReverseAISOptions = { runs: 100, betas: 2000, burnIn: 1000 };
 * options.burnIn; // 1000
 */
export interface DBMReverseAISOptions extends DBMAISOptions {
  /** Rows of v the chains start from, one per run (default: the first `runs` rows of `baseData`, or
   * fair coins without it). */
  startData?: Tensor;
  /** Gibbs sweeps under the DBM itself before annealing back, to carry the chains from the data to the
   * model's distribution (default 1000). */
  burnIn?: number;
}

/**
 * log Z of a two-layer DBM by reverse AIS, the other half of bidirectional Monte Carlo (Grosse,
 * Ghahramani & Adams 2015): chains run under the DBM for `burnIn` sweeps, then anneal back from β = 1 to
 * the base model; the mean weight estimates Z_A / Z. Started from exact samples of the DBM its log Z is
 * high more often than low, the mirror of `dbmAis`, so a bound computed from it is conservative. Gibbs
 * chains give exact samples only once they have mixed: forward and reverse agreeing is the evidence that
 * both are right, not a proof.
 * `logZLow`/`logZHigh` are the ±3σ bounds of the mean weight, turned around.
 * @example
 * const dbm = new unsupervised.DBM(6, 4, 3, { initStd: 1, generator: new Generator(4) });
 * const r = unsupervised.dbmReverseAis(dbm, { runs: 100, betas: 1000, generator: new Generator(5) });
 * Math.abs(r.logZ - unsupervised.dbmExactLogPartition(dbm)) < 0.1; // true
 */
export function dbmReverseAis(dbm: DBM, options: DBMReverseAISOptions = {}): AISResult {
  const { runs, betas, g } = setUp("dbmReverseAis", dbm, options);
  const burnIn = options.burnIn ?? 1000;
  if (!Number.isInteger(burnIn) || burnIn < 0) {
    throw new ValueError(`dbmReverseAis: burnIn must be a non-negative integer, got ${burnIn}`);
  }
  const start = options.startData ?? options.baseData;
  if (start && (start.shape.length !== 2 || start.shape[1] !== dbm.nVisible || start.shape[0] < runs)) {
    throw new ValueError(
      `dbmReverseAis: the start data must be [≥ runs, nVisible] = [≥ ${runs}, ${dbm.nVisible}], got [${start.shape}]`,
    );
  }
  const dtype = dbm.weight1.dtype;
  return noGrad(() => {
    const path = new DBMAnnealingPath(dbm, options.baseData, { fitHidden: options.fitHiddenBase });
    try {
      let h1 = keep(
        tidy(() =>
          start
            ? bernoulli(dbm.meanField(start.slice(0, 0, runs).cast(dtype)).h1, undefined, {
                generator: g,
                dtype,
              })
            : rand([runs, dbm.nHidden1], { generator: g, dtype }).lt(0.5).cast(dtype),
        ),
      );
      for (let s = 0; s < burnIn; s++) {
        const next = keep(tidy(() => path.transition(path.inputs(h1), 1, g)));
        h1.dispose();
        h1 = next;
      }
      const logw = new Float64Array(runs);
      anneal(path, h1, [...betas].reverse(), logw, g);
      const back = summarizeWeights(logw, 0); // log of the mean of Z_A / Z, with its ±3σ
      return {
        logZ: path.logZBase - back.logZ,
        logZLow: path.logZBase - back.logZHigh,
        logZHigh: path.logZBase - back.logZLow,
        logZBase: path.logZBase,
        logWeights: logw,
        effectiveSampleSize: back.effectiveSampleSize,
      };
    } finally {
      path.dispose();
    }
  });
}

function hostParams(dbm: DBM) {
  return {
    w1: Float64Array.from(dbm.weight1.dataSync()),
    w2: Float64Array.from(dbm.weight2.dataSync()),
    b: Float64Array.from(dbm.vbias.dataSync()),
    c1: Float64Array.from(dbm.hbias1.dataSync()),
    c2: Float64Array.from(dbm.hbias2.dataSync()),
  };
}

/** Σ_k softplus(c2 + W2 h1)_k and c1ᵀh1 for the h1 state given by the bits of s. */
function h1Terms(p: ReturnType<typeof hostParams>, nh1: number, nh2: number, s: number): number {
  let t = 0;
  for (let j = 0; j < nh1; j++) if ((s >>> j) & 1) t += p.c1[j];
  for (let k = 0; k < nh2; k++) {
    let x = p.c2[k];
    for (let j = 0; j < nh1; j++) if ((s >>> j) & 1) x += p.w2[k * nh1 + j];
    t += softplusNumber(x);
  }
  return t;
}

function checkEnumerable(fn: string, dbm: DBM): void {
  if (dbm.nHidden1 > 20) {
    throw new ValueError(
      `${fn}: enumerating 2^${dbm.nHidden1} states of h1 is too many (at most 2^20); use dbmAis`,
    );
  }
}

/**
 * Exact log Z of a DBM whose first hidden layer has at most 20 units (float64, on the host).
 * @example
 * unsupervised.dbmExactLogPartition(new unsupervised.DBM(3, 2, 2, { initStd: 0 })) / Math.LN2; // 7: 2^(3+2+2) states
 */
export function dbmExactLogPartition(dbm: DBM): number {
  requireSyncReads(
    "dbmExactLogPartition",
    dbm.weight1,
    "enumerates states on the host in float64",
    ON_A_HOST_BACKEND,
  );
  checkEnumerable("dbmExactLogPartition", dbm);
  const p = hostParams(dbm);
  const { nVisible: nv, nHidden1: nh1, nHidden2: nh2 } = dbm;
  const terms = new Float64Array(2 ** nh1);
  for (let s = 0; s < terms.length; s++) {
    let t = h1Terms(p, nh1, nh2, s);
    for (let i = 0; i < nv; i++) {
      let x = p.b[i];
      for (let j = 0; j < nh1; j++) if ((s >>> j) & 1) x += p.w1[j * nv + i];
      t += softplusNumber(x);
    }
    terms[s] = t;
  }
  return logSumExpNumbers(terms);
}

/**
 * The exact mean log p(v) of `data` under a DBM with at most 20 units in h1, in nats.
 * @example
 * const dbm = new unsupervised.DBM(3, 2, 2, { initStd: 0 });
 * unsupervised.dbmExactLogLikelihood(dbm, tensor([[1, 0, 1]])) / Math.LN2; // -3: uniform over 2^3 states
 */
export function dbmExactLogLikelihood(dbm: DBM, data: Tensor, logZ = dbmExactLogPartition(dbm)): number {
  checkEnumerable("dbmExactLogLikelihood", dbm);
  const p = hostParams(dbm);
  const { nVisible: nv, nHidden1: nh1, nHidden2: nh2 } = dbm;
  const x = data.dataSync();
  const n = data.shape[0];
  const terms = new Float64Array(2 ** nh1);
  let total = 0;
  for (let r = 0; r < n; r++) {
    let vb = 0;
    for (let i = 0; i < nv; i++) vb += p.b[i] * x[r * nv + i];
    for (let s = 0; s < terms.length; s++) {
      let t = vb + h1Terms(p, nh1, nh2, s);
      for (let j = 0; j < nh1; j++) {
        if (!((s >>> j) & 1)) continue;
        for (let i = 0; i < nv; i++) t += p.w1[j * nv + i] * x[r * nv + i];
      }
      terms[s] = t;
    }
    total += logSumExpNumbers(terms);
  }
  return total / n - logZ;
}

/**
 * The mean variational lower bound on log p(v) over `data`, in nats: with q the mean-field posterior,
 * log p(v) ≥ E_q[−E(v, h)] + H(q) − log Z. With log Z from `dbmAis` it is the paper's estimate.
 * @example
 * const dbm = new unsupervised.DBM(6, 4, 3, { initStd: 1, generator: new Generator(4) });
 * const v = bernoulli(0.5, [5, 6]);
 * const logZ = unsupervised.dbmExactLogPartition(dbm);
 * unsupervised.dbmLowerBound(dbm, v, logZ) <= unsupervised.dbmExactLogLikelihood(dbm, v, logZ); // true
 */
export function dbmLowerBound(
  dbm: DBM,
  data: Tensor,
  logZ: number | AISResult,
  options: { iterations?: number } = {},
): number {
  const z = typeof logZ === "number" ? logZ : logZ.logZ;
  const n = data.shape[0];
  let total = 0;
  for (let from = 0; from < n; from += 1000) {
    total += noGrad(() =>
      tidy(() => {
        const v = data.slice(0, from, Math.min(n, from + 1000));
        const { h1, h2 } = dbm.meanField(v, { iterations: options.iterations ?? 30 });
        const entropy = (q: Tensor) => {
          const c = q.clamp(1e-7, 1 - 1e-7);
          return c
            .mul(c.log())
            .add(c.neg().add(1).mul(c.neg().add(1).log()))
            .sum(1)
            .neg();
        };
        const energy = v
          .mul(dbm.vbias)
          .sum(1)
          .add(h1.mul(v.matmul(dbm.weight1.transpose(0, 1)).add(dbm.hbias1)).sum(1))
          .add(h2.mul(h1.matmul(dbm.weight2.transpose(0, 1)).add(dbm.hbias2)).sum(1));
        return energy.add(entropy(h1)).add(entropy(h2)).sum().item();
      }),
    );
  }
  return total / n - z;
}
