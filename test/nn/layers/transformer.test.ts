import { describe, expect, it } from "vitest";
import { ArgumentError, ValueError } from "../../../src/base/errors.js";
import type { Tensor } from "../../../src/core/tensor.js";
import type { Module } from "../../../src/nn/module.js";
import { LayerNorm } from "../../../src/nn/layers/norm.js";
import {
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from "../../../src/nn/layers/transformer.js";
import { randn } from "../../../src/ops/creation.js";
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
  grad_output: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  param_grads: Record<string, FixtureTensor>;
}

/** float32 against PyTorch's float64, through two to three layers with layer norms. */
const TOL = { rtol: 2e-4, atol: 5e-5 };
const cases = loadFixture<ModuleCase>("attention").cases.filter((c) => c.kind !== "mha");

function build(c: ModuleCase): {
  model: Module;
  run: (x: Record<string, Tensor>, m: Record<string, Tensor>) => Tensor;
} {
  const { dModel, nhead, numLayers, numEncoderLayers, numDecoderLayers, ...options } = c.config;
  switch (c.kind) {
    case "encoder_layer": {
      const model = new TransformerEncoderLayer(dModel, nhead, options);
      return { model, run: (x, m) => model.forward(x.src, m.srcMask, m.srcKeyPaddingMask) };
    }
    case "decoder_layer": {
      const model = new TransformerDecoderLayer(dModel, nhead, options);
      return {
        model,
        run: (x, m) => model.forward(x.tgt, x.memory, m.tgtMask, null, null, m.memoryKeyPaddingMask),
      };
    }
    case "encoder": {
      const model = new TransformerEncoder(
        new TransformerEncoderLayer(dModel, nhead, options),
        numLayers,
        new LayerNorm(dModel),
      );
      return { model, run: (x, m) => model.forward(x.src, m.mask, m.srcKeyPaddingMask) };
    }
    default: {
      const model = new Transformer({ dModel, nhead, numEncoderLayers, numDecoderLayers, ...options });
      const tgtMask = Transformer.generateSquareSubsequentMask(x0(c).tgt.shape[options.batchFirst ? 1 : 0]);
      return {
        model,
        run: (x, m) =>
          model.forward(x.src, x.tgt, null, tgtMask, null, m.srcKeyPaddingMask, null, m.memoryKeyPaddingMask),
      };
    }
  }
}

const x0 = (c: ModuleCase) => c.inputs;

describeEachBackend("transformer layers vs PyTorch (state dicts loaded strictly)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { model, run } = build(c);
      model.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, t]) => [k, fixtureTensor(t)])));
      const x = Object.fromEntries(
        Object.entries(c.inputs).map(([k, t]) => [k, fixtureTensor(t).requiresGrad_()]),
      );
      const masks = Object.fromEntries(Object.entries(c.masks).map(([k, t]) => [k, fixtureTensor(t)]));
      const y = run(x, masks);
      await expectClose(y, fixtureTensor(c.output), TOL);
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      for (const [name, g] of Object.entries(c.grads))
        await expectClose(x[name].grad!, fixtureTensor(g), TOL);
      const params = Object.fromEntries(model.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.param_grads).sort());
      for (const [name, g] of Object.entries(c.param_grads))
        await expectClose(params[name].grad!, fixtureTensor(g), TOL);
    });
  }
});

describe("transformer layers", () => {
  it("have PyTorch's names and defaults", () => {
    const layer = new TransformerEncoderLayer(8, 2);
    expect(layer.config.dimFeedforward).toBe(2048);
    expect(layer.dropout.p).toBe(0.1);
    expect(Object.keys(layer.stateDict())).toEqual([
      "self_attn.in_proj_weight",
      "self_attn.in_proj_bias",
      "self_attn.out_proj.weight",
      "self_attn.out_proj.bias",
      "linear1.weight",
      "linear1.bias",
      "linear2.weight",
      "linear2.bias",
      "norm1.weight",
      "norm1.bias",
      "norm2.weight",
      "norm2.bias",
    ]);
    const decoder = new TransformerDecoder(
      new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }),
      2,
      new LayerNorm(8),
    );
    const keys = Object.keys(decoder.stateDict());
    expect(keys).toContain("layers.1.multihead_attn.in_proj_weight");
    expect(keys).toContain("layers.0.norm3.bias");
    expect(keys.at(-1)).toBe("norm.bias");
  });

  it("copies the given layer's weights into every layer of a stack, as PyTorch's deepcopy", async () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const encoder = new TransformerEncoder(layer, 3);
    const w = async (i: number) => Array.from(await encoder.layers[i].linear1.weight.data());
    expect(await w(2)).toEqual(await w(0));
    expect(encoder.layers[2].linear1.weight).not.toBe(encoder.layers[0].linear1.weight);
  });

  it("re-initialises nn.Transformer's matrices Xavier-uniform, and makes PyTorch's causal mask", async () => {
    const model = new Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 32,
    });
    const w = model.encoder.layers[0].linear1.weight;
    expect(await w.abs().max().itemAsync()).toBeLessThanOrEqual(Math.sqrt(6 / 40));
    expect(await Transformer.generateSquareSubsequentMask(2).array()).toEqual([
      [0, Number.NEGATIVE_INFINITY],
      [0, 0],
    ]);
  });

  it("is deterministic in eval mode and trains (dropout) in training mode", async () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.5 });
    const x = randn([4, 2, 8]);
    expect(Array.from(await layer.forward(x).data())).not.toEqual(Array.from(await layer.forward(x).data()));
    layer.eval();
    expect(Array.from(await layer.forward(x).data())).toEqual(Array.from(await layer.forward(x).data()));
  });

  it("explains bad options", () => {
    expect(() => new TransformerEncoderLayer(8, 3)).toThrow(ValueError);
    expect(() => new TransformerEncoderLayer(8, 2, { activation: "tanh" as never })).toThrow(ArgumentError);
    expect(() => new TransformerEncoderLayer(8, 2, { dim_feedforward: 16 } as never)).toThrow(ArgumentError);
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(8, 2), 0)).toThrow(ValueError);
  });
});
