import { describe, expect, it } from "vitest";
import { ValueError } from "../../../src/base/errors.js";
import { manualSeed } from "../../../src/core/random.js";
import { TensorDataset } from "../../../src/data/dataset.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { randn } from "../../../src/ops/creation.js";
import { ReduceLROnPlateau } from "../../../src/optim/plateau.js";
import { SGD } from "../../../src/optim/sgd.js";
import { LearningRateScheduler } from "../../../src/train/callbacks/lr_scheduler.js";

function setup() {
  manualSeed(3);
  const model = new Linear(2, 1);
  const opt = new SGD(model.parameters(), { lr: 0 }); // lr 0: the loss never improves
  model.compile({ optimizer: opt, loss: "mse" });
  const train = new TensorDataset(randn([8, 2]), randn([8, 1]));
  const validation = new TensorDataset(randn([8, 2]), randn([8, 1]));
  return { model, opt, train, validation };
}

describe("LearningRateScheduler with ReduceLROnPlateau", () => {
  it("watches valLoss by default, as Keras' ReduceLROnPlateau", async () => {
    const { model, train, validation } = setup();
    // the model trains with lr 0, so valLoss stays flat; the scheduler drives an optimizer of its own
    const watched = new SGD(model.parameters(), { lr: 0.5 });
    const sched = new ReduceLROnPlateau(watched, { patience: 0, factor: 0.5 });
    const cb = new LearningRateScheduler(sched);
    expect(cb.monitor).toBe("valLoss");
    const history = await model.fit(train, {
      epochs: 3,
      verbose: 0,
      validationData: validation,
      callbacks: [cb],
    });
    expect(history.history.valLoss).toHaveLength(3);
    // epoch 1 sets the best; epochs 2 and 3 are no better (the same loss), each halving the rate
    expect(sched.best).toBe(history.history.valLoss[0]);
    expect(watched.paramGroups[0].lr).toBe(0.125);
  });

  it("says what to do when the monitored value is not logged", async () => {
    const { model, opt, train } = setup();
    const cb = new LearningRateScheduler(new ReduceLROnPlateau(opt));
    const error = await model.fit(train, { epochs: 1, verbose: 0, callbacks: [cb] }).catch((e) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/steps on "valLoss", which is not in this epoch's logs \(loss, lr\)/);
    expect(error.message).toMatch(/pass validationData to fit/);
    expect(error.message).toMatch(/monitor: "loss"/);
  });

  it("steps on the named value with { monitor }", async () => {
    const { model, train } = setup();
    const watched = new SGD(model.parameters(), { lr: 1 });
    const sched = new ReduceLROnPlateau(watched, { patience: 0, factor: 0.25 });
    const history = await model.fit(train, {
      epochs: 2,
      verbose: 0,
      callbacks: [new LearningRateScheduler(sched, { monitor: "loss" })],
    });
    expect(sched.best).toBe(history.history.loss[0]);
    expect(watched.paramGroups[0].lr).toBe(0.25);
  });

  it("ReduceLROnPlateau.step without a metric says what it needs", () => {
    const { opt } = setup();
    const sched = new ReduceLROnPlateau(opt);
    expect(() => (sched as unknown as { step(): void }).step()).toThrow(
      /ReduceLROnPlateau\.step: needs the epoch's metric, a number \(e\.g\. step\(valLoss\)\), got undefined/,
    );
  });
});
