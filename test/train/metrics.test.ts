import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import {
  Accuracy,
  MeanAbsoluteError,
  MeanSquaredError,
  TopKAccuracy,
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
});
