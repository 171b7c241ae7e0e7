import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { randn } from "../../../src/ops/creation.js";
import { GroupNorm, LayerNorm } from "../../../src/nn/layers/norm.js";
import { describeEachBackend } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

interface NormCase {
  name: string;
  op: string;
  options: Record<string, any>;
  input: FixtureTensor;
  weight: FixtureTensor | null;
  bias: FixtureTensor | null;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor | null;
  grad_bias: FixtureTensor | null;
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

describeEachBackend("LayerNorm and GroupNorm layers vs PyTorch", () => {
  for (const c of loadFixture<NormCase>("norm").cases.filter((c) => c.op !== "batchNorm")) {
    it(c.name, async () => {
      const affine = c.weight !== null;
      const layer =
        c.op === "layerNorm"
          ? new LayerNorm(c.options.normalizedShape, { eps: c.options.eps, elementwiseAffine: affine })
          : new GroupNorm(c.options.numGroups, c.input.shape[1], { eps: c.options.eps, affine });
      if (affine) layer.loadStateDict({ weight: fixtureTensor(c.weight!), bias: fixtureTensor(c.bias!) });
      const x = fixtureTensor(c.input).requiresGrad_();
      const y = layer.forward(x);
      await expectClose(y, fixtureTensor(c.output), TOL);
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
      if (affine) {
        await expectClose(layer.weight!.grad!, fixtureTensor(c.grad_weight!), TOL);
        await expectClose(layer.bias!.grad!, fixtureTensor(c.grad_bias!), TOL);
      }
    });
  }
});

describe("LayerNorm and GroupNorm", () => {
  it("have PyTorch's parameters, initialised to ones and zeros", async () => {
    const ln = new LayerNorm([3, 4]);
    expect(ln.weight!.shape).toEqual([3, 4]);
    expect(Array.from(await ln.weight!.data()).every((v) => v === 1)).toBe(true);
    expect(new LayerNorm(8, { bias: false }).bias).toBeNull();
    expect(new LayerNorm(8, { elementwiseAffine: false }).numParameters()).toBe(0);
    expect(new GroupNorm(2, 6).numParameters()).toBe(12);
  });

  it("behave the same in training and evaluation", async () => {
    const ln = new LayerNorm(6);
    const x = randn([3, 6]);
    const a = ln.forward(x);
    ln.eval();
    await expectClose(ln.forward(x), a);
  });

  it("explain bad configurations and inputs", () => {
    expect(() => new GroupNorm(4, 6)).toThrow(ValueError);
    expect(() => new LayerNorm(8).forward(randn([2, 6]))).toThrow(ShapeError);
    expect(() => new LayerNorm(8).forward(randn([2, 6]))).toThrow(
      "LayerNorm((8,)) expected input (..., 8), got (2, 6)",
    );
    expect(() => new GroupNorm(2, 6).forward(randn([2, 4, 3]))).toThrow(
      "GroupNorm(2, 6) expected input (N, 6, ...), got (2, 4, 3)",
    );
  });
});
