import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import {
  Accuracy,
  BinaryAccuracy,
  MeanAbsoluteError,
  MeanSquaredError,
  TopKAccuracy,
  defaultMetrics,
  resolveMetric,
} from "../../src/train/metrics.js";

describe("metrics", () => {
  const logits = tensor([
    [0.1, 2.0, 0.3],
    [1.5, 0.2, 0.1],
    [0.0, 0.1, 0.2],
    [0.9, 1.0, 0.8],
  ]);
  const labels = tensor([1, 0, 0, 2], { dtype: "int32" });

  it("accuracy from class indices, one-hot targets and a single sigmoid output", () => {
    const acc = new Accuracy();
    acc.update(logits, labels);
    expect(acc.result()).toBe(0.5);
    acc.update(logits, labels.oneHot(3));
    expect(acc.result()).toBe(0.5);
    acc.reset();
    acc.update(tensor([[0.9], [0.2], [0.6]]), tensor([[1], [1], [0]]));
    expect(acc.result()).toBeCloseTo(1 / 3);
  });

  it("top-k accuracy", () => {
    const top2 = new TopKAccuracy(2);
    top2.update(logits, labels);
    // row 3: class 0 has score 0.0, two classes score higher → miss; row 4: class 2 is third → miss
    expect(top2.result()).toBe(0.5);
    expect(resolveMetric("top2Accuracy").name).toBe("top2Accuracy");
  });

  it("mse and mae", () => {
    const mse = new MeanSquaredError();
    const mae = new MeanAbsoluteError();
    const p = tensor([1, 2, 3]);
    const t = tensor([1, 4, 0]);
    mse.update(p, t);
    mae.update(p, t);
    expect(mse.result()).toBeCloseTo(13 / 3);
    expect(mae.result()).toBeCloseTo(5 / 3);
  });

  it("clear errors for mismatched labels and unknown names", () => {
    expect(() => new Accuracy().update(logits, tensor([1, 2], { dtype: "int32" }))).toThrow(
      /2 labels for 4 predictions/,
    );
    expect(() => resolveMetric("f1" as never)).toThrow(/unknown metric "f1"/);
  });

  it("binary accuracy compares each output with a threshold, each target with 0.5", () => {
    const probs = new BinaryAccuracy();
    probs.update(tensor([[0.9], [0.4], [0.6], [0.1]]), tensor([1, 1, 0, 0]));
    expect(probs.result()).toBe(0.5);
    // logits (threshold 0), multi-label: every element counts
    const logits2 = new BinaryAccuracy("accuracy", 0);
    logits2.update(
      tensor([
        [2, -1],
        [-0.5, 0.3],
      ]),
      tensor([
        [1, 0],
        [1, 1],
      ]),
    );
    expect(logits2.result()).toBe(0.75);
    expect(() => probs.update(tensor([0.1, 0.2]), tensor([1, 0, 1]))).toThrow(
      /accuracy: prediction \(2,\) and target \(3,\) differ in size/,
    );
  });

  it("'accuracy' means what fits the loss, and classification losses default to it", () => {
    expect(resolveMetric("accuracy")).toBeInstanceOf(Accuracy);
    expect(resolveMetric("accuracy", "multiclass")).toBeInstanceOf(Accuracy);
    const logit = resolveMetric("accuracy", "binaryLogits");
    expect(logit).toBeInstanceOf(BinaryAccuracy);
    logit.update(tensor([0.2, -0.2]), tensor([1, 0])); // right only with threshold 0
    expect(logit.result()).toBe(1);
    const prob = resolveMetric("accuracy", "binary");
    prob.update(tensor([0.2, 0.7]), tensor([0, 1])); // right only with threshold 0.5
    expect(prob.result()).toBe(1);
    expect(defaultMetrics("multiclass").map((m) => [m.constructor.name, m.name])).toEqual([
      ["Accuracy", "accuracy"],
    ]);
    expect(defaultMetrics("binary").map((m) => m.constructor.name)).toEqual(["BinaryAccuracy"]);
    expect(defaultMetrics(undefined)).toEqual([]);
  });

  it("reads classes on axis 1 of (N, C, d...) for cross-entropy, and skips ignored labels", () => {
    // 1 example, 3 classes, 2 positions: argmax over the classes is 2 at position 0 and 0 at position 1
    const seq = tensor([
      [
        [0.1, 0.9],
        [0.2, 0.0],
        [0.7, 0.1],
      ],
    ]);
    const acc = resolveMetric("accuracy", "multiclass");
    acc.update(seq, tensor([[2, 1]], { dtype: "int32" }));
    expect(acc.result()).toBe(0.5);
    acc.update(seq, tensor([[-100, 0]], { dtype: "int32" })); // the ignored label is not counted
    expect(acc.result()).toBeCloseTo(2 / 3);
    // probabilities of the input's shape, also with classes on axis 1
    const probs = new Accuracy("accuracy", 0.5, 1);
    probs.update(seq, seq);
    expect(probs.result()).toBe(1);
    // the last-axis reading (explicit "accuracy" without a loss) sees 1·3 rows of 2 "classes"
    expect(() => new Accuracy().update(seq, tensor([[2, 1]], { dtype: "int32" }))).toThrow(
      /2 labels for 3 predictions/,
    );
  });
});
