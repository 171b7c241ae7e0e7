import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/core/tensor.js";
import * as A from "../../src/ops/activation.js";
import { tensor } from "../../src/ops/creation.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

interface ActivationCase {
  name: string;
  fn: string;
  options: Record<string, any>;
  input: FixtureTensor;
  output: FixtureTensor;
  grad_weight_upstream: FixtureTensor;
  grad_input: FixtureTensor;
}

function apply(c: ActivationCase, x: Tensor): Tensor {
  const o = c.options;
  switch (c.fn) {
    case "relu":
      return A.relu(x);
    case "silu":
      return A.silu(x);
    case "sigmoid":
      return A.sigmoid(x);
    case "tanh":
      return A.tanh(x);
    case "leakyRelu":
      return A.leakyRelu(x, o.negativeSlope);
    case "elu":
      return A.elu(x, o.alpha);
    case "gelu":
      return A.gelu(x, o.approximate);
    case "softmax":
      return A.softmax(x, o.dim);
    case "logSoftmax":
      return A.logSoftmax(x, o.dim);
    case "softplus":
      return A.softplus(x, o.beta, o.threshold);
    case "hardtanh":
      return A.hardtanh(x, o.minVal, o.maxVal);
    default:
      throw new Error(`no activation ${c.fn} in the test table`);
  }
}

const fixture = loadFixture<ActivationCase>("activations");
const cases = fixture.cases.map((c) => [c.name, c] as const);

describeEachBackend("activations", () => {
  describe("against PyTorch (activations.json), float64", () => {
    itNeeds("float64").each(cases)("%s: forward and gradient", async (_name, c) => {
      const x = fixtureTensor(c.input, "float64").requiresGrad_();
      const y = apply(c, x);
      expect(y.dtype).toBe("float64");
      expect(y.shape).toEqual(c.output.shape);
      await expectClose(y, c.output.data, { rtol: 1e-12, atol: 1e-13 });
      y.mul(fixtureTensor(c.grad_weight_upstream, "float64")).sum().backward();
      expect(x.grad!.shape).toEqual(c.input.shape);
      await expectClose(x.grad!, c.grad_input.data, { rtol: 1e-10, atol: 1e-12 });
    });
  });

  describe("against PyTorch (activations.json), float32", () => {
    it.each(cases)("%s: forward and gradient", async (_name, c) => {
      const x = fixtureTensor(c.input).requiresGrad_();
      const y = apply(c, x);
      expect(y.dtype).toBe("float32");
      await expectClose(y, c.output.data, { rtol: 1e-5, atol: 1e-6 });
      y.backward(fixtureTensor(c.grad_weight_upstream));
      await expectClose(x.grad!, c.grad_input.data, { rtol: 1e-4, atol: 1e-5 });
    });
  });

  it("softmax rows sum to one and survive huge logits", async () => {
    const s = A.softmax(
      tensor([
        [1000, 1001, 1002],
        [-1000, -1000, -1000],
      ]),
    );
    await expectClose(s.sum(1), [1, 1]);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const z = e[0] + e[1] + e[2];
    await expectClose(s.select(0, 0), [e[0] / z, e[1] / z, e[2] / z], { rtol: 1e-5 });
    await expectClose(s.select(0, 1), [1 / 3, 1 / 3, 1 / 3], { rtol: 1e-6 });
    const ls = A.logSoftmax(tensor([0, -1000]));
    await expectClose(ls, [0, -1000], { rtol: 1e-6 });
  });

  it("int inputs give float32; axes are checked", () => {
    const i = tensor([1, 2, 3], { dtype: "int32" });
    expect(A.softmax(i).dtype).toBe("float32");
    expect(A.gelu(i).dtype).toBe("float32");
    expect(() => A.softmax(tensor([1, 2]), 1)).toThrow(/axis 1 is out of range/);
  });

  itNeeds("float64")("logSigmoid matches log(sigmoid(x)) and stays finite far out", async () => {
    const xs = [-50, -3, -0.5, 0, 0.5, 3, 50];
    const y = A.logSigmoid(tensor(xs, { dtype: "float64" }));
    await expectClose(
      y,
      xs.map((v) => -Math.log1p(Math.exp(-v))),
      { rtol: 1e-12, atol: 1e-15 },
    );
    expect(await A.logSigmoid(tensor([-200])).itemAsync()).toBeCloseTo(-200, 3);
  });

  itNeeds("float64")("softplus switches to the identity above the threshold", async () => {
    expect(await A.softplus(tensor([30], { dtype: "float64" })).itemAsync()).toBe(30);
    await expectClose(A.softplus(tensor([15], { dtype: "float64" })), Math.log1p(Math.exp(15)), {
      rtol: 1e-14,
    });
    expect(await A.softplus(tensor([-800], { dtype: "float64" })).itemAsync()).toBeGreaterThanOrEqual(0);
  });
});
