import { afterAll, describe, expect, it } from "vitest";
import { getBackend, registerAsyncBackend, setBackend } from "../../../src/backends/registry.js";
import { BackendError } from "../../../src/base/errors.js";
import { manualSeed } from "../../../src/core/random.js";
import { TensorDataset } from "../../../src/data/dataset.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { ReLU } from "../../../src/nn/layers/activation.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { fromHost } from "../../../src/ops/creation.js";
import { Adam } from "../../../src/optim/adam.js";
import { TrainingDivergedError } from "../../../src/train/model.js";
import { webgpuOrSkip } from "../../helpers/webgpu.js";

/**
 * fit / evaluateAsync / predict on webgpu without a line changed, against the same run on the reference
 * backend (same seed: same initial weights and shuffles), and the divergence check read back late.
 */
const gpu = await webgpuOrSkip("webgpu fit");
if (gpu) registerAsyncBackend("webgpu-fit", async () => gpu);
const previous = getBackend().name;
afterAll(() => {
  setBackend(previous);
});

function problem(n: number) {
  const xs = new Float32Array(n * 8);
  const ys = new Int32Array(n);
  let s = 99;
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < 8; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = (s / 2 ** 32) * 2 - 1;
      xs[i * 8 + j] = v;
      if (j < 4) a += v;
      else b += v;
    }
    ys[i] = a > 0.3 ? 0 : b > 0 ? 1 : 2;
  }
  return new TensorDataset(fromHost(xs, [n, 8], "float32"), fromHost(ys, [n], "int32"));
}

async function train(lr = 1e-2) {
  manualSeed(3);
  const data = problem(320);
  const model = new Sequential(new Linear(8, 32), new ReLU(), new Linear(32, 3));
  model.compile({
    optimizer: new Adam(model.parameters(), { lr }),
    loss: "crossEntropy",
    metrics: ["accuracy"],
  });
  const history = await model.fit(data, { epochs: 4, batchSize: 16, verbose: 0 });
  const evaluated = await model.evaluateAsync(data, { batchSize: 64 });
  return { history, evaluated, model, data };
}

describe.skipIf(gpu === null)("webgpu: fit, evaluateAsync, predict", () => {
  it("trains as the reference backend does, with the same losses and accuracy", async () => {
    setBackend("ref");
    const expected = await train();
    await setBackend("webgpu-fit");
    const actual = await train();
    const lossRef = expected.history.history.loss;
    const lossGpu = actual.history.history.loss;
    expect(lossGpu.length).toBe(4);
    for (let i = 0; i < 4; i++)
      expect(Math.abs(lossGpu[i] - lossRef[i])).toBeLessThan(1e-3 * Math.abs(lossRef[i]) + 1e-4);
    expect(lossGpu[3]).toBeLessThan(lossGpu[0]);
    expect(Math.abs(actual.evaluated.accuracy - expected.evaluated.accuracy)).toBeLessThanOrEqual(2 / 320);
    expect(actual.evaluated.accuracy).toBeGreaterThan(0.8);
    const predicted = actual.model.predict(actual.data.tensors[0]);
    expect(predicted.shape).toEqual([320, 3]);
    expect(() => actual.model.evaluate(actual.data)).toThrow(BackendError);
    predicted.dispose();
    // more epochs hold no more memory: nothing grows with the number of steps
    const mid = getBackend().memory().storages;
    await actual.model.fit(actual.data, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(getBackend().memory().storages).toBe(mid);
  });

  it("a diverging run stops with the batch it diverged at, and keeps the parameters from before it", async () => {
    await setBackend("webgpu-fit");
    manualSeed(3);
    const data = problem(64);
    const model = new Sequential(new Linear(8, 4), new Linear(4, 3));
    model.compile({
      optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
      loss: "crossEntropy",
      metrics: ["accuracy"],
    });
    // the 3rd batch's inputs hold an infinity: its loss is NaN
    const xs = Float32Array.from(await data.tensors[0].data());
    xs[2 * 8 * 8 + 5] = Number.POSITIVE_INFINITY;
    const bad = new TensorDataset(fromHost(xs, [64, 8], "float32"), data.tensors[1]);
    const error = await model
      .fit(bad, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect(error.message).toMatch(/batch 3 .*reads back every 32 batches.*not applied/);
    for (const p of model.parameters()) {
      for (const v of await p.data()) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
