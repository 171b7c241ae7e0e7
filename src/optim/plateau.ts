import { ValueError } from "../base/errors.js";
import type { Optimizer } from "./optimizer.js";
import { type LRScheduler, SchedulerBase, type SchedulerStateDict, checkNumber } from "./schedulers.js";

/**
 * Options of `ReduceLROnPlateau` (PyTorch's defaults).
 * @example
 * const options: ReduceLROnPlateauOptions = { mode: "max", factor: 0.5, patience: 3 }; // on an accuracy
 * new optim.ReduceLROnPlateau(opt, options).mode; // "max"
 */
export interface ReduceLROnPlateauOptions {
  /** "min": the metric should go down (a loss); "max": up (an accuracy). Default "min". */
  mode?: "min" | "max";
  /** The lr is multiplied by this when it is reduced (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before the lr is reduced (default 10). */
  patience?: number;
  /** How much better than the best a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** "rel": better than best·(1 ∓ threshold); "abs": better than best ∓ threshold. Default "rel". */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** A lower bound on the lr, for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** A reduction smaller than this is not applied (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the lr by `factor` when a metric has stopped improving for more than `patience` epochs, as
 * PyTorch's `ReduceLROnPlateau`. Call `step(metric)` once per epoch with the validation metric.
 * @example
 * const sched = new optim.ReduceLROnPlateau(opt, { factor: 0.5, patience: 2 });
 * for (const valLoss of [1.0, 0.8, 0.8, 0.8, 0.8]) sched.step(valLoss); // three epochs without progress
 * opt.paramGroups[0].lr; // 0.05
 */
export class ReduceLROnPlateau extends SchedulerBase {
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** The best metric seen so far. */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    super(optimizer);
    const {
      mode = "min",
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = "rel",
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = options;
    const name = "ReduceLROnPlateau";
    if (mode !== "min" && mode !== "max")
      throw new ValueError(`${name}: invalid mode "${mode}"; expected "min" or "max"`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") {
      throw new ValueError(`${name}: invalid thresholdMode "${thresholdMode}"; expected "rel" or "abs"`);
    }
    checkNumber(name, "factor", factor, (x) => x >= 0 && x < 1, "a number in [0, 1)");
    checkNumber(name, "patience", patience, (x) => Number.isInteger(x) && x >= 0, "an integer >= 0");
    checkNumber(name, "threshold", threshold, (x) => x >= 0, "a number >= 0");
    checkNumber(name, "cooldown", cooldown, (x) => Number.isInteger(x) && x >= 0, "an integer >= 0");
    checkNumber(name, "eps", eps, (x) => x >= 0, "a number >= 0");
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n)
        throw new ValueError(`${name}: got ${minLr.length} minLr values for ${n} param groups`);
      this.minLrs = [...minLr];
    } else {
      this.minLrs = Array.from({ length: n }, () => minLr);
    }
    for (const m of this.minLrs) checkNumber(name, "minLr", m, (x) => x >= 0, "a number >= 0");
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.best = mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.recordInitialLrs();
    this.recordLastLr();
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === "min") {
      return this.thresholdMode === "rel" ? a < best * (1 - this.threshold) : a < best - this.threshold;
    }
    return this.thresholdMode === "rel" ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /**
   * Records this epoch's metric and reduces the lrs when it has not improved for more than `patience`
   * epochs (outside a cooldown).
   * @example
   * const sched = new optim.ReduceLROnPlateau(opt, { patience: 0 });
   * sched.step(0.5); // the epoch's validation loss
   * sched.step(0.6); // worse: with patience 0, reduced at once
   * sched.getLastLr(); // [0.01]
   */
  step(metric: number): void {
    if (typeof metric !== "number") {
      throw new ValueError(
        `ReduceLROnPlateau.step: needs the epoch's metric, a number (e.g. step(valLoss)), got ${typeof metric}; ` +
          'in fit, new LearningRateScheduler(scheduler, { monitor: "valLoss" }) passes a logged value',
      );
    }
    this.lastEpoch++;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.recordLastLr();
  }

  /**
   * The scheduler's progress (best metric, counters) and options.
   * @example
   * const sched = new optim.ReduceLROnPlateau(opt);
   * sched.step(0.5);
   * const saved = sched.stateDict();
   * saved.best; // 0.5
   */
  stateDict(): SchedulerStateDict {
    return {
      lastEpoch: this.lastEpoch,
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastLr: [...this.lastLr],
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: [...this.minLrs],
      eps: this.eps,
    };
  }

  /**
   * Restores progress saved by `stateDict()`.
   * @example
   * const saved = { ...new optim.ReduceLROnPlateau(opt).stateDict(), best: 0.25 }; // e.g. from a checkpoint
   * const sched = new optim.ReduceLROnPlateau(opt);
   * sched.loadStateDict(saved);
   * sched.best; // 0.25
   */
  loadStateDict(dict: SchedulerStateDict): void {
    this.lastEpoch = dict.lastEpoch as number;
    this.best = dict.best as number;
    this.numBadEpochs = dict.numBadEpochs as number;
    this.cooldownCounter = dict.cooldownCounter as number;
    this.lastLr = [...(dict.lastLr as number[])];
  }
}

/**
 * Any scheduler: the epoch-based ones (`step()`) or `ReduceLROnPlateau` (`step(metric)`).
 * @example
 * const s: Scheduler = new optim.StepLR(opt, { stepSize: 10 });
 * const valLoss = 0.3;
 * if (s instanceof optim.ReduceLROnPlateau) s.step(valLoss);
 * else s.step();
 */
export type Scheduler = LRScheduler | ReduceLROnPlateau;
