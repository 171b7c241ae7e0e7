import { expect, it } from "vitest";
import { ArgumentError, ValueError } from "../../src/base/errors.js";
import { Generator } from "../../src/core/random.js";
import { TensorDataset } from "../../src/data/dataset.js";
import * as F from "../../src/nn/functional.js";
import { full, ones, randn, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

const any = (f: unknown) => f as (...args: unknown[]) => unknown;

describeEachBackend("nn.functional in PyTorch's positional order", () => {
  it("layerNorm(x, shape, weight, bias) scales and shifts (it used to ignore them)", async () => {
    const x = randn([2, 3, 4]);
    const w = full([4], 2);
    const b = full([4], 0.5);
    const plain = F.layerNorm(x, [4]);
    await expectClose(F.layerNorm(x, [4], w, b), plain.mul(2).add(0.5), { rtol: 1e-6, atol: 1e-6 });
    await expectClose(F.layerNorm(x, [4], w, b, 1e-5), F.layerNorm(x, [4], { weight: w, bias: b }), {
      rtol: 0,
      atol: 0,
    });
    const g = randn([2, 4, 3]);
    await expectClose(F.groupNorm(g, 2, w, null), F.groupNorm(g, 2).mul(2), { rtol: 1e-6, atol: 1e-6 });
  });

  itNeeds("syncRead")(
    "linear(x, weight, bias) and embedding(input, weight, paddingIdx, maxNorm, normType)",
    async () => {
      const x = randn([5, 3]);
      const w = randn([2, 3]);
      await expectClose(F.linear(x, w, tensor([1, -1])), x.matmul(w.T).add(tensor([1, -1])), {
        rtol: 1e-6,
        atol: 1e-6,
      });
      const table = randn([6, 2], { requiresGrad: true });
      const out = F.embedding([0, 3, 0], table, 0);
      out.sum().backward();
      // paddingIdx 0 given positionally: that row gets no gradient
      expect(Array.from(await table.grad!.data()).slice(0, 2)).toEqual([0, 0]);
      expect(Array.from(await table.grad!.data()).slice(6, 8)).toEqual([1, 1]);
      const big = full([3, 2], 10);
      F.embedding([1], big, null, 1);
      await expectClose(big.select(0, 1).norm(), 1, { rtol: 1e-5, atol: 1e-6 });
    },
  );

  it("dropout(x, p, training) as PyTorch, with a generator in the fourth place", async () => {
    const x = ones([1000]);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    const y = F.dropout(x, 0.5, true, { generator: new Generator(1) });
    expect(new Set(Array.from(await y.data()))).toEqual(new Set([0, 2]));
    expect(() => any(F.dropout)(x, 0.5, true, true)).toThrow(
      "dropout: options (argument 4; PyTorch's inplace is not supported) must be an options object {generator}, got true",
    );
    expect(() => any(F.dropout)(x, zeros([1]))).toThrow(
      "dropout: p must be a number, got a Tensor of shape (1,) and dtype float32",
    );
    expect(() => any(F.dropout)(x, 0.5, "train")).toThrow(
      'dropout: training must be true or false, got the string "train"',
    );
    expect(() => any(F.dropout2d)(randn([1, 2, 3, 3]), 0.5, true, {}, 1)).toThrow(ArgumentError);
    expect(() => F.dropout(x, 2)).toThrow(ValueError);
  });

  it("refuses extra arguments and things that are not tensors, naming the function and parameter", () => {
    const x = randn([2, 3]);
    const w = randn([4, 3]);
    expect(() => any(F.linear)(x, w, null, true)).toThrow(
      "linear takes at most 3 arguments (x, weight, bias), got 4: true would be ignored",
    );
    expect(() => any(F.linear)(new TensorDataset(x), w)).toThrow(
      "linear: x must be a Tensor, got a TensorDataset (a Dataset of 2 examples",
    );
    expect(() => any(F.linear)(x, w, [1, 2, 3, 4])).toThrow(
      "linear: bias must be a Tensor, got the array [1,2,3,4]",
    );
    expect(() => any(F.softmax)(x, 1, "float32")).toThrow(ArgumentError);
    expect(() => any(F.gelu)(x, { approximate: "tanh" })).toThrow(
      'gelu: approximate must be "none" or "tanh", got an object with keys {approximate}',
    );
    expect(() => any(F.leakyRelu)(x, tensor([0.1]))).toThrow(
      "leakyRelu: negativeSlope must be a number, got a Tensor",
    );
    expect(() => any(F.relu)(new TensorDataset(x))).toThrow(
      "relu: expected a Tensor, got a TensorDataset (a Dataset of 2 examples",
    );
  });
});
