import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import "../../src/autograd/methods.js";
import "../../src/train/module_methods.js";
import { ArgumentError, ValueError } from "../../src/base/errors.js";
import { manualSeed } from "../../src/core/random.js";
import { loadModel, saveModel } from "../../src/io/save.js";
import * as nn from "../../src/nn/index.js";
import { rand, randn } from "../../src/ops/creation.js";
import { Adam } from "../../src/optim/adam.js";
import { Autoencoder, type TiedLinear, deepAutoencoder } from "../../src/unsupervised/autoencoder.js";
import { describeEachBackend } from "../helpers/backends.js";
import { expectCloseSync } from "../helpers/close.js";

describeEachBackend("autoencoders", () => {
  it("Autoencoder: forward = decode(encode(x)), any modules", () => {
    const enc = new nn.Sequential(new nn.Linear(6, 3), new nn.Tanh());
    const dec = new nn.Linear(3, 6);
    const ae = new Autoencoder(enc, dec);
    const x = randn([4, 6]);
    expect(ae.encode(x).shape).toEqual([4, 3]);
    expect(ae.decode(randn([4, 3])).shape).toEqual([4, 6]);
    expectCloseSync(ae.forward(x), dec.forward(enc.forward(x)));
    expect(Object.keys(ae.stateDict())).toEqual([
      "encoder.0.weight",
      "encoder.0.bias",
      "decoder.weight",
      "decoder.bias",
    ]);
  });

  it("deepAutoencoder mirrors the sizes, with the activations asked for", () => {
    const ae = deepAutoencoder([20, 12, 6, 2]);
    const shapes = Object.entries(ae.stateDict()).map(([k, t]) => `${k}:${t.shape.join("x")}`);
    expect(shapes).toEqual([
      "encoder.0.weight:12x20",
      "encoder.0.bias:12",
      "encoder.2.weight:6x12",
      "encoder.2.bias:6",
      "encoder.4.weight:2x6",
      "encoder.4.bias:2",
      "decoder.0.weight:6x2",
      "decoder.0.bias:6",
      "decoder.2.weight:12x6",
      "decoder.2.bias:12",
      "decoder.4.weight:20x12",
      "decoder.4.bias:20",
    ]);
    const names = (s: nn.Module) => (s as nn.Sequential).layers.map((l) => l.constructor.name);
    expect(names(ae.encoder)).toEqual(["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]);
    expect(names(ae.decoder)).toEqual(["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear", "Sigmoid"]);
    const relu = deepAutoencoder([8, 4], {
      activation: "relu",
      codeActivation: "tanh",
      outputActivation: "linear",
    });
    expect(names(relu.encoder)).toEqual(["Linear", "Tanh"]);
    expect(names(relu.decoder)).toEqual(["Linear"]);
    const out = ae.forward(randn([3, 20])).dataSync();
    expect(out.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it("tied weights: the decoder uses the encoder's weight transposed; gradients reach it from both sides", () => {
    manualSeed(1);
    const ae = deepAutoencoder([6, 4, 2], { tiedWeights: true, outputActivation: "linear" });
    expect(Object.keys(ae.stateDict())).toEqual([
      "encoder.0.weight",
      "encoder.0.bias",
      "encoder.2.weight",
      "encoder.2.bias",
      "decoder.0.bias",
      "decoder.2.bias",
    ]);
    expect(ae.parameters().length).toBe(6);
    const dec = (ae.decoder as nn.Sequential).layers[2] as TiedLinear;
    const enc0 = (ae.encoder as nn.Sequential).layers[0] as nn.Linear;
    expect(dec.source).toBe(enc0);
    const z = randn([5, 4]);
    expectCloseSync(dec.forward(z), z.matmul(enc0.weight).add(dec.bias));
    // the gradient of the tied weight is the sum of its two uses
    const x = randn([5, 6]);
    ae.forward(x).square().sum().backward();
    const both = enc0.weight.grad!.clone();
    ae.zeroGrad();
    ae.decode(ae.encode(x).detach()).square().sum().backward();
    const decoderOnly = enc0.weight.grad!;
    expect(decoderOnly.sub(both).abs().max().item()).toBeGreaterThan(1e-6);
  });

  it("trains with compile/fit on [x, x] and the reconstruction error falls", async () => {
    manualSeed(2);
    // 8-dimensional data on a 2-dimensional subspace, in [0, 1]
    const codes = rand([256, 2]);
    const x = codes.matmul(rand([2, 8])).div(2);
    const ae = deepAutoencoder([8, 16, 2], { activation: "tanh", outputActivation: "linear" });
    ae.compile({ optimizer: new Adam(ae.parameters(), { lr: 0.01 }), loss: "mse" });
    const before = ae.evaluate([x, x]).loss;
    const history = await ae.fit([x, x], { epochs: 40, batchSize: 32, verbose: 0 });
    const after = ae.evaluate([x, x]).loss;
    expect(history.history.loss.length).toBe(40);
    expect(after).toBeLessThan(before / 10);
  });

  it("save and load: a fresh model of the same sizes gives the same outputs (tied and untied)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "strata-ae-"));
    try {
      for (const tiedWeights of [false, true]) {
        const ae = deepAutoencoder([10, 5, 3], { tiedWeights });
        const path = join(dir, `ae-${tiedWeights}.safetensors`);
        await saveModel(ae, path, { sizes: [10, 5, 3], tiedWeights });
        const copy = deepAutoencoder([10, 5, 3], { tiedWeights });
        await loadModel(copy, path);
        const x = randn([4, 10]);
        expectCloseSync(copy.forward(x), ae.forward(x), { atol: 0, rtol: 0 });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says what is wrong", () => {
    expect(() => deepAutoencoder([784])).toThrow(ValueError);
    expect(() => deepAutoencoder([784, 0])).toThrow(/sizes must be at least two positive integers/);
    expect(() => deepAutoencoder([4, 2], { activation: "softmax" as never })).toThrow(ArgumentError);
    expect(() => deepAutoencoder([4, 2], { activation: "softmax" as never })).toThrow(
      /activation must be one of sigmoid/,
    );
  });
});
