import type { Module } from "../../nn/module.js";

/**
 * Numbers logged by the loop: `loss`, metrics, and `valLoss`/`valAccuracy`... after validation.
 * @example
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * const logs: Logs = model.evaluate(test);
 * typeof logs.loss; // "number"
 */
export type Logs = Record<string, number>;

/**
 * What callbacks see of the running fit: the model, the plan, and a way to stop early.
 * @example
 * class StopAtLoss extends Callback {
 *   override onEpochEnd(_epoch: number, logs: Logs) {
 *     const ctx: TrainingContext = this.context;
 *     if (logs.loss < 0.5) ctx.stopTraining = true; // after this epoch
 *     ctx.setLearningRate(ctx.getLearningRate()! * 0.9);
 *   }
 * }
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * await model.fit(train, { epochs: 2, verbose: 0, callbacks: [new StopAtLoss()] });
 * opt.paramGroups[0].lr; // 0.081
 */
export interface TrainingContext {
  readonly model: Module;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Set to true to end training after the current epoch. */
  stopTraining: boolean;
  /** Current learning rate of the first parameter group, if the optimizer has one. */
  getLearningRate(): number | undefined;
  setLearningRate(lr: number): void;
}

/**
 * Hooks into `fit`. Override what you need; every hook may be async.
 * @example
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs: Logs) { console.log(epoch, logs.loss); }
 * }
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * await model.fit(train, { epochs: 2, verbose: 0, callbacks: [new PrintLoss()] }); // prints each epoch and its loss
 */
export class Callback {
  /** Set by `fit` before `onTrainBegin`. */
  context!: TrainingContext;
  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
  /** Something the run should not hide but that does not stop it, such as a NaN validation loss. */
  onWarning(_message: string): void | Promise<void> {}
}

/**
 * Picks the direction to optimise a monitored quantity: losses and errors go down, the rest up.
 * @example
 * monitorMode("valLoss", "auto"); // "min"
 * monitorMode("valAccuracy", "auto"); // "max"
 */
export function monitorMode(monitor: string, mode: "auto" | "min" | "max"): "min" | "max" {
  if (mode !== "auto") return mode;
  return /acc|auc|precision|recall|f1/i.test(monitor) ? "max" : "min";
}
