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

/** Sizes of the LSTM benchmark: input features, hidden units, sequence length, batch. */
export interface LstmBenchSizes {
  input: number;
  hidden: number;
  seq: number;
  batch: number;
}

/** One training step of a batch-first LSTM (forward over the sequence, mean of the outputs, backward, SGD). */
export function lstmTrainingStep({ input, hidden, seq, batch }: LstmBenchSizes): () => void {
  manualSeed(0);
  const lstm = new nn.LSTM(input, hidden, { batchFirst: true });
  const opt = new optim.SGD(lstm.parameters(), { lr: 0.01 });
  const x = rand([batch, seq, input]);
  return () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = lstm.forward(x).mean();
      loss.backward();
      opt.step();
      loss.item();
    });
}

/** Samples per second of the LSTM training step. */
export async function strataLstm(sizes: LstmBenchSizes, runs: number, steps: number): Promise<number[]> {
  const step = lstmTrainingStep(sizes);
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  return times.map((t) => sizes.batch / t);
}

/** The bench's LeNet-like CNN, shared by every backend's CNN row. */
export function benchCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(7 * 7 * 64, 1024),
    new nn.ReLU(),
    new nn.Linear(1024, 10),
  );
}

/**
 * One training step of the LeNet-like CNN of the bench (conv 5×5×32 "same" → ReLU → max-pool 2 →
 * conv 5×5×64 → ReLU → max-pool 2 → dense 1024 → ReLU → dense 10; cross-entropy, SGD) on (N, 1, 28, 28).
 */
export function cnnTrainingStep(batch: number): () => void {
  manualSeed(0);
  const model = benchCnn();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = rand([batch, 1, 28, 28]);
  const y = randint(0, 10, [batch]);
  return () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      loss.item();
    });
}

/** Samples per second of the CNN training step. */
export async function strataCnn(batch: number, runs: number, steps: number): Promise<number[]> {
  const step = cnnTrainingStep(batch);
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  return times.map((t) => batch / t);
}

/** Sizes of the transformer benchmark: one encoder layer over (batch, seq, dModel). */
export interface TransformerBenchSizes {
  dModel: number;
  nhead: number;
  dimFeedforward: number;
  seq: number;
  batch: number;
}

/** One training step of a batch-first post-norm encoder layer (no dropout; mean of the output, backward, SGD). */
export function transformerTrainingStep({
  dModel,
  nhead,
  dimFeedforward,
  seq,
  batch,
}: TransformerBenchSizes): () => void {
  manualSeed(0);
  const layer = new nn.TransformerEncoderLayer(dModel, nhead, {
    dimFeedforward,
    dropout: 0,
    batchFirst: true,
  });
  const opt = new optim.SGD(layer.parameters(), { lr: 0.01 });
  const x = rand([batch, seq, dModel]);
  return () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = layer.forward(x).mean();
      loss.backward();
      opt.step();
      loss.item();
    });
}

/** Samples (sequences) per second of the transformer training step. */
export async function strataTransformer(
  sizes: TransformerBenchSizes,
  runs: number,
  steps: number,
): Promise<number[]> {
  const step = transformerTrainingStep(sizes);
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  return times.map((t) => sizes.batch / t);
}
