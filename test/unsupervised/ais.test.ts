import { expect, it } from "vitest";
import { Generator, bernoulli, tensor, unsupervised } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

describeEachBackend("AIS", () => {
  it("log Z of a 6 × 4 RBM lands within 0.1 nats of the exact value, inside its ±3σ bounds", () => {
    for (const seed of [1, 2]) {
      const rbm = new unsupervised.RBM(6, 4, { initStd: 1.5, generator: new Generator(seed) });
      rbm.vbias.assign(tensor([0.5, -1, 0.2, 0, 1, -0.3]));
      rbm.hbias.assign(tensor([-0.5, 0.7, 0, 0.1]));
      const exact = unsupervised.exactLogPartition(rbm);
      const r = unsupervised.ais(rbm, { runs: 100, betas: 1000, generator: new Generator(10 + seed) });
      expect(Math.abs(r.logZ - exact)).toBeLessThan(0.1);
      expect(r.logZLow - 0.05).toBeLessThan(exact);
      expect(r.logZHigh + 0.05).toBeGreaterThan(exact);
    }
  });

  it("a base-rate model from data marginals: same log Z, and the log-likelihood from it matches the exact one", () => {
    const g = new Generator(4);
    const rbm = new unsupervised.RBM(10, 8, { generator: g });
    const data = bernoulli(0.2, [200, 10], { generator: g });
    rbm.fitCD(data, { epochs: 10, batchSize: 20, lr: 0.1, vbiasFromData: true, generator: g });
    const exact = unsupervised.exactLogPartition(rbm);
    const r = unsupervised.ais(rbm, { runs: 50, betas: 500, baseData: data, generator: g });
    expect(Math.abs(r.logZ - exact)).toBeLessThan(0.1);
    const llExact = unsupervised.logLikelihood(rbm, data, exact);
    expect(Math.abs(unsupervised.logLikelihood(rbm, data, r) - llExact)).toBeLessThan(0.1);
    // a model fitted to 20%-on data beats the uniform model's 10 · log ½
    expect(llExact).toBeGreaterThan(10 * Math.log(0.5) + 1);
  });

  it("the β schedule and the arguments are checked", () => {
    const b = unsupervised.betaSchedule(150);
    expect(b.length).toBe(151);
    expect(b.filter((x) => x < 0.5).length).toBe(10);
    expect(b.filter((x) => x >= 0.9).length).toBe(101);
    const rbm = new unsupervised.RBM(3, 2);
    expect(() => unsupervised.ais(rbm, { betas: [0, 0.7, 0.5, 1] })).toThrow(/increase from 0 to 1/);
    expect(() => unsupervised.exactLogPartition(new unsupervised.RBM(30, 30))).toThrow(/2\^30/);
  });

  it("the effective sample size of the importance weights counts the runs that carry the estimate", () => {
    expect(unsupervised.effectiveSampleSize(Float64Array.from([-2, -2, -2, -2, -2]))).toBeCloseTo(5, 12);
    // weights 1, 1, e^-1000 ≈ 0: two runs
    expect(unsupervised.effectiveSampleSize([5, 5, -995])).toBeCloseTo(2, 12);
    // weights 2 and 1: (3)² / 5
    expect(unsupervised.effectiveSampleSize([Math.LN2 + 700, 700])).toBeCloseTo(9 / 5, 12);
  });
});
