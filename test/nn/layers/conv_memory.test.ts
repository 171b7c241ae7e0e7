import { expect, it } from "vitest";
import { getBackend } from "../../../src/backends/registry.js";
import { manualSeed } from "../../../src/core/random.js";
import { TensorDataset } from "../../../src/data/dataset.js";
import { fromHost, rand, randint } from "../../../src/ops/creation.js";
import { ReLU } from "../../../src/nn/layers/activation.js";
import { BatchNorm2d } from "../../../src/nn/layers/batchnorm.js";
import { Conv2d } from "../../../src/nn/layers/conv.js";
import { Dropout2d } from "../../../src/nn/layers/dropout.js";
import { Flatten } from "../../../src/nn/layers/flatten.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { MaxPool2d } from "../../../src/nn/layers/pool.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { Adam } from "../../../src/optim/adam.js";
import { Callback } from "../../../src/train/callbacks/callback.js";
import { describeEachBackend } from "../../helpers/backends.js";

class MemoryProbe extends Callback {
  readonly samples: { storages: number; bytes: number }[] = [];
  override onBatchEnd(): void {
    this.samples.push(getBackend().memory());
  }
}

describeEachBackend("a CNN with batch norm under fit()", (backend) => {
  it("learns, keeps its running statistics, and leaves no tensors behind between steps", async () => {
    manualSeed(3);
    // two classes: a bright top half or a bright bottom half
    const y = randint(0, 2, [128]);
    const labels = await y.data();
    // made and released here, so no garbage of the setup is left for the collector to free mid-test
    const x = rand([128, 1, 8, 8]);
    const data = (await x.data()).map((v) => v * 0.5);
    x.dispose();
    for (let i = 0; i < 128; i++) for (let p = 0; p < 32; p++) data[i * 64 + (labels[i] ? 32 : 0) + p] += 1;
    const images = fromHost(data, [128, 1, 8, 8], "float32");
    const bn = new BatchNorm2d(4);
    const model = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1, bias: false }),
      bn,
      new ReLU(),
      new Dropout2d(0.1),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(64, 2),
    );
    model.compile({
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: "crossEntropy",
      metrics: ["accuracy"],
    });
    const probe = new MemoryProbe();
    const history = await model.fit(new TensorDataset(images, y), {
      epochs: 3,
      batchSize: 16,
      verbose: 0,
      callbacks: [probe],
    });
    // webgpu's fit reads back (and calls onBatchEnd) every DEVICE_READ_EVERY = 32 batches and at the end
    // of each epoch: 3 calls for 3 epochs of 8 batches; the other backends call it after every batch
    const calls = backend === "webgpu" ? 3 : 24;
    const settled = backend === "webgpu" ? 1 : 5;
    expect(probe.samples.length).toBe(calls);
    expect(probe.samples[calls - 1].storages).toBe(probe.samples[settled].storages);
    expect(probe.samples[calls - 1].bytes).toBe(probe.samples[settled].bytes);
    expect(await bn.numBatchesTracked!.itemAsync()).toBe(24);
    expect(Array.from(await bn.runningMean!.data()).some((v) => v !== 0)).toBe(true);
    expect(history.history.accuracy.at(-1)).toBeGreaterThan(0.9);
  });
});
