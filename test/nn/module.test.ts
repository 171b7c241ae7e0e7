import { describe, expect, it } from "vitest";
import { ShapeError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";
import { randn, zeros } from "../../src/ops/creation.js";
import * as nn from "../../src/nn/index.js";
import { expectClose } from "../helpers/close.js";

const mlp = () =>
  new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));

class Net extends nn.Module {
  body = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Dropout(0.5));
  head = new nn.Linear(8, 2);
  scale = nn.buffer(zeros([2]));
  forward(x: Tensor): Tensor {
    return this.head.forward(this.body.forward(x)).add(this.scale);
  }
}

describe("nn barrel", () => {
  it("exports modules, layers, init and functional namespaces", () => {
    expect(typeof nn.init.kaimingUniform).toBe("function");
    expect(typeof nn.functional.crossEntropy).toBe("function");
    expect(typeof nn.functional.dropout).toBe("function");
    expect(typeof nn.functional.relu).toBe("function");
    expect(new nn.Linear(2, 3)).toBeInstanceOf(nn.Module);
    expect(new nn.CrossEntropyLoss()).toBeInstanceOf(nn.Module);
  });
});

describe("Module", () => {
  it("names parameters by position in a Sequential and by field in a class", () => {
    expect(
      mlp()
        .namedParameters()
        .map(([n]) => n),
    ).toEqual(["1.weight", "1.bias", "3.weight", "3.bias"]);
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    expect(seq.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias"]);
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      "body.0.weight",
      "body.0.bias",
      "head.weight",
      "head.bias",
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(["scale"]);
    // a module's own tensors come before its children's, as in PyTorch
    expect(Object.keys(net.stateDict())).toEqual([
      "scale",
      "body.0.weight",
      "body.0.bias",
      "head.weight",
      "head.bias",
    ]);
  });

  it("counts parameters: a 784-128-10 MLP has 101,770", () => {
    const model = mlp();
    expect(model.numParameters()).toBe(101_770);
    const s = model.summary([1, 1, 28, 28]);
    expect(s).toContain("Total parameters: 101,770");
    expect(s).toContain("Linear(784 → 128)");
    expect(s).toContain("100,480");
    expect(s).toContain("1,290");
    expect(s).toContain("(1, 784)");
    expect(s).toContain("(1, 10)");
    expect(String(model)).toContain("101,770");
  });

  it("propagates train() and eval() to every descendant", () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    const x = randn([3, 4]);
    expectClose(net.forward(x), net.forward(x));
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.body.train(false);
    expect(net.training).toBe(true);
    expect(net.body.layers[2].training).toBe(false);
  });

  it("round-trips a state dict and reports missing, unexpected and mismatched entries", () => {
    const a = new Net();
    const b = new Net();
    b.loadStateDict(a.stateDict());
    const x = randn([2, 4]);
    a.eval();
    b.eval();
    expectClose(b.forward(x), a.forward(x));
    // the values are copied, not shared
    expect(b.head.weight).not.toBe(a.head.weight);

    const state = { ...a.stateDict() };
    delete state["head.bias"];
    state.extra = zeros([1]);
    expect(() => b.loadStateDict(state)).toThrow(ShapeError);
    expect(() => b.loadStateDict(state)).toThrow(/missing keys: head\.bias.*unexpected keys: extra/);
    expect(b.loadStateDict(state, { strict: false })).toEqual({
      missing: ["head.bias"],
      unexpected: ["extra"],
    });

    const wrong = { ...a.stateDict(), "head.weight": zeros([3, 8]) };
    expect(() => b.loadStateDict(wrong)).toThrow(
      "loadStateDict: head.weight: shape (3, 8) in the state dict, (2, 8) in the model",
    );
  });

  it("converts parameters and buffers with to('float64') and keeps them trainable", () => {
    const net = new Net().to("float64");
    for (const [, t] of Object.entries(net.stateDict())) expect(t.dtype).toBe("float64");
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(net.parameters()).toHaveLength(4);
    const y = net.forward(randn([2, 4], { dtype: "float64" }));
    expect(y.dtype).toBe("float64");
    y.sum().backward();
    expect(net.head.weight.grad!.dtype).toBe("float64");
  });

  it("zeroGrad clears every gradient", () => {
    const model = mlp();
    model
      .forward(randn([2, 784]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it("reports a wrong input shape with the layer's description", () => {
    expect(() => mlp().forward(randn([32, 100]))).toThrow(
      "Linear(784 → 128) expected input (..., 784), got (32, 100)",
    );
  });
});
