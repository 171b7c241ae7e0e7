import { describe, expect, it } from "vitest";
import { manualSeed } from "../../../src/core/random.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { randn } from "../../../src/ops/creation.js";
import { SGD } from "../../../src/optim/sgd.js";
import { Callback, type Logs } from "../../../src/train/callbacks/callback.js";
import { EarlyStopping } from "../../../src/train/callbacks/early_stopping.js";

/** Logs a made-up score per epoch, so that which epoch is best is known in advance. */
class Score extends Callback {
  constructor(private readonly scores: number[]) {
    super();
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    logs.score = this.scores[epoch];
  }
}

/** The weights at the end of every epoch. */
class Recorder extends Callback {
  weights: number[][] = [];
  override onEpochEnd(): void {
    const w = this.context.model.stateDict().weight;
    this.weights.push(Array.from(w.dataSync()));
  }
}

describe("EarlyStopping", () => {
  it("counts bestEpoch and stoppedEpoch from 1 and restores the best epoch's weights", async () => {
    manualSeed(1);
    const model = new Linear(3, 1);
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "mse" });
    const x = randn([16, 3]);
    const y = randn([16, 1]);
    // best at the 2nd epoch, then two epochs without improvement: stop after the 4th
    const recorder = new Recorder();
    const stop = new EarlyStopping({ monitor: "score", patience: 2, restoreBestWeights: true });
    const history = await model.fit([x, y], {
      epochs: 10,
      batchSize: 4,
      verbose: 0,
      callbacks: [new Score([3, 1, 2, 2, 0]), recorder, stop],
    });
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    expect(stop.bestEpoch).toBe(2);
    expect(stop.stoppedEpoch).toBe(4);
    // the weights moved after the best epoch, and were put back to that epoch's
    expect(recorder.weights[3]).not.toEqual(recorder.weights[1]);
    expect(Array.from(model.weight.dataSync())).toEqual(recorder.weights[stop.bestEpoch! - 1]);
  });

  it("leaves bestEpoch null before any epoch and keeps the last weights without restoreBestWeights", async () => {
    manualSeed(2);
    const model = new Linear(2, 1);
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "mse" });
    const stop = new EarlyStopping({ monitor: "score", patience: 1 });
    expect(stop.bestEpoch).toBeNull();
    const recorder = new Recorder();
    await model.fit([randn([8, 2]), randn([8, 1])], {
      epochs: 10,
      batchSize: 4,
      verbose: 0,
      callbacks: [new Score([1, 2, 3]), recorder, stop],
    });
    expect(stop.bestEpoch).toBe(1);
    expect(stop.stoppedEpoch).toBe(2);
    expect(Array.from(model.weight.dataSync())).toEqual(recorder.weights[1]);
  });
});
