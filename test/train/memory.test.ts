import { describe, expect, it } from "vitest";
import { getBackend } from "../../src/core/backend_registry.js";
import { manualSeed } from "../../src/core/random.js";
import { mnist } from "../../src/data/mnist.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { ReLU } from "../../src/nn/layers/activation.js";
import { Sequential } from "../../src/nn/sequential.js";
import { crossEntropy } from "../../src/ops/losses.js";
import { Adam } from "../../src/optim/adam.js";
import { Callback, type Logs } from "../../src/train/callbacks/callback.js";

function mlp() {
  return new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
}

class MemoryProbe extends Callback {
  readonly samples: { storages: number; bytes: number }[] = [];
  override onBatchEnd(_batch: number, _logs: Logs): void {
    this.samples.push(getBackend().memory());
  }
}

describe("memory stays flat over long training", () => {
  it("fit(): 1,000 steps of the MNIST MLP, no tidy in user code, exact same live count and bytes", async () => {
    manualSeed(0);
    // both splits stay referenced: a split freed by the GC mid-run would change the count for another reason
    const { train, test } = await mnist({ flatten: true, limitTrain: 16_000, limitTest: 10 });
    const model = mlp();
    model.compile({ optimizer: new Adam(model.parameters()), loss: "crossEntropy", metrics: ["accuracy"] });
    const probe = new MemoryProbe();
    await model.fit(train, { epochs: 2, batchSize: 32, verbose: 0, callbacks: [probe] });
    expect(probe.samples.length).toBe(1000);
    // after the first steps create optimizer state, nothing else may accumulate
    const early = probe.samples[10];
    const late = probe.samples[999];
    expect(late.storages).toBe(early.storages);
    expect(late.bytes).toBe(early.bytes);
    expect(test.length).toBe(10);
  });

  it("a hand-written PyTorch-style loop without tidy stays bounded (the GC safety net releases memory)", async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, "run with --expose-gc (vitest.config.ts sets it)").toBeTypeOf("function");
    manualSeed(0);
    const { train } = await mnist({ flatten: true, limitTrain: 512, limitTest: 10 });
    const model = mlp();
    const opt = new Adam(model.parameters());
    const [x, y] = train.getBatch(Int32Array.from({ length: 32 }, (_, i) => i));
    const counts: number[] = [];
    for (let step = 0; step < 1000; step++) {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      if (step % 100 === 99) {
        gc!();
        await new Promise((r) => setTimeout(r, 10));
        counts.push(getBackend().memory().storages);
      }
    }
    // without the safety net, each step would leave ~50 storages behind (~50,000 after 1,000 steps)
    expect(Math.max(...counts.slice(2))).toBeLessThanOrEqual(counts[1] + 100);
  });
});
