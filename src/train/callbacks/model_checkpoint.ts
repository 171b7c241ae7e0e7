import { ValueError } from "../../base/errors.js";
import { saveModel } from "../../io/save.js";
import { Callback, type Logs, monitorMode } from "./callback.js";

/**
 * Options of {@link ModelCheckpoint}.
 * @example
 * const options: ModelCheckpointOptions = { monitor: "valAccuracy", saveBestOnly: true, config: { hidden: 8 } };
 * const checkpoint = new ModelCheckpoint("best.safetensors", options); // loadConfig("best.safetensors") gives the config
 */
export interface ModelCheckpointOptions {
  /** Quantity that decides "best" (default `valLoss`). */
  monitor?: string;
  /** Only write when the monitored quantity improves. */
  saveBestOnly?: boolean;
  mode?: "auto" | "min" | "max";
  /** Config saved with the weights: inside the weights file (read by `loadConfig`) and as JSON beside it. */
  config?: Record<string, unknown>;
}

/**
 * Saves the model's weights (safetensors, written atomically) after each epoch or when it improves.
 * `{epoch}` and any log key (`{valLoss}`) in the path are filled in.
 * @example
 * const checkpoint = new ModelCheckpoint("checkpoints/mnist-{epoch}.safetensors");
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * await model.fit(train, { epochs: 2, verbose: 0, validationData: test, callbacks: [checkpoint] });
 * checkpoint.saved; // ["checkpoints/mnist-1.safetensors", "checkpoints/mnist-2.safetensors"]
 * new ModelCheckpoint("checkpoints/best.safetensors", { saveBestOnly: true }); // only when valLoss improves
 */
export class ModelCheckpoint extends Callback {
  private readonly monitor: string;
  private readonly saveBestOnly: boolean;
  private readonly mode: "min" | "max";
  private best = Number.NaN;
  /** Paths written so far, in order. */
  readonly saved: string[] = [];

  constructor(
    readonly filepath: string,
    private readonly options: ModelCheckpointOptions = {},
  ) {
    super();
    this.monitor = options.monitor ?? "valLoss";
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.mode = monitorMode(this.monitor, options.mode ?? "auto");
  }

  override onTrainBegin(): void {
    this.best = this.mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveBestOnly) {
      const value = logs[this.monitor];
      if (value === undefined) {
        throw new ValueError(
          `ModelCheckpoint: "${this.monitor}" is not in the logs (${Object.keys(logs).join(", ")})`,
        );
      }
      const better = this.mode === "min" ? value < this.best : value > this.best;
      if (!better) return;
      this.best = value;
    }
    const path = this.filepath.replace(/\{(\w+)\}/g, (whole, key: string) => {
      if (key === "epoch") return String(epoch + 1);
      return key in logs ? logs[key].toFixed(4) : whole;
    });
    await saveModel(this.context.model, path, this.options.config);
    this.saved.push(path);
  }
}
