import { describe, expect, it } from "vitest";
import { ShapeError } from "../../../src/base/errors.js";
import { arange, randn } from "../../../src/ops/creation.js";
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  GlobalAvgPool2d,
  GlobalMaxPool2d,
  MaxPool1d,
  MaxPool2d,
} from "../../../src/nn/layers/pool.js";
import { maxPool2d } from "../../../src/ops/pool.js";
import { expectClose } from "../../helpers/close.js";

describe("pooling layers", () => {
  it("apply their functional forms with the stored options", async () => {
    const x = randn([2, 3, 9, 8]);
    await expectClose(
      new MaxPool2d(3, { stride: 2, padding: 1 }).forward(x),
      maxPool2d(x, 3, { stride: 2, padding: 1 }),
    );
    expect(new MaxPool2d(2).forward(x).shape).toEqual([2, 3, 4, 4]);
    expect(new MaxPool2d(2, { ceilMode: true }).forward(x).shape).toEqual([2, 3, 5, 4]);
    expect(new AvgPool2d([3, 2]).forward(x).shape).toEqual([2, 3, 3, 4]);
    expect(new AdaptiveAvgPool2d([4, null]).forward(x).shape).toEqual([2, 3, 4, 8]);
    expect(new AdaptiveAvgPool2d(1).forward(x).shape).toEqual([2, 3, 1, 1]);
    expect(new GlobalAvgPool2d().forward(x).shape).toEqual([2, 3]);
    expect(new GlobalMaxPool2d().forward(x).shape).toEqual([2, 3]);
    const s = randn([2, 3, 10]);
    expect(new MaxPool1d(2).forward(s).shape).toEqual([2, 3, 5]);
    expect(new AvgPool1d(3, { stride: 1, padding: 1 }).forward(s).shape).toEqual([2, 3, 10]);
    expect(new AdaptiveAvgPool1d(4).forward(s).shape).toEqual([2, 3, 4]);
  });

  it("average pooling averages, global pooling matches adaptive pooling to 1×1", async () => {
    const x = arange(0, 16).reshape([1, 1, 4, 4]);
    expect(await new AvgPool2d(2).forward(x).array()).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
    await expectClose(new GlobalAvgPool2d().forward(x), new AdaptiveAvgPool2d(1).forward(x).reshape([1, 1]));
  });

  it("describe themselves and reject wrong ranks", () => {
    expect(new MaxPool2d(2).describe()).toBe("MaxPool2d(2)");
    expect(new MaxPool2d([3, 3], { stride: 2, padding: 1 }).describe()).toBe(
      "MaxPool2d(3×3, stride=2, padding=1)",
    );
    expect(new AvgPool2d(3, { countIncludePad: false }).describe()).toBe(
      "AvgPool2d(3, countIncludePad=false)",
    );
    expect(new AdaptiveAvgPool2d([7, null]).describe()).toBe("AdaptiveAvgPool2d(7×null)");
    expect(() => new MaxPool2d(2).forward(randn([4, 4]))).toThrow(ShapeError);
    expect(() => new MaxPool2d(2).forward(randn([4, 4]))).toThrow(
      "MaxPool2d(2) expected input (N, C, H, W) or (C, H, W), got (4, 4)",
    );
    expect(() => new GlobalAvgPool2d().forward(randn([2, 3, 4]))).toThrow(
      "GlobalAvgPool2d expected input (N, C, H, W), got (2, 3, 4)",
    );
  });
});
