import { manualSeed, nn, optim, rand, randint, tidy } from "../src/index.js";
import { timeRuns } from "./stats.js";

/** Strata's side of the benchmark, on whatever backend is current. */
export async function strataMatmul(n: number, runs: number): Promise<number[]> {
  const a = rand([n, n]);
  const b = rand([n, n]);
  const times = await timeRuns(() => a.matmul(b).dispose(), { runs, reps: n <= 256 ? 10 : 1 });
  a.dispose();
  b.dispose();
  return times.map((t) => (2 * n ** 3) / t / 1e9);
}

/** One training step (forward, cross-entropy, backward, SGD) of an MLP with ReLU between `sizes`. */
export function mlpTrainingStep(sizes: number[], batch: number): () => void {
  manualSeed(0);
  const layers: nn.Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new nn.Linear(sizes[i], sizes[i + 1]));
    if (i + 2 < sizes.length) layers.push(new nn.ReLU());
  }
  const model = new nn.Sequential(...layers);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = rand([batch, sizes[0]]);
  const y = randint(0, sizes[sizes.length - 1], [batch]);
  return () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      loss.item();
    });
}

export async function strataMlp(
  sizes: number[],
  batch: number,
  runs: number,
  steps: number,
): Promise<number[]> {
  const step = mlpTrainingStep(sizes, batch);
  const times = await timeRuns(step, { runs, reps: steps, warmup: 2 });
  return times.map((t) => batch / t);
}
