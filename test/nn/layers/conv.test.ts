import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { gradcheck } from "../../../src/autograd/gradcheck.js";
import { manualSeed } from "../../../src/core/random.js";
import { randn, zeros } from "../../../src/ops/creation.js";
import { conv2d } from "../../../src/ops/conv.js";
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from "../../../src/nn/layers/conv.js";
import { Flatten } from "../../../src/nn/layers/flatten.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { MaxPool2d } from "../../../src/nn/layers/pool.js";
import { ReLU } from "../../../src/nn/layers/activation.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { describeEachBackend, itNeeds } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

interface ConvCase {
  name: string;
  op: string;
  options: Record<string, any>;
  input: FixtureTensor;
  weight: FixtureTensor;
  bias: FixtureTensor | null;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor;
  grad_bias: FixtureTensor | null;
}

const LAYERS = {
  conv1d: Conv1d,
  conv2d: Conv2d,
  convTranspose1d: ConvTranspose1d,
  convTranspose2d: ConvTranspose2d,
};
const TOL = { rtol: 1e-4, atol: 1e-5 };

describeEachBackend("convolution layers with PyTorch weights", () => {
  const cases = loadFixture<ConvCase>("conv").cases.filter((c) =>
    [
      "conv2d_s2_p1_d1_g2",
      "conv2d_depthwise_x2",
      "conv1d_s1_psame_d2_g2_nobias",
      "convTranspose2d_s2_p1_op1",
    ].some((n) => c.name.startsWith(n)),
  );
  it("finds the cases it wants", () => expect(cases.length).toBe(4));
  for (const c of cases) {
    it(`${c.name}: loadStateDict, forward and backward`, async () => {
      const transposed = c.op.startsWith("convTranspose");
      const [a, b, ...kernel] = c.weight.shape;
      const groups = c.options.groups ?? 1;
      const [inC, outC] = transposed ? [a, b * groups] : [b * groups, a];
      const layer = new LAYERS[c.op as keyof typeof LAYERS](inC, outC, kernel, {
        ...c.options,
        bias: c.bias !== null,
      });
      layer.loadStateDict(
        c.bias
          ? { weight: fixtureTensor(c.weight), bias: fixtureTensor(c.bias) }
          : { weight: fixtureTensor(c.weight) },
      );
      const x = fixtureTensor(c.input).requiresGrad_();
      const y = layer.forward(x);
      await expectClose(y, fixtureTensor(c.output), TOL);
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
      await expectClose(layer.weight.grad!, fixtureTensor(c.grad_weight), TOL);
      if (c.grad_bias) await expectClose(layer.bias!.grad!, fixtureTensor(c.grad_bias), TOL);
    });
  }
});

describe("Conv2d", () => {
  it("lays out weight (out, in / groups, kH, kW) and initialises it as PyTorch (±1/√fanIn)", async () => {
    manualSeed(2);
    const conv = new Conv2d(32, 64, 5, { groups: 2 });
    expect(conv.weight.shape).toEqual([64, 16, 5, 5]);
    expect(conv.bias!.shape).toEqual([64]);
    const bound = 1 / Math.sqrt(16 * 25);
    for (const t of [conv.weight, conv.bias!]) {
      const v = Array.from(await t.data());
      expect(Math.max(...v)).toBeLessThanOrEqual(bound);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-bound);
      expect(Math.max(...v)).toBeGreaterThan(0.9 * bound);
    }
    expect(Object.keys(conv.stateDict())).toEqual(["weight", "bias"]);
    expect(new ConvTranspose2d(16, 8, 3).weight.shape).toEqual([16, 8, 3, 3]);
    expect(new Conv1d(4, 6, 3, { bias: false }).bias).toBeNull();
  });

  it("says which input it expected", () => {
    const conv = new Conv2d(3, 16, 3);
    expect(() => conv.forward(zeros([64, 1, 28, 28]))).toThrow(ShapeError);
    expect(() => conv.forward(zeros([64, 1, 28, 28]))).toThrow(
      "Conv2d(3 → 16, 3×3) expected input (N, 3, H, W) or (3, H, W), got (64, 1, 28, 28)",
    );
    expect(() => new Conv1d(4, 8, 3).forward(zeros([2, 4, 5, 5]))).toThrow(
      "Conv1d(4 → 8, 3) expected input (N, 4, L) or (4, L), got (2, 4, 5, 5)",
    );
    expect(() => new Conv2d(1, 4, 7).forward(zeros([1, 1, 5, 5]))).toThrow(
      "conv2d: kernel 7×7 is larger than the padded input 5×5",
    );
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(ValueError);
    expect(() => new Conv2d(3, 4, 0)).toThrow(ValueError);
  });

  it("describes itself with the options that differ from the defaults", () => {
    expect(new Conv2d(1, 32, 5, { padding: 2 }).describe()).toBe("Conv2d(1 → 32, 5×5, padding=2)");
    expect(new Conv2d(8, 8, [3, 1], { stride: 2, groups: 8, bias: false }).describe()).toBe(
      "Conv2d(8 → 8, 3×1, stride=2, groups=8, bias=false)",
    );
    expect(new Conv1d(2, 4, 3, { padding: "same" }).describe()).toBe('Conv1d(2 → 4, 3, padding="same")');
    expect(new ConvTranspose2d(4, 2, 3, { stride: 2, outputPadding: 1 }).describe()).toBe(
      "ConvTranspose2d(4 → 2, 3×3, stride=2, outputPadding=1)",
    );
  });

  itNeeds("float64")("passes gradcheck in float64 and builds a LeNet-like model with a summary", () => {
    const conv = new Conv2d(2, 3, 3, { padding: 1, stride: 2, dtype: "float64" });
    const x = randn([1, 2, 5, 5], { dtype: "float64", requiresGrad: true });
    const r = gradcheck((x, w, b) => conv2d(x, w, b, 2, 1), [x, conv.weight, conv.bias!]);
    expect(r.ok, r.message).toBe(true);
    const model = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(6, 16, 5),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(400, 10),
    );
    expect(model.forward(randn([2, 1, 28, 28])).shape).toEqual([2, 10]);
    const s = model.summary([1, 1, 28, 28]);
    expect(s).toContain("Conv2d(1 → 6, 5×5, padding=2)  (1, 6, 28, 28)");
    expect(s).toContain("MaxPool2d(2)");
    expect(s).toContain("(1, 16, 5, 5)");
    expect(model.numParameters()).toBe(6 * 25 + 6 + 16 * 6 * 25 + 16 + 4010);
  });
});
