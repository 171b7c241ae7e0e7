import { describe, expect, it } from "vitest";
import { ValueError } from "../../src/base/errors.js";
import { zeros } from "../../src/ops/creation.js";
import {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  ReduceLROnPlateau,
  type Scheduler,
  SGD,
  StepLR,
} from "../../src/optim/index.js";
import { expectCloseSync } from "../helpers/close.js";
import { loadFixture } from "../helpers/fixtures.js";

interface SchedCase {
  scheduler: string;
  options: any;
  initialLr: number;
  epochs: number;
  lrs: number[];
  metrics?: number[];
}

const cases = loadFixture<SchedCase>("schedulers").cases;

function sgd(lr = 0.1, groups = 1) {
  const params = Array.from({ length: groups }, () => zeros([2]).requiresGrad_());
  return new SGD(
    params.map((p) => ({ params: [p] })),
    { lr },
  );
}

function make(name: string, opt: SGD, options: any): Scheduler {
  switch (name) {
    case "StepLR":
      return new StepLR(opt, options);
    case "ExponentialLR":
      return new ExponentialLR(opt, options);
    case "CosineAnnealingLR":
      return new CosineAnnealingLR(opt, options);
    case "LinearLR":
      return new LinearLR(opt, options);
    case "ReduceLROnPlateau":
      return new ReduceLROnPlateau(opt, options);
    default:
      throw new Error(name);
  }
}

/** The fixture's loop: record lr, optimizer.step(), scheduler.step(). */
function run(c: SchedCase, sched: Scheduler, opt: SGD): number[] {
  const lrs: number[] = [];
  for (let epoch = 0; epoch < c.epochs; epoch++) {
    lrs.push(opt.paramGroups[0].lr);
    opt.step();
    if (sched instanceof ReduceLROnPlateau) sched.step(c.metrics![epoch]);
    else sched.step();
  }
  return lrs;
}

describe("schedulers match PyTorch (schedulers.json)", () => {
  for (const c of cases) {
    it(c.scheduler, () => {
      const opt = sgd(c.initialLr);
      const sched = make(c.scheduler, opt, c.options);
      const lrs = run(c, sched, opt);
      // StepLR, ExponentialLR and ReduceLROnPlateau follow the same arithmetic as PyTorch exactly
      if (["StepLR", "ExponentialLR", "ReduceLROnPlateau"].includes(c.scheduler)) expect(lrs).toEqual(c.lrs);
      expectCloseSync(lrs, c.lrs, { rtol: 1e-12, atol: 1e-15 });
      expect(opt.paramGroups[0].initialLr).toBe(c.initialLr);
    });
  }

  it("CosineAnnealingLR rises again after tMax (epoch 11 equals epoch 9)", () => {
    const c = cases.find((k) => k.scheduler === "CosineAnnealingLR")!;
    const opt = sgd();
    const lrs = run(c, make(c.scheduler, opt, c.options), opt);
    expect(lrs[10]).toBeCloseTo(0.001, 15);
    expectCloseSync(lrs[11], lrs[9], { rtol: 1e-12, atol: 0 });
  });
});

describe("schedulers", () => {
  it("MultiStepLR multiplies at each milestone (twice for a repeated one)", () => {
    const opt = sgd(1);
    const s = new MultiStepLR(opt, { milestones: [4, 2, 4], gamma: 0.5 });
    const lrs: number[] = [];
    for (let i = 0; i < 6; i++) {
      lrs.push(s.getLastLr()[0]);
      s.step();
    }
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.125, 0.125]);
  });

  it("LambdaLR: initial lr times the lambda, one per group", () => {
    const opt = sgd(0.1, 2);
    opt.paramGroups[1].lr = 0.2;
    const s = new LambdaLR(opt, [(e) => 0.5 ** e, (e) => 1 / (e + 1)]);
    s.step();
    s.step();
    expectCloseSync(s.getLastLr(), [0.1 * 0.25, 0.2 / 3], { rtol: 1e-15, atol: 0 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.2]);
  });

  it("schedulers set every group's lr from that group's initial lr", () => {
    const opt = sgd(0.1, 2);
    opt.paramGroups[1].lr = 1;
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.1 });
    s.step();
    expectCloseSync(
      opt.paramGroups.map((g) => g.lr),
      [0.01, 0.1],
      { rtol: 1e-15, atol: 0 },
    );
    expect(s.getLastLr()).toEqual(opt.paramGroups.map((g) => g.lr));
    expect(s.baseLrs).toEqual([0.1, 1]);
  });

  it("a second scheduler keeps the initialLr recorded by the first (chaining warm-up and decay)", () => {
    const opt = sgd(0.1);
    const warm = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const decay = new ExponentialLR(opt, { gamma: 0.5 });
    expect(opt.paramGroups[0].initialLr).toBe(0.1);
    expect(decay.baseLrs).toEqual([0.1]);
    const lrs: number[] = [];
    for (let i = 0; i < 4; i++) {
      lrs.push(opt.paramGroups[0].lr);
      warm.step();
      decay.step();
    }
    // PyTorch: 0.05, 0.075*0.5, 0.1*0.25 ... (both chainable, applied one after the other)
    expectCloseSync(lrs, [0.05, 0.0375, 0.025, 0.0125], { rtol: 1e-12, atol: 0 });
  });

  it("stateDict / loadStateDict resume an LRScheduler", () => {
    const c = cases.find((k) => k.scheduler === "CosineAnnealingLR")!;
    const opt = sgd();
    const s = make(c.scheduler, opt, c.options) as LRScheduler;
    for (let i = 0; i < 5; i++) s.step();
    const saved = s.stateDict();
    expect(saved).toMatchObject({ lastEpoch: 5, baseLrs: [0.1], tMax: 10, etaMin: 0.001 });
    const opt2 = sgd();
    const s2 = new CosineAnnealingLR(opt2, { tMax: 10, etaMin: 0.001 });
    s2.loadStateDict(saved);
    opt2.paramGroups[0].lr = s.getLastLr()[0];
    for (let i = 5; i < 12; i++) {
      expectCloseSync(opt2.paramGroups[0].lr, c.lrs[i], { rtol: 1e-12, atol: 1e-15 });
      s2.step();
    }
  });

  it("ReduceLROnPlateau: max mode, abs threshold, cooldown, minLr", () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, {
      mode: "max",
      factor: 0.5,
      patience: 0,
      threshold: 0.1,
      thresholdMode: "abs",
      cooldown: 1,
      minLr: 0.3,
    });
    const lrs: number[] = [];
    for (const m of [1, 1.05, 1.05, 2, 2, 2, 2]) {
      s.step(m);
      lrs.push(s.getLastLr()[0]);
    }
    // 1: best. 1.05: not better by 0.1 -> bad > patience 0 -> 0.5, cooldown 1.
    // 1.05: cooldown, bad reset. 2: better. 2: bad -> 0.3 (minLr), cooldown. 2: cooldown. 2: 0.3 stays (at minLr).
    expect(lrs).toEqual([1, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3]);
    const saved = s.stateDict();
    expect(saved).toMatchObject({ best: 2, mode: "max" });
  });

  it("validates options with clear errors", () => {
    const opt = sgd();
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(ValueError);
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(/StepLR: invalid stepSize 0/);
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow(/LinearLR: invalid startFactor 0/);
    expect(() => new LinearLR(opt, { endFactor: 1.5 })).toThrow(/LinearLR: invalid endFactor/);
    expect(() => new CosineAnnealingLR(opt, { tMax: -1 })).toThrow(/CosineAnnealingLR: invalid tMax/);
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/ReduceLROnPlateau: invalid factor 1/);
    expect(() => new ReduceLROnPlateau(opt, { mode: "up" as any })).toThrow(/invalid mode "up"/);
    expect(() => new LambdaLR(opt, [(e) => e, (e) => e])).toThrow(/2 lr lambdas for 1 param groups/);
  });
});
