import { expect, it } from "vitest";
import { Generator, tensor, unsupervised } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

/** log p(v) of a Gaussian RBM as the mixture it is: Σ_h p(h) N(v; b + Wᵀh, I), in float64 by enumeration. */
function mixtureLogDensity(grbm: InstanceType<typeof unsupervised.GaussianRBM>, rows: number[][]): number[] {
  const w = grbm.weight.toArray() as number[][];
  const b = grbm.vbias.toArray() as number[];
  const c = grbm.hbias.toArray() as number[];
  const [nh, nv] = [w.length, b.length];
  const logPrior: number[] = [];
  const means: number[][] = [];
  for (let s = 0; s < 2 ** nh; s++) {
    const mean = [...b];
    let t = 0;
    for (let j = 0; j < nh; j++) {
      if (!((s >>> j) & 1)) continue;
      t += c[j];
      for (let i = 0; i < nv; i++) mean[i] += w[j][i];
    }
    for (let i = 0; i < nv; i++) t += 0.5 * (mean[i] ** 2 - b[i] ** 2);
    logPrior.push(t);
    means.push(mean);
  }
  const logNorm = unsupervised.logSumExpNumbers(logPrior);
  return rows.map((v) =>
    unsupervised.logSumExpNumbers(
      logPrior.map((lp, s) => {
        let q = 0;
        for (let i = 0; i < nv; i++) q += (v[i] - means[s][i]) ** 2;
        return lp - logNorm - 0.5 * q - 0.5 * nv * Math.log(2 * Math.PI);
      }),
    ),
  );
}

describeEachBackend("AIS for a Gaussian RBM", () => {
  it("log Z of a 5 × 4 Gaussian RBM lands within 0.1 nats of the closed-form value, inside its ±3σ bounds", () => {
    for (const seed of [1, 2]) {
      const grbm = new unsupervised.GaussianRBM(5, 4, { initStd: 0.8, generator: new Generator(seed) });
      grbm.vbias.assign(tensor([0.5, -1, 0.2, 0, 1.5]));
      grbm.hbias.assign(tensor([-0.5, 0.7, 0, -1]));
      const exact = unsupervised.exactLogPartition(grbm);
      const r = unsupervised.ais(grbm, { runs: 100, betas: 1000, generator: new Generator(10 + seed) });
      expect(Math.abs(r.logZ - exact)).toBeLessThan(0.1);
      expect(r.logZLow - 0.05).toBeLessThan(exact);
      expect(r.logZHigh + 0.05).toBeGreaterThan(exact);
      // the base model N(0, I) with 4 free hidden units
      expect(r.logZBase).toBeCloseTo(4 * Math.LN2 + 2.5 * Math.log(2 * Math.PI), 10);
    }
  });

  it("logLikelihood is the mixture density Σ_h p(h) N(v; b + Wᵀh, I)", () => {
    const grbm = new unsupervised.GaussianRBM(3, 4, { initStd: 1, generator: new Generator(5) });
    grbm.vbias.assign(tensor([0.3, -0.4, 1]));
    grbm.hbias.assign(tensor([0.2, -0.3, 0.5, -1]));
    const rows = [
      [0, 0, 0],
      [1.5, -2, 0.5],
      [-1, 1, 3],
    ];
    const logZ = unsupervised.exactLogPartition(grbm);
    const expected = mixtureLogDensity(grbm, rows);
    rows.forEach((row, i) => {
      expect(unsupervised.logLikelihood(grbm, tensor([row]), logZ)).toBeCloseTo(expected[i], 4);
    });
    const mean = expected.reduce((a, b) => a + b, 0) / rows.length;
    expect(unsupervised.logLikelihood(grbm, tensor(rows), logZ)).toBeCloseTo(mean, 4);
  });

  it("a trained Gaussian RBM with a base model at the data's mean: AIS's log-likelihood matches the exact one", () => {
    const g = new Generator(3);
    const rows = Array.from({ length: 400 }, () => {
      const z = g.normal();
      // two correlated features and one that is off by a constant: something for the hidden units to learn
      return [1 + 0.8 * z + 0.3 * g.normal(), -1 - 0.8 * z + 0.3 * g.normal(), 2 + 0.5 * g.normal()];
    });
    const x = tensor(rows);
    const grbm = new unsupervised.GaussianRBM(3, 6, { generator: new Generator(1) });
    grbm.fitCD(x, { epochs: 30, batchSize: 20, lr: 0.01, momentum: 0.5, vbiasFromData: true, generator: g });
    const exact = unsupervised.exactLogPartition(grbm);
    const r = unsupervised.ais(grbm, { runs: 50, betas: 500, baseData: x, generator: g });
    expect(Math.abs(r.logZ - exact)).toBeLessThan(0.1);
    const llExact = unsupervised.logLikelihood(grbm, x, exact);
    expect(Math.abs(unsupervised.logLikelihood(grbm, x, r) - llExact)).toBeLessThan(0.1);
    // the trained model beats N(0, I), whose mean log-density is −½ E‖v‖² − (3/2) log 2π
    const sq = rows.reduce((a, v) => a + v[0] ** 2 + v[1] ** 2 + v[2] ** 2, 0) / rows.length;
    expect(llExact).toBeGreaterThan(-0.5 * sq - 1.5 * Math.log(2 * Math.PI) + 1);
  });
});
