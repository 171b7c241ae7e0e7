import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { TensorDataset } from "../../src/data/dataset.js";
import { ReLU } from "../../src/nn/layers/activation.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { Sequential } from "../../src/nn/sequential.js";
import { randn } from "../../src/ops/creation.js";
import { SGD } from "../../src/optim/sgd.js";
import { CSVLogger } from "../../src/train/callbacks/csv_logger.js";
import { EarlyStopping } from "../../src/train/callbacks/early_stopping.js";
import { LearningRateScheduler } from "../../src/train/callbacks/lr_scheduler.js";
import { ModelCheckpoint } from "../../src/train/callbacks/model_checkpoint.js";
import { ProgressBar } from "../../src/train/callbacks/progress.js";
import { TrainingDivergedError } from "../../src/train/model.js";

/** Two Gaussian blobs, linearly separable: a net that trains at all gets them right. */
function blobs(n: number): [Tensor, Tensor] {
  const x = randn([n, 2]);
  const labels = x.sum(1).gt(0).int();
  return [x.add(labels.float().unsqueeze(1).mul(2).sub(1)), labels];
}

function classifier() {
  return new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
}

describe("compile / fit / evaluate / predict", () => {
  it("learns a separable problem and reports history, validation and accuracy", async () => {
    manualSeed(3);
    const [x, y] = blobs(512);
    const model = classifier();
    model.compile({
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: "crossEntropy",
      metrics: ["accuracy"],
    });
    const before = model.evaluate([x, y]).accuracy;
    const history = await model.fit([x, y], { epochs: 5, batchSize: 32, validationSplit: 0.25, verbose: 0 });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(history.history).sort()).toEqual(["accuracy", "loss", "valAccuracy", "valLoss"]);
    expect(history.history.loss[4]).toBeLessThan(history.history.loss[0]);
    const after = model.evaluate([x, y]);
    expect(after.accuracy).toBeGreaterThan(0.97);
    expect(after.accuracy).toBeGreaterThan(before);
    const pred = model.predict(x, { batchSize: 100 });
    expect(pred.shape).toEqual([512, 2]);
    const agree = pred.argmax(1).eq(y).float().mean().item();
    expect(agree).toBeCloseTo(after.accuracy, 5);
  });

  it("accepts a Dataset and validationData", async () => {
    manualSeed(4);
    const [x, y] = blobs(256);
    const [vx, vy] = blobs(128);
    const model = classifier();
    model.compile({
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: "crossEntropy",
      metrics: ["accuracy"],
    });
    const history = await model.fit(new TensorDataset(x, y), {
      epochs: 2,
      batchSize: 16,
      validationData: [vx, vy],
      verbose: 0,
    });
    expect(history.history.valAccuracy).toHaveLength(2);
  });

  it("stops with a clear message when the loss becomes NaN, before applying the update", async () => {
    manualSeed(5);
    const [x, y] = blobs(64);
    const model = classifier();
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 1e30 }), loss: "crossEntropy" });
    await expect(model.fit([x, y], { epochs: 50, batchSize: 64, verbose: 0 })).rejects.toThrow(
      TrainingDivergedError,
    );
    await expect(model.fit([x, y], { epochs: 5, batchSize: 64, verbose: 0 })).rejects.toThrow(
      /loss became (NaN|Infinity)/,
    );
    const history = await model.fit([x, y], {
      epochs: 5,
      batchSize: 64,
      verbose: 0,
      onNonFiniteLoss: "stop",
    });
    expect(history.stopReason).toMatch(/the update was not applied/);
  });

  it("fit before compile is an error that says what to do", async () => {
    const model = classifier();
    await expect(model.fit([randn([4, 2]), randn([4])])).rejects.toThrow(/compile/);
  });
});

describe("callbacks", () => {
  it("EarlyStopping stops after `patience` epochs without improvement and restores the best weights", async () => {
    manualSeed(6);
    const [x, y] = blobs(128);
    const model = classifier();
    // lr 0 means no improvement after the first epoch
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0 }), loss: "crossEntropy" });
    const stop = new EarlyStopping({ monitor: "loss", patience: 2, restoreBestWeights: true });
    const history = await model.fit([x, y], {
      epochs: 20,
      batchSize: 128,
      verbose: 0,
      shuffle: false,
      callbacks: [stop],
    });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(stop.stoppedEpoch).toBe(2);
    expect(stop.bestEpoch).toBe(0);
  });

  it("EarlyStopping names the missing key", async () => {
    const [x, y] = blobs(16);
    const model = classifier();
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
    await expect(
      model.fit([x, y], { epochs: 2, verbose: 0, callbacks: [new EarlyStopping()] }),
    ).rejects.toThrow(/valLoss/);
  });

  it("ModelCheckpoint writes files atomically and CSVLogger writes one row per epoch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-ckpt-"));
    const [x, y] = blobs(64);
    const model = classifier();
    model.compile({
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: "crossEntropy",
      metrics: ["accuracy"],
    });
    const ckpt = new ModelCheckpoint(join(dir, "model-{epoch}.safetensors"), {
      monitor: "loss",
      saveBestOnly: false,
    });
    const csv = new CSVLogger(join(dir, "log.csv"));
    await model.fit([x, y], { epochs: 3, batchSize: 16, verbose: 0, callbacks: [ckpt, csv] });
    expect(ckpt.saved.map((p) => p.slice(dir.length + 1))).toEqual([
      "model-1.safetensors",
      "model-2.safetensors",
      "model-3.safetensors",
    ]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const lines = readFileSync(join(dir, "log.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("epoch,loss,accuracy");
    expect(lines).toHaveLength(4);
  });

  it("LearningRateScheduler applies a schedule function and logs lr", async () => {
    const [x, y] = blobs(32);
    const model = classifier();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    model.compile({ optimizer: opt, loss: "crossEntropy" });
    const history = await model.fit([x, y], {
      epochs: 3,
      batchSize: 32,
      verbose: 0,
      callbacks: [new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2))],
    });
    expect(history.history.lr).toEqual([0.1, 0.05, 0.025]);
  });

  it("ProgressBar draws a bar in place on a TTY and plain lines otherwise", async () => {
    const [x, y] = blobs(320);
    for (const isTTY of [true, false]) {
      let text = "";
      const model = classifier();
      model.compile({
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss: "crossEntropy",
        metrics: ["accuracy"],
      });
      const bar = new ProgressBar({ output: { isTTY, write: (s) => (text += s) } });
      await model.fit([x, y], { epochs: 1, batchSize: 10, verbose: 0, callbacks: [bar] });
      expect(text).toContain("Epoch 1/1");
      expect(text).toMatch(/32\/32 \[=+\] .*ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
      if (isTTY) expect(text).toContain("\r");
      else {
        expect(text).not.toContain("\r");
        expect(text.trim().split("\n").length).toBe(5); // header, three quarter lines, the final line
      }
    }
  });
});

describe("reproducibility", () => {
  it("the same seed gives the same training run, bit for bit", async () => {
    const run = async () => {
      manualSeed(21);
      const [x, y] = blobs(256);
      const model = classifier();
      model.compile({
        optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
        loss: "crossEntropy",
      });
      return (await model.fit([x, y], { epochs: 3, batchSize: 32, verbose: 0 })).history.loss;
    };
    expect(await run()).toEqual(await run());
  });
});
