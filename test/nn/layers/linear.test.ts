import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { gradcheck } from "../../../src/autograd/gradcheck.js";
import { manualSeed } from "../../../src/core/random.js";
import { randn } from "../../../src/ops/creation.js";
import { linear } from "../../../src/nn/functional.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { describeEachBackend, itNeeds } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

interface LinearCase {
  name: string;
  inFeatures: number;
  outFeatures: number;
  input: FixtureTensor;
  weight: FixtureTensor;
  bias: FixtureTensor | null;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor;
  grad_bias: FixtureTensor | null;
}

describeEachBackend("Linear vs PyTorch", () => {
  for (const c of loadFixture<LinearCase>("linear").cases) {
    it(`${c.name}: output and gradients of input, weight and bias`, async () => {
      const layer = new Linear(c.inFeatures, c.outFeatures, { bias: c.bias !== null });
      layer.loadStateDict(
        c.bias === null
          ? { weight: fixtureTensor(c.weight) }
          : { weight: fixtureTensor(c.weight), bias: fixtureTensor(c.bias) },
      );
      const x = fixtureTensor(c.input).requiresGrad_();
      const y = layer.forward(x);
      await expectClose(y, fixtureTensor(c.output));
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.grad_input));
      await expectClose(layer.weight.grad!, fixtureTensor(c.grad_weight));
      if (c.grad_bias) await expectClose(layer.bias!.grad!, fixtureTensor(c.grad_bias));
      else expect(layer.bias).toBeNull();
    });
  }
});

describe("Linear", () => {
  it("has weight [out, in] and bias [out], initialised in ±1/√in as PyTorch", async () => {
    manualSeed(1);
    const layer = new Linear(400, 300);
    expect(layer.weight.shape).toEqual([300, 400]);
    expect(layer.bias!.shape).toEqual([300]);
    const bound = 1 / Math.sqrt(400);
    for (const t of [layer.weight, layer.bias!]) {
      const v = Array.from(await t.data());
      expect(Math.max(...v)).toBeLessThanOrEqual(bound);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-bound);
      expect(Math.max(...v)).toBeGreaterThan(0.9 * bound);
    }
    // U(−b, b) has std b/√3
    const w = Array.from(await layer.weight.data());
    const std = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
    expect(Math.abs(std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.05);
    expect(layer.weight.requiresGrad && layer.bias!.requiresGrad).toBe(true);
  });

  it("applies over any leading axes and to a single vector", () => {
    const layer = new Linear(5, 3);
    expect(layer.forward(randn([2, 4, 5])).shape).toEqual([2, 4, 3]);
    expect(layer.forward(randn([5])).shape).toEqual([3]);
  });

  itNeeds("float64")("supports float64 and passes gradcheck", () => {
    const layer = new Linear(4, 3, { dtype: "float64" });
    expect(layer.weight.dtype).toBe("float64");
    const x = randn([2, 4], { dtype: "float64", requiresGrad: true });
    const r = gradcheck((x, w, b) => linear(x, w, b), [x, layer.weight, layer.bias!]);
    expect(r.ok, r.message).toBe(true);
  });

  it("describes itself and validates its input shape", () => {
    const layer = new Linear(784, 128);
    expect(layer.describe()).toBe("Linear(784 → 128)");
    expect(new Linear(3, 2, { bias: false }).describe()).toBe("Linear(3 → 2, bias=false)");
    expect(() => layer.forward(randn([32, 100]))).toThrow(ShapeError);
    expect(() => layer.forward(randn([32, 100]))).toThrow(
      "Linear(784 → 128) expected input (..., 784), got (32, 100)",
    );
    expect(() => new Linear(0, 3)).toThrow(ValueError);
    expect(() => new Linear(3, 2.5)).toThrow(/outFeatures must be a positive integer, got 2.5/);
  });

  it("functional linear checks its operands", () => {
    expect(() => linear(randn([2, 3]), randn([4, 5]))).toThrow(
      "linear: input (2, 3) does not fit weight (4, 5): expected input (..., 5)",
    );
    expect(() => linear(randn([2, 5]), randn([4, 5]), randn([3]))).toThrow(/bias must have shape \(4,\)/);
    expect(linear(randn([2, 5]), randn([4, 5])).shape).toEqual([2, 4]);
  });
});
