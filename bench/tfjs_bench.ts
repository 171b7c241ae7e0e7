import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { timeRuns } from "./stats.js";

type TF = typeof import("@tensorflow/tfjs");

/** Loads TensorFlow.js with the requested backend, or returns null with the reason. */
export async function loadTfjs(backend: "cpu" | "wasm"): Promise<TF | string> {
  try {
    const tf = await import("@tensorflow/tfjs");
    if (backend === "wasm") {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
      wasm.setWasmPaths(`${join(dist, "dist")}/`);
    }
    const ok = await tf.setBackend(backend);
    if (!ok) return `TensorFlow.js backend ${backend} failed to initialise`;
    await tf.ready();
    return tf;
  } catch (e) {
    return `TensorFlow.js ${backend} unavailable: ${(e as Error).message}`;
  }
}

export async function tfjsMatmul(tf: TF, n: number, runs: number): Promise<number[]> {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  const times = await timeRuns(
    async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    },
    { runs, reps: n <= 256 ? 5 : 1 },
  );
  a.dispose();
  b.dispose();
  return times.map((t) => (2 * n ** 3) / t / 1e9);
}

export async function tfjsMlp(
  tf: TF,
  sizes: number[],
  batch: number,
  runs: number,
  steps: number,
): Promise<number[]> {
  const model = tf.sequential();
  for (let i = 1; i < sizes.length; i++) {
    model.add(
      tf.layers.dense({
        units: sizes[i],
        activation: i + 1 < sizes.length ? "relu" : "linear",
        ...(i === 1 ? { inputShape: [sizes[0]] } : {}),
      }),
    );
  }
  const opt = tf.train.sgd(0.01);
  const x = tf.randomUniform([batch, sizes[0]]);
  const y = tf.oneHot(
    tf.randomUniform([batch], 0, sizes[sizes.length - 1], "int32"),
    sizes[sizes.length - 1],
  );
  const step = async () => {
    const loss = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.predict(x) as import("@tensorflow/tfjs").Tensor),
      true,
    );
    await loss?.data();
    loss?.dispose();
  };
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  x.dispose();
  y.dispose();
  return times.map((t) => batch / t);
}

/** Samples per second of one LSTM training step (tf.layers.lstm, mean of the outputs, SGD), batch-first. */
export async function tfjsLstm(
  tf: TF,
  { input, hidden, seq, batch }: { input: number; hidden: number; seq: number; batch: number },
  runs: number,
  steps: number,
): Promise<number[]> {
  const model = tf.sequential({
    layers: [tf.layers.lstm({ units: hidden, returnSequences: true, inputShape: [seq, input] })],
  });
  const opt = tf.train.sgd(0.01);
  const x = tf.randomUniform([batch, seq, input]);
  const step = async () => {
    const loss = opt.minimize(() => (model.predict(x) as import("@tensorflow/tfjs").Tensor).mean(), true);
    await loss?.data();
    loss?.dispose();
  };
  const times = await timeRuns(step, { runs, reps: steps, warmup: 1 });
  x.dispose();
  model.dispose();
  return times.map((t) => batch / t);
}

/**
 * The bench's LeNet-like CNN training step in TensorFlow.js, in its native channels-last layout
 * (N, 28, 28, 1): conv 5×5×32 same → max-pool 2 → conv 5×5×64 → max-pool 2 → dense 1024 → dense 10.
 */
export async function tfjsCnn(
  tf: TF,
  batch: number,
  runs: number,
  steps: number,
  warmup = 1,
): Promise<number[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 5,
        padding: "same",
        activation: "relu",
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 5, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1024, activation: "relu" }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  const opt = tf.train.sgd(0.01);
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32"), 10);
  const step = async () => {
    const loss = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.predict(x) as import("@tensorflow/tfjs").Tensor),
      true,
    );
    await loss?.data();
    loss?.dispose();
  };
  const times = await timeRuns(step, { runs, reps: steps, warmup });
  x.dispose();
  y.dispose();
  model.dispose();
  return times.map((t) => batch / t);
}
