import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import type { LossKind } from "./losses_by_name.js";

/**
 * A running metric over the batches of an epoch, computed on the host from predictions and targets.
 * @example
 * const metrics: Metric[] = [new Accuracy(), new TopKAccuracy(2)];
 * const logits = tensor([[2, 1, 0], [0, 1, 2]]), labels = tensor([0, 1], { dtype: "int32" });
 * for (const m of metrics) m.update(logits, labels); // once per batch
 * metrics.map((m) => [m.name, m.result()]); // [["accuracy", 0.5], ["top2Accuracy", 1]]
 */
export interface Metric {
  /** Key in the logs (`accuracy`, and `valAccuracy` for validation). */
  readonly name: string;
  update(prediction: Tensor, target: Tensor): void;
  result(): number;
  reset(): void;
  /**
   * The batch's contribution as two scalar tensors computed on the device, [numerator, denominator]
   * (e.g. correct and counted predictions), so a GPU training loop accumulates them without reading.
   */
  deviceCounts?(prediction: Tensor, target: Tensor): [Tensor, Tensor];
  /** Adds counts read back from `deviceCounts` sums. */
  addCounts?(numerator: number, denominator: number): void;
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

/** `t` with axis 1 moved last: (N, C, d...) → (N, d..., C), so classes are the last axis. */
function classesLast(t: Tensor): Tensor {
  const axes = [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1];
  return t.permute(axes);
}

/**
 * A metric that counts correct predictions: the fraction correct over everything seen since `reset`.
 * @example
 * class Exact extends CountingMetric {
 *   readonly name = "exact";
 *   update(p: Tensor, t: Tensor) { this.total += p.size; this.correct += p.eq(t).sum().item(); }
 * }
 * const m = new Exact();
 * m.update(tensor([1, 2]), tensor([1, 3]));
 * m.result(); // 0.5
 */
export abstract class CountingMetric implements Metric {
  abstract readonly name: string;
  protected correct = 0;
  protected total = 0;
  abstract update(prediction: Tensor, target: Tensor): void;
  result(): number {
    return this.total === 0 ? 0 : this.correct / this.total;
  }
  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
  addCounts(correct: number, total: number): void {
    this.correct += correct;
    this.total += total;
  }
}

/** Predicted classes on the device: argmax over the last axis, or a threshold for one output. */
function deviceClasses(t: Tensor, threshold: number): Tensor {
  const c = t.rank <= 1 ? 1 : t.shape[t.rank - 1];
  if (c === 1) return t.reshape([-1]).gt(threshold).int();
  return t.argmax(-1).reshape([-1]);
}

/**
 * Fraction of correct class predictions: argmax over the classes, or a `threshold` (0.5) for a single
 * output. The classes are the last axis by default; with `classAxis: 1` they are axis 1 of (N, C, d...)
 * outputs, as cross-entropy reads them (what `compile` uses for `"crossEntropy"` and `"nll"`). Negative
 * integer labels (cross-entropy's `ignoreIndex`, -100) are not counted.
 * @example
 * const logits = tensor([[2, 1], [0, 3], [1, 0]]), labels = tensor([0, 1, 1], { dtype: "int32" });
 * const acc = new Accuracy();
 * acc.update(logits, labels);
 * acc.result(); // 0.6667
 * const sequenceLogits = randn([2, 5, 7]), tokenLabels = randint(0, 5, [2, 7]);
 * new Accuracy("accuracy", 0.5, 1).update(sequenceLogits, tokenLabels); // (N, C, T) against (N, T)
 */
export class Accuracy extends CountingMetric {
  constructor(
    readonly name = "accuracy",
    private readonly threshold = 0.5,
    private readonly classAxis: "last" | 1 = "last",
  ) {
    super();
  }
  update(prediction: Tensor, target: Tensor): void {
    if (this.classAxis === 1 && prediction.rank >= 3) {
      const floatTarget = target.dtype !== "int32" && target.dtype !== "bool";
      prediction = classesLast(prediction);
      if (floatTarget && target.rank === prediction.rank) target = classesLast(target);
    }
    const pred = classesOf(prediction.dataSync(), prediction.shape, this.threshold);
    const truth = targetClasses(this.name, prediction, target);
    this.count(pred, truth);
  }
  deviceCounts(prediction: Tensor, target: Tensor): [Tensor, Tensor] {
    if (this.classAxis === 1 && prediction.rank >= 3) {
      const floatTarget = target.dtype !== "int32" && target.dtype !== "bool";
      prediction = classesLast(prediction);
      if (floatTarget && target.rank === prediction.rank) target = classesLast(target);
    }
    const pred = deviceClasses(prediction, this.threshold);
    const truth =
      target.dtype === "int32" || target.dtype === "bool"
        ? target.reshape([-1]).int()
        : deviceClasses(target, 0.5);
    if (truth.size !== pred.size) {
      throw new ShapeError(
        `${this.name}: ${truth.size} labels for ${pred.size} predictions (prediction ${fmtShape(prediction.shape)}, target ${fmtShape(target.shape)})`,
      );
    }
    const counted = truth.ge(0);
    return [pred.eq(truth).logicalAnd(counted).sum(), counted.sum()];
  }
  private count(pred: Int32Array, truth: Int32Array): void {
    for (let i = 0; i < pred.length; i++) {
      if (truth[i] < 0) continue;
      if (pred[i] === truth[i]) this.correct++;
      this.total++;
    }
  }
}

/**
 * Fraction of correct yes/no predictions, element by element (so multi-label outputs count each label):
 * a prediction above `threshold` (0.5 for probabilities, 0 for logits) is a yes, and a target is a yes
 * when above 0.5. The accuracy `compile` uses with `"bce"` (threshold 0.5) and `"bceWithLogits"` (0).
 * @example
 * const acc = new BinaryAccuracy("accuracy", 0);
 * acc.update(tensor([2.1, -0.3]), tensor([1, 1]));
 * acc.result(); // 0.5
 */
export class BinaryAccuracy extends CountingMetric {
  constructor(
    readonly name = "accuracy",
    private readonly threshold = 0.5,
  ) {
    super();
  }
  update(prediction: Tensor, target: Tensor): void {
    if (prediction.size !== target.size) {
      throw new ShapeError(
        `${this.name}: prediction ${fmtShape(prediction.shape)} and target ${fmtShape(target.shape)} differ in size ` +
          "(binary accuracy compares them element by element)",
      );
    }
    const p = prediction.dataSync();
    const t = target.dataSync();
    for (let i = 0; i < p.length; i++) if (p[i] > this.threshold === t[i] > 0.5) this.correct++;
    this.total += p.length;
  }
  deviceCounts(prediction: Tensor, target: Tensor): [Tensor, Tensor] {
    if (prediction.size !== target.size) {
      throw new ShapeError(
        `${this.name}: prediction ${fmtShape(prediction.shape)} and target ${fmtShape(target.shape)} differ in size`,
      );
    }
    const agree = prediction
      .reshape([-1])
      .gt(this.threshold)
      .eq(target.reshape([-1]).gt(0.5));
    return [agree.sum(), agree.int().sum().mul(0).add(prediction.size)];
  }
}

/**
 * Fraction of samples whose true class is among the `k` highest scores.
 * @example
 * const top2 = new TopKAccuracy(2);
 * top2.update(tensor([[0.1, 0.5, 0.4], [0.6, 0.3, 0.1]]), tensor([2, 2], { dtype: "int32" }));
 * top2.result(); // 0.5: class 2 is second in the first row, last in the second
 */
export class TopKAccuracy extends CountingMetric {
  constructor(
    readonly k = 5,
    readonly name = `top${k}Accuracy`,
  ) {
    super();
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

/**
 * Mean squared error over all elements.
 * @example
 * const mse = new MeanSquaredError();
 * mse.update(tensor([1, 2]), tensor([1, 4]));
 * mse.update(tensor([0]), tensor([1])); // a second batch
 * mse.result(); // 1.6667: (0 + 4 + 1) / 3
 */
export class MeanSquaredError extends MeanError {
  constructor(name = "mse") {
    super(name, (d) => d * d);
  }
}

/**
 * Mean absolute error over all elements.
 * @example
 * const mae = new MeanAbsoluteError();
 * mae.update(tensor([1, 2]), tensor([2, 4]));
 * mae.result(); // 1.5
 */
export class MeanAbsoluteError extends MeanError {
  constructor(name = "mae") {
    super(name, Math.abs);
  }
}

/**
 * A metric given to `compile`: a name (`"accuracy"`, `"mse"`, `"mae"`, `"top5Accuracy"`) or a `Metric`.
 * @example
 * const metrics: MetricSpec[] = ["accuracy", new TopKAccuracy(2, "top2")];
 * model.compile({ optimizer: opt, loss: "crossEntropy", metrics });
 * Object.keys(model.evaluate(test)); // ["loss", "accuracy", "top2"]
 */
export type MetricSpec = "accuracy" | "mse" | "mae" | `top${number}Accuracy` | Metric;

/**
 * Turns a metric name into a Metric (`"accuracy"`, `"top5Accuracy"`, `"mse"`, `"mae"`). With the loss's
 * kind, `"accuracy"` means what fits it, as in Keras: a `BinaryAccuracy` for BCE (threshold 0.5) and
 * BCE with logits (threshold 0), the argmax `Accuracy` over axis 1 for cross-entropy and NLL (as they
 * read (N, C, d...) outputs), the argmax over the last axis otherwise.
 * @example
 * resolveMetric("accuracy", "binaryLogits"); // BinaryAccuracy with threshold 0
 * resolveMetric("accuracy", "binaryLogits") instanceof BinaryAccuracy; // true
 * resolveMetric("top3Accuracy").name; // "top3Accuracy"
 */
export function resolveMetric(spec: MetricSpec, kind?: LossKind): Metric {
  if (typeof spec !== "string") return spec;
  if (spec === "accuracy") {
    if (kind === "binary") return new BinaryAccuracy("accuracy", 0.5);
    if (kind === "binaryLogits") return new BinaryAccuracy("accuracy", 0);
    return kind === "multiclass" ? new Accuracy("accuracy", 0.5, 1) : new Accuracy();
  }
  if (spec === "mse") return new MeanSquaredError();
  if (spec === "mae") return new MeanAbsoluteError();
  const topK = /^top(\d+)Accuracy$/.exec(spec);
  if (topK) return new TopKAccuracy(Number(topK[1]));
  throw new ValueError(
    `compile: unknown metric "${spec}"; use accuracy, top5Accuracy, mse, mae or a Metric object`,
  );
}

/**
 * The metrics `compile` uses when given none: accuracy for a classification loss (cross-entropy, NLL,
 * BCE, BCE with logits, by name, function or module), nothing for regression losses (MSE, L1, Huber,
 * ...) and for loss functions of your own. `metrics: []` turns the default off.
 * @example
 * defaultMetrics("multiclass").map((m) => m.name); // ["accuracy"]
 * defaultMetrics(undefined); // []
 */
export function defaultMetrics(kind: LossKind | undefined): Metric[] {
  return kind === undefined ? [] : [resolveMetric("accuracy", kind)];
}
