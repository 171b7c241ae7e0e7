import { describe, expect, it } from "vitest";
import { registerBackend, setBackend } from "../../../src/backends/registry.js";
import { WasmBackend } from "../../../src/backends/wasm/index.js";
import { manualSeed } from "../../../src/core/random.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { ReLU } from "../../../src/nn/layers/activation.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { randn, randint } from "../../../src/ops/creation.js";
import { crossEntropy } from "../../../src/ops/losses.js";
import { Adam } from "../../../src/optim/adam.js";
import { expectCloseSync } from "../../helpers/close.js";

/**
 * Browser pages without cross-origin isolation have no SharedArrayBuffer: the backend then runs the
 * unshared single-thread build, whose memory detaches its views when it grows. Training must match the
 * reference backend step for step anyway.
 */
function trainSteps(backend: string, steps: number): number[] {
  setBackend(backend);
  manualSeed(11);
  const model = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 5));
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  const x = randn([32, 20]);
  const y = randint(0, 5, [32]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

describe("wasm backend without shared memory", () => {
  it("uses an unshared memory and one thread", async () => {
    const b = new WasmBackend({ sharedMemory: false });
    expect(b.sharedMemory).toBe(false);
    expect(b.wasmMemory.buffer).toBeInstanceOf(ArrayBuffer);
    expect(await b.threadsReady()).toBe(1);
  });

  it("trains like the reference backend, across memory growth", () => {
    registerBackend("wasm-unshared", () => new WasmBackend({ sharedMemory: false }));
    const wasm = trainSteps("wasm-unshared", 20);
    // grow the memory in the middle of live tensors: views must be re-derived, not reused
    const big = randn([4096, 4096]);
    expect(big.sum().item()).not.toBeNaN();
    big.dispose();
    const ref = trainSteps("ref", 20);
    expectCloseSync(wasm, ref, { rtol: 1e-4, atol: 1e-5 });
    setBackend("ref");
  });
});
