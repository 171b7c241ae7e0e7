import { Callback, type Logs } from "./callback.js";

/**
 * Records every epoch's logs; `fit` returns one.
 * @example
 * model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss: "crossEntropy" });
 * const history = await model.fit(train, { epochs: 3 });
 * history.history.loss.length; // 3: the mean loss of each epoch
 * history.history.loss[2] < history.history.loss[0]; // true
 */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  /** Why training ended early, if it did (early stopping, divergence). */
  stopReason: string | null = null;
  /** Warnings of the run, in order (e.g. "validation: loss is NaN on epoch 3 (...)"). */
  readonly warnings: string[] = [];

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }

  override onWarning(message: string): void {
    this.warnings.push(message);
  }

  /** The last logged value of a key. */
  last(key: string): number | undefined {
    const values = this.history[key];
    return values?.[values.length - 1];
  }
}
