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
 * The rate in use is logged as `lr`.
 * @example
 * new LearningRateScheduler(new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 }));
 * const decay = new LearningRateScheduler((epoch, lr) => (epoch < 3 ? lr : lr * 0.9));
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * const history = await model.fit(train, { epochs: 5, verbose: 0, callbacks: [decay] });
 * history.history.lr; // [0.1, 0.1, 0.1, 0.09, 0.081]
 */
export class LearningRateScheduler extends Callback {
  constructor(
    private readonly schedule: EpochScheduler | ((epoch: number, lr: number) => number),
    private readonly options: { monitor?: string } = {},
  ) {
    super();
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
      const monitor = this.options.monitor;
      this.schedule.step(monitor ? logs[monitor] : undefined);
    }
  }
}
