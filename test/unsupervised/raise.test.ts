import { expect, it } from "vitest";
import { Generator, bernoulli, tensor, unsupervised } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

function toyRbm(seed: number): unsupervised.RBM {
  const rbm = new unsupervised.RBM(8, 5, { initStd: 1.5, generator: new Generator(seed) });
  rbm.vbias.assign(tensor([0.5, -1, 0.2, 0, 1, -0.3, 0.4, -0.6]));
  rbm.hbias.assign(tensor([-0.5, 0.7, 0, 0.1, -0.2]));
  return rbm;
}

describeEachBackend("reverse AIS", () => {
  it("with enough βs, each vector's estimate matches its exact log-likelihood", () => {
    const rbm = toyRbm(1);
    const v = bernoulli(0.5, [16, 8], { generator: new Generator(2) });
    const logZ = unsupervised.exactLogPartition(rbm);
    const exact = Array.from(rbm.freeEnergy(v).dataSync(), (f) => -f - logZ);
    const r = unsupervised.reverseAis(rbm, v, { betas: 1000, runs: 20, generator: new Generator(3) });
    expect(r.perExample.length).toBe(16);
    for (let i = 0; i < 16; i++) expect(Math.abs(r.perExample[i] - exact[i])).toBeLessThan(0.15);
    const mean = exact.reduce((a, b) => a + b, 0) / 16;
    expect(Math.abs(r.logLikelihood - mean)).toBeLessThan(0.05);
  });

  it("is conservative: with few βs it falls below the exact log-likelihood, where AIS rises above it", () => {
    const rbm = toyRbm(5);
    const v = bernoulli(0.5, [200, 8], { generator: new Generator(6) });
    const exact = unsupervised.logLikelihood(rbm, v, unsupervised.exactLogPartition(rbm));
    const reverse = unsupervised.reverseAis(rbm, v, { betas: [0, 0.5, 1], generator: new Generator(7) });
    const forward = unsupervised.logLikelihood(
      rbm,
      v,
      unsupervised.ais(rbm, { betas: [0, 0.5, 1], runs: 200, generator: new Generator(8) }),
    );
    expect(reverse.logLikelihood).toBeLessThan(exact - 0.1);
    expect(forward).toBeGreaterThan(reverse.logLikelihood);
  });

  it("a base-rate model from data and batches of vectors give the same estimate as one batch", () => {
    const g = new Generator(9);
    const rbm = new unsupervised.RBM(10, 6, { generator: g });
    const data = bernoulli(0.2, [120, 10], { generator: g });
    rbm.fitCD(data, { epochs: 5, batchSize: 20, lr: 0.1, vbiasFromData: true, generator: g });
    const exact = unsupervised.logLikelihood(rbm, data, unsupervised.exactLogPartition(rbm));
    const r = unsupervised.reverseAis(rbm, data, {
      betas: 500,
      runs: 5,
      baseData: data,
      batchSize: 50,
      generator: new Generator(10),
    });
    expect(Math.abs(r.logLikelihood - exact)).toBeLessThan(0.1);
  });

  it("checks its arguments", () => {
    const rbm = new unsupervised.RBM(4, 3);
    expect(() => unsupervised.reverseAis(rbm, bernoulli(0.5, [2, 5]))).toThrow(/\[n, 4\].*\[2, 5\]/);
    expect(() => unsupervised.reverseAis(rbm, bernoulli(0.5, [2, 4]), { runs: 0 })).toThrow(/runs/);
    expect(() => unsupervised.reverseAis(rbm, bernoulli(0.5, [2, 4]), { betas: [0, 0.6, 0.4, 1] })).toThrow(
      /increase from 0 to 1/,
    );
    expect(() => unsupervised.reverseAis(new unsupervised.GaussianRBM(4, 3), bernoulli(0.5, [2, 4]))).toThrow(
      /Bernoulli-Bernoulli/,
    );
  });
});
