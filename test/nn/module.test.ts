import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ArgumentError, ShapeError } from "../../src/base/errors.js";
import { noGrad } from "../../src/core/grad_mode.js";
import { tidy } from "../../src/core/memory.js";
import type { Tensor } from "../../src/core/tensor.js";
import { deserialize } from "../../src/io/save.js";
import { ones, randn, zeros } from "../../src/ops/creation.js";
import * as nn from "../../src/nn/index.js";
import { TensorDataset } from "../../src/data/dataset.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

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

  it("propagates train() and eval() to every descendant", async () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    const x = randn([3, 4]);
    await expectClose(net.forward(x), net.forward(x));
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.body.train(false);
    expect(net.training).toBe(true);
    expect(net.body.layers[2].training).toBe(false);
  });

  it("round-trips a state dict and reports missing, unexpected and mismatched entries", async () => {
    const a = new Net();
    const b = new Net();
    b.loadStateDict(a.stateDict());
    const x = randn([2, 4]);
    a.eval();
    b.eval();
    await expectClose(b.forward(x), a.forward(x));
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

  it("stateDict({ clone: true }) is a snapshot that survives tidy and later updates", async () => {
    const net = new Net();
    const before = await net.head.weight.data();
    const snap = tidy(() => net.stateDict({ clone: true }));
    expect(Object.keys(snap)).toEqual(Object.keys(net.stateDict()));
    for (const [k, t] of Object.entries(net.stateDict())) {
      expect(snap[k]).not.toBe(t);
      expect(snap[k].requiresGrad).toBe(false);
    }
    noGrad(() => {
      net.head.weight.assign(zeros([2, 8]));
      net.scale.assign(ones([2]));
    });
    // the copy kept the old values though the scope it was made in has ended
    expect(Array.from(await snap["head.weight"].data())).toEqual(Array.from(before));
    expect(Array.from(await snap.scale.data())).toEqual([0, 0]);
    net.loadStateDict(snap);
    expect(Array.from(await net.head.weight.data())).toEqual(Array.from(before));
    expect(Array.from(await net.scale.data())).toEqual([0, 0]);
    for (const t of Object.values(snap)) t.dispose();
    // the model's own tensors are untouched by disposing the snapshot
    expect(Array.from(await net.head.weight.data())).toEqual(Array.from(before));
  });

  itNeeds("float64")("converts parameters and buffers with to('float64') and keeps them trainable", () => {
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

interface StateDictCase {
  name: string;
  kind: "net" | "keys";
  keys: string[] | [string, number[]][];
  file?: string;
  input?: FixtureTensor;
  eval_output?: FixtureTensor;
  train_output?: FixtureTensor;
  running_mean?: FixtureTensor;
  running_var?: FixtureTensor;
  num_batches_tracked?: number;
}

const stateDictCases = loadFixture<StateDictCase>("state_dict").cases;

/** Strata's module for each PyTorch module of state_dict.json (same constructor arguments). */
const STRATA: Record<string, () => nn.Module> = {
  "Linear(5, 3)": () => new nn.Linear(5, 3),
  "Linear(5, 3, bias=False)": () => new nn.Linear(5, 3, { bias: false }),
  "Conv1d(2, 4, 3)": () => new nn.Conv1d(2, 4, 3),
  "Conv2d(2, 4, 3, bias=False)": () => new nn.Conv2d(2, 4, 3, { bias: false }),
  "ConvTranspose1d(4, 2, 3)": () => new nn.ConvTranspose1d(4, 2, 3),
  "ConvTranspose2d(4, 2, 3, groups=2)": () => new nn.ConvTranspose2d(4, 2, 3, { groups: 2 }),
  "BatchNorm1d(3)": () => new nn.BatchNorm1d(3),
  "BatchNorm2d(3, affine=False)": () => new nn.BatchNorm2d(3, { affine: false }),
  "BatchNorm2d(3, track_running_stats=False)": () => new nn.BatchNorm2d(3, { trackRunningStats: false }),
  "LayerNorm([3, 8])": () => new nn.LayerNorm([3, 8]),
  "LayerNorm(8, elementwise_affine=False)": () => new nn.LayerNorm(8, { elementwiseAffine: false }),
  "GroupNorm(2, 4)": () => new nn.GroupNorm(2, 4),
  "Embedding(10, 3)": () => new nn.Embedding(10, 3),
  "LSTM(3, 4, num_layers=2, bidirectional=True)": () =>
    new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }),
  "GRU(3, 4, bias=False)": () => new nn.GRU(3, 4, { bias: false }),
  "RNN(3, 4)": () => new nn.RNN(3, 4),
  "LSTMCell(3, 4)": () => new nn.LSTMCell(3, 4),
  "GRUCell(3, 4)": () => new nn.GRUCell(3, 4),
  "RNNCell(3, 4, bias=False)": () => new nn.RNNCell(3, 4, { bias: false }),
  "CrossEntropyLoss(weight)": () => new nn.CrossEntropyLoss({ weight: ones([3]) }),
  "NLLLoss(weight)": () => new nn.NLLLoss({ weight: ones([3]) }),
  "BCELoss(weight)": () => new nn.BCELoss({ weight: ones([3]) }),
  "BCEWithLogitsLoss(weight, pos_weight)": () =>
    new nn.BCEWithLogitsLoss({ weight: ones([3]), posWeight: ones([3]) }),
  "Sequential(Linear, ReLU, Dropout, Linear)": () =>
    new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(8, 2)),
};

const convBnLinear = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 4, 3),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(64, 3),
  );

describe("state-dict names are PyTorch's", () => {
  const keyCases = stateDictCases.filter((c) => c.kind === "keys");
  it("covers every module of the fixture", () => {
    expect(keyCases.map((c) => c.name).sort()).toEqual(Object.keys(STRATA).sort());
  });
  for (const c of keyCases) {
    it(c.name, () => {
      const sd = STRATA[c.name]().stateDict();
      expect(Object.entries(sd).map(([k, t]) => [k, [...t.shape]])).toEqual(c.keys);
    });
  }
});

describeEachBackend("a PyTorch conv + batch-norm + linear checkpoint", () => {
  const c = stateDictCases.find((k) => k.kind === "net")!;
  // float32 here against float64 from the same float32 weights in PyTorch: measured ≤ 2.1e-7 apart
  const TOL = { rtol: 1e-5, atol: 1e-6 };

  it("loads strictly from safetensors and reproduces PyTorch's eval and train outputs and running statistics", async () => {
    const bytes = readFileSync(fileURLToPath(new URL(`../fixtures/${c.file}`, import.meta.url)));
    const state = deserialize(new Uint8Array(bytes));
    expect(state["1.num_batches_tracked"].dtype).toBe("int32"); // stored as PyTorch's int64
    const model = convBnLinear();
    expect(Object.keys(model.stateDict())).toEqual(c.keys);
    expect(model.loadStateDict(state)).toEqual({ missing: [], unexpected: [] });
    const x = fixtureTensor(c.input!);
    model.eval();
    await expectClose(
      noGrad(() => model.forward(x)),
      fixtureTensor(c.eval_output!),
      TOL,
    );
    model.train();
    await expectClose(
      noGrad(() => model.forward(x)),
      fixtureTensor(c.train_output!),
      TOL,
    );
    const bn = model.layers[1] as nn.BatchNorm2d;
    await expectClose(bn.running_mean!, fixtureTensor(c.running_mean!), TOL);
    await expectClose(bn.running_var!, fixtureTensor(c.running_var!), TOL);
    expect(await bn.num_batches_tracked!.itemAsync()).toBe(c.num_batches_tracked);
  });

  it("refuses the checkpoint in a model whose names differ, naming the keys", () => {
    const bytes = readFileSync(fileURLToPath(new URL(`../fixtures/${c.file}`, import.meta.url)));
    const renamed = Object.fromEntries(
      Object.entries(deserialize(new Uint8Array(bytes))).map(([k, t]) => [
        k.replace("running_", "running"),
        t,
      ]),
    );
    expect(() => convBnLinear().loadStateDict(renamed)).toThrow(
      /missing keys: 1\.running_mean, 1\.running_var; unexpected keys: 1\.runningmean, 1\.runningvar/,
    );
  });
});

describe("a layer given something that is not a tensor", () => {
  it("names the layer, the parameter and what was given (a Dataset)", () => {
    const ds = new TensorDataset(randn([6, 784]), randn([6]));
    expect(() => mlp().forward(ds as unknown as Tensor)).toThrow(ArgumentError);
    expect(() => new nn.Linear(784, 10).forward(ds as unknown as Tensor)).toThrow(
      "Linear(784 → 10): input must be a Tensor, got a TensorDataset (a Dataset of 6 examples: iterate it with a DataLoader",
    );
  });
});
