import { ValueError } from "../../base/errors.js";
import { ReduceLROnPlateau } from "../../optim/plateau.js";
import { Callback, type Logs } from "./callback.js";

/**
 * Anything with a per-epoch `step`, such as the schedulers in `optim` (ReduceLROnPlateau takes the metric).
 * @example
 * const halve: EpochScheduler = { step: () => { opt.paramGroups[0].lr /= 2; } };
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * await model.fit(train, { epochs: 2, verbose: 0, callbacks: [new LearningRateScheduler(halve)] });
 * opt.paramGroups[0].lr; // 0.025
 */
export interface EpochScheduler {
  step(metric?: number): void;
}

/**
 * Changes the learning rate each epoch, from an `optim` scheduler or a function `(epoch, lr) => lr`.
 * The rate in use is logged as `lr`. A scheduler that takes the epoch's metric (`ReduceLROnPlateau`)
 * is given the logged value named by `monitor`: `"valLoss"` unless told otherwise, as Keras'
 * `ReduceLROnPlateau` watches `val_loss`; a fit without validation data must say `{ monitor: "loss" }`.
 * @example
 * new LearningRateScheduler(new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 }));
 * const decay = new LearningRateScheduler((epoch, lr) => (epoch < 3 ? lr : lr * 0.9));
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * const history = await model.fit(train, { epochs: 5, verbose: 0, callbacks: [decay] });
 * history.history.lr; // [0.1, 0.1, 0.1, 0.09, 0.081]
 * const plateau = new LearningRateScheduler(new optim.ReduceLROnPlateau(opt, { patience: 2 })); // watches valLoss
 * await model.fit(train, { epochs: 2, verbose: 0, validationData: test, callbacks: [plateau] });
 */
export class LearningRateScheduler extends Callback {
  /** The logged value handed to a metric-driven scheduler's `step` (undefined for the others). */
  readonly monitor: string | undefined;

  constructor(
    private readonly schedule: EpochScheduler | ((epoch: number, lr: number) => number),
    options: { monitor?: string } = {},
  ) {
    super();
    this.monitor = options.monitor ?? (schedule instanceof ReduceLROnPlateau ? "valLoss" : undefined);
  }

  override onEpochBegin(epoch: number): void {
    if (typeof this.schedule === "function") {
      const lr = this.context.getLearningRate();
      if (lr !== undefined) this.context.setLearningRate(this.schedule(epoch, lr));
    }
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const lr = this.context.getLearningRate();
    if (lr !== undefined) logs.lr = lr;
    if (typeof this.schedule !== "function") {
      const monitor = this.monitor;
      if (monitor !== undefined && logs[monitor] === undefined) {
        const keys = Object.keys(logs).join(", ");
        throw new ValueError(
          `LearningRateScheduler: the scheduler steps on "${monitor}", which is not in this epoch's logs ` +
            `(${keys}); ${monitor.startsWith("val") ? "pass validationData to fit, or " : ""}` +
            `choose a logged value with new LearningRateScheduler(scheduler, { monitor: "loss" })`,
        );
      }
      this.schedule.step(monitor === undefined ? undefined : logs[monitor]);
    }
  }
}
