import { describe, expect, it } from "vitest";
import { ValueError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import { tidy } from "../../src/core/memory.js";
import { tensor, zeros } from "../../src/ops/creation.js";
import { Adagrad, Adam, AdamW, RMSprop, SGD } from "../../src/optim/index.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { fixtureTensor } from "../helpers/fixtures.js";
import { makeOptimizer, makeProblem, optimCases, trainStep } from "./problem.js";

describe("optimizers match PyTorch (optimizers.json, float64)", () => {
  it("has the 12 cases", () => {
    expect(optimCases.length).toBe(12);
  });

  for (const c of optimCases) {
    itNeeds("float64")(
      `${c.name}: per-step losses and parameters after each of ${c.steps} steps`,
      async () => {
        const { w, b, lossOf } = makeProblem(c);
        const opt = makeOptimizer(c.optimizer, [w, b], c.options);
        for (let k = 0; k < c.steps; k++) {
          const loss = await trainStep(opt, lossOf);
          await expectClose(loss, c.losses[k], { rtol: 1e-5, atol: 1e-12 });
          await expectClose(w, fixtureTensor(c.history[k].w, "float64"), { rtol: 1e-5, atol: 1e-12 });
          await expectClose(b, fixtureTensor(c.history[k].b, "float64"), { rtol: 1e-5, atol: 1e-12 });
        }
        await expectClose(w, fixtureTensor(c.final_w, "float64"), { rtol: 1e-5, atol: 1e-12 });
        await expectClose(b, fixtureTensor(c.final_b, "float64"), { rtol: 1e-5, atol: 1e-12 });
        expect(w.dtype).toBe("float64");
        expect(w.requiresGrad).toBe(true);
      },
    );
  }

  it("float32 parameters track the float64 reference closely", async () => {
    const c = optimCases.find((k) => k.name === "adam")!;
    const w = fixtureTensor(c.w0).requiresGrad_();
    const b = fixtureTensor(c.b0).requiresGrad_();
    const x = fixtureTensor(c.x);
    const y = fixtureTensor(c.y);
    const opt = new Adam([w, b], { lr: 0.01 });
    for (let k = 0; k < 10; k++) await trainStep(opt, () => x.matmul(w).add(b).tanh().sub(y).pow(2).mean());
    expect(w.dtype).toBe("float32");
    await expectClose(w, fixtureTensor(c.final_w), { rtol: 1e-4, atol: 1e-5 });
  });
});

describe("Optimizer base", () => {
  const c = optimCases.find((k) => k.name === "sgd_momentum")!;

  itNeeds("float64")("param groups: each group uses its own lr, others from the defaults", async () => {
    // two groups: w at lr 0.1, b at lr 0.05, momentum from the defaults
    const p1 = makeProblem(c);
    const opt = new SGD([{ params: [p1.w] }, { params: [p1.b], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.05]);
    expect(opt.paramGroups[1].momentum).toBe(0.9);
    // reference: the same with two separate optimizers
    const p2 = makeProblem(c);
    const optW = new SGD([p2.w], { lr: 0.1, momentum: 0.9 });
    const optB = new SGD([p2.b], { lr: 0.05, momentum: 0.9 });
    for (let k = 0; k < 5; k++) {
      await trainStep(opt, p1.lossOf);
      tidy(() => {
        optW.zeroGrad();
        optB.zeroGrad();
        p2.lossOf().backward();
        optW.step();
        optB.step();
      });
    }
    await expectClose(p1.w, p2.w, { rtol: 1e-12, atol: 0 });
    await expectClose(p1.b, p2.b, { rtol: 1e-12, atol: 0 });
  });

  itNeeds("float64")("two groups with the fixture's options reproduce the single-group run", async () => {
    const p = makeProblem(c);
    const opt = new SGD(
      [
        { params: [p.w], lr: 0.1 },
        { params: [p.b], momentum: 0.9 },
      ],
      {
        lr: 0.1,
        momentum: 0.9,
      },
    );
    for (let k = 0; k < 10; k++) await trainStep(opt, p.lossOf);
    await expectClose(p.w, fixtureTensor(c.final_w, "float64"), { rtol: 1e-5, atol: 1e-12 });
    await expectClose(p.b, fixtureTensor(c.final_b, "float64"), { rtol: 1e-5, atol: 1e-12 });
  });

  itNeeds("float64")("lr in a param group can be changed between steps", async () => {
    const p = makeProblem(c);
    const opt = new SGD([p.w, p.b], { lr: 0.1 });
    opt.paramGroups[0].lr = 0;
    const before = await p.w.array();
    await trainStep(opt, p.lossOf);
    expect(await p.w.array()).toEqual(before);
  });

  itNeeds("float64")("addParamGroup adds parameters; a parameter in two groups is an error", () => {
    const p = makeProblem(c);
    const opt = new Adam([p.w], { lr: 0.01 });
    opt.addParamGroup({ params: [p.b], lr: 0.5 });
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[1].lr).toBe(0.5);
    expect(opt.paramGroups[1].betas).toEqual([0.9, 0.999]);
    expect(() => opt.addParamGroup({ params: [p.w] })).toThrow(/more than once/);
  });

  itNeeds("float64")(
    "zeroGrad sets grads to null and releases them; step skips params without grad",
    async () => {
      const p = makeProblem(c);
      const opt = new SGD([p.w, p.b], { lr: 0.1, momentum: 0.9 });
      p.lossOf().backward();
      const g = p.w.grad!;
      expect(g).not.toBeNull();
      opt.zeroGrad();
      expect(p.w.grad).toBeNull();
      expect(p.b.grad).toBeNull();
      expect(g.isDisposed).toBe(true);
      // only b has a gradient: w stays put and gets no state
      const w0 = await p.w.array();
      const b0 = await p.b.array();
      p.x.matmul(p.w.detach()).add(p.b).sum().backward();
      expect(p.w.grad).toBeNull();
      opt.step();
      expect(await p.w.array()).toEqual(w0);
      expect(await p.b.array()).not.toEqual(b0);
      expect(opt.state.has(p.w)).toBe(false);
      expect(opt.state.get(p.b)!.momentumBuffer).toBeDefined();
    },
  );

  itNeeds("float64")("step keeps parameter identity and does not record a graph", async () => {
    const p = makeProblem(c);
    const opt = new Adam([p.w, p.b], { lr: 0.01 });
    const w = p.w;
    await trainStep(opt, p.lossOf);
    expect(p.w).toBe(w);
    expect(p.w.isLeaf).toBe(true);
    expect(p.w.gradFn).toBeNull();
  });

  // the closure returns its loss as a number, read synchronously
  itNeeds("syncRead")("step(closure) runs the closure with grad enabled and returns its loss", async () => {
    const p = makeProblem(c);
    const opt = new SGD([p.w, p.b], { lr: 0.1, momentum: 0.9 });
    const losses: number[] = [];
    for (let k = 0; k < 3; k++) {
      const loss = opt.step(() => {
        opt.zeroGrad();
        const l = p.lossOf();
        l.backward();
        return l.item();
      });
      losses.push(loss!);
    }
    await expectClose(losses, c.losses.slice(0, 3));
    await expectClose(p.w, fixtureTensor(c.history[2].w, "float64"), { rtol: 1e-5, atol: 1e-12 });
  });

  for (const name of [
    "sgd_momentum_dampening_wd",
    "adam_amsgrad",
    "adamw_wd",
    "rmsprop_centered_momentum_wd",
    "adagrad_decay_wd_init",
  ]) {
    itNeeds("float64")(
      `stateDict round trip (${name}): 5 steps, save, load into a fresh optimizer, 5 more = 10 straight`,
      async () => {
        const k = optimCases.find((x) => x.name === name)!;
        const p = makeProblem(k);
        const opt = makeOptimizer(k.optimizer, [p.w, p.b], k.options);
        for (let i = 0; i < 5; i++) await trainStep(opt, p.lossOf);
        const saved = opt.stateDict();
        // the snapshot is a copy: training on does not change it
        const firstKey = Object.keys(saved.state[0])[0];
        const snap = saved.state[0][firstKey];
        const snapValues = typeof snap === "number" ? snap : Array.from(await snap.data());
        for (let i = 0; i < 2; i++) await trainStep(opt, p.lossOf);
        const after = saved.state[0][firstKey];
        expect(typeof after === "number" ? after : Array.from(await after.data())).toEqual(snapValues);
        expect(saved.paramGroups.map((g) => g.params)).toEqual([[0, 1]]);

        // a fresh problem starting from the 5-step parameters, with default options overwritten by the load
        const q = makeProblem(k);
        q.w.assign(fixtureTensor(k.history[4].w, "float64"));
        q.b.assign(fixtureTensor(k.history[4].b, "float64"));
        const fresh = makeOptimizer(k.optimizer, [q.w, q.b], { lr: 0.5 });
        fresh.loadStateDict(saved);
        expect(fresh.paramGroups[0].lr).toBe(k.options.lr);
        for (let i = 5; i < 10; i++) {
          const loss = await trainStep(fresh, q.lossOf);
          await expectClose(loss, k.losses[i], { rtol: 1e-5, atol: 1e-12 });
        }
        await expectClose(q.w, fixtureTensor(k.final_w, "float64"), { rtol: 1e-5, atol: 1e-12 });
        await expectClose(q.b, fixtureTensor(k.final_b, "float64"), { rtol: 1e-5, atol: 1e-12 });
      },
    );
  }

  itNeeds("float64")("loadStateDict checks the group layout and state shapes", async () => {
    const p = makeProblem(c);
    const opt = new Adam([p.w, p.b]);
    await trainStep(opt, p.lossOf);
    const saved = opt.stateDict();
    const q = makeProblem(c);
    expect(() => new Adam([q.w]).loadStateDict(saved)).toThrow(/param group 0 has 2 parameters/);
    expect(() => new Adam([q.b, q.w]).loadStateDict(saved)).toThrow(/shape/);
    expect(() => new Adam([{ params: [q.w] }, { params: [q.b] }]).loadStateDict(saved)).toThrow(
      /param groups/,
    );
  });

  itNeeds("float64")("memory stays flat over 200 Adam steps run in tidy", async () => {
    const p = makeProblem(optimCases.find((k) => k.name === "adam_amsgrad")!);
    const opt = new Adam([p.w, p.b], { lr: 0.01, amsgrad: true, weightDecay: 0.01 });
    const counts: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < 200; i++) {
      await trainStep(opt, p.lossOf);
      counts.push(getBackend().memory().storages);
      bytes.push(getBackend().memory().bytes);
    }
    expect(Math.max(...counts.slice(5))).toBe(counts[5]);
    expect(Math.min(...counts.slice(5))).toBe(counts[5]);
    expect(Math.max(...bytes.slice(5))).toBe(bytes[5]);
  });

  itNeeds("float64")("memory stays flat for every optimizer", async () => {
    for (const k of optimCases) {
      const p = makeProblem(k);
      const opt = makeOptimizer(k.optimizer, [p.w, p.b], k.options);
      const counts: number[] = [];
      for (let i = 0; i < 30; i++) {
        await trainStep(opt, p.lossOf);
        counts.push(getBackend().memory().storages);
      }
      expect(new Set(counts.slice(3)).size, k.name).toBe(1);
    }
  });

  it("rejects bad parameters", () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/SGD: got an empty parameter list/);
    expect(() => new SGD([tensor([1, 2], { dtype: "int32" })], { lr: 0.1 })).toThrow(/dtype int32/);
    const w = zeros([2]).requiresGrad_();
    expect(() => new SGD([w.mul(2)], { lr: 0.1 })).toThrow(/not a leaf/);
    expect(() => new SGD([w, w], { lr: 0.1 })).toThrow(/more than once/);
    expect(() => new SGD(w as any, { lr: 0.1 })).toThrow(/SGD: params must be an array.*single Tensor/);
  });
});

describe("option validation", () => {
  const w = () => zeros([2]).requiresGrad_();
  const cases: [string, () => unknown, RegExp][] = [
    ["SGD negative lr", () => new SGD([w()], { lr: -0.1 }), /SGD: invalid lr -0.1 in defaults/],
    ["SGD NaN lr", () => new SGD([w()], { lr: Number.NaN }), /SGD: invalid lr NaN/],
    ["SGD negative momentum", () => new SGD([w()], { momentum: -1 }), /SGD: invalid momentum -1/],
    ["SGD negative weightDecay", () => new SGD([w()], { weightDecay: -1e-4 }), /SGD: invalid weightDecay/],
    [
      "SGD nesterov without momentum",
      () => new SGD([w()], { nesterov: true }),
      /SGD: invalid nesterov true.*momentum > 0/,
    ],
    [
      "SGD nesterov with dampening",
      () => new SGD([w()], { nesterov: true, momentum: 0.9, dampening: 0.1 }),
      /dampening 0/,
    ],
    [
      "Adam beta1 = 1",
      () => new Adam([w()], { betas: [1, 0.999] }),
      /Adam: invalid betas\[0\] 1 in defaults; expected a number in \[0, 1\)/,
    ],
    ["Adam beta2 < 0", () => new Adam([w()], { betas: [0.9, -0.1] }), /Adam: invalid betas\[1\] -0.1/],
    ["Adam negative eps", () => new Adam([w()], { eps: -1 }), /Adam: invalid eps -1/],
    [
      "AdamW negative weightDecay",
      () => new AdamW([w()], { weightDecay: -0.01 }),
      /AdamW: invalid weightDecay/,
    ],
    [
      "Adam bad group lr",
      () => new Adam([{ params: [w()] }, { params: [w()], lr: -1 }]),
      /Adam: invalid lr -1 in param group 1/,
    ],
    ["RMSprop negative alpha", () => new RMSprop([w()], { alpha: -0.5 }), /RMSprop: invalid alpha -0.5/],
    ["RMSprop negative momentum", () => new RMSprop([w()], { momentum: -0.5 }), /RMSprop: invalid momentum/],
    ["Adagrad negative lrDecay", () => new Adagrad([w()], { lrDecay: -1 }), /Adagrad: invalid lrDecay -1/],
    [
      "Adagrad negative initialAccumulatorValue",
      () => new Adagrad([w()], { initialAccumulatorValue: -1 }),
      /Adagrad: invalid initialAccumulatorValue -1/,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }

  it("defaults are PyTorch's", () => {
    expect(new Adam([w()]).defaults).toEqual({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
    });
    expect(new AdamW([w()]).defaults.weightDecay).toBe(0.01);
    expect(new RMSprop([w()]).defaults).toMatchObject({ lr: 1e-2, alpha: 0.99, eps: 1e-8, centered: false });
    expect(new Adagrad([w()]).defaults).toMatchObject({
      lr: 1e-2,
      lrDecay: 0,
      eps: 1e-10,
      initialAccumulatorValue: 0,
    });
  });
});

describe("maximize", () => {
  itNeeds("float64")("ascends: the same as descending on the negated loss", async () => {
    for (const k of optimCases) {
      const p = makeProblem(k);
      const q = makeProblem(k);
      const a = makeOptimizer(k.optimizer, [p.w, p.b], { ...k.options, maximize: true });
      const d = makeOptimizer(k.optimizer, [q.w, q.b], k.options);
      for (let i = 0; i < 3; i++) {
        await trainStep(a, () => p.lossOf().neg());
        await trainStep(d, q.lossOf);
      }
      await expectClose(p.w, q.w, { rtol: 1e-12, atol: 1e-15 });
    }
  });
});

/**
 * The same fixture cases in float32 on every backend (webgpu included, which has no float64): the
 * float32 run drifts from PyTorch's float64 trajectory by float32 rounding, compounded over the steps
 * (the loss goes through matmul, tanh and a mean; Adam divides by √v), so 1e-4 relative + 1e-5 absolute,
 * the bound the float32 Adam check above uses.
 */
describeEachBackend("optimizers match PyTorch in float32 (optimizers.json)", () => {
  const tol = { rtol: 1e-4, atol: 1e-5 };
  for (const c of optimCases) {
    it(`${c.name}: per-step losses and parameters after each of ${c.steps} steps`, async () => {
      const { w, b, lossOf } = makeProblem(c, "float32");
      const opt = makeOptimizer(c.optimizer, [w, b], c.options);
      for (let k = 0; k < c.steps; k++) {
        const loss = await trainStep(opt, lossOf);
        await expectClose(loss, c.losses[k], tol);
        await expectClose(w, fixtureTensor(c.history[k].w), tol);
        await expectClose(b, fixtureTensor(c.history[k].b), tol);
      }
      expect(w.dtype).toBe("float32");
    });
  }

  it("memory does not grow for any optimizer", async () => {
    for (const k of optimCases) {
      const p = makeProblem(k, "float32");
      const opt = makeOptimizer(k.optimizer, [p.w, p.b], k.options);
      const counts: number[] = [];
      for (let i = 0; i < 30; i++) {
        await trainStep(opt, p.lossOf);
        counts.push(getBackend().memory().storages);
      }
      // never above the count after the state is built: a leak grows. (It may fall: the collector can
      // release the earlier cases' tensors mid-loop, which it did on webgpu.)
      expect(Math.max(...counts.slice(3)), k.name).toBe(counts[3]);
    }
  });
});
