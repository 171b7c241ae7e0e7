// Tutorial 10: recurrent nets. An LSTM and a GRU learn to continue waves they have never seen:
// each sequence is a sine wave with its own frequency, and at every step the net predicts the next value.
//   npx tsx tutorials/10-recurrent-nets.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/10-recurrent-nets.ts  (a quick check)
import { Generator, type Tensor, fromHost, manualSeed, nn, noGrad, optim, plot } from "strata-dl";

const quick = process.env.STRATA_QUICK === "1";
const trainSize = quick ? 384 : 4_096; // training sequences
const epochs = quick ? 4 : 12;
const outDir = quick ? "tutorials/output/quick" : "tutorials/output";
const T = 24; // steps per sequence

// Step 1: the data. Sequence s is sin(ω·t + φ) plus a little noise, ω and φ drawn at random.
// The input is steps 0..T-1, the target steps 1..T: the next value at every step.
function waves(n: number, rng: Generator): [Tensor, Tensor] {
  const x = new Float32Array(n * T);
  const y = new Float32Array(n * T);
  for (let s = 0; s < n; s++) {
    const omega = 0.2 + 0.8 * rng.uniform(); // radians per step: periods from 8 to 31 steps
    const phi = 2 * Math.PI * rng.uniform();
    const value = (t: number) => Math.sin(omega * t + phi) + 0.05 * rng.normal();
    let current = value(0);
    for (let t = 0; t < T; t++) {
      const next = value(t + 1);
      x[s * T + t] = current;
      y[s * T + t] = next;
      current = next;
    }
  }
  // batch first: [sequences, steps, features], one feature per step
  return [fromHost(x, [n, T, 1], "float32"), fromHost(y, [n, T, 1], "float32")];
}

manualSeed(1);
const [xTrain, yTrain] = waves(trainSize, new Generator(1));
const [xTest, yTest] = waves(500, new Generator(2));

// The error at each step, averaged over the test waves: at step t the net has seen t + 1 values.
const mseByStep = (pred: Tensor) => Array.from(pred.sub(yTest).square().mean([0, 2]).dataSync());
const lastStepMse = (pred: Tensor) => mseByStep(pred)[T - 1];

// Step 2: a baseline that needs no learning: "the next value is the current one".
const baseline = lastStepMse(xTest);
console.log(`${trainSize} training waves, 500 test waves, ${T} steps each`);
console.log(`baseline "next = current": last-step MSE ${baseline.toFixed(4)}`);

// Step 3: the models. The recurrent layer reads one step at a time and carries a state from step to
// step; its output at every step (returnSequences, the default) goes through the same Linear layer.
function sequenceModel(kind: "LSTM" | "GRU") {
  const rnn =
    kind === "LSTM" ? new nn.LSTM(1, 32, { batchFirst: true }) : new nn.GRU(1, 32, { batchFirst: true });
  return new nn.Sequential(rnn, new nn.Linear(32, 1));
}

// Step 4: train each with fit, keeping the test loss after every epoch for the plot.
const curves: { name: string; x: number[]; y: number[] }[] = [];
const byStep: { name: string; x: number[]; y: number[] }[] = [];
const steps = Array.from({ length: T }, (_, t) => t + 1);
const results: Record<string, number> = {};
for (const kind of ["LSTM", "GRU"] as const) {
  const model = sequenceModel(kind);
  const parameters = model.parameters().reduce((n, p) => n + p.size, 0);
  console.log(`\n${kind}(1 → 32) + Linear(32 → 1): ${parameters} parameters`);
  model.compile({
    optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }),
    loss: "mse",
    clipNorm: 1, // recurrent nets can produce large gradients: cap their norm
  });
  const history = await model.fit([xTrain, yTrain], {
    epochs,
    batchSize: 32,
    validationData: [xTest, yTest],
  });
  const errors = mseByStep(noGrad(() => model.predict(xTest)));
  results[kind] = errors[T - 1];
  console.log(`${kind}: last-step MSE ${results[kind].toFixed(4)} (baseline ${baseline.toFixed(4)})`);
  console.log(
    `${kind}: MSE after seeing 1, 2, 4, 8, ${T} values: ${[0, 1, 3, 7, T - 1].map((t) => errors[t].toFixed(4)).join(", ")}`,
  );
  byStep.push({ name: kind, x: steps, y: errors });
  curves.push({ name: kind, x: history.epoch.map((e) => e + 1), y: history.history.valLoss });
}
curves.push({ name: "baseline (last step)", x: curves[0].x, y: curves[0].x.map(() => baseline) });

byStep.push({ name: "baseline", x: steps, y: mseByStep(xTest) });
await plot.linePlot(
  {
    title: "Error by values seen",
    xLabel: "values seen",
    yLabel: "mean squared error",
    yScale: "log",
    series: byStep,
  },
  `${outDir}/10-recurrent-nets-by-step`,
);
await plot.linePlot(
  {
    title: "Next-value prediction: test loss",
    xLabel: "epoch",
    yLabel: "mean squared error",
    yScale: "log",
    series: curves,
  },
  `${outDir}/10-recurrent-nets-loss`,
);

// Step 5: the check. Both nets must predict the next value at least 3 times better than the baseline.
for (const [kind, mse] of Object.entries(results)) {
  if (!(mse < baseline / 3)) {
    throw new Error(
      `${kind}: last-step MSE ${mse.toFixed(4)} is not 3 times below the baseline's ${baseline.toFixed(4)}`,
    );
  }
}
console.log("\nBoth recurrent nets beat the baseline at least 3 times over: check passed.");
