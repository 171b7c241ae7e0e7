/**
 * Exact log partition functions by enumeration, for RBMs small enough (one layer of at most 24 units):
 * the reference AIS is checked against, and a way to get exact likelihoods of toy models.
 */
import { ValueError } from "../base/errors.js";
import type { RBM } from "./rbm.js";
import { GaussianRBM } from "./gaussian_rbm.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

const MAX_ENUMERATED = 24;

/**
 * log(1 + eˣ) of a number, without overflow.
 * @example
 * unsupervised.softplusNumber(0) === Math.LN2; // true
 * unsupervised.softplusNumber(1000); // 1000
 */
export function softplusNumber(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * log Σ exp(xᵢ) of a list of numbers, stable.
 * @example
 * Math.abs(unsupervised.logSumExpNumbers([1000, 1000]) - 1000 - Math.LN2) < 1e-9; // true
 */
export function logSumExpNumbers(xs: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i] - m);
  return m + Math.log(s);
}

function checkSize(fn: string, units: number, layer: string): void {
  if (units > MAX_ENUMERATED) {
    throw new ValueError(
      `${fn}: enumerating 2^${units} states of the ${layer} layer is too many (at most 2^${MAX_ENUMERATED}); use ais() for a model this size`,
    );
  }
}

/**
 * log Z of an RBM by summing over every state of its smaller layer (the hidden layer for a
 * `GaussianRBM`, whose visible integral is Gaussian: Z = (2π)^{D/2} Σ_h exp(cᵀh + bᵀWᵀh + ½‖Wᵀh‖²)).
 * Computed in float64 on the host. Throws `ValueError` when that layer has more than 24 units.
 * @example
 * const rbm = new unsupervised.RBM(3, 2, { initStd: 0 });
 * unsupervised.exactLogPartition(rbm) / Math.LN2; // 5: no weights, no biases, Z = 2^(3+2)
 * unsupervised.exactLogPartition(new unsupervised.RBM(30, 30)); // throws ValueError
 */
export function exactLogPartition(rbm: RBM): number {
  requireSyncReads(
    "exactLogPartition",
    rbm.weight,
    "enumerates states on the host in float64",
    ON_A_HOST_BACKEND,
  );
  const nv = rbm.nVisible;
  const nh = rbm.nHidden;
  const w = Float64Array.from(rbm.weight.dataSync()); // [nh, nv]
  const b = Float64Array.from(rbm.vbias.dataSync());
  const c = Float64Array.from(rbm.hbias.dataSync());
  const gaussian = rbm instanceof GaussianRBM;
  const overHidden = gaussian || nh <= nv;
  const n = overHidden ? nh : nv;
  checkSize("exactLogPartition", n, overHidden ? "hidden" : "visible");
  const terms = new Float64Array(2 ** n);
  const input = new Float64Array(overHidden ? nv : nh);
  for (let s = 0; s < terms.length; s++) {
    let t = 0;
    if (overHidden) {
      // the visible layer's input b + Wᵀh for this hidden state h
      input.set(b);
      for (let j = 0; j < nh; j++) {
        if (((s >>> j) & 1) === 0) continue;
        t += c[j];
        for (let i = 0; i < nv; i++) input[i] += w[j * nv + i];
      }
      if (gaussian) {
        for (let i = 0; i < nv; i++) t += 0.5 * (input[i] * input[i] - b[i] * b[i]);
      } else {
        for (let i = 0; i < nv; i++) t += softplusNumber(input[i]);
      }
    } else {
      input.set(c);
      for (let i = 0; i < nv; i++) {
        if (((s >>> i) & 1) === 0) continue;
        t += b[i];
        for (let j = 0; j < nh; j++) input[j] += w[j * nv + i];
      }
      for (let j = 0; j < nh; j++) t += softplusNumber(input[j]);
    }
    terms[s] = t;
  }
  return logSumExpNumbers(terms) + (gaussian ? 0.5 * nv * Math.log(2 * Math.PI) : 0);
}
