import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { BackendError, StrataError, ValueError } from "../../src/base/errors.js";
import { loadModel } from "../../src/io/save.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { DataLoader } from "../../src/data/dataloader.js";
import { TensorDataset } from "../../src/data/dataset.js";
import { ReLU } from "../../src/nn/layers/activation.js";
import { BatchNorm1d, BatchNorm2d } from "../../src/nn/layers/batchnorm.js";
import { Conv1d, Conv2d } from "../../src/nn/layers/conv.js";
import { Flatten } from "../../src/nn/layers/flatten.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { BCEWithLogitsLoss, CrossEntropyLoss } from "../../src/nn/layers/loss.js";
import { Module } from "../../src/nn/module.js";
import { Sequential } from "../../src/nn/sequential.js";
import { fromHost, rand, randint, randn, zeros } from "../../src/ops/creation.js";
import { Adam } from "../../src/optim/adam.js";
import type { Optimizer } from "../../src/optim/optimizer.js";
import { SGD } from "../../src/optim/sgd.js";
import { CSVLogger } from "../../src/train/callbacks/csv_logger.js";
import { EarlyStopping } from "../../src/train/callbacks/early_stopping.js";
import { LearningRateScheduler } from "../../src/train/callbacks/lr_scheduler.js";
import { ModelCheckpoint } from "../../src/train/callbacks/model_checkpoint.js";
import { ProgressBar } from "../../src/train/callbacks/progress.js";
import { type CompileConfig, TrainingDivergedError } from "../../src/train/model.js";
import { describeEachBackend, itNeeds, syncReads } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

/** Two Gaussian blobs, linearly separable: a net that trains at all gets them right. */
function blobs(n: number): [Tensor, Tensor] {
  const x = randn([n, 2]);
  const labels = x.sum(1).gt(0).int();
  return [x.add(labels.float().unsqueeze(1).mul(2).sub(1)), labels];
}

function classifier() {
  return new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
}

/** One logit per example. */
function binary() {
  return new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));
}

/** Every parameter and buffer's values, by name. */
async function stateValues(model: Module): Promise<Record<string, number[]>> {
  const entries = Object.entries(model.stateDict());
  return Object.fromEntries(
    await Promise.all(entries.map(async ([k, t]) => [k, Array.from(await t.data())])),
  );
}

/** The optimizer's per-parameter state (step counts and moment estimates) as plain values. */
async function optimizerValues(opt: Optimizer): Promise<unknown> {
  const { state } = opt.stateDict();
  return Promise.all(
    Object.entries(state).map(async ([i, s]) => [
      i,
      Object.fromEntries(
        await Promise.all(
          Object.entries(s).map(async ([k, v]) => [
            k,
            typeof v === "number" ? v : Array.from(await v.data()),
          ]),
        ),
      ),
    ]),
  );
}

/** A copy of `x` with NaN at the given flat positions. */
async function withNaN(x: Tensor, at: number[]): Promise<Tensor> {
  const values = Array.from(await x.data());
  for (const i of at) values[i] = Number.NaN;
  return fromHost(values, x.shape, x.dtype);
}

/** √x at 0 has an infinite derivative: a finite loss whose gradients are not. */
class Sqrt extends Module {
  forward(x: Tensor): Tensor {
    return x.sqrt();
  }
}

/**
 * How fit reports a diverged step: where reads are synchronous it checks each step (and names the
 * parameter whose gradient is not finite); on webgpu the check accumulates on the device and is read
 * every DEVICE_READ_EVERY batches, so the message says which batch and when it was found.
 */
function diverged(sync: RegExp): RegExp {
  return syncReads()
    ? sync
    : /the loss or a gradient became non-finite at epoch \d+, batch \d+ .*were not applied/;
}

describeEachBackend("compile / fit / evaluate / predict", () => {
  it("learns a separable problem and reports history, validation and accuracy", async () => {
    manualSeed(3);
    const [x, y] = blobs(512);
    const model = classifier();
    model.compile({
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: "crossEntropy",
      metrics: ["accuracy"],
    });
    const before = (await model.evaluateAsync([x, y])).accuracy;
    const history = await model.fit([x, y], { epochs: 5, batchSize: 32, validationSplit: 0.25, verbose: 0 });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(history.history).sort()).toEqual(["accuracy", "loss", "valAccuracy", "valLoss"]);
    expect(history.history.loss[4]).toBeLessThan(history.history.loss[0]);
    const after = await model.evaluateAsync([x, y]);
    expect(after.accuracy).toBeGreaterThan(0.97);
    expect(after.accuracy).toBeGreaterThan(before);
    const pred = model.predict(x, { batchSize: 100 });
    expect(pred.shape).toEqual([512, 2]);
    const agree = await pred.argmax(1).eq(y).float().mean().itemAsync();
    expect(agree).toBeCloseTo(after.accuracy, 5);
    if (syncReads()) {
      expect(model.evaluate([x, y])).toEqual(after);
    } else {
      expect(() => model.evaluate([x, y])).toThrow(BackendError);
      expect(() => model.evaluate([x, y])).toThrow(
        "evaluate: the webgpu backend cannot be read synchronously; use `await model.evaluateAsync(...)`",
      );
    }
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
      diverged(/loss became (NaN|Infinity)/),
    );
    const history = await model.fit([x, y], {
      epochs: 5,
      batchSize: 64,
      verbose: 0,
      onNonFiniteLoss: "stop",
    });
    expect(history.stopReason).toMatch(/update (was|and the ones after it were) not applied/);
  });

  it("a NaN input batch rejected by fit leaves batch norm's running statistics, the weights and the optimizer state as they were", async () => {
    manualSeed(7);
    const model = new Sequential(
      new Conv2d(1, 4, 3),
      new BatchNorm2d(4),
      new ReLU(),
      new Flatten(),
      new Linear(16, 2),
    );
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    model.compile({ optimizer: opt, loss: "crossEntropy" });
    const x = randn([8, 1, 4, 4]);
    const y = rand([8]).mul(2).floor().int();
    await model.fit([x, y], { epochs: 2, batchSize: 4, verbose: 0 });
    const before = await stateValues(model);
    const momentum = await optimizerValues(opt);
    expect(before["1.num_batches_tracked"]).toEqual([4]);
    const xNaN = await withNaN(x, [5]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await expect(model.fit([xNaN, y], { epochs: 1, batchSize: 8, verbose: 0 })).rejects.toThrow(
        TrainingDivergedError,
      );
      expect(await stateValues(model)).toEqual(before);
      expect(await optimizerValues(opt)).toEqual(momentum);
      const history = await model.fit([xNaN, y], {
        epochs: 1,
        batchSize: 8,
        verbose: 0,
        onNonFiniteLoss: "stop",
      });
      expect(history.stopReason).toMatch(
        diverged(/loss became NaN at epoch 1, batch 1 .*the update was not applied/),
      );
      expect(await stateValues(model)).toEqual(before);
    } finally {
      warn.mockRestore();
    }
  });

  itNeeds("syncRead")(
    "says whether the batch held the NaN or the model diverged (the batch is read only where reads are synchronous)",
    async () => {
      manualSeed(12);
      const [x, y] = blobs(16);
      const model = classifier();
      model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
      const fromData = await model
        .fit([await withNaN(x, [3, 9]), y], { epochs: 1, batchSize: 16, verbose: 0 })
        .catch((e) => e);
      expect(fromData).toBeInstanceOf(TrainingDivergedError);
      expect(fromData.message).toMatch(
        /^fit: the loss became NaN at epoch 1, batch 1 .*The batch itself holds 2 NaN or infinite values \(2 in the inputs\), so the data is the cause, not the learning rate/,
      );
      expect(fromData.message).not.toMatch(/lower learning rate/);

      const reg = binary();
      reg.compile({ optimizer: new SGD(reg.parameters(), { lr: 0.1 }), loss: "mse" });
      const yInf = fromHost([1, Number.POSITIVE_INFINITY, 0, 0], [4, 1], "float32");
      const fromTargets = await reg
        .fit([x.slice(0, 0, 4), yInf], { epochs: 1, batchSize: 4, verbose: 0 })
        .catch((e) => e);
      expect(fromTargets.message).toMatch(/holds 1 NaN or infinite value \(1 in the targets\)/);

      model.compile({ optimizer: new SGD(model.parameters(), { lr: 1e30 }), loss: "crossEntropy" });
      const fromLr = await model.fit([x, y], { epochs: 50, batchSize: 16, verbose: 0 }).catch((e) => e);
      expect(fromLr.message).toMatch(
        /The batch's inputs and targets are all finite, so the model diverged: try a lower learning rate/,
      );
    },
  );

  it("a rejected step also undoes the running statistics of a finite batch (NaN in the targets)", async () => {
    manualSeed(8);
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 1));
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "mse" });
    const x = randn([6, 3]);
    const y = randn([6, 1]);
    await model.fit([x, y], { epochs: 1, batchSize: 6, verbose: 0 });
    const before = await stateValues(model);
    // the inputs are fine, so batch norm takes this batch into its statistics; the loss is NaN
    const yNaN = await withNaN(y, [2]);
    await expect(model.fit([x, yNaN], { epochs: 1, batchSize: 6, verbose: 0 })).rejects.toThrow(
      diverged(/loss became NaN/),
    );
    expect(await stateValues(model)).toEqual(before);
    expect(before["1.num_batches_tracked"]).toEqual([1]);
  });

  it("a finite loss with non-finite gradients is rejected before the update, naming the parameter", async () => {
    manualSeed(9);
    // √(x·w) with positive inputs and weights is fine; an all-zero batch puts √ at 0
    const model = new Sequential(new Linear(2, 3, { bias: false }), new Sqrt());
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    model.compile({ optimizer: opt, loss: "mse" });
    model.parameters()[0].assign(rand([3, 2]).add(0.5));
    const x = rand([4, 2]).add(0.5);
    const y = rand([4, 3]);
    await model.fit([x, y], { epochs: 1, batchSize: 4, verbose: 0 });
    const before = await stateValues(model);
    const adamState = await optimizerValues(opt);
    const bad = model.fit([zeros([4, 2]), y], { epochs: 1, batchSize: 4, verbose: 0 });
    await expect(bad).rejects.toThrow(TrainingDivergedError);
    await expect(bad).rejects.toThrow(
      diverged(
        /^fit: the loss is finite \([\d.]+\) but the gradient of 0\.weight \(NaN\) is not at epoch 1, batch 1 \(the first step of this run\); the update was not applied\. An op with an infinite derivative/,
      ),
    );
    expect(await stateValues(model)).toEqual(before);
    expect(await optimizerValues(opt)).toEqual(adamState);
    const history = await model.fit([zeros([4, 2]), y], {
      epochs: 1,
      batchSize: 4,
      verbose: 0,
      onNonFiniteLoss: "stop",
    });
    expect(history.stopReason).toMatch(diverged(/gradient of 0\.weight/));
    expect(history.epoch).toEqual([]);
    expect(await stateValues(model)).toEqual(before);
  });

  it("steps after a diverged batch (run, unread, on webgpu) leave no trace in the model or the optimizer", async () => {
    const run = async (x: Tensor, y: Tensor) => {
      manualSeed(12);
      const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 1));
      const opt = new Adam(model.parameters(), { lr: 0.01 });
      model.compile({ optimizer: opt, loss: "mse" });
      const fit = model.fit([x, y], { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      return { model, opt, fit };
    };
    manualSeed(13);
    const x = randn([16, 3]);
    const y = randn([16, 1]);
    // batch 2 of 4 has a NaN target: the reference run trains on batch 1 alone
    const bad = await run(x, await withNaN(y, [5]));
    await expect(bad.fit).rejects.toThrow(diverged(/loss became NaN at epoch 1, batch 2/));
    const good = await run(x.slice(0, 0, 4), y.slice(0, 0, 4));
    await good.fit;
    expect(await stateValues(bad.model)).toEqual(await stateValues(good.model));
    expect(await optimizerValues(bad.opt)).toEqual(await optimizerValues(good.opt));
  });

  it("a NaN validation loss is a warning in the history and the progress output; training goes on", async () => {
    manualSeed(10);
    const [x, y] = blobs(32);
    const [vx, vy] = blobs(16);
    const model = classifier();
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
    let text = "";
    const bar = new ProgressBar({ output: { isTTY: false, write: (t) => (text += t) } });
    const history = await model.fit([x, y], {
      epochs: 2,
      batchSize: 16,
      verbose: 0,
      validationData: [await withNaN(vx, [0, 7, 20]), vy],
      callbacks: [bar],
    });
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history.valLoss.every(Number.isNaN)).toBe(true);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(history.warnings).toEqual(
      [1, 2].map(
        (e) =>
          `validation: loss is NaN on epoch ${e} (the validation data has 3 non-finite values: 3 in the inputs, 0 in the targets)`,
      ),
    );
    expect(text).toContain(`Warning: ${history.warnings[0]}\n`);
    // finite data the loss overflows on: the warning says the data is not the cause
    const reg = new Sequential(new Linear(2, 1));
    reg.compile({ optimizer: new SGD(reg.parameters(), { lr: 0 }), loss: "mse" });
    const h = await reg.fit([x, randn([32, 1])], {
      verbose: 0,
      validationData: [vx, fromHost(new Array(16).fill(3e38), [16, 1], "float32")],
    });
    expect(h.warnings).toEqual([
      "validation: loss is Infinity on epoch 1 (the validation data is all finite, so the model's outputs or the loss on it are not)",
    ]);
  });

  it("a classification loss reports accuracy without being asked; regression and metrics: [] do not", async () => {
    manualSeed(6);
    const [x, y] = blobs(64);
    const keys = async (
      loss: CompileConfig["loss"],
      metrics?: CompileConfig["metrics"],
      target: Tensor = y,
    ) => {
      const model = classifier();
      model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss, metrics });
      return Object.keys(await model.evaluateAsync([x, target])).sort();
    };
    expect(await keys("crossEntropy")).toEqual(["accuracy", "loss"]);
    expect(await keys(new CrossEntropyLoss())).toEqual(["accuracy", "loss"]);
    expect(await keys("crossEntropy", [])).toEqual(["loss"]);
    if (syncReads()) {
      expect(await keys("crossEntropy", ["mae"], y.oneHot(2).float())).toEqual(["loss", "mae"]);
    } else {
      // mae has no device form: refused before any batch runs, naming the metric and the way out
      await expect(keys("crossEntropy", ["mae"], y.oneHot(2).float())).rejects.toThrow(
        /^evaluateAsync: metric "mae" has no device form, and the webgpu backend cannot be read synchronously/,
      );
    }
    expect(await keys("mse", undefined, y.oneHot(2).float())).toEqual(["loss"]);
    // (N, C, L) outputs: accuracy reads the classes on axis 1, as cross-entropy does
    const conv = new Conv1d(2, 3, 1);
    conv.compile({ optimizer: new SGD(conv.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
    const seq = await conv.fit([randn([8, 2, 5]), randint(0, 3, [8, 5])], { batchSize: 4, verbose: 0 });
    expect(Object.keys(seq.history).sort()).toEqual(["accuracy", "loss"]); // the last-axis reading would throw
    // BCE with logits: accuracy thresholds the logits at 0, so it matches the logits' signs
    const model = binary();
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: new BCEWithLogitsLoss() });
    const history = await model.fit([x, y.float().unsqueeze(1)], { epochs: 2, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(["accuracy", "loss"]);
    const signs = await model.predict(x).gt(0).squeeze(1).eq(y.bool()).float().mean().itemAsync();
    expect((await model.evaluateAsync([x, y.float().unsqueeze(1)])).accuracy).toBeCloseTo(signs, 6);
  });

  it("compile({ clipNorm }) bounds each step's update by lr × clipNorm", async () => {
    manualSeed(11);
    const [x, y] = blobs(32);
    const model = classifier();
    // plain SGD: the update is lr × the clipped gradient, so its norm is at most lr × clipNorm
    model.compile({
      optimizer: new SGD(model.parameters(), { lr: 1 }),
      loss: "crossEntropy",
      clipNorm: 0.01,
    });
    const flat = async () =>
      (await Promise.all(model.parameters().map(async (p) => [...(await p.data())]))).flat();
    const before = await flat();
    await model.fit([x.mul(1000), y], { epochs: 1, batchSize: 32, verbose: 0 });
    const after = await flat();
    const step = Math.sqrt(after.reduce((s, v, i) => s + (v - before[i]) ** 2, 0));
    // large inputs give a gradient of norm ≫ 0.01, so the clipped step has norm 0.01 (float32 rounding)
    expect(step).toBeGreaterThan(0.0099);
    expect(step).toBeLessThan(0.0101);
  });

  it("fit before compile is an error that says what to do", async () => {
    const model = classifier();
    await expect(model.fit([randn([4, 2]), randn([4])])).rejects.toThrow(/compile/);
  });
});

describe("argument checks", () => {
  function compiled() {
    const model = classifier();
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
    return model;
  }

  it.each([
    [{ epochs: Number.NaN }, "epochs must be a positive integer, got NaN"],
    [{ epochs: 0 }, "epochs must be a positive integer, got 0"],
    [{ epochs: -2 }, "epochs must be a positive integer, got -2"],
    [{ epochs: 2.5 }, "epochs must be a positive integer, got 2.5"],
    [{ epochs: Number.POSITIVE_INFINITY }, "epochs must be a positive integer, got Infinity"],
    [{ epochs: "3" as unknown as number }, 'epochs must be a positive integer, got "3"'],
    [{ batchSize: 0 }, "batchSize must be a positive integer, got 0"],
    [{ batchSize: 1.5 }, "batchSize must be a positive integer, got 1.5"],
    [{ batchSize: Number.NaN }, "batchSize must be a positive integer, got NaN"],
    [{ initialEpoch: -1 }, "initialEpoch must be an integer >= 0, got -1"],
  ])("fit(%j) is a ValueError naming the argument and the value", async (options, message) => {
    const [x, y] = blobs(8);
    const fit = compiled().fit([x, y], { verbose: 0, ...options });
    await expect(fit).rejects.toThrow(ValueError);
    await expect(fit).rejects.toThrow(`fit: ${message}`);
  });

  it("fit with empty training or validation data is a ValueError", async () => {
    const model = compiled();
    const [x, y] = blobs(8);
    const empty: [Tensor, Tensor] = [zeros([0, 2]), zeros([0], { dtype: "int32" })];
    await expect(model.fit(empty, { verbose: 0 })).rejects.toThrow(
      /^fit: the training data is empty \(0 examples\)$/,
    );
    await expect(model.fit([x, y], { verbose: 0, validationData: empty })).rejects.toThrow(
      "fit: validationData is empty (0 examples)",
    );
    await expect(model.fit([x, y], { verbose: 0, validationSplit: 0.1 })).rejects.toThrow(
      "fit: validationSplit 0.1 of 8 examples holds out none",
    );
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 16, dropLast: true });
    await expect(model.fit(loader, { verbose: 0 })).rejects.toThrow(
      "fit: the training data gives no batches (a DataLoader over 8 examples, batchSize 16, dropLast)",
    );
    // nothing was trained or counted
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it("evaluate of empty data is a ValueError; predict of an empty batch is an empty output", async () => {
    const model = compiled();
    expect(() => model.evaluate([zeros([0, 2]), zeros([0], { dtype: "int32" })])).toThrow(
      "evaluate: the data is empty (0 examples)",
    );
    await expect(model.evaluateAsync([zeros([0, 2]), zeros([0], { dtype: "int32" })])).rejects.toThrow(
      "evaluateAsync: the data is empty (0 examples)",
    );
    const [x, y] = blobs(8);
    expect(() => model.evaluate([x, y], { batchSize: 0 })).toThrow(
      "evaluate: batchSize must be a positive integer, got 0",
    );
    expect(model.predict(zeros([0, 2])).shape).toEqual([0, 2]);
    const err = (() => {
      try {
        model.predict(new TensorDataset(zeros([0, 2])));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StrataError);
    expect(String(err)).toMatch(
      /predict: the dataset is empty \(0 examples\), so the output shape is unknown/,
    );
    expect(() => model.predict(zeros([]))).toThrow(
      "predict: expected a batch of inputs (N, ...), got a 0-d tensor",
    );
    expect(() => model.predict(x, { batchSize: -1 })).toThrow(ValueError);
  });
});

describeEachBackend("callbacks", () => {
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
    // counted from 1, as the progress display prints "Epoch 3/20"
    expect(stop.stoppedEpoch).toBe(3);
    expect(stop.bestEpoch).toBe(1);
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
    // the last checkpoint holds the trained weights: loaded into a fresh model, it predicts the same
    const copy = classifier();
    await loadModel(copy, ckpt.saved[2]);
    expect(await stateValues(copy)).toEqual(await stateValues(model));
    await expectClose(copy.predict(x), model.predict(x), { rtol: 0, atol: 0 });
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

  it("ProgressBar draws a bar in place on a TTY and one line per epoch otherwise", async () => {
    const [x, y] = blobs(320);
    for (const isTTY of [true, false]) {
      let text = "";
      const model = classifier();
      model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
      const bar = new ProgressBar({ output: { isTTY, write: (s) => (text += s) } });
      await model.fit([x, y], { epochs: 2, batchSize: 10, verbose: 0, callbacks: [bar] });
      if (isTTY) {
        expect(text).toContain("Epoch 1/2\n");
        expect(text).toContain("\r");
        expect(text).toMatch(/32\/32 \[=+\] .*ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
        expect(text).toContain("\x1b[K\n");
      } else {
        expect(text).not.toContain("\r");
        const lines = text.trimEnd().split("\n");
        expect(lines).toHaveLength(2);
        for (const [e, line] of lines.entries()) {
          expect(line).toMatch(
            new RegExp(
              `^Epoch ${e + 1}/2 - 32/32 - [\\d.]+s \\d+ms/step - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}$`,
            ),
          );
        }
      }
    }
  });
});

describeEachBackend("reproducibility", () => {
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
