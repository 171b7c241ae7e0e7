/**
 * Tutorial 04: a table of numbers from a CSV file → a classifier. Load with a named label column,
 * split into training and test rows, standardise, train, evaluate; and see what skipping the
 * standardisation costs. Data: the UCI wine recognition set (178 wines, 13 measurements, 3 cultivars).
 * Run: npx tsx tutorials/04-tabular-csv.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Tensor, data, manualSeed, nn, optim, plot } from "strata-dl";

// STRATA_QUICK=1: 20 epochs instead of 60 (the table is small, so both modes use every row)
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const epochs = quick ? 20 : 60;

// 1. Load: every column except "class" becomes a feature
const csv = new URL("../examples/data/wine.csv", import.meta.url);
const { features, target, columns, numClasses } = await data.loadCsv(csv, { target: "class" });
console.log(`${features.shape[0]} rows; ${columns.length} features; ${numClasses} classes`);
console.log(`columns: ${columns.join(", ")}`);

// 2. Split: a quarter of the rows for testing, each class in the same proportion (stratified)
const split = { testSize: 0.25, stratify: target, seed: 0 };
const [[xTrain, yTrain], [xTest, yTest]] = data.trainTestSplit([features, target], split);
console.log(`training rows: ${xTrain.shape[0]}, test rows: ${xTest.shape[0]}`);

// 3. Standardise: each column to mean 0 and std 1, using the training rows' statistics only
const scaler = data.Standardizer.fit(xTrain);
const zTrain = scaler.transform(xTrain);
const zTest = scaler.transform(xTest);
const range = (t: Tensor, column: number) => {
  const c = t.select(1, column);
  return `${c.min().item().toFixed(2)} to ${c.max().item().toFixed(2)}`;
};
for (const name of ["hue", "proline"]) {
  const i = columns.indexOf(name);
  console.log(`${name}: raw ${range(xTrain, i)}, standardised ${range(zTrain, i)}`);
}

// 4. The same small network, trained on raw and on standardised features from the same start
async function trainOn(xs: Tensor, xsTest: Tensor) {
  manualSeed(0); // identical initial weights and batch order for both runs
  const model = new nn.Sequential(
    new nn.Linear(columns.length, 32),
    new nn.ReLU(),
    new nn.Linear(32, numClasses!),
  );
  model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "crossEntropy" });
  const history = await model.fit([xs, yTrain], { epochs, batchSize: 16, verbose: 0 });
  const test = model.evaluate([xsTest, yTest]);
  return { model, history, test };
}
const raw = await trainOn(xTrain, xTest);
const standardised = await trainOn(zTrain, zTest);
for (const [name, run] of [
  ["raw features", raw],
  ["standardised", standardised],
] as const) {
  const losses = run.history.history.loss;
  console.log(
    `${`${name}:`.padEnd(14)} training loss ${losses[0].toFixed(3)} → ${losses[epochs - 1].toFixed(3)}, ` +
      `test accuracy ${(100 * run.test.accuracy).toFixed(2)}%`,
  );
}

// 5. Predict: class probabilities of the first five test rows
const probabilities = standardised.model.predict(zTest.slice(0, 0, 5)).softmax(1);
const truth = yTest.slice(0, 0, 5).dataSync();
for (const [i, row] of (probabilities.toArray() as number[][]).entries()) {
  console.log(`test row ${i}: p = [${row.map((p) => p.toFixed(3)).join(", ")}], true class ${truth[i]}`);
}

const epochNumbers = Array.from({ length: epochs }, (_, i) => i + 1);
const svg = await plot.linePlot({
  title: "Wine: the same MLP on raw and standardised features",
  xLabel: "epoch",
  yLabel: "training loss",
  series: [
    { name: "raw features", x: epochNumbers, y: raw.history.history.loss },
    { name: "standardised", x: epochNumbers, y: standardised.history.history.loss },
  ],
});
writeFileSync(`${outDir}04-tabular-csv-loss.png`, await plot.svgToPng(svg));

// The check of learning: three classes, so chance is about 33%
const accuracy = standardised.test.accuracy;
if (!(accuracy > (quick ? 0.8 : 0.9))) {
  throw new Error(`the standardised model reached only ${accuracy} test accuracy`);
}
