/**
 * Every layer's internals release their own temporaries: a hand-written training loop (no tidy, no
 * dispose) over each kind of model holds the same number of tensors after 60 steps as after 20.
 */
import { describe, expect, it } from "vitest";
import { getBackend } from "../../../src/backends/registry.js";
import { manualSeed } from "../../../src/core/random.js";
import type { Tensor } from "../../../src/core/tensor.js";
import {
  AvgPool1d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Dropout2d,
  Embedding,
  Flatten,
  GELU,
  GRU,
  GroupNorm,
  LayerNorm,
  Linear,
  MaxPool2d,
  MultiheadAttention,
  RMSNorm,
  ReLU,
  SinusoidalPositionalEncoding,
  TransformerEncoderLayer,
  Upsample,
} from "../../../src/nn/layers/index.js";
import { Module } from "../../../src/nn/module.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { randint, randn } from "../../../src/ops/creation.js";
import { crossEntropy } from "../../../src/ops/losses.js";
import { Adam } from "../../../src/optim/adam.js";

class Recurrent extends Module {
  embed = new Embedding(50, 8);
  gru = new GRU(8, 16, { batchFirst: true, numLayers: 2, bidirectional: true });
  head = new Linear(32, 5);
  forward(tokens: Tensor) {
    const out = this.gru.forward(this.embed.forward(tokens));
    return this.head.forward(out.select(1, -1));
  }
}

/** Cross-attention, sequence first, with key/value biases, a key padding mask and a causal mask. */
class CrossAttention extends Module {
  mha = new MultiheadAttention(8, 2, { kdim: 4, vdim: 4, addBiasKV: true });
  forward(x: Tensor) {
    const memory = x.slice(2, 0, 4).transpose(0, 1);
    const keyPaddingMask = randn([6, 5]).gt(1);
    const [out, weights] = this.mha.run(x.transpose(0, 1), memory, memory, {
      keyPaddingMask,
      isCausal: true,
    });
    return out.transpose(0, 1).flatten(1).add(weights!.mean());
  }
}

const cases: [string, () => Module, () => Tensor, number[]][] = [
  [
    "conv + batch norm + max pool + dropout",
    () =>
      new Sequential(
        new Conv2d(1, 4, 3, { padding: 1 }),
        new BatchNorm2d(4),
        new ReLU(),
        new MaxPool2d(2),
        new Dropout2d(0.1),
        new Flatten(),
        new Dropout(0.2),
        new Linear(4 * 4 * 4, 5),
      ),
    () => randn([6, 1, 8, 8]),
    [6],
  ],
  [
    "conv1d + group norm + avg pool + batch norm 1d",
    () =>
      new Sequential(
        new Conv1d(2, 4, 3),
        new GroupNorm(2, 4),
        new AvgPool1d(2),
        new Flatten(),
        new BatchNorm1d(12),
        new Linear(12, 5),
      ),
    () => randn([6, 2, 8]),
    [6],
  ],
  [
    "transposed conv + upsample + layer norm + GELU",
    () =>
      new Sequential(
        new ConvTranspose2d(1, 2, 2, { stride: 2 }),
        new Upsample({ scaleFactor: 2 }),
        new Flatten(),
        new LayerNorm(2 * 8 * 8),
        new GELU(),
        new Linear(128, 5),
      ),
    () => randn([6, 1, 2, 2]),
    [6],
  ],
  ["embedding + bidirectional 2-layer GRU", () => new Recurrent(), () => randint(0, 50, [6, 7]), [6]],
  [
    "positional encoding + transformer encoder layer + RMS norm",
    () =>
      new Sequential(
        new SinusoidalPositionalEncoding(8, { batchFirst: true }),
        new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, dropout: 0.1 }),
        new RMSNorm(8),
        new Flatten(),
        new Linear(5 * 8, 5),
      ),
    () => randn([6, 5, 8]),
    [6],
  ],
  [
    "multi-head cross-attention with masks",
    () => new Sequential(new CrossAttention(), new Linear(5 * 8, 5)),
    () => randn([6, 5, 8]),
    [6],
  ],
];

describe("layers release their temporaries in hand-written loops", () => {
  for (const [name, build, input, targetShape] of cases) {
    it(name, () => {
      manualSeed(0);
      const model = build();
      const opt = new Adam(model.parameters(), { lr: 1e-3 });
      const counts: number[] = [];
      for (let step = 1; step <= 60; step++) {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(input()), randint(0, 5, targetShape));
        loss.backward();
        opt.step();
        if (step % 20 === 0) counts.push(getBackend().memory().storages);
      }
      expect(counts[2]).toBeLessThanOrEqual(counts[0]);
    });
  }
});
