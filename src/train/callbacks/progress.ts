import { Callback, type Logs } from "./callback.js";

/**
 * Where progress goes: a terminal (bar redrawn in place) or a log (one line per epoch).
 * @example
 * const lines: string[] = [];
 * const output: ProgressOutput = { isTTY: false, write: (text) => lines.push(text) };
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * await model.fit(train, { epochs: 2, verbose: 0, callbacks: [new ProgressBar({ output })] });
 * lines.length; // 2: one line per epoch
 */
export interface ProgressOutput {
  isTTY: boolean;
  write(text: string): void;
}

function defaultOutput(): ProgressOutput {
  const proc = (globalThis as { process?: { stdout?: { isTTY?: boolean; write(s: string): void } } }).process;
  if (proc?.stdout) return { isTTY: Boolean(proc.stdout.isTTY), write: (s) => proc.stdout!.write(s) };
  let line = "";
  return {
    isTTY: false,
    write: (s) => {
      line += s;
      const parts = line.split("\n");
      line = parts.pop() ?? "";
      for (const p of parts) console.log(p);
    },
  };
}

/**
 * Logs as the progress bar prints them (`lr` left out).
 * @example
 * formatLogs({ loss: 0.51804, accuracy: 0.875, lr: 0.1 }); // "loss: 0.5180 - accuracy: 0.8750"
 * formatLogs({ loss: 0.00001234 }); // "loss: 1.234e-5"
 */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== "lr")
    .map(
      ([k, v]) =>
        `${k}: ${Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)}`,
    )
    .join(" - ");
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - 60 * m)).padStart(2, "0")}s`;
}

/**
 * Keras-style progress. On a terminal: an `Epoch 1/3` line, then a bar redrawn in place with ETA and
 * running metrics, ending in the epoch's totals. In a log (CI, a pipe, a file): one line per epoch,
 * written when the epoch ends, e.g. `Epoch 1/3 - 32/32 - 0.4s 12ms/step - loss: 0.5180 - accuracy: 0.8750`.
 * @example
 * model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss: "crossEntropy" });
 * await model.fit(train, { epochs: 3, callbacks: [new ProgressBar()] }); // the default when verbose
 * // Epoch 1/3 - 2/2 - 0.0s 3ms/step - loss: 1.1361 - accuracy: 0.3125 ...
 */
export class ProgressBar extends Callback {
  private out: ProgressOutput;
  private start = 0;
  private lastDraw = 0;

  constructor(options: { output?: ProgressOutput; width?: number } = {}) {
    super();
    this.out = options.output ?? defaultOutput();
    this.width = options.width ?? 30;
  }
  private readonly width: number;

  override onEpochBegin(epoch: number): void {
    this.start = performance.now();
    this.lastDraw = 0;
    if (this.out.isTTY) this.out.write(`Epoch ${epoch + 1}/${this.context.epochs}\n`);
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    if (!this.out.isTTY) return;
    const total = this.context.stepsPerEpoch;
    const done = batch + 1;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    this.out.write(`\r${this.line(done, total, logs, now, false)}\x1b[K`);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const total = this.context.stepsPerEpoch;
    const now = performance.now();
    if (this.out.isTTY) {
      this.out.write(`\r${this.line(total, total, logs, now, true)}\x1b[K\n`);
      return;
    }
    const metrics = formatLogs(logs);
    this.out.write(
      `Epoch ${epoch + 1}/${this.context.epochs} - ${total}/${total} - ${this.timing(total, now)}` +
        `${metrics ? ` - ${metrics}` : ""}\n`,
    );
  }

  override onWarning(message: string): void {
    this.out.write(`Warning: ${message}\n`);
  }

  private line(done: number, total: number, logs: Logs, now: number, final: boolean): string {
    const elapsed = (now - this.start) / 1000;
    const digits = String(total).length;
    const filled = Math.round((this.width * done) / Math.max(total, 1));
    const bar =
      done >= total
        ? "=".repeat(this.width)
        : `${"=".repeat(Math.max(0, filled - 1))}>${".".repeat(this.width - filled)}`;
    const timing = final
      ? this.timing(done, now)
      : `ETA: ${formatDuration((elapsed / done) * (total - done))}`;
    const metrics = formatLogs(logs);
    return `${String(done).padStart(digits)}/${total} [${bar}] ${timing}${metrics ? ` - ${metrics}` : ""}`;
  }

  /** `1.2s 37ms/step`: the epoch's time so far and the time per step. */
  private timing(done: number, now: number): string {
    const elapsed = (now - this.start) / 1000;
    return `${formatDuration(elapsed)} ${((1000 * elapsed) / Math.max(done, 1)).toFixed(0)}ms/step`;
  }
}
