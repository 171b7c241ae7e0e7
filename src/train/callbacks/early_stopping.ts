import { ValueError } from "../../base/errors.js";
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
  /**
   * Put back the weights (and buffers) of the best epoch when training stops early, as Keras does: a
   * snapshot (`stateDict({ clone: true })`) is taken at each improvement.
   */
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
 * stop.bestEpoch; // 1: epochs count from 1, as the progress display prints them
 * stop.stoppedEpoch; // 4
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
  private bestWeights: Record<string, Tensor> | null = null;
  /**
   * The epoch after which training was stopped, or null when it was not stopped. Counted from 1, as
   * the progress display prints epochs (`Epoch 4/50`); `history.epoch` counts from 0 (Keras' habit).
   */
  stoppedEpoch: number | null = null;
  /**
   * The epoch with the best monitored value so far (whose weights `restoreBestWeights` puts back), or
   * null before the first improvement. Counted from 1, as the progress display prints it.
   */
  bestEpoch: number | null = null;

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
    this.bestEpoch = null;
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
      this.bestEpoch = epoch + 1;
      this.wait = 0;
      if (this.restore) this.snapshot();
      return;
    }
    this.wait++;
    // as Keras: `patience` epochs without improvement, then stop
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch + 1;
      this.context.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.restore && this.bestWeights && this.stoppedEpoch !== null) {
      this.context.model.loadStateDict(this.bestWeights);
    }
    this.clearSnapshot();
  }

  private snapshot(): void {
    this.clearSnapshot();
    this.bestWeights = this.context.model.stateDict({ clone: true });
  }

  private clearSnapshot(): void {
    for (const t of Object.values(this.bestWeights ?? {})) t.dispose();
    this.bestWeights = null;
  }
}
