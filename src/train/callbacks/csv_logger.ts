import { writeFileAtomic } from "../../io/atomic_write.js";
import { Callback, type Logs } from "./callback.js";

/**
 * Writes one row per epoch (epoch number, then every logged value) to a CSV file. The file is
 * rewritten atomically each epoch, so a crash never leaves half a row.
 * @example
 * import { readFile } from "node:fs/promises";
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * await model.fit(train, { epochs: 2, verbose: 0, callbacks: [new CSVLogger("runs/mnist.csv")] });
 * (await readFile("runs/mnist.csv", "utf8")).split("\n")[0]; // "epoch,loss,accuracy"
 */
export class CSVLogger extends Callback {
  private header: string[] | null = null;
  private rows: string[] = [];

  constructor(
    readonly filename: string,
    private readonly options: { separator?: string } = {},
  ) {
    super();
  }

  override onTrainBegin(): void {
    this.header = null;
    this.rows = [];
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const sep = this.options.separator ?? ",";
    if (this.header === null) this.header = ["epoch", ...Object.keys(logs)];
    this.rows.push(
      this.header.map((k) => (k === "epoch" ? String(epoch) : k in logs ? String(logs[k]) : "")).join(sep),
    );
    await writeFileAtomic(this.filename, `${[this.header.join(sep), ...this.rows].join("\n")}\n`);
  }
}
