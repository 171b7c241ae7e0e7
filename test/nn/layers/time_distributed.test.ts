import { describe, expect, it } from "vitest";
import { ShapeError } from "../../../src/base/errors.js";
import { manualSeed } from "../../../src/core/random.js";
import { Flatten } from "../../../src/nn/layers/flatten.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { LSTM } from "../../../src/nn/layers/lstm.js";
import { TimeDistributed } from "../../../src/nn/layers/time_distributed.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { randn } from "../../../src/ops/creation.js";
import { describeEachBackend } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";

describeEachBackend("TimeDistributed", () => {
  it("applies the layer to every step with shared weights", async () => {
    manualSeed(1);
    const inner = new Sequential(new Flatten(), new Linear(6, 4));
    const td = new TimeDistributed(inner);
    const x = randn([2, 5, 2, 3]);
    const y = td.forward(x);
    expect(y.shape).toEqual([2, 5, 4]);
    await expectClose(y.select(1, 3), inner.forward(x.select(1, 3)), { rtol: 1e-5, atol: 1e-6 });
    expect(Object.keys(td.stateDict())).toEqual(["layer.1.weight", "layer.1.bias"]);
    y.sum().backward();
    expect(inner.parameters().every((p) => p.grad !== null)).toBe(true);
  });

  it("puts a classifier on every output of a recurrent layer", () => {
    const model = new Sequential(new LSTM(3, 8, { batchFirst: true }), new TimeDistributed(new Linear(8, 5)));
    expect(model.forward(randn([4, 7, 3])).shape).toEqual([4, 7, 5]);
    expect(model.summary([4, 7, 3])).toContain("1.layer Linear(8 → 5)");
  });
});

describe("TimeDistributed errors", () => {
  it("needs a sequence of at least 3 dimensions", () => {
    const td = new TimeDistributed(new Linear(3, 2));
    expect(() => td.forward(randn([4, 3]))).toThrow(ShapeError);
    expect(() => td.forward(randn([4, 3]))).toThrow(
      "TimeDistributed(Linear(3 → 2)) expected input with at least 3 dimensions (batch, time, ...), got (4, 3)",
    );
  });
});
