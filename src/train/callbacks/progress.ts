import { Callback, type Logs } from "./callback.js";

/** Where progress goes: a terminal (bar redrawn in place) or a log (plain lines). */
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
 * Keras-style progress: on a terminal a bar redrawn in place with ETA and running metrics; in a log
 * (CI, a pipe) a plain line at each quarter of the epoch and one at its end.
 * @example
 * await model.fit(train, { epochs: 3, callbacks: [new ProgressBar()] }); // the default when verbose
 */
export class ProgressBar extends Callback {
  private out: ProgressOutput;
  private start = 0;
  private lastDraw = 0;
  private nextQuarter = 1;

  constructor(options: { output?: ProgressOutput; width?: number } = {}) {
    super();
    this.out = options.output ?? defaultOutput();
    this.width = options.width ?? 30;
  }
  private readonly width: number;

  override onEpochBegin(epoch: number): void {
    this.start = performance.now();
    this.lastDraw = 0;
    this.nextQuarter = 1;
    this.out.write(`Epoch ${epoch + 1}/${this.context.epochs}\n`);
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const total = this.context.stepsPerEpoch;
    const done = batch + 1;
    const now = performance.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100 && done < total) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line(done, total, logs, now, false)}\x1b[K`);
    } else if (total >= 8 && done < total && done >= (this.nextQuarter * total) / 4) {
      this.nextQuarter++;
      this.out.write(`${this.line(done, total, logs, now, false)}\n`);
    }
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const total = this.context.stepsPerEpoch;
    const text = this.line(total, total, logs, performance.now(), true);
    this.out.write(this.out.isTTY ? `\r${text}\x1b[K\n` : `${text}\n`);
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
      ? `${formatDuration(elapsed)} ${((1000 * elapsed) / Math.max(done, 1)).toFixed(0)}ms/step`
      : `ETA: ${formatDuration((elapsed / done) * (total - done))}`;
    const metrics = formatLogs(logs);
    return `${String(done).padStart(digits)}/${total} [${bar}] ${timing}${metrics ? ` - ${metrics}` : ""}`;
  }
}
