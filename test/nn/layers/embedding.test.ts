import { describe, expect, it } from "vitest";
import { DTypeError, ValueError } from "../../../src/base/errors.js";
import { manualSeed } from "../../../src/core/random.js";
import { embedding } from "../../../src/nn/functional.js";
import { Embedding } from "../../../src/nn/layers/embedding.js";
import { fromHost, randn, tensor } from "../../../src/ops/creation.js";
import { describeEachBackend, itNeeds } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { expectIndexError } from "../../helpers/index_errors.js";

const ids = (v: number[][]) => tensor(v, { dtype: "int32" });

describeEachBackend("Embedding", () => {
  it("looks up rows for indices of any shape; gradients add up per row", async () => {
    manualSeed(1);
    const emb = new Embedding(5, 3);
    const out = emb.forward(
      ids([
        [1, 4, 1],
        [0, 1, 2],
      ]),
    );
    expect(out.shape).toEqual([2, 3, 3]);
    const w = (await emb.weight.array()) as number[][];
    await expectClose(out.select(0, 0).select(0, 1), w[4]);
    out.sum().backward();
    expect(await emb.weight.grad!.array()).toEqual([
      [1, 1, 1],
      [3, 3, 3],
      [1, 1, 1],
      [0, 0, 0],
      [1, 1, 1],
    ]);
  });

  it("padding rows start at zero and get no gradient", async () => {
    manualSeed(2);
    const emb = new Embedding(4, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(3);
    expect(((await emb.weight.array()) as number[][])[3]).toEqual([0, 0]);
    const out = emb.forward(ids([[3, 1, 3]]));
    await expectClose(out.select(1, 0), [0, 0]);
    out
      .mul(randn([1, 3, 2]))
      .sum()
      .backward();
    expect(((await emb.weight.grad!.array()) as number[][])[3]).toEqual([0, 0]);
    expect(Math.abs(((await emb.weight.grad!.array()) as number[][])[1][0])).toBeGreaterThan(0);
  });

  itNeeds("syncRead")(
    "maxNorm rescales the looked-up rows in place, as PyTorch's embedding_renorm_",
    async () => {
      const w = fromHost([3, 4, 0.3, 0.4, 6, 8, 0, 1], [4, 2], "float32").requiresGrad_();
      const out = embedding(ids([[0, 1]]), w, { maxNorm: 1 });
      // row 0 had norm 5 → scaled to 1; row 1 (norm 0.5) unchanged; row 2 (norm 10) not looked up
      const scale = 1 / (5 + 1e-7);
      await expectClose(out.select(0, 0).select(0, 0), [3 * scale, 4 * scale]);
      await expectClose(w, [3 * scale, 4 * scale, 0.3, 0.4, 6, 8, 0, 1]);
    },
  );

  it("fromPretrained copies the weights and freezes them by default", async () => {
    const weights = randn([6, 4]);
    const frozen = Embedding.fromPretrained(weights);
    await expectClose(frozen.weight, weights);
    expect(frozen.parameters()).toHaveLength(0);
    expect(Object.keys(frozen.stateDict())).toEqual(["weight"]);
    expect(Embedding.fromPretrained(weights, { freeze: false }).parameters()).toHaveLength(1);
  });
});

describe("Embedding errors", () => {
  it("names the layer, the index and the sizes", async () => {
    const emb = new Embedding(10, 3, { paddingIdx: 0 });
    expect(emb.describe()).toBe("Embedding(10, 3, paddingIdx=0)");
    // at the call, or on webgpu at the next read (checked on the device)
    await expectIndexError(
      () => emb.forward(ids([[1, 10]])),
      "Embedding(10, 3, paddingIdx=0): index 10 is out of range for 10 embeddings (indices (1, 2))",
    );
    expect(() => emb.forward(tensor([1, 2]))).toThrow(
      "Embedding(10, 3, paddingIdx=0) expected input of int32 indices, got (2,)",
    );
    expect(() => embedding(tensor([1.5]), randn([3, 2]))).toThrow(DTypeError);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(
      "Embedding: paddingIdx must be an integer in [-4, 4), got 4",
    );
    expect(() => new Embedding(0, 2)).toThrow(ValueError);
  });
});
