/**
 * The webgpu columns of `npm run bench`: the same matmul and training steps as strata_bench.ts, made
 * asynchronous (a GPU is read only asynchronously): each step ends by awaiting its loss, so a timed step
 * is the GPU's work, not just its submission. On lavapipe (CPU Vulkan) the numbers only show the path works.
 */
import { type Backend, type Tensor, manualSeed, nn, optim, rand, randint, tidy } from "../src/index.js";
import { timeRuns } from "./stats.js";
import { benchCnn } from "./strata_bench.js";

/** GFLOP/s of an n×n×n matmul, waiting for the GPU to finish each product. */
export async function webgpuMatmul(backend: Backend, n: number, runs: number): Promise<number[]> {
  const a = rand([n, n]);
  const b = rand([n, n]);
  const times = await timeRuns(
    async () => {
      a.matmul(b).dispose();
      await backend.settled?.();
    },
    { runs, reps: 1 },
  );
  a.dispose();
  b.dispose();
  return times.map((t) => (2 * n ** 3) / t / 1e9);
}

/** One asynchronous training step: forward, loss, backward, SGD, then await the loss. */
function asyncStep(model: nn.Module, x: Tensor, y: Tensor | null, loss: (out: Tensor) => Tensor) {
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  return async () => {
    const value = tidy(() => {
      opt.zeroGrad();
      const l = loss(model.forward(x));
      l.backward();
      opt.step();
      return l.detach();
    });
    await value.itemAsync();
    value.dispose();
    void y;
  };
}

/** Samples/s of the bench's MLP training step on the current (webgpu) backend. */
export async function webgpuMlp(sizes: number[], batch: number, runs: number, steps: number) {
  manualSeed(0);
  const layers: nn.Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new nn.Linear(sizes[i], sizes[i + 1]));
    if (i + 2 < sizes.length) layers.push(new nn.ReLU());
  }
  const x = rand([batch, sizes[0]]);
  const y = randint(0, sizes[sizes.length - 1], [batch]);
  const step = asyncStep(new nn.Sequential(...layers), x, y, (out) => nn.functional.crossEntropy(out, y));
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  return times.map((t) => batch / t);
}

/** Samples/s of the bench's LSTM training step on the current (webgpu) backend. */
export async function webgpuLstm(
  s: { input: number; hidden: number; seq: number; batch: number },
  runs: number,
  steps: number,
) {
  manualSeed(0);
  const x = rand([s.batch, s.seq, s.input]);
  const step = asyncStep(new nn.LSTM(s.input, s.hidden, { batchFirst: true }), x, null, (out) => out.mean());
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  return times.map((t) => s.batch / t);
}

/** Samples/s of the bench's LeNet-like CNN training step on the current (webgpu) backend. */
export async function webgpuCnn(batch: number, runs: number, steps: number) {
  manualSeed(0);
  const model = benchCnn();
  const x = rand([batch, 1, 28, 28]);
  const y = randint(0, 10, [batch]);
  const step = asyncStep(model, x, y, (out) => nn.functional.crossEntropy(out, y));
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  return times.map((t) => batch / t);
}
