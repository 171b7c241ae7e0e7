import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { gradcheck } from "../../../src/autograd/gradcheck.js";
import type { Tensor } from "../../../src/core/tensor.js";
import { randn, tensor } from "../../../src/ops/creation.js";
import {
  ELU,
  GELU,
  Hardtanh,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  SiLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "../../../src/nn/layers/activation.js";
import { Identity } from "../../../src/nn/layers/identity.js";
import type { Module } from "../../../src/nn/module.js";
import { describeEachBackend, itInDtype, itNeeds } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

interface ActivationCase {
  name: string;
  fn: string;
  options: Record<string, any>;
  input: FixtureTensor;
  output: FixtureTensor;
  grad_weight_upstream: FixtureTensor;
  grad_input: FixtureTensor;
}

function moduleFor(fn: string, o: Record<string, any>): Module {
  switch (fn) {
    case "relu":
      return new ReLU();
    case "leakyRelu":
      return new LeakyReLU(o.negativeSlope);
    case "elu":
      return new ELU(o.alpha);
    case "gelu":
      return new GELU(o.approximate);
    case "silu":
      return new SiLU();
    case "sigmoid":
      return new Sigmoid();
    case "tanh":
      return new Tanh();
    case "softmax":
      return new Softmax(o.dim);
    case "logSoftmax":
      return new LogSoftmax(o.dim);
    case "softplus":
      return new Softplus(o.beta, o.threshold);
    case "hardtanh":
      return new Hardtanh(o.minVal, o.maxVal);
    default:
      throw new Error(`no module for ${fn}`);
  }
}

describeEachBackend("activation modules vs PyTorch", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const c of loadFixture<ActivationCase>("activations").cases) {
      itInDtype(dtype)(`${c.name} (${dtype})`, async () => {
        const m = moduleFor(c.fn, c.options);
        const x = fixtureTensor(c.input, dtype).requiresGrad_();
        const y = m.forward(x);
        const tol = dtype === "float32" ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-10, atol: 1e-12 };
        await expectClose(y, fixtureTensor(c.output, dtype), tol);
        y.mul(fixtureTensor(c.grad_weight_upstream, dtype)).sum().backward();
        await expectClose(x.grad!, fixtureTensor(c.grad_input, dtype), tol);
      });
    }
  }
});

describe("activation modules", () => {
  itNeeds("float64")(
    "pass gradcheck in float64, including at 0 where PyTorch picks a one-sided slope",
    async () => {
      const mods: Module[] = [new LeakyReLU(0.1), new ELU(0.7), new GELU(), new GELU("tanh"), new SiLU()];
      mods.push(new Softplus(2), new Softmax(0), new LogSoftmax(1), new Sigmoid(), new Tanh());
      for (const m of mods) {
        const x = randn([3, 4], { dtype: "float64", requiresGrad: true });
        const r = gradcheck((x) => m.forward(x), [x]);
        expect(r.ok, `${m.describe()}: ${r.message}`).toBe(true);
      }
      const at0 = async (m: Module) => {
        const x = tensor([0], { dtype: "float64", requiresGrad: true });
        m.forward(x).sum().backward();
        return await x.grad!.itemAsync();
      };
      expect(await at0(new ReLU())).toBe(0);
      expect(await at0(new LeakyReLU(0.2))).toBeCloseTo(0.2, 12);
      expect(await at0(new ELU(0.5))).toBeCloseTo(0.5, 12);
      expect(await at0(new Softplus())).toBeCloseTo(0.5, 12);
      expect(await at0(new SiLU())).toBeCloseTo(0.5, 12);
    },
  );

  it("describe themselves", () => {
    expect(new ReLU().describe()).toBe("ReLU");
    expect(new LeakyReLU(0.2).describe()).toBe("LeakyReLU(negativeSlope=0.2)");
    expect(new ELU().describe()).toBe("ELU(alpha=1)");
    expect(new GELU("tanh").describe()).toBe("GELU(approximate=tanh)");
    expect(new Softmax().describe()).toBe("Softmax(axis=-1)");
    expect(new LogSoftmax(1).describe()).toBe("LogSoftmax(axis=1)");
    expect(new Identity().describe()).toBe("Identity");
  });

  it("Softmax and LogSoftmax check their axis against the input", async () => {
    expect(() => new Softmax(2).forward(randn([4, 5]))).toThrow(ShapeError);
    expect(() => new Softmax(2).forward(randn([4, 5]))).toThrow(
      "Softmax(axis=2) expected input with at least 3 dimensions, got (4, 5)",
    );
    expect(() => new LogSoftmax(-3).forward(randn([4, 5]))).toThrow(/at least 3 dimensions/);
    await expectClose(new Softmax(1).forward(randn([2, 6])).sum(1), [1, 1], { rtol: 1e-6 });
  });

  it("GELU rejects an unknown approximation", () => {
    expect(() => new GELU("erf" as "none")).toThrow(ValueError);
  });

  it("Identity returns its input", () => {
    const x: Tensor = randn([2, 2]);
    expect(new Identity().forward(x)).toBe(x);
  });
});
