import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { arange, randn } from "../../../src/ops/creation.js";
import { Upsample } from "../../../src/nn/layers/upsample.js";

describe("Upsample", () => {
  it("repeats each pixel by the scale factor and sums the gradient back", async () => {
    const x = arange(1, 5, 1, { dtype: "float32" }).reshape([1, 1, 2, 2]).requiresGrad_();
    const y = new Upsample({ scaleFactor: 2 }).forward(x);
    expect(await y.array()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
    y.sum().backward();
    expect(await x.grad!.array()).toEqual([
      [
        [
          [4, 4],
          [4, 4],
        ],
      ],
    ]);
    expect(new Upsample({ size: [3, 5] }).forward(randn([2, 3, 2, 2])).shape).toEqual([2, 3, 3, 5]);
  });

  it("describes itself and rejects bad options", () => {
    expect(new Upsample({ scaleFactor: 2 }).describe()).toBe("Upsample(scaleFactor=2)");
    expect(new Upsample({ size: [7, 7] }).describe()).toBe("Upsample(size=7×7)");
    expect(() => new Upsample({})).toThrow(ValueError);
    expect(() => new Upsample({ scaleFactor: 2 }).forward(randn([4, 4]))).toThrow(ShapeError);
  });
});
