/**
 * Likelihoods of a two-layer DBM: log Z by AIS (Salakhutdinov & Hinton 2009), or exactly by enumeration
 * when the middle layer is tiny, and the variational lower bound on log p(v) from mean-field inference.
 * Summing v and h2 out analytically, a DBM's marginal over h1 is
 *   p*(h1) = exp(c1ᵀh1) Π_i (1 + exp(b + W1ᵀh1)_i) Π_k (1 + exp(c2 + W2h1)_k),
 * so AIS anneals over h1 alone, from a base model with only visible biases (fitted to the data).
 */
import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { softplus } from "../ops/activation.js";
import { bernoulli, rand, zeros } from "../ops/creation.js";
import { type AISOptions, type AISResult, betaSchedule, summarizeWeights } from "./ais.js";
import type { DBM } from "./dbm.js";
import { logSumExpNumbers, softplusNumber } from "./exact.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

/**
 * log Z of a two-layer DBM by annealed importance sampling over h1 (options as `ais`).
 * @example
 * const dbm = new unsupervised.DBM(6, 4, 3, { initStd: 1, generator: new Generator(4) });
 * const r = unsupervised.dbmAis(dbm, { runs: 100, betas: 1000, generator: new Generator(5) });
 * Math.abs(r.logZ - unsupervised.dbmExactLogPartition(dbm)) < 0.1; // true
 */
export function dbmAis(dbm: DBM, options: AISOptions = {}): AISResult {
  requireSyncReads(
    "dbmAis",
    dbm.weight1,
    "runs its annealing weights on the host in float64",
    ON_A_HOST_BACKEND,
  );
  const runs = options.runs ?? 100;
  if (!Number.isInteger(runs) || runs < 1)
    throw new ValueError(`dbmAis: runs must be a positive integer, got ${runs}`);
  const betas = typeof options.betas === "object" ? [...options.betas] : betaSchedule(options.betas ?? 14500);
  if (betas[0] !== 0 || betas[betas.length - 1] !== 1 || betas.some((b, i) => i > 0 && b < betas[i - 1])) {
    throw new ValueError("dbmAis: betas must increase from 0 to 1");
  }
  const g = options.generator ?? defaultGenerator;
  const dtype = dbm.weight1.dtype;
  return noGrad(() => {
    const bA = keep(
      options.baseData
        ? tidy(() => {
            const p = options.baseData!.mean(0).clamp(0.001, 0.999);
            return p.div(p.neg().add(1)).log().cast(dtype);
          })
        : zeros([dbm.nVisible], { dtype }),
    );
    let logZBase = (dbm.nHidden1 + dbm.nHidden2) * Math.LN2;
    for (const x of bA.dataSync()) logZBase += softplusNumber(x);
    const logw = new Float64Array(runs);
    // p_0(h1) is uniform: fair coins are an exact sample
    let h1 = keep(tidy(() => rand([runs, dbm.nHidden1], { generator: g, dtype }).lt(0.5).cast(dtype)));
    try {
      for (let k = 1; k < betas.length; k++) {
        const b0 = betas[k - 1];
        const b1 = betas[k];
        const next = tidy(() => {
          const toV = h1.matmul(dbm.weight1).add(dbm.vbias);
          const toH2 = h1.matmul(dbm.weight2.transpose(0, 1)).add(dbm.hbias2);
          const inV = (b: number) => toV.mul(b).add(bA.mul(1 - b));
          const d = h1
            .mul(dbm.hbias1)
            .sum(1)
            .mul(b1 - b0)
            .add(
              softplus(inV(b1))
                .sub(softplus(inV(b0)))
                .sum(1),
            )
            .add(
              softplus(toH2.mul(b1))
                .sub(softplus(toH2.mul(b0)))
                .sum(1),
            );
          const dv = d.dataSync();
          for (let r = 0; r < runs; r++) logw[r] += dv[r];
          if (k === betas.length - 1) return null;
          const v = bernoulli(inV(b1).sigmoid(), undefined, { generator: g, dtype });
          const h2 = bernoulli(toH2.mul(b1).sigmoid(), undefined, { generator: g, dtype });
          const in1 = v.matmul(dbm.weight1.transpose(0, 1)).add(h2.matmul(dbm.weight2)).add(dbm.hbias1);
          return bernoulli(in1.mul(b1).sigmoid(), undefined, { generator: g, dtype });
        });
        if (next === null) break;
        h1.dispose();
        h1 = keep(next);
      }
    } finally {
      h1.dispose();
      bA.dispose();
    }
    return summarizeWeights(logw, logZBase);
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
