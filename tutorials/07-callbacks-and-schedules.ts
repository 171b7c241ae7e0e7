/**
 * Tutorial 07: callbacks and learning-rate schedules. Hooks into fit: early stopping that keeps the
 * best weights, a callback of your own, and schedules that change the learning rate as training goes.
 * Data and model: tutorial 05's Auto MPG regression, whose MLP overfitted in 200 epochs.
 * Run: npx tsx tutorials/07-callbacks-and-schedules.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  Callback,
  EarlyStopping,
  LearningRateScheduler,
  type Logs,
  type Tensor,
  concat,
  data,
  manualSeed,
  nn,
  oneHot,
  optim,
  plot,
} from "strata-dl";

// STRATA_QUICK=1: at most 90 epochs per run instead of 300
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const maxEpochs = quick ? 90 : 300;

// The data as in tutorial 05: one-hot origin, the same test split (seed 0), standardised
const csv = new URL("./data/auto-mpg.csv", import.meta.url);
const table = await data.loadCsv(csv, { target: "mpg", targetDtype: "float32" });
const o = table.columns.indexOf("origin");
const numeric = table.columns.map((_, i) => i).filter((i) => i !== o);
const features = concat(
  [table.features.indexSelect(1, numeric), oneHot(table.features.select(1, o).sub(1).int(), 3)],
  1,
);
const [[xAll, yAll], [xTest, yTest]] = data.trainTestSplit([features, table.target.reshape([-1, 1])], {
  testSize: 0.2,
  seed: 0,
});
// New here: a validation part, split off the training rows, for the callbacks to watch. The test rows
// stay untouched until the end: decisions made by looking at them would make the test score optimistic
const [[xTrain, yTrain], [xVal, yVal]] = data.trainTestSplit([xAll, yAll], { testSize: 0.2, seed: 1 });
const xScaler = data.Standardizer.fit(xTrain);
const yScaler = data.Standardizer.fit(yTrain);
const train: [Tensor, Tensor] = [xScaler.transform(xTrain), yScaler.transform(yTrain)];
const validation: [Tensor, Tensor] = [xScaler.transform(xVal), yScaler.transform(yVal)];
console.log(`training ${xTrain.shape[0]} cars, validation ${xVal.shape[0]}, test ${xTest.shape[0]}`);

const makeModel = () => {
  manualSeed(0); // every run starts from the same weights
  return new nn.Sequential(
    new nn.Linear(9, 64),
    new nn.ReLU(),
    new nn.Linear(64, 64),
    new nn.ReLU(),
    new nn.Linear(64, 1),
  );
};
const testMae = (model: nn.Module) =>
  yScaler
    .inverseTransform(model.predict(xScaler.transform(xTest)))
    .sub(yTest)
    .abs()
    .mean()
    .item();

// A callback of your own: override the hooks you need (here, a line every `every` epochs)
class PrintEvery extends Callback {
  constructor(private readonly every: number) {
    super();
  }
  override onEpochEnd(epoch: number, logs: Logs) {
    if ((epoch + 1) % this.every === 0) {
      console.log(`  epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, valLoss ${logs.valLoss.toFixed(4)}`);
    }
  }
}

// 1. Train for a fixed number of epochs, watching the validation loss
console.log(`1. a fixed ${maxEpochs} epochs`);
const fixed = makeModel();
fixed.compile({ optimizer: new optim.Adam(fixed.parameters(), { lr: 1e-3 }), loss: "mse" });
const fixedRun = await fixed.fit(train, {
  epochs: maxEpochs,
  batchSize: 32,
  validationData: validation,
  verbose: 0,
  callbacks: [new PrintEvery(maxEpochs / 5)],
});
const valLosses = fixedRun.history.valLoss;
const bestEpoch = valLosses.indexOf(Math.min(...valLosses)) + 1;
console.log(
  `  lowest valLoss at epoch ${bestEpoch}; test MAE after epoch ${maxEpochs}: ${testMae(fixed).toFixed(2)} mpg`,
);

// 2. Early stopping: stop when valLoss has not improved for 20 epochs, and put back the best weights
console.log("2. early stopping (patience 20, restore the best weights)");
const early = makeModel();
early.compile({ optimizer: new optim.Adam(early.parameters(), { lr: 1e-3 }), loss: "mse" });
const stopper = new EarlyStopping({ monitor: "valLoss", patience: 20, restoreBestWeights: true });
const earlyRun = await early.fit(train, {
  epochs: maxEpochs,
  batchSize: 32,
  validationData: validation,
  verbose: 0,
  callbacks: [stopper],
});
const stoppedAt = earlyRun.epoch.length;
console.log(
  `  stopped after epoch ${stoppedAt}, weights of epoch ${stopper.bestEpoch}; test MAE ${testMae(early).toFixed(2)} mpg`,
);

// 3. Learning-rate schedules: the same start with a 10× larger rate, then three ways to lower it
console.log(`3. learning-rate schedules, ${maxEpochs / 2} epochs each from lr 0.01`);
const epochs = maxEpochs / 2;
const schedules: [string, (opt: optim.Adam) => Callback | null][] = [
  ["constant", () => null],
  [
    `step (÷10 every ${epochs / 3})`,
    (opt) => new LearningRateScheduler(new optim.StepLR(opt, { stepSize: epochs / 3, gamma: 0.1 })),
  ],
  ["cosine", (opt) => new LearningRateScheduler(new optim.CosineAnnealingLR(opt, { tMax: epochs }))],
  [
    "on plateau (÷2)",
    (opt) =>
      new LearningRateScheduler(new optim.ReduceLROnPlateau(opt, { factor: 0.5, patience: 5 }), {
        monitor: "valLoss",
      }),
  ],
];
const lrSeries = [];
const valSeries = [];
const results: Record<string, number> = {};
for (const [name, schedule] of schedules) {
  const model = makeModel();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  model.compile({ optimizer: opt, loss: "mse" });
  // LearningRateScheduler also logs the rate in use as `lr`; for the constant run, a callback records it
  const recordLr = new (class extends Callback {
    override onEpochEnd(_epoch: number, logs: Logs) {
      logs.lr ??= opt.paramGroups[0].lr;
    }
  })();
  const callback = schedule(opt);
  const run = await model.fit(train, {
    epochs,
    batchSize: 32,
    validationData: validation,
    verbose: 0,
    callbacks: callback ? [callback, recordLr] : [recordLr],
  });
  const x = run.epoch.map((e) => e + 1);
  lrSeries.push({ name, x, y: run.history.lr });
  valSeries.push({ name, x, y: run.history.valLoss });
  const last = run.history.valLoss.slice(-10);
  results[name] = testMae(model);
  console.log(
    `  ${name.padEnd(20)} final lr ${run.history.lr[epochs - 1].toExponential(1)}, ` +
      `valLoss (mean of last 10 epochs) ${(last.reduce((a, b) => a + b) / last.length).toFixed(4)}, ` +
      `test MAE ${results[name].toFixed(2)} mpg`,
  );
}

const pictures: [string, string, string, { name: string; x: number[]; y: number[] }[], boolean][] = [
  [
    "early-stopping",
    "MLP on Auto MPG, a fixed run",
    "loss (standardised MSE)",
    [
      { name: "training", x: fixedRun.epoch.map((e) => e + 1), y: fixedRun.history.loss },
      { name: "validation", x: fixedRun.epoch.map((e) => e + 1), y: valLosses },
    ],
    true,
  ],
  ["lr", "Learning rate per epoch", "learning rate", lrSeries, true],
  ["schedules", "Validation loss under each schedule", "validation loss", valSeries, true],
];
for (const [what, title, yLabel, series, log] of pictures) {
  const svg = await plot.linePlot({ title, xLabel: "epoch", yLabel, yScale: log ? "log" : "linear", series });
  writeFileSync(`${outDir}07-callbacks-and-schedules-${what}.png`, await plot.svgToPng(svg));
}

// The checks: early stopping ended before the limit and its model beats always predicting the mean;
// every schedule learned (test MAE under half the mean predictor's)
const meanMae = yTest.sub(yTrain.mean().item()).abs().mean().item();
console.log(`(always predicting the training mean: test MAE ${meanMae.toFixed(2)} mpg)`);
if (!(stoppedAt < maxEpochs && testMae(early) < 0.5 * meanMae)) {
  throw new Error(`early stopping did not stop (${stoppedAt} epochs) or did not learn (${testMae(early)})`);
}
for (const [name, mae] of Object.entries(results)) {
  if (!(mae < 0.5 * meanMae)) throw new Error(`the "${name}" run did not learn: test MAE ${mae}`);
}
