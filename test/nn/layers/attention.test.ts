import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, ValueError } from "../../../src/base/errors.js";
import { MultiheadAttention } from "../../../src/nn/layers/attention.js";
import { attentionWithWeights, scaledDotProductAttention } from "../../../src/ops/attention.js";
import { fromHost, randn, tensor } from "../../../src/ops/creation.js";
import { describeEachBackend } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

interface ModuleCase {
  name: string;
  kind: string;
  config: Record<string, any>;
  state: Record<string, FixtureTensor>;
  inputs: Record<string, FixtureTensor>;
  masks: Record<string, FixtureTensor>;
  output: FixtureTensor;
  weights: FixtureTensor | null;
  grad_output: FixtureTensor;
  grad_weights: FixtureTensor | null;
  grads: Record<string, FixtureTensor>;
  param_grads: Record<string, FixtureTensor>;
}

interface SdpaCase {
  name: string;
  q: FixtureTensor;
  k: FixtureTensor;
  v: FixtureTensor;
  attnMask: FixtureTensor | null;
  isCausal: boolean;
  scale: number | null;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_q: FixtureTensor;
  grad_k: FixtureTensor;
  grad_v: FixtureTensor;
}

/** float32 against PyTorch's float64: a few float32 roundings through softmax and matmuls. */
const TOL = { rtol: 1e-4, atol: 2e-5 };
const fixture = loadFixture<ModuleCase>("attention") as unknown as {
  cases: ModuleCase[];
  sdpa: SdpaCase[];
};

const mapValues = <T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

describeEachBackend("scaledDotProductAttention vs PyTorch (written out in the fixture script)", () => {
  for (const c of fixture.sdpa) {
    it(c.name, async () => {
      const [q, k, v] = [c.q, c.k, c.v].map((t) => fixtureTensor(t).requiresGrad_());
      const attnMask = c.attnMask ? fixtureTensor(c.attnMask) : null;
      const y = scaledDotProductAttention(q, k, v, {
        attnMask,
        isCausal: c.isCausal,
        scale: c.scale ?? undefined,
      });
      await expectClose(y, fixtureTensor(c.output), TOL);
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(q.grad!, fixtureTensor(c.grad_q), TOL);
      await expectClose(k.grad!, fixtureTensor(c.grad_k), TOL);
      await expectClose(v.grad!, fixtureTensor(c.grad_v), TOL);
    });
  }
});

describeEachBackend("MultiheadAttention vs PyTorch", () => {
  for (const c of fixture.cases.filter((c) => c.kind === "mha")) {
    it(c.name, async () => {
      const { embedDim, numHeads, batchFirst, cross, kdim, vdim, bias, addBiasKV, average_attn_weights } =
        c.config;
      const mha = new MultiheadAttention(embedDim, numHeads, { batchFirst, kdim, vdim, bias, addBiasKV });
      mha.loadStateDict(mapValues(c.state, (t) => fixtureTensor(t)));
      const x = mapValues(c.inputs, (t) => fixtureTensor(t).requiresGrad_());
      const masks = mapValues(c.masks, (t) => fixtureTensor(t));
      const options = { ...masks, averageAttnWeights: average_attn_weights };
      const [out, w] = cross
        ? mha.run(x.query, x.key, x.value, options)
        : mha.run(x.query, x.query, x.query, options);
      await expectClose(out, fixtureTensor(c.output), TOL);
      await expectClose(w!, fixtureTensor(c.weights!), TOL);
      out
        .mul(fixtureTensor(c.grad_output))
        .sum()
        .add(w!.mul(fixtureTensor(c.grad_weights!)).sum())
        .backward();
      for (const [name, g] of Object.entries(c.grads))
        await expectClose(x[name].grad!, fixtureTensor(g), TOL);
      const params = Object.fromEntries(mha.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.param_grads).sort());
      for (const [name, g] of Object.entries(c.param_grads))
        await expectClose(params[name].grad!, fixtureTensor(g), TOL);
    });
  }

  it("gives the same output from forward, run without weights, and self-attention given once", async () => {
    const mha = new MultiheadAttention(8, 2);
    const x = randn([4, 3, 8]);
    const [a, none] = mha.run(x, x, x, { needWeights: false });
    expect(none).toBeNull();
    await expectClose(mha.forward(x), a, { rtol: 1e-5, atol: 1e-6 });
    await expectClose(mha.run(x, x.clone(), x.clone())[0], a, { rtol: 1e-4, atol: 1e-5 });
  });

  it("gives zeros (not NaN) for a query whose keys are all masked", async () => {
    const mha = new MultiheadAttention(4, 1, { batchFirst: true, bias: false });
    const x = randn([1, 3, 4]);
    const pad = fromHost([1, 1, 1], [1, 3], "bool");
    const [out, w] = mha.run(x, x, x, { keyPaddingMask: pad });
    expect(Array.from(await out.data())).toEqual(Array(12).fill(0));
    expect(Array.from(await w!.data())).toEqual(Array(9).fill(0));
  });

  it("masks the future with isCausal", async () => {
    const mha = new MultiheadAttention(4, 2);
    const [, w] = mha.run(randn([3, 1, 4]), undefined, undefined, { isCausal: true });
    expect(((await w!.array()) as number[][][])[0][0].slice(1)).toEqual([0, 0]);
  });
});

describe("MultiheadAttention", () => {
  it("has PyTorch's state-dict names and initialisation", async () => {
    const mha = new MultiheadAttention(16, 4);
    expect(Object.keys(mha.stateDict())).toEqual([
      "in_proj_weight",
      "in_proj_bias",
      "out_proj.weight",
      "out_proj.bias",
    ]);
    expect(await mha.in_proj_bias!.abs().max().itemAsync()).toBe(0);
    expect(await mha.out_proj.bias!.abs().max().itemAsync()).toBe(0);
    expect(await mha.in_proj_weight!.abs().max().itemAsync()).toBeLessThanOrEqual(Math.sqrt(6 / 64));
    const kv = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5, addBiasKV: true });
    expect(Object.keys(kv.stateDict())).toEqual([
      "q_proj_weight",
      "k_proj_weight",
      "v_proj_weight",
      "in_proj_bias",
      "bias_k",
      "bias_v",
      "out_proj.weight",
      "out_proj.bias",
    ]);
  });

  it("explains bad configurations, inputs and masks", () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(ValueError);
    const mha = new MultiheadAttention(8, 2, { batchFirst: true });
    expect(() => mha.forward(randn([2, 5, 6]))).toThrow(ShapeError);
    const x = randn([2, 5, 8]);
    expect(() => mha.run(x, x, x, { attnMask: randn([4, 5]) })).toThrow(
      "MultiheadAttention: attnMask must be (5, 5) or (4, 5, 5) (L, S or N·numHeads, L, S), got (4, 5)",
    );
    expect(() => mha.run(x, x, x, { keyPaddingMask: fromHost([0, 1], [1, 2], "int32") })).toThrow(ShapeError);
    expect(() =>
      mha.run(x, x, x, { keyPaddingMask: fromHost(new Array(10).fill(0), [2, 5], "int32") }),
    ).toThrow(DTypeError);
  });

  it("weights sum to one over the keys", async () => {
    const { weights } = attentionWithWeights(randn([3, 4]), randn([5, 4]), randn([5, 2]));
    await expectClose(weights.sum(-1), tensor([1, 1, 1]), { rtol: 1e-5, atol: 1e-6 });
  });
});
