import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../src/base/errors.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import type { Tensor } from "../../src/core/tensor.js";
import { arange, randn, tensor } from "../../src/ops/creation.js";
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  avgPool1d,
  avgPool2d,
  globalAvgPool2d,
  globalMaxPool2d,
  maxPool1d,
  maxPool2d,
} from "../../src/ops/pool.js";
import { interpolate } from "../../src/ops/upsample.js";
import { describeEachBackend } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

interface PoolCase {
  name: string;
  op: string;
  options: Record<string, any>;
  input: FixtureTensor;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
}

function apply(c: PoolCase, x: Tensor): Tensor {
  const { kernelSize, outputSize, ...rest } = c.options;
  switch (c.op) {
    case "maxPool1d":
      return maxPool1d(x, kernelSize, rest);
    case "maxPool2d":
      return maxPool2d(x, kernelSize, rest);
    case "avgPool1d":
      return avgPool1d(x, kernelSize, rest);
    case "avgPool2d":
      return avgPool2d(x, kernelSize, rest);
    case "adaptiveAvgPool1d":
      return adaptiveAvgPool1d(x, outputSize);
    case "adaptiveAvgPool2d":
      return adaptiveAvgPool2d(x, outputSize);
    case "interpolate":
      return interpolate(x, rest);
    default:
      throw new Error(`no op ${c.op} in the test table`);
  }
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

describeEachBackend("pooling and upsampling vs PyTorch (float32)", () => {
  for (const c of loadFixture<PoolCase>("pool").cases) {
    it(`${c.name}: output and input gradient`, () => {
      const x = fixtureTensor(c.input).requiresGrad_();
      const y = apply(c, x);
      expectClose(y, fixtureTensor(c.output), TOL);
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
    });
  }

  it("global pooling reduces every spatial axis to (N, C)", () => {
    const x = arange(0, 24).reshape([2, 3, 2, 2]);
    expect(globalAvgPool2d(x).toArray()).toEqual([
      [1.5, 5.5, 9.5],
      [13.5, 17.5, 21.5],
    ]);
    expect(globalMaxPool2d(x).toArray()).toEqual([
      [3, 7, 11],
      [15, 19, 23],
    ]);
  });
});

describe("pooling gradcheck (float64)", () => {
  const x = () => randn([1, 2, 5, 6], { dtype: "float64", requiresGrad: true });
  it("maxPool2d with padding, dilation and ceil mode", () => {
    expect(gradcheck((x) => maxPool2d(x, 2, { stride: 2, padding: 1, ceilMode: true }), [x()]).ok).toBe(true);
    expect(gradcheck((x) => maxPool2d(x, [2, 3], { stride: 1, dilation: [2, 1] }), [x()]).ok).toBe(true);
  });
  it("avgPool2d excluding padding, and adaptive pooling", () => {
    const opts = { stride: 2, padding: 1, ceilMode: true, countIncludePad: false };
    expect(gradcheck((x) => avgPool2d(x, 3, opts), [x()]).ok).toBe(true);
    expect(gradcheck((x) => adaptiveAvgPool2d(x, [3, 4]), [x()]).ok).toBe(true);
    expect(gradcheck((x) => interpolate(x, { size: [7, 9] }), [x()]).ok).toBe(true);
  });
});

describe("pooling semantics and errors", () => {
  it("shares a max-pool gradient equally among tied maxima of a window", () => {
    const x = tensor([1, 3, 3, 2], { requiresGrad: true });
    maxPool2d(x.reshape([1, 1, 2, 2]), 2)
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5, 0]);
  });

  it("ceil mode keeps the last partial window; unbatched input works", () => {
    const x = arange(0, 5).reshape([1, 5]);
    expect(maxPool1d(x, 2).toArray()).toEqual([[1, 3]]);
    expect(maxPool1d(x, 2, { ceilMode: true }).toArray()).toEqual([[1, 3, 4]]);
    expect(avgPool1d(x, 2, { ceilMode: true }).toArray()).toEqual([[0.5, 2.5, 4]]);
  });

  it("rejects bad arguments with messages that name them", () => {
    expect(() => maxPool2d(randn([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(ValueError);
    expect(() => maxPool2d(randn([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(
      "maxPool2d: padding 2 must be at most half the kernel 2×2",
    );
    expect(() => maxPool2d(randn([1, 1, 2, 2]), 3)).toThrow(ShapeError);
    expect(() => avgPool2d(randn([4, 4]), 2)).toThrow(
      "avgPool2d: expected input (N, C, H, W) or unbatched, got (4, 4)",
    );
    expect(() => adaptiveAvgPool2d(randn([1, 1, 4, 4]), [0, 2])).toThrow(ValueError);
    expect(() => globalAvgPool2d(randn([4, 4]))).toThrow(ShapeError);
    expect(() => interpolate(randn([1, 1, 4]), { size: 8, scaleFactor: 2 })).toThrow(
      "give exactly one of size and scaleFactor",
    );
  });
});
