import { ValueError } from "../../base/errors.js";
import { noGrad } from "../../core/grad_mode.js";
import { keep } from "../../core/memory.js";
import type { Tensor } from "../../core/tensor.js";
import { Callback, type Logs, monitorMode } from "./callback.js";

/**
 * Options of {@link EarlyStopping}.
 * @example
 * const options: EarlyStoppingOptions = { monitor: "valAccuracy", patience: 5, minDelta: 0.001 }; // mode: max
 * new EarlyStopping(options).monitor; // "valAccuracy"
 */
export interface EarlyStoppingOptions {
  /** Logged quantity to watch (default `valLoss`). */
  monitor?: string;
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
  /** Epochs without improvement before stopping. */
  patience?: number;
  mode?: "auto" | "min" | "max";
  /** Put back the weights of the best epoch when training stops. */
  restoreBestWeights?: boolean;
  /** Stop if the quantity does not beat this value. */
  baseline?: number;
}

/**
 * Stops training when a monitored quantity stops improving, optionally restoring the best weights.
 * @example
 * model.compile({ optimizer: new optim.SGD(model.parameters(), { lr: 0 }), loss: "crossEntropy" }); // never improves
 * const stop = new EarlyStopping({ monitor: "valLoss", patience: 3, restoreBestWeights: true });
 * const history = await model.fit(train, { epochs: 50, verbose: 0, validationData: test, callbacks: [stop] });
 * history.epoch.length; // 4: the first epoch, then 3 without improvement
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  private readonly minDelta: number;
  private readonly patience: number;
  private readonly mode: "min" | "max";
  private readonly restore: boolean;
  private readonly baseline: number | undefined;
  private best = Number.NaN;
  private wait = 0;
  private bestWeights: Map<string, Tensor> | null = null;
  /** Epoch at which training was stopped, or null. */
  stoppedEpoch: number | null = null;
  bestEpoch = -1;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? "valLoss";
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    this.mode = monitorMode(this.monitor, options.mode ?? "auto");
    this.restore = options.restoreBestWeights ?? false;
    this.baseline = options.baseline;
    if (this.patience < 0) throw new ValueError(`EarlyStopping: patience must be >= 0, got ${this.patience}`);
  }

  override onTrainBegin(): void {
    this.best = this.baseline ?? (this.mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    this.wait = 0;
    this.stoppedEpoch = null;
    this.bestEpoch = -1;
    this.clearSnapshot();
  }

  private improved(value: number): boolean {
    return this.mode === "min" ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new ValueError(
        `EarlyStopping: "${this.monitor}" is not in the logs (${Object.keys(logs).join(", ")}); pass validation data for val* keys`,
      );
    }
    if (this.improved(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restore) this.snapshot();
      return;
    }
    this.wait++;
    // as Keras: `patience` epochs without improvement, then stop
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.context.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.restore && this.bestWeights && this.stoppedEpoch !== null) {
      const weights = this.bestWeights;
      noGrad(() => {
        for (const [name, t] of Object.entries(this.context.model.stateDict())) {
          const saved = weights.get(name);
          if (saved) t.assign(saved.clone());
        }
      });
    }
    this.clearSnapshot();
  }

  private snapshot(): void {
    this.clearSnapshot();
    this.bestWeights = new Map(
      Object.entries(this.context.model.stateDict()).map(([k, t]) => [k, keep(noGrad(() => t.clone()))]),
    );
  }

  private clearSnapshot(): void {
    for (const t of this.bestWeights?.values() ?? []) t.dispose();
    this.bestWeights = null;
  }
}
