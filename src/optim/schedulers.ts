import { ValueError } from "../base/errors.js";
import type { Optimizer } from "./optimizer.js";

/**
 * A scheduler's saved progress (`stateDict()`), restorable with `loadStateDict()` into a scheduler built
 * the same way.
 * @example
 * const sched = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * for (let epoch = 0; epoch < 3; epoch++) sched.step();
 * const saved: SchedulerStateDict = sched.stateDict(); // { lastEpoch: 3, baseLrs: [0.1], lastLr: [0.05], ... }
 * saved.lastLr; // [0.05]
 */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * @internal Throws a `ValueError` naming the scheduler and the option unless `value` is a number `ok` accepts.
 * @example
 * checkNumber("StepLR", "gamma", 0.5, (x) => x >= 0, "a number >= 0"); // fine
 * checkNumber("StepLR", "gamma", -1, (x) => x >= 0, "a number >= 0"); // throws ValueError: StepLR: invalid gamma -1
 */
export function checkNumber(
  name: string,
  option: string,
  value: unknown,
  ok: (x: number) => boolean,
  expected: string,
) {
  if (typeof value !== "number" || Number.isNaN(value) || !ok(value)) {
    throw new ValueError(`${name}: invalid ${option} ${String(value)}; expected ${expected}`);
  }
}

/**
 * @internal What every scheduler shares: the optimizer, each group's `initialLr` (recorded unless an
 * earlier scheduler did) and the lrs after the last step.
 * @example
 * const scheds: SchedulerBase[] = [new optim.StepLR(opt, { stepSize: 1 }), new optim.ReduceLROnPlateau(opt)];
 * scheds.map((s) => s.getLastLr()); // [[0.1], [0.1]]: the same method on both kinds
 */
export abstract class SchedulerBase {
  protected lastLr: number[] = [];

  constructor(readonly optimizer: Optimizer) {}

  /** Sets each group's `initialLr` where no scheduler has yet, and returns them all. */
  protected recordInitialLrs(): number[] {
    const groups = this.optimizer.paramGroups;
    for (const group of groups) if (group.initialLr === undefined) group.initialLr = group.lr;
    return groups.map((g) => g.initialLr as number);
  }

  /** Records the groups' current lrs as the last lrs. */
  protected recordLastLr(): void {
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The lr of each param group after the last `step`.
   * @example
   * const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
   * sched.step();
   * sched.getLastLr(); // [0.05]
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
}

/**
 * Base class of the epoch-based learning-rate schedulers, as PyTorch's `LRScheduler`: it records each
 * group's `initialLr` (unless an earlier scheduler did), sets the lr for epoch 0 at construction, and
 * each `step()` (called once per epoch, after `optimizer.step()`) moves to the next epoch and writes the
 * new lr into every param group. Subclasses implement `computeLr()`, in PyTorch's chainable form (from
 * the current group lrs), so schedulers may be stacked.
 * @example
 * class Halving extends optim.LRScheduler {
 *   constructor(optimizer: optim.Optimizer) {
 *     super(optimizer);
 *     this.initialStep(); // epoch 0
 *   }
 *   protected computeLr() {
 *     return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr / 2)); // chainable
 *   }
 * }
 * const sched = new Halving(opt);
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   opt.zeroGrad(); // an epoch of training
 *   nn.functional.crossEntropy(model.forward(x), y).backward();
 *   opt.step();
 *   sched.step();
 * }
 * sched.getLastLr(); // [0.0125]
 */
export abstract class LRScheduler extends SchedulerBase {
  /** The epoch the current lrs belong to (0 after construction). */
  lastEpoch = -1;
  /** Each group's `initialLr`. */
  readonly baseLrs: number[];
  /** How many times `step()` has run (the constructor's first call included). */
  protected stepCount = 0;

  constructor(optimizer: Optimizer) {
    super(optimizer);
    this.baseLrs = this.recordInitialLrs();
  }

  /** Call at the end of the subclass constructor: sets the lrs for epoch 0, as PyTorch does. */
  protected initialStep(): void {
    this.step();
  }

  /** The lrs for `this.lastEpoch`, from the current group lrs (PyTorch's `get_lr`). */
  protected abstract computeLr(): number[];

  /**
   * Moves to the next epoch and sets every group's lr.
   * @example
   * const sched = new optim.ExponentialLR(opt, { gamma: 0.5 });
   * opt.step(); // after the optimizer's steps of the epoch
   * sched.step();
   * opt.paramGroups[0].lr; // 0.05
   */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i];
    });
    this.recordLastLr();
  }

  /**
   * The scheduler's progress (epoch, base and last lrs, and its options).
   * @example
   * const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
   * sched.step();
   * const saved = sched.stateDict();
   * saved.lastEpoch; // 1
   */
  stateDict(): SchedulerStateDict {
    return {
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
      ...this.options(),
    };
  }

  /**
   * Restores progress saved by `stateDict()` (the options stay those this scheduler was built with).
   * @example
   * const first = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
   * first.step();
   * const saved = first.stateDict(); // e.g. from a checkpoint
   * const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
   * sched.loadStateDict(saved);
   * sched.lastEpoch; // 1
   */
  loadStateDict(dict: SchedulerStateDict): void {
    this.lastEpoch = dict.lastEpoch as number;
    this.stepCount = dict.stepCount as number;
    (this as { baseLrs: number[] }).baseLrs = [...(dict.baseLrs as number[])];
    this.lastLr = [...(dict.lastLr as number[])];
  }

  /** The subclass's options, for `stateDict()`. */
  protected options(): Record<string, unknown> {
    return {};
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs.
 * @example
 * const sched = new optim.StepLR(opt, { stepSize: 3, gamma: 0.5 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(sched.getLastLr()[0]);
 *   sched.step(); // after the epoch's training
 * }
 * lrs; // [0.1, 0.1, 0.1, 0.05, 0.05]
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }) {
    super(optimizer);
    checkNumber("StepLR", "stepSize", stepSize, (x) => Number.isInteger(x) && x > 0, "a positive integer");
    checkNumber("StepLR", "gamma", gamma, (x) => x >= 0, "a number >= 0");
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected override computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override options(): Record<string, unknown> {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}

/**
 * Multiplies the lr by `gamma` at each epoch listed in `milestones` (by `gamma^k` for a milestone
 * listed k times).
 * @example
 * const sched = new optim.MultiStepLR(opt, { milestones: [2, 4], gamma: 0.1 });
 * for (let epoch = 0; epoch < 4; epoch++) sched.step();
 * sched.getLastLr()[0]; // 0.001: reduced at epochs 2 and 4
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: Optimizer, { milestones, gamma = 0.1 }: { milestones: number[]; gamma?: number }) {
    super(optimizer);
    if (!Array.isArray(milestones))
      throw new ValueError("MultiStepLR: milestones must be an array of epochs");
    for (const m of milestones) {
      checkNumber("MultiStepLR", "milestone", m, (x) => Number.isInteger(x) && x >= 0, "an integer >= 0");
    }
    checkNumber("MultiStepLR", "gamma", gamma, (x) => x >= 0, "a number >= 0");
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected override computeLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (count === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma ** count);
  }

  protected override options(): Record<string, unknown> {
    return { milestones: [...this.milestones], gamma: this.gamma };
  }
}

/**
 * Multiplies the lr by `gamma` every epoch.
 * @example
 * const sched = new optim.ExponentialLR(opt, { gamma: 0.9 }); // 0.1, 0.09, 0.081, ...
 * sched.step();
 * sched.step();
 * sched.getLastLr(); // [0.081]
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, { gamma }: { gamma: number }) {
    super(optimizer);
    checkNumber("ExponentialLR", "gamma", gamma, (x) => x >= 0, "a number >= 0");
    this.gamma = gamma;
    this.initialStep();
  }

  protected override computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override options(): Record<string, unknown> {
    return { gamma: this.gamma };
  }
}

/**
 * Cosine annealing from the initial lr down to `etaMin` over `tMax` epochs, in PyTorch's recursive
 * form: `lr_t = etaMin + (lr_{t−1} − etaMin)·(1 + cos(πt/tMax)) / (1 + cos(π(t−1)/tMax))`. Like
 * PyTorch's, it is periodic: past `tMax` the lr rises again (epoch tMax + k equals epoch tMax − k).
 * @example
 * const sched = new optim.CosineAnnealingLR(opt, { tMax: 10, etaMin: 1e-3 });
 * for (let epoch = 0; epoch < 5; epoch++) sched.step();
 * sched.getLastLr(); // [0.0505]: halfway between 0.1 and 0.001
 * for (let epoch = 0; epoch < 5; epoch++) sched.step();
 * sched.getLastLr(); // [0.001]
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, { tMax, etaMin = 0 }: { tMax: number; etaMin?: number }) {
    super(optimizer);
    checkNumber("CosineAnnealingLR", "tMax", tMax, (x) => Number.isInteger(x) && x > 0, "a positive integer");
    checkNumber("CosineAnnealingLR", "etaMin", etaMin, (x) => x >= 0, "a number >= 0");
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected override computeLr(): number[] {
    const t = this.lastEpoch;
    const T = this.tMax;
    const eta = this.etaMin;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      // resumed at a later epoch: the closed form
      return this.baseLrs.map((base) => eta + ((base - eta) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if ((t - 1 - T) % (2 * T) === 0) {
      // the bottom of the cosine: the recursive form would divide by zero
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - eta) + eta,
    );
  }

  protected override options(): Record<string, unknown> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}

/**
 * Changes the lr linearly from `startFactor`·lr to `endFactor`·lr over `totalIters` epochs, then keeps
 * it (a linear warm-up with the defaults' shape). Updated multiplicatively as in PyTorch, so values
 * carry the same rounding.
 * @example
 * const warmup = new optim.LinearLR(opt, { startFactor: 0.25, totalIters: 4 }); // 0.025, 0.04375, ... 0.1
 * warmup.getLastLr(); // [0.025]
 * for (let epoch = 0; epoch < 4; epoch++) warmup.step();
 * warmup.getLastLr(); // [0.1]
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(
    optimizer: Optimizer,
    {
      startFactor = 1 / 3,
      endFactor = 1,
      totalIters = 5,
    }: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super(optimizer);
    checkNumber("LinearLR", "startFactor", startFactor, (x) => x > 0 && x <= 1, "a number in (0, 1]");
    checkNumber("LinearLR", "endFactor", endFactor, (x) => x >= 0 && x <= 1, "a number in [0, 1]");
    checkNumber(
      "LinearLR",
      "totalIters",
      totalIters,
      (x) => Number.isInteger(x) && x > 0,
      "a positive integer",
    );
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected override computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * s);
    if (this.lastEpoch > n) return lrs;
    return lrs.map((lr) => lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }

  protected override options(): Record<string, unknown> {
    return { startFactor: this.startFactor, endFactor: this.endFactor, totalIters: this.totalIters };
  }
}

/**
 * Sets each group's lr to its initial lr times `lrLambda(epoch)` (one function for all groups, or one
 * per group).
 * @example
 * const sched = new optim.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 * sched.step();
 * sched.getLastLr(); // [0.095]
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: ((epoch: number) => number)[];

  constructor(optimizer: Optimizer, lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[]) {
    super(optimizer);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) {
        throw new ValueError(`LambdaLR: got ${lrLambda.length} lr lambdas for ${n} param groups`);
      }
      this.lrLambdas = [...lrLambda];
    } else {
      if (typeof lrLambda !== "function") throw new ValueError("LambdaLR: lrLambda must be a function");
      this.lrLambdas = Array.from({ length: n }, () => lrLambda);
    }
    this.initialStep();
  }

  protected override computeLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}
