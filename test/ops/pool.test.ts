import { describe, expect, it } from "vitest";
import { ArgumentError, ShapeError, ValueError } from "../../src/base/errors.js";
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
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
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

/** The same call in PyTorch's positional order (F.max_pool2d(x, k, stride, padding, dilation, ceil_mode), ...). */
function applyPositional(c: PoolCase, x: Tensor): Tensor {
  const o = c.options;
  const k = o.kernelSize;
  switch (c.op) {
    case "maxPool1d":
      return maxPool1d(x, k, o.stride ?? null, o.padding ?? 0, o.dilation ?? 1, o.ceilMode ?? false);
    case "maxPool2d":
      return maxPool2d(x, k, o.stride ?? null, o.padding ?? 0, o.dilation ?? 1, o.ceilMode ?? false);
    case "avgPool1d":
      return avgPool1d(
        x,
        k,
        o.stride ?? null,
        o.padding ?? 0,
        o.ceilMode ?? false,
        o.countIncludePad ?? true,
      );
    case "avgPool2d":
      return avgPool2d(
        x,
        k,
        o.stride ?? null,
        o.padding ?? 0,
        o.ceilMode ?? false,
        o.countIncludePad ?? true,
        o.divisorOverride ?? null,
      );
    case "interpolate":
      return interpolate(x, o.size ?? null, o.scaleFactor ?? null, "nearest");
    default:
      return apply(c, x);
  }
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

describeEachBackend("pooling and upsampling vs PyTorch (float32)", () => {
  for (const c of loadFixture<PoolCase>("pool").cases) {
    it(`${c.name}: output and input gradient`, async () => {
      const x = fixtureTensor(c.input).requiresGrad_();
      const y = apply(c, x);
      await expectClose(y, fixtureTensor(c.output), TOL);
      await expectClose(applyPositional(c, x.detach()), y, { rtol: 0, atol: 0 });
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
    });
  }

  it("global pooling reduces every spatial axis to (N, C)", async () => {
    const x = arange(0, 24).reshape([2, 3, 2, 2]);
    expect(await globalAvgPool2d(x).array()).toEqual([
      [1.5, 5.5, 9.5],
      [13.5, 17.5, 21.5],
    ]);
    expect(await globalMaxPool2d(x).array()).toEqual([
      [3, 7, 11],
      [15, 19, 23],
    ]);
  });
});

describe("pooling gradcheck (float64)", () => {
  const x = () => randn([1, 2, 5, 6], { dtype: "float64", requiresGrad: true });
  itNeeds("float64")("maxPool2d with padding, dilation and ceil mode", () => {
    expect(gradcheck((x) => maxPool2d(x, 2, { stride: 2, padding: 1, ceilMode: true }), [x()]).ok).toBe(true);
    expect(gradcheck((x) => maxPool2d(x, [2, 3], { stride: 1, dilation: [2, 1] }), [x()]).ok).toBe(true);
  });
  itNeeds("float64")("avgPool2d excluding padding, and adaptive pooling", () => {
    const opts = { stride: 2, padding: 1, ceilMode: true, countIncludePad: false };
    expect(gradcheck((x) => avgPool2d(x, 3, opts), [x()]).ok).toBe(true);
    expect(gradcheck((x) => adaptiveAvgPool2d(x, [3, 4]), [x()]).ok).toBe(true);
    expect(gradcheck((x) => interpolate(x, { size: [7, 9] }), [x()]).ok).toBe(true);
  });
});

describe("pooling semantics and errors", () => {
  it("shares a max-pool gradient equally among tied maxima of a window", async () => {
    const x = tensor([1, 3, 3, 2], { requiresGrad: true });
    maxPool2d(x.reshape([1, 1, 2, 2]), 2)
      .sum()
      .backward();
    expect(await x.grad!.array()).toEqual([0, 0.5, 0.5, 0]);
  });

  it("ceil mode keeps the last partial window; unbatched input works", async () => {
    const x = arange(0, 5).reshape([1, 5]);
    expect(await maxPool1d(x, 2).array()).toEqual([[1, 3]]);
    expect(await maxPool1d(x, 2, { ceilMode: true }).array()).toEqual([[1, 3, 4]]);
    expect(await avgPool1d(x, 2, { ceilMode: true }).array()).toEqual([[0.5, 2.5, 4]]);
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

  it("never ignores an argument: too many, wrong kinds and unknown options are ArgumentErrors", () => {
    const x = randn([1, 1, 4, 4]);
    const any = (f: unknown) => f as (...args: unknown[]) => unknown;
    expect(() => any(maxPool2d)(x, 2, 2, 0, 1, false, false, 1)).toThrow(
      "maxPool2d takes at most 7 arguments (x, kernelSize, stride, padding, dilation, ceilMode, returnIndices), got 8",
    );
    expect(() => any(maxPool2d)(x, 2, null, 0, 1, false, true)).toThrow(
      "maxPool2d: returnIndices is not supported (got true)",
    );
    expect(() => any(maxPool2d)(x, 2, { strides: 1 })).toThrow(
      'maxPool2d: unknown option "strides" in options; known: stride, padding, dilation, ceilMode, returnIndices',
    );
    expect(() => any(maxPool2d)(x, 2, null, 0, 1, "yes")).toThrow(
      'maxPool2d: ceilMode must be true or false, got the string "yes"',
    );
    expect(() => any(avgPool2d)(x, 2, 2, 0, false, 1)).toThrow(
      "avgPool2d: countIncludePad must be true or false, got the number 1",
    );
    expect(() => any(avgPool1d)(randn([1, 1, 4]), 2, 2, 0, false, true, 3)).toThrow(
      "avgPool1d takes at most 6 arguments (x, kernelSize, stride, padding, ceilMode, countIncludePad), got 7",
    );
    expect(() => any(maxPool2d)(x, randn([2]))).toThrow(
      "maxPool2d: kernelSize must be a positive integer or a list of 2, got a Tensor of shape (2,)",
    );
    expect(() => any(adaptiveAvgPool2d)(x, 2, 2)).toThrow(ArgumentError);
    expect(() => any(interpolate)(randn([1, 1, 4]), 8, null, "nearest", true)).toThrow(
      "interpolate takes at most 4 arguments (x, size, scaleFactor, mode), got 5",
    );
    expect(() => any(globalMaxPool2d)([1, 2, 3])).toThrow(
      "globalMaxPool2d: x must be a Tensor, got the array [1,2,3]",
    );
    // positional stride as in F.max_pool2d(x, 3, 1, 1)
    expect(maxPool2d(x, 3, 1, 1).shape).toEqual([1, 1, 4, 4]);
  });
});
