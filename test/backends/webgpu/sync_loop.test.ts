import { afterAll, describe, expect, it } from "vitest";
import { getBackend, registerAsyncBackend, setBackend } from "../../../src/backends/registry.js";
import { manualSeed } from "../../../src/core/random.js";
import { ReLU } from "../../../src/nn/layers/activation.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { fromHost } from "../../../src/ops/creation.js";
import { mseLoss } from "../../../src/ops/losses.js";
import { SGD } from "../../../src/optim/sgd.js";
import { webgpuOrSkip } from "../../helpers/webgpu.js";

/**
 * A plain synchronous training loop on webgpu, as users write it: no tidy, no dispose, no await inside.
 * In Node, Dawn frees its objects only when the event loop turns, so every object a kernel created
 * piled up during such a loop, and lavapipe crashed the process (SIGSEGV) near 65,536 bind groups:
 * this loop's 29 kernels a step got there after about 2,200 steps. The backend now creates no GPU
 * object per kernel once the loop's steps repeat (docs/WEBGPU.md, "A long synchronous loop").
 */
const gpu = await webgpuOrSkip("webgpu sync loop");
if (gpu) registerAsyncBackend("webgpu-sync-loop", async () => gpu);
const previous = getBackend().name;
afterAll(() => {
  setBackend(previous);
});

describe.skipIf(!gpu)("webgpu: a long synchronous training loop", () => {
  it("runs 2,500 steps with flat tensors, pool and GPU objects, and learns", async () => {
    await setBackend("webgpu-sync-loop");
    const g = gpu!;
    manualSeed(0);
    // y = 2·x0 − x1 + 0.5, fitted by a small MLP
    const x = fromHost(
      Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7)),
      [32, 2],
      "float32",
    );
    const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const target = x.matmul(fromHost([2, -1], [2, 1], "float32")).add(0.5);
    const at: { storages: number; pooled: number; bindGroups: number; submits: number }[] = [];
    let loss = mseLoss(model.forward(x), target);
    const first = await loss.itemAsync();
    for (let step = 1; step <= 2500; step++) {
      opt.zeroGrad();
      loss = mseLoss(model.forward(x), target);
      loss.backward();
      opt.step();
      if (step === 500 || step === 2500) {
        at.push({
          storages: g.memory().storages,
          pooled: g.pooled(),
          bindGroups: g.bindGroupCount(),
          submits: g.submitCount(),
        });
      }
    }
    const last = await loss.itemAsync();
    expect(at[1].storages).toBeLessThanOrEqual(at[0].storages);
    expect(at[1].pooled).toBeLessThanOrEqual(at[0].pooled);
    // the last 2,000 steps made no bind group: each kernel found its buffers' group in the cache
    expect(at[1].bindGroups).toBe(at[0].bindGroups);
    // and submitted rarely: many kernels per command buffer (a submit per kernel would be 58,000)
    expect(at[1].submits - at[0].submits).toBeLessThan(2000 / 4);
    expect(last).toBeLessThan(first * 0.01);
  });
});
