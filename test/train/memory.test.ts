/**
 * The memory contract, tested as users write their loops: no tidy, dispose, using, keep, collector calls or
 * timers in the loops below (docs/ARCHITECTURE.md, "Memory"). Only the tests named "safety net"
 * rely on the garbage collector, and they yield to the event loop as a server or a page does.
 */
import { describe, expect, it } from "vitest";
import { getBackend } from "../../src/backends/registry.js";
import { noGrad } from "../../src/core/grad_mode.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { DataLoader } from "../../src/data/dataloader.js";
import { mnist } from "../../src/data/mnist.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { ReLU } from "../../src/nn/layers/activation.js";
import { LSTM } from "../../src/nn/layers/lstm.js";
import { Module } from "../../src/nn/module.js";
import { Sequential } from "../../src/nn/sequential.js";
import { rand, randint, randn } from "../../src/ops/creation.js";
import { crossEntropy, mseLoss } from "../../src/ops/losses.js";
import { Adam } from "../../src/optim/adam.js";
import { SGD } from "../../src/optim/sgd.js";
import { Callback, type Logs } from "../../src/train/callbacks/callback.js";

const memory = () => getBackend().memory();

/** The README's model, written as the README writes it. */
class MLP extends Module {
  l1 = new Linear(784, 128);
  l2 = new Linear(128, 10);
  forward(x: Tensor) {
    return this.l2.forward(this.l1.forward(x.flatten(1)).relu());
  }
}

/**
 * After every block, live bytes within 10% of those after the first block, and no more tensors than
 * then (a few more allowed: a leak of one small tensor per step would add hundreds).
 */
function expectFlat(samples: { storages: number; bytes: number }[]): void {
  const first = samples[0];
  for (const s of samples) {
    expect(s.bytes).toBeLessThanOrEqual(first.bytes * 1.1);
    expect(s.storages).toBeLessThanOrEqual(first.storages + 8);
  }
}

describe("hand-written loops stay flat with no memory code", () => {
  it("the README loop with for await over a DataLoader, 10 epochs", async () => {
    manualSeed(0);
    const { train } = await mnist({ limitTrain: 2048, limitTest: 10 });
    const model = new MLP();
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const samples = [];
    for (let epoch = 0; epoch < 10; epoch++) {
      for await (const [x, y] of new DataLoader(train, { batchSize: 64, shuffle: true })) {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
      }
      samples.push(memory());
    }
    expectFlat(samples);
  });

  it("the README loop with a plain synchronous for, 10 epochs, reading the loss after each step", async () => {
    manualSeed(0);
    const { train } = await mnist({ limitTrain: 2048, limitTest: 10 });
    const model = new MLP();
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
    const samples = [];
    let lastLoss = 0;
    for (let epoch = 0; epoch < 10; epoch++) {
      for (const [x, y] of loader) {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        lastLoss = loss.item(); // after backward and step, as in PyTorch
      }
      samples.push(memory());
    }
    expect(lastLoss).toBeLessThan(1);
    expectFlat(samples);
  });

  it("reading outputs after backward works; what is computed from them for logging costs a few bytes a step", async () => {
    manualSeed(0);
    const { train } = await mnist({ limitTrain: 2048, limitTest: 10 });
    const model = new MLP();
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
    const before = memory().bytes;
    const growth = [];
    let correct = 0;
    for (let epoch = 0; epoch < 10; epoch++) {
      for (const [x, y] of loader) {
        opt.zeroGrad();
        const out = model.forward(x);
        crossEntropy(out, y).backward();
        opt.step();
        correct = out.argmax(1).eq(y).sum().item();
      }
      growth.push(memory().bytes - before);
    }
    expect(correct).toBeGreaterThan(0);
    // the three small tensors per step (argmax, eq, sum) are not part of any step: the collector's
    expect(growth[9]).toBeLessThan(growth[0] + 2 ** 20);
  });

  it("a DQN-shaped loop: online and target nets, noGrad targets, fresh small tensors each step", () => {
    manualSeed(1);
    const net = () =>
      new Sequential(new Linear(8, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 4));
    const online = net();
    const target = net();
    target.loadStateDict(online.stateDict());
    const opt = new Adam(online.parameters(), { lr: 1e-3 });
    const samples = [];
    for (let step = 1; step <= 5000; step++) {
      const s = randn([32, 8]);
      const a = randint(0, 4, [32]);
      const r = rand([32]);
      const s2 = randn([32, 8]);
      const done = rand([32]).lt(0.1);
      const next = noGrad(() => target.forward(s2).max(1));
      const y = r.add(next.mul(0.99).mul(done.logicalNot().float()));
      const q = online.forward(s).gather(1, a.unsqueeze(1)).squeeze(1);
      const loss = mseLoss(q, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      if (step % 1000 === 0) target.loadStateDict(online.stateDict());
      if (step % 1000 === 500) samples.push(memory());
    }
    expectFlat(samples);
  });

  it("a recurrent state carried across steps with detach() (truncated BPTT by hand)", () => {
    manualSeed(2);
    const lstm = new LSTM(4, 16, { batchFirst: true });
    const head = new Linear(16, 1);
    const opt = new SGD([...lstm.parameters(), ...head.parameters()], { lr: 0.01 });
    let h = randn([1, 8, 16]);
    let c = randn([1, 8, 16]);
    const samples = [];
    for (let step = 1; step <= 300; step++) {
      const [out, state] = lstm.run(randn([8, 5, 4]), [h, c]);
      const loss = head.forward(out).pow(2).mean();
      opt.zeroGrad();
      loss.backward();
      opt.step();
      h = state[0].detach();
      c = (state[1] as Tensor).detach();
      if (step % 50 === 0) samples.push(memory());
    }
    expectFlat(samples);
  });

  it("two models trained in alternation keep their own data alive and stay flat", () => {
    manualSeed(3);
    const a = new Linear(6, 1);
    const b = new Linear(6, 1);
    const xa = randn([16, 6]);
    const xb = randn([16, 6]);
    const optA = new SGD(a.parameters(), { lr: 0.05 });
    const optB = new SGD(b.parameters(), { lr: 0.05 });
    const samples = [];
    for (let step = 1; step <= 400; step++) {
      optA.zeroGrad();
      a.forward(xa).pow(2).mean().backward();
      optA.step();
      optB.zeroGrad();
      b.forward(xb).pow(2).mean().backward();
      optB.step();
      if (step % 100 === 0) samples.push(memory());
    }
    expectFlat(samples);
    expect(xa.sum().item()).toBeTypeOf("number");
  });

  it("fit(): 1,000 steps, the exact same live count and bytes after the first steps", async () => {
    manualSeed(0);
    const { train } = await mnist({ flatten: true, limitTrain: 16_000, limitTest: 10 });
    const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
    model.compile({ optimizer: new Adam(model.parameters()), loss: "crossEntropy", metrics: ["accuracy"] });
    const samples: { storages: number; bytes: number }[] = [];
    class Probe extends Callback {
      override onBatchEnd(_batch: number, _logs: Logs): void {
        samples.push(memory());
      }
    }
    await model.fit(train, { epochs: 2, batchSize: 32, verbose: 0, callbacks: [new Probe()] });
    expect(samples.length).toBe(1000);
    // fewer is possible (the collector may free what earlier tests dropped), more is not
    expect(samples[999].storages).toBeLessThanOrEqual(samples[10].storages);
    expect(samples[999].bytes).toBeLessThanOrEqual(samples[10].bytes);
  });
});

describe("fit, evaluate and predict release their own temporaries", () => {
  it("predict over many batches holds one batch's activations at a time, not all of them", () => {
    manualSeed(6);
    const seen: number[] = [];
    class Probe extends Module {
      forward(x: Tensor): Tensor {
        seen.push(memory().bytes);
        return x;
      }
    }
    // each batch's hidden activations are 64 x 4096 floats twice (linear, relu): 2 MiB; 100 batches would
    // hold 200 MiB if a batch's temporaries lived until the end of predict
    const model = new Sequential(new Linear(32, 4096), new ReLU(), new Probe(), new Linear(4096, 2));
    const out = model.predict(randn([6400, 32]), { batchSize: 64 });
    expect(out.shape).toEqual([6400, 2]);
    expect(seen.length).toBe(100);
    expect(seen[99] - seen[1]).toBeLessThan(16 * 2 ** 20);
  });
});

describe("the safety net: results dropped in loops that yield to the event loop", () => {
  const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

  it("predict() 10,000 times, results dropped", async () => {
    manualSeed(4);
    const model = new Sequential(new Linear(32, 256), new ReLU(), new Linear(256, 10));
    const x = randn([512, 32]);
    const samples = [];
    for (let i = 1; i <= 10_000; i++) {
      model.predict(x, { batchSize: 512 });
      await yieldToEventLoop();
      if (i % 2000 === 0) samples.push(memory().bytes);
    }
    // each result is 20 KiB: 10,000 of them would hold 200 MiB without the collector
    expect(Math.max(...samples)).toBeLessThan(samples[0] + 150 * 2 ** 20);
    expect(samples[samples.length - 1]).toBeLessThan(200 * 2 ** 20);
  });

  it("an LSTM forward under noGrad 2,000 times, results dropped", async () => {
    manualSeed(5);
    const lstm = new LSTM(8, 128, { batchFirst: true });
    const x = randn([32, 4, 8]);
    const samples = [];
    for (let i = 1; i <= 2000; i++) {
      noGrad(() => lstm.forward(x));
      await yieldToEventLoop();
      if (i % 500 === 0) samples.push(memory().bytes);
    }
    // each output is 64 KiB: 2,000 of them would hold 125 MiB without the collector
    expect(Math.max(...samples)).toBeLessThan(100 * 2 ** 20);
  });
});
