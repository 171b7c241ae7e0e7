import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";

/**
 * A running metric over the batches of an epoch, computed on the host from predictions and targets.
 * @example
 * const acc = new Accuracy(); acc.update(logits, labels); acc.result(); // fraction correct
 */
export interface Metric {
  /** Key in the logs (`accuracy`, and `valAccuracy` for validation). */
  readonly name: string;
  update(prediction: Tensor, target: Tensor): void;
  result(): number;
  reset(): void;
}

/** Class predictions of a batch: argmax over the last axis, or a 0.5 threshold for one output. */
function classesOf(values: ArrayLike<number>, shape: readonly number[], threshold: number): Int32Array {
  const c = shape.length <= 1 ? 1 : shape[shape.length - 1];
  const n = values.length / c;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (c === 1) {
      out[i] = values[i] > threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let j = 1; j < c; j++) if (values[i * c + j] > values[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Targets as class indices: int labels as they are, one-hot or probability rows by argmax. */
function targetClasses(metric: string, prediction: Tensor, target: Tensor): Int32Array {
  const t = target.dataSync();
  if (target.dtype === "int32" || target.dtype === "bool") {
    const rows =
      prediction.rank <= 1 ? prediction.size : prediction.size / prediction.shape[prediction.rank - 1];
    if (t.length !== rows) {
      throw new ShapeError(
        `${metric}: ${t.length} labels for ${rows} predictions (prediction ${fmtShape(prediction.shape)}, target ${fmtShape(target.shape)})`,
      );
    }
    return Int32Array.from(t);
  }
  if (target.size !== prediction.size) {
    throw new ShapeError(
      `${metric}: target ${fmtShape(target.shape)} does not match prediction ${fmtShape(prediction.shape)}`,
    );
  }
  return classesOf(t, target.shape, 0.5);
}

/** Fraction of correct class predictions (argmax over classes; threshold 0.5 for a single output). */
export class Accuracy implements Metric {
  private correct = 0;
  private total = 0;
  constructor(
    readonly name = "accuracy",
    private readonly threshold = 0.5,
  ) {}
  update(prediction: Tensor, target: Tensor): void {
    const pred = classesOf(prediction.dataSync(), prediction.shape, this.threshold);
    const truth = targetClasses(this.name, prediction, target);
    for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) this.correct++;
    this.total += pred.length;
  }
  result(): number {
    return this.total === 0 ? 0 : this.correct / this.total;
  }
  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
}

/** Fraction of samples whose true class is among the `k` highest scores. */
export class TopKAccuracy implements Metric {
  private correct = 0;
  private total = 0;
  constructor(
    readonly k = 5,
    readonly name = `top${k}Accuracy`,
  ) {
    if (!Number.isInteger(k) || k < 1)
      throw new ValueError(`TopKAccuracy: k must be a positive integer, got ${k}`);
  }
  update(prediction: Tensor, target: Tensor): void {
    const scores = prediction.dataSync();
    const c = prediction.shape[prediction.rank - 1];
    const truth = targetClasses(this.name, prediction, target);
    for (let i = 0; i < truth.length; i++) {
      const own = scores[i * c + truth[i]];
      let higher = 0;
      for (let j = 0; j < c; j++) if (scores[i * c + j] > own) higher++;
      if (higher < this.k) this.correct++;
    }
    this.total += truth.length;
  }
  result(): number {
    return this.total === 0 ? 0 : this.correct / this.total;
  }
  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
}

class MeanError implements Metric {
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly f: (d: number) => number,
  ) {}
  update(prediction: Tensor, target: Tensor): void {
    if (prediction.size !== target.size) {
      throw new ShapeError(
        `${this.name}: prediction ${fmtShape(prediction.shape)} and target ${fmtShape(target.shape)} differ in size`,
      );
    }
    const p = prediction.dataSync();
    const t = target.dataSync();
    for (let i = 0; i < p.length; i++) this.sum += this.f(p[i] - t[i]);
    this.count += p.length;
  }
  result(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}

/** Mean squared error over all elements. */
export class MeanSquaredError extends MeanError {
  constructor(name = "mse") {
    super(name, (d) => d * d);
  }
}

/** Mean absolute error over all elements. */
export class MeanAbsoluteError extends MeanError {
  constructor(name = "mae") {
    super(name, Math.abs);
  }
}

export type MetricSpec = "accuracy" | "mse" | "mae" | `top${number}Accuracy` | Metric;

/** Turns a metric name into a Metric (`"accuracy"`, `"top5Accuracy"`, `"mse"`, `"mae"`). */
export function resolveMetric(spec: MetricSpec): Metric {
  if (typeof spec !== "string") return spec;
  if (spec === "accuracy") return new Accuracy();
  if (spec === "mse") return new MeanSquaredError();
  if (spec === "mae") return new MeanAbsoluteError();
  const topK = /^top(\d+)Accuracy$/.exec(spec);
  if (topK) return new TopKAccuracy(Number(topK[1]));
  throw new ValueError(
    `compile: unknown metric "${spec}"; use accuracy, top5Accuracy, mse, mae or a Metric object`,
  );
}
