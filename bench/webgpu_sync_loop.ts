/**
 * `npx tsx bench/webgpu_sync_loop.ts [--steps N] [--every K]`: the hand-written training loop of
 * test/nn/layers/no_leaks.test.ts's recurrent case (embedding + bidirectional 2-layer GRU + linear,
 * Adam) on webgpu, synchronous as users write it (no tidy, no await inside the loop), printing every K
 * (50) steps the live storages, the pool's bytes, the bind groups and submits the backend has made, and the
 * process RSS. In Node, Dawn frees its objects only when the event loop turns (docs/WEBGPU.md, "A long
 * synchronous loop"): these columns show what such a loop accumulates.
 */
import { type Tensor, getBackend, manualSeed, nn, optim, randint, setBackend } from "../src/index.js";
import type { WebGpuBackend } from "../src/backends/webgpu/index.js";

const { Embedding, GRU, Linear, Module } = nn;
const { crossEntropy } = nn.functional;

class Recurrent extends Module {
  embed = new Embedding(50, 8);
  gru = new GRU(8, 16, { batchFirst: true, numLayers: 2, bidirectional: true });
  head = new Linear(32, 5);
  forward(tokens: Tensor) {
    const out = this.gru.forward(this.embed.forward(tokens));
    return this.head.forward(out.select(1, -1));
  }
}

const args = process.argv.slice(2);
const steps = args.includes("--steps") ? Number(args[args.indexOf("--steps") + 1]) : 1000;
const every = args.includes("--every") ? Number(args[args.indexOf("--every") + 1]) : 50;
await setBackend("webgpu");
const gpu = getBackend() as WebGpuBackend;
const probe = gpu as Partial<WebGpuBackend>;
manualSeed(0);
const model = new Recurrent();
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const MiB = 2 ** 20;
const started = performance.now();
console.log("step  storages  pooled bytes  bind groups  submits  RSS MiB  seconds");
for (let step = 1; step <= steps; step++) {
  opt.zeroGrad();
  const loss = crossEntropy(model.forward(randint(0, 50, [6, 7])), randint(0, 5, [6]));
  loss.backward();
  opt.step();
  if (step % every === 0 || step === 1) {
    console.log(
      [
        String(step).padStart(4),
        String(gpu.memory().storages).padStart(9),
        String(gpu.pooled()).padStart(13),
        // "-" before the backend counted them (to compare with an older checkout)
        String(probe.bindGroupCount?.() ?? "-").padStart(12),
        String(probe.submitCount?.() ?? "-").padStart(8),
        (process.memoryUsage().rss / MiB).toFixed(0).padStart(8),
        ((performance.now() - started) / 1000).toFixed(1).padStart(8),
      ].join(" "),
    );
  }
}
const loopEnd = performance.now();
await gpu.settled();
// the GPU's backlog when the loop ended: how far recording ran ahead of the driver
console.log(
  `done: ${steps} synchronous steps; the GPU finished ${((performance.now() - loopEnd) / 1000).toFixed(1)} s ` +
    `after the loop; RSS ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB`,
);
