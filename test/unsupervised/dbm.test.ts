import { expect, it } from "vitest";
import { getBackend } from "../../src/backends/registry.js";
import { Generator, bernoulli, tensor, unsupervised } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

const { DBM } = unsupervised;

function tiny(seed: number): InstanceType<typeof DBM> {
  const dbm = new DBM(6, 4, 3, { initStd: 1, generator: new Generator(seed) });
  dbm.vbias.assign(tensor([0.3, -0.5, 0.1, 0, 0.6, -0.2]));
  dbm.hbias1.assign(tensor([-0.2, 0.4, 0, 0.3]));
  dbm.hbias2.assign(tensor([0.5, -0.1, 0.2]));
  return dbm;
}

describeEachBackend("DBM", () => {
  it("mean-field inference reaches the fixed point μ1 = σ(W1v + W2ᵀμ2 + c1), μ2 = σ(W2μ1 + c2)", () => {
    const dbm = tiny(1);
    const v = bernoulli(0.5, [5, 6], { generator: new Generator(2) });
    const { h1, h2 } = dbm.meanField(v, { iterations: 200, tolerance: 1e-7 });
    const again1 = dbm.h1Given(v, h2).toArray() as number[][];
    const again2 = dbm.h2Given(h1).toArray() as number[][];
    const m1 = h1.toArray() as number[][];
    const m2 = h2.toArray() as number[][];
    for (let r = 0; r < 5; r++) {
      for (let j = 0; j < 4; j++) expect(Math.abs(m1[r][j] - again1[r][j])).toBeLessThan(1e-5);
      for (let k = 0; k < 3; k++) expect(Math.abs(m2[r][k] - again2[r][k])).toBeLessThan(1e-5);
    }
  });

  it("exact log Z sums the joint; AIS lands within 0.1 nats of it", () => {
    const dbm = tiny(3);
    const w1 = dbm.weight1.toArray() as number[][];
    const w2 = dbm.weight2.toArray() as number[][];
    const b = dbm.vbias.toArray() as number[];
    const c1 = dbm.hbias1.toArray() as number[];
    const c2 = dbm.hbias2.toArray() as number[];
    let z = 0;
    for (let s = 0; s < 2 ** 13; s++) {
      const bit = (i: number) => (s >>> i) & 1;
      let e = 0;
      for (let i = 0; i < 6; i++) e += b[i] * bit(i);
      for (let j = 0; j < 4; j++) {
        e += c1[j] * bit(6 + j);
        for (let i = 0; i < 6; i++) e += w1[j][i] * bit(6 + j) * bit(i);
      }
      for (let k = 0; k < 3; k++) {
        e += c2[k] * bit(10 + k);
        for (let j = 0; j < 4; j++) e += w2[k][j] * bit(10 + k) * bit(6 + j);
      }
      z += Math.exp(e);
    }
    const exact = unsupervised.dbmExactLogPartition(dbm);
    expect(Math.abs(exact - Math.log(z))).toBeLessThan(1e-4);
    const r = unsupervised.dbmAis(dbm, { runs: 100, betas: 1000, generator: new Generator(4) });
    expect(Math.abs(r.logZ - exact)).toBeLessThan(0.1);
  });

  it("AIS from a base model fitted to data, and reverse AIS from the DBM's chains, land within 0.1 nats", () => {
    const dbm = tiny(3);
    const exact = unsupervised.dbmExactLogPartition(dbm);
    const x = bernoulli(0.3, [200, 6], { generator: new Generator(8) });
    const fitted = unsupervised.dbmAis(dbm, {
      runs: 100,
      betas: 1000,
      baseData: x,
      generator: new Generator(4),
    });
    expect(Math.abs(fitted.logZ - exact)).toBeLessThan(0.1);
    for (const baseData of [undefined, x]) {
      const back = unsupervised.dbmReverseAis(dbm, {
        runs: 100,
        betas: 1000,
        baseData,
        generator: new Generator(9),
      });
      expect(Math.abs(back.logZ - exact)).toBeLessThan(0.1);
      expect(back.logZLow).toBeLessThanOrEqual(back.logZ);
      expect(back.logZHigh).toBeGreaterThanOrEqual(back.logZ);
      expect(back.effectiveSampleSize).toBeGreaterThan(50);
    }
  });

  it("with too few βs, forward AIS falls below the exact log Z and reverse AIS rises above it", () => {
    const dbm = new DBM(12, 8, 6, { initStd: 1.5, generator: new Generator(11) });
    const exact = unsupervised.dbmExactLogPartition(dbm);
    const betas = [0, 0.5, 1];
    // the bias is in expectation: the mean over five repeats shows it
    let forward = 0;
    let reverse = 0;
    for (let s = 0; s < 5; s++) {
      forward += unsupervised.dbmAis(dbm, { runs: 20, betas, generator: new Generator(12 + s) }).logZ / 5;
      reverse +=
        unsupervised.dbmReverseAis(dbm, { runs: 20, betas, burnIn: 2000, generator: new Generator(20 + s) })
          .logZ / 5;
    }
    expect(forward).toBeLessThan(exact - 0.3);
    expect(reverse).toBeGreaterThan(exact + 0.3);
  });

  it("forward and reverse AIS name bad base data, start data and burn-in", () => {
    const dbm = tiny(3);
    expect(() => unsupervised.dbmReverseAis(dbm, { runs: 10, startData: bernoulli(0.5, [5, 6]) })).toThrow(
      /dbmReverseAis: the start data must be \[≥ runs, nVisible\] = \[≥ 10, 6\], got \[5,6\]/,
    );
    expect(() => unsupervised.dbmReverseAis(dbm, { burnIn: -1 })).toThrow(
      /burnIn must be a non-negative integer/,
    );
    expect(() => unsupervised.dbmAis(dbm, { baseData: bernoulli(0.5, [5, 7]) })).toThrow(
      /dbmAis: baseData must be \[n, nVisible\] = \[n, 6\] with n ≥ 1, got \[5,7\] \(float32\)/,
    );
  });

  it("the mean-field bound is below the exact log-likelihood, and close to it", () => {
    const dbm = tiny(5);
    const v = bernoulli(0.5, [20, 6], { generator: new Generator(6) });
    const logZ = unsupervised.dbmExactLogPartition(dbm);
    const exact = unsupervised.dbmExactLogLikelihood(dbm, v, logZ);
    const bound = unsupervised.dbmLowerBound(dbm, v, logZ);
    expect(bound).toBeLessThanOrEqual(exact + 1e-5);
    expect(exact - bound).toBeLessThan(1);
    const viaAis = unsupervised.dbmLowerBound(dbm, v, unsupervised.dbmAis(dbm, { runs: 100, betas: 1000 }));
    expect(Math.abs(viaAis - bound)).toBeLessThan(0.1);
  });

  it("pretrains, trains jointly (the bound improves), samples, and stays flat in memory", () => {
    const g = new Generator(7);
    const rows = Array.from({ length: 100 }, (_, r) =>
      Array.from({ length: 8 }, (_, i) => (((r % 2 === 0) === i < 4) !== g.uniform() < 0.05 ? 1 : 0)),
    );
    const x = tensor(rows);
    const dbm = new DBM(8, 6, 4, { generator: g });
    const untrained = unsupervised.dbmLowerBound(dbm, x, unsupervised.dbmExactLogPartition(dbm));
    dbm.pretrain(x, { epochs: 10, batchSize: 10, lr: 0.1, generator: g });
    const pretrained = unsupervised.dbmLowerBound(dbm, x, unsupervised.dbmExactLogPartition(dbm));
    expect(pretrained).toBeGreaterThan(untrained + 1);
    const before = getBackend().memory();
    const exactPretrained = unsupervised.dbmExactLogLikelihood(dbm, x);
    const h = dbm.fitJoint(x, {
      epochs: 30,
      batchSize: 10,
      lr: 0.01,
      momentum: 0.5,
      chains: 20,
      generator: g,
    });
    expect(getBackend().memory()).toEqual(before);
    expect(h.values.length).toBe(30);
    const trained = unsupervised.dbmLowerBound(dbm, x, unsupervised.dbmExactLogPartition(dbm));
    expect(unsupervised.dbmExactLogLikelihood(dbm, x)).toBeGreaterThan(exactPretrained + 0.3);
    expect(trained).toBeGreaterThan(pretrained + 0.3);
    expect(trained).toBeLessThanOrEqual(unsupervised.dbmExactLogLikelihood(dbm, x) + 1e-5);
    const s = dbm.sample(6, { steps: 50, generator: g });
    expect(s.shape).toEqual([6, 8]);
    s.dispose();
    expect(getBackend().memory()).toEqual(before);
  });

  it("joint training reads its schedules before every update, with the progress, and stops at maxSeconds", () => {
    const g = new Generator(8);
    const x = bernoulli(0.5, [40, 6], { generator: g });
    const dbm = tiny(9);
    const seen: [number, number][] = [];
    const h = dbm.fitJoint(x, {
      epochs: 2,
      batchSize: 10,
      chains: 10,
      lr: (epoch, progress) => {
        seen.push([epoch, progress]);
        return 0.01 * (1 - progress);
      },
      generator: g,
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i < 4 ? 0 : 1, i / 8]));
    expect([h.updates, h.timedOut, h.values.length]).toEqual([8, false, 2]);
    // a budget used up before the first update: nothing changes, and the history says why
    const w = dbm.weight1.clone();
    const stopped = dbm.fitJoint(x, { epochs: 3, batchSize: 10, chains: 10, maxSeconds: 1e-9, generator: g });
    expect([stopped.updates, stopped.timedOut, stopped.values.length]).toEqual([0, true, 0]);
    expect(dbm.weight1.sub(w).abs().max().item()).toBe(0);
    expect(() => dbm.fitJoint(x, { maxSeconds: 0 })).toThrow(
      /DBM.fitJoint: maxSeconds must be a positive number, got 0/,
    );
  });
});
