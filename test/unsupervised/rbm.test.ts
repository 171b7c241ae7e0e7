import { expect, it } from "vitest";
import { getBackend } from "../../src/backends/registry.js";
import { Generator, bernoulli, tensor, unsupervised } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

const { RBM, CDState, cdStep } = unsupervised;

const sig = (x: number) => 1 / (1 + Math.exp(-x));

interface Params {
  w: number[][];
  b: number[];
  c: number[];
  vw: number[][];
  vb: number[];
  vc: number[];
  chain: number[][] | null;
}

/** One CD-k / PCD-k step written out with plain numbers, drawing uniforms in the order the library does. */
function referenceStep(
  p: Params,
  v0: number[][],
  g: Generator,
  o: { lr: number; momentum: number; weightDecay: number; k: number; persistent: boolean },
): void {
  const nh = p.w.length;
  const nv = p.b.length;
  const hidden = (v: number[][]) =>
    v.map((r) => p.c.map((cj, j) => sig(cj + r.reduce((s, x, i) => s + x * p.w[j][i], 0))));
  const visible = (h: number[][]) =>
    h.map((r) => p.b.map((bi, i) => sig(bi + r.reduce((s, x, j) => s + x * p.w[j][i], 0))));
  const draw = (probs: number[][]) => probs.map((r) => r.map((q) => (g.uniform() < q ? 1 : 0)));
  const ph0 = hidden(v0);
  if (o.persistent && p.chain === null) p.chain = v0.map((r) => [...r]);
  let h = draw(o.persistent ? hidden(p.chain as number[][]) : ph0);
  let vk = v0;
  let phk = ph0;
  for (let s = 0; s < o.k; s++) {
    vk = draw(visible(h));
    phk = hidden(vk);
    if (s < o.k - 1) h = draw(phk);
  }
  const B = v0.length;
  const M = vk.length;
  for (let j = 0; j < nh; j++) {
    for (let i = 0; i < nv; i++) {
      let pos = 0;
      for (let r = 0; r < B; r++) pos += ph0[r][j] * v0[r][i];
      let neg = 0;
      for (let r = 0; r < M; r++) neg += phk[r][j] * vk[r][i];
      const grad = pos / B - neg / M - o.weightDecay * p.w[j][i];
      p.vw[j][i] = o.momentum * p.vw[j][i] + o.lr * grad;
    }
  }
  for (let i = 0; i < nv; i++) {
    const grad = v0.reduce((s, r) => s + r[i], 0) / B - vk.reduce((s, r) => s + r[i], 0) / M;
    p.vb[i] = o.momentum * p.vb[i] + o.lr * grad;
  }
  for (let j = 0; j < nh; j++) {
    const grad = ph0.reduce((s, r) => s + r[j], 0) / B - phk.reduce((s, r) => s + r[j], 0) / M;
    p.vc[j] = o.momentum * p.vc[j] + o.lr * grad;
  }
  for (let j = 0; j < nh; j++) for (let i = 0; i < nv; i++) p.w[j][i] += p.vw[j][i];
  for (let i = 0; i < nv; i++) p.b[i] += p.vb[i];
  for (let j = 0; j < nh; j++) p.c[j] += p.vc[j];
  if (o.persistent) p.chain = vk;
}

function expectCloseSync(actual: unknown, expected: unknown, tol = 1e-10): void {
  const a = (actual as number[] | number[][]).flat();
  const e = (expected as number[] | number[][]).flat();
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - e[i])).toBeLessThan(tol);
}

describeEachBackend("RBM", () => {
  const W = [
    [0.5, -1.2, 0.8],
    [-0.3, 0.9, 1.1],
  ];
  const v0 = [
    [1, 0, 1],
    [0, 1, 1],
    [1, 1, 0],
  ];

  function fixed(): InstanceType<typeof RBM> {
    const rbm = new RBM(3, 2, { dtype: "float64" });
    rbm.weight.assign(tensor(W, { dtype: "float64" }));
    rbm.vbias.assign(tensor([0.1, -0.2, 0.3], { dtype: "float64" }));
    rbm.hbias.assign(tensor([-0.4, 0.25], { dtype: "float64" }));
    return rbm;
  }

  for (const [name, o] of [
    ["CD-1", { lr: 0.3, momentum: 0, weightDecay: 0, k: 1, persistent: false }],
    [
      "CD-3 with momentum and weight decay",
      { lr: 0.3, momentum: 0.5, weightDecay: 0.01, k: 3, persistent: false },
    ],
    ["PCD-1", { lr: 0.3, momentum: 0.9, weightDecay: 0, k: 1, persistent: true }],
  ] as const) {
    it(`${name}: three updates match the hand-computed reference`, () => {
      const rbm = fixed();
      const state = new CDState(rbm);
      const ref: Params = {
        w: W.map((r) => [...r]),
        b: [0.1, -0.2, 0.3],
        c: [-0.4, 0.25],
        vw: [
          [0, 0, 0],
          [0, 0, 0],
        ],
        vb: [0, 0, 0],
        vc: [0, 0],
        chain: null,
      };
      const g = new Generator(11);
      const gRef = new Generator(11);
      const batch = tensor(v0, { dtype: "float64" });
      for (let step = 0; step < 3; step++) {
        cdStep(rbm, batch, state, { ...o, generator: g });
        referenceStep(ref, v0, gRef, o);
      }
      expectCloseSync(rbm.weight.toArray(), ref.w);
      expectCloseSync(rbm.vbias.toArray(), ref.b);
      expectCloseSync(rbm.hbias.toArray(), ref.c);
      if (o.persistent) expectCloseSync(state.chain?.toArray(), ref.chain);
      state.dispose();
    });
  }

  it("free energy is −log Σ_h exp(−E(v, h)), and log p(v) = −F(v) − log Z sums to one", () => {
    const rbm = new RBM(6, 4, { initStd: 1, generator: new Generator(3) });
    rbm.vbias.assign(tensor([0.5, -1, 0.2, 0, 1, -0.3]));
    rbm.hbias.assign(tensor([-0.5, 0.7, 0, 0.1]));
    const w = rbm.weight.toArray() as number[][];
    const b = rbm.vbias.toArray() as number[];
    const c = rbm.hbias.toArray() as number[];
    const all: number[][] = [];
    for (let s = 0; s < 64; s++) all.push(Array.from({ length: 6 }, (_, i) => (s >>> i) & 1));
    // brute force over (v, h): −E(v, h) = bᵀv + cᵀh + hᵀWv
    const unnorm = all.map((v) => {
      let sum = 0;
      for (let t = 0; t < 16; t++) {
        const h = Array.from({ length: 4 }, (_, j) => (t >>> j) & 1);
        let e = v.reduce((s, x, i) => s + x * b[i], 0) + h.reduce((s, x, j) => s + x * c[j], 0);
        for (let j = 0; j < 4; j++) for (let i = 0; i < 6; i++) e += h[j] * w[j][i] * v[i];
        sum += Math.exp(e);
      }
      return sum;
    });
    const z = unnorm.reduce((s, x) => s + x, 0);
    const logZ = unsupervised.exactLogPartition(rbm);
    expect(Math.abs(logZ - Math.log(z))).toBeLessThan(1e-9);
    const f = rbm.freeEnergy(tensor(all)).toArray() as number[];
    for (let s = 0; s < 64; s++) expect(Math.abs(-f[s] - Math.log(unnorm[s]))).toBeLessThan(1e-4);
    const total = f.reduce((s, fv) => s + Math.exp(-fv - logZ), 0);
    expect(Math.abs(total - 1)).toBeLessThan(1e-4);
    // the mean log-likelihood helper agrees with the brute force
    const ll = unsupervised.logLikelihood(rbm, tensor(all.slice(0, 5)), logZ);
    const expected = all.slice(0, 5).reduce((s, _, i) => s + Math.log(unnorm[i] / z), 0) / 5;
    expect(Math.abs(ll - expected)).toBeLessThan(1e-4);
  });

  it("pseudo-likelihood with one flipped unit is nVisible · log p(v_i | v_−i)", () => {
    const rbm = new RBM(4, 3, { initStd: 1, generator: new Generator(5) });
    const v = tensor([[1, 0, 1, 1]]);
    const g = new Generator(9);
    const i = new Generator(9).int(0, 4);
    const flipped = [1, 0, 1, 1];
    flipped[i] = 1 - flipped[i];
    const f = rbm.freeEnergy(tensor([[1, 0, 1, 1], flipped])).toArray() as number[];
    // p(v_i | rest) = e^{−F(v)} / (e^{−F(v)} + e^{−F(ṽ)})
    const expected = 4 * Math.log(Math.exp(-f[0]) / (Math.exp(-f[0]) + Math.exp(-f[1])));
    expect(Math.abs(rbm.pseudoLikelihood(v, g).item() - expected)).toBeLessThan(1e-4);
  });

  it("fitCD learns: reconstruction error falls and pseudo-likelihood rises on structured data", () => {
    // two prototypes with 5% noise
    const g = new Generator(1);
    const rows = Array.from({ length: 200 }, (_, r) =>
      Array.from({ length: 12 }, (_, i) => {
        const on = r % 2 === 0 ? i < 6 : i >= 6;
        return (g.uniform() < 0.05 ? !on : on) ? 1 : 0;
      }),
    );
    const x = tensor(rows);
    const rbm = new RBM(12, 4, { generator: new Generator(2) });
    const before = rbm.pseudoLikelihood(x, new Generator(3)).mean().item();
    const h = rbm.fitCD(x, {
      epochs: 15,
      batchSize: 10,
      lr: 0.1,
      momentum: (e) => (e < 5 ? 0.5 : 0.9),
      generator: g,
    });
    expect(h.values[h.values.length - 1]).toBeLessThan(h.values[0]);
    expect(h.values[h.values.length - 1]).toBeLessThan(0.1);
    const after = rbm.pseudoLikelihood(x, new Generator(3)).mean().item();
    expect(after).toBeGreaterThan(before + 2);
    // Gibbs samples look like the prototypes: one half on, the other off
    const s = rbm.sample(20, { steps: 50, generator: new Generator(4) }).toArray() as number[][];
    const clean = s.filter((r) => {
      const a = r.slice(0, 6).reduce((p, q) => p + q, 0) / 6;
      const b = r.slice(6).reduce((p, q) => p + q, 0) / 6;
      return Math.abs(a - b) > 0.6;
    });
    expect(clean.length).toBeGreaterThan(15);
  });

  it("persistent CD, sparsity and every monitor run", () => {
    const x = bernoulli(0.3, [40, 8], { generator: new Generator(1) });
    for (const monitor of ["reconstruction", "pseudoLikelihood", "freeEnergy"] as const) {
      const rbm = new RBM(8, 5);
      const lines: string[] = [];
      const h = rbm.fitCD(x, {
        epochs: 2,
        batchSize: 8,
        persistent: true,
        chains: 16,
        sparsityTarget: 0.1,
        sparsityCost: 0.5,
        vbiasFromData: true,
        monitor,
        verbose: true,
        log: (l) => lines.push(l),
      });
      expect(h.values.every(Number.isFinite)).toBe(true);
      expect(lines[1]).toMatch(new RegExp(`^Epoch 2/2 - .* - ${monitor}: `));
    }
    const rbm = new RBM(8, 5);
    expect(() => rbm.fitCD(x, { sparsityCost: 1 })).toThrow(/sparsityTarget/);
    expect(() => rbm.fitCD(tensor([[1, 0]]))).toThrow(/expected visible units \[n, 8\], got \(1, 2\)/);
  });

  it("schedules see the epoch and the progress before every update; k may be a schedule", () => {
    const x = bernoulli(0.3, [32, 8], { generator: new Generator(2) });
    const seen: [number, number][] = [];
    const a = new RBM(8, 5, { generator: new Generator(3) });
    const h = a.fitCD(x, {
      epochs: 2,
      batchSize: 8,
      shuffle: false,
      k: () => 2.6, // rounded: CD-3
      lr: (epoch, progress) => {
        seen.push([epoch, progress]);
        return 0.1 * (1 - progress);
      },
      generator: new Generator(4),
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i < 4 ? 0 : 1, i / 8]));
    expect([h.updates, h.timedOut]).toEqual([8, false]);
    // the same training with a constant k and the same rates gives the same weights
    const b = new RBM(8, 5, { generator: new Generator(3) });
    b.fitCD(x, {
      epochs: 2,
      batchSize: 8,
      shuffle: false,
      k: 3,
      lr: (_epoch, progress) => 0.1 * (1 - progress),
      generator: new Generator(4),
    });
    expect(a.weight.sub(b.weight).abs().max().item()).toBe(0);
    expect(() => a.fitCD(x, { maxSeconds: 0 })).toThrow(/maxSeconds must be a positive number, got 0/);
    expect(() => a.fitCD(x, { k: () => Number.NaN })).toThrow(/k at epoch 0 is NaN/);
  });

  it("a CD loop of 10,000 steps stays flat in memory, called as a user calls it", () => {
    const x = bernoulli(0.5, [20, 6], { generator: new Generator(1) });
    const rbm = new RBM(6, 4);
    rbm.fitCD(x, { epochs: 5, batchSize: 1 }); // 100 steps: warm-up
    const before = getBackend().memory();
    rbm.fitCD(x, { epochs: 500, batchSize: 2, persistent: true, momentum: 0.5 }); // 5,000 steps
    const state = new CDState(rbm);
    for (let i = 0; i < 5000; i++) cdStep(rbm, x, state, { k: 2 }); // a loop of the user's own
    state.dispose();
    rbm.sample(4, { steps: 500 }).dispose();
    const after = getBackend().memory();
    expect(after.storages).toBe(before.storages);
    expect(after.bytes).toBe(before.bytes);
  });
});

describeEachBackend("GaussianRBM", () => {
  it("free energy and the closed-form log Z agree with numeric integration", () => {
    const grbm = new unsupervised.GaussianRBM(1, 3, { initStd: 1, generator: new Generator(7) });
    grbm.vbias.assign(tensor([0.4]));
    grbm.hbias.assign(tensor([0.2, -0.5, 1]));
    const w = (grbm.weight.toArray() as number[][]).map((r) => r[0]);
    const c = [0.2, -0.5, 1];
    const grid: number[] = [];
    for (let v = -25; v <= 25; v += 0.01) grid.push(v);
    const f = grbm
      .freeEnergy(
        tensor(
          grid.map((v) => [v]),
          { dtype: "float32" },
        ),
      )
      .toArray() as number[];
    // brute force: F(v) = −log Σ_h exp(−½(v − b)² + cᵀh + v wᵀh)
    for (const k of [0, 1234, 2500, 4000]) {
      const v = grid[k];
      let s = 0;
      for (let t = 0; t < 8; t++) {
        let e = -0.5 * (v - 0.4) ** 2;
        for (let j = 0; j < 3; j++) if ((t >>> j) & 1) e += c[j] + v * w[j];
        s += Math.exp(e);
      }
      expect(Math.abs(f[k] + Math.log(s))).toBeLessThan(1e-3 * Math.max(1, Math.abs(f[k])));
    }
    let integral = 0;
    for (let k = 0; k + 1 < grid.length; k++) integral += 0.005 * (Math.exp(-f[k]) + Math.exp(-f[k + 1]));
    expect(Math.abs(Math.log(integral) - unsupervised.exactLogPartition(grbm))).toBeLessThan(1e-3);
  });

  it("learns the mean of real-valued data and samples around it", () => {
    const g = new Generator(3);
    const x = tensor(Array.from({ length: 256 }, () => [2 + 0.5 * g.normal(), -1 + 0.5 * g.normal()]));
    const grbm = new unsupervised.GaussianRBM(2, 4, { generator: new Generator(1) });
    grbm.fitCD(x, { epochs: 20, batchSize: 32, lr: 0.01, vbiasFromData: true, generator: g });
    const s = grbm.sample(200, { steps: 20, generator: g, means: false }).mean(0).toArray() as number[];
    expect(Math.abs(s[0] - 2)).toBeLessThan(0.5);
    expect(Math.abs(s[1] + 1)).toBeLessThan(0.5);
    expect(() => grbm.pseudoLikelihood(x)).toThrow(/binary visible units only/);
  });
});
