/**
 * Tabular data, the whole path: a CSV with a named label column → a seeded, stratified train/test
 * split → standardisation fitted on the training rows only → a small MLP → `compile` / `fit` /
 * `evaluate` → test accuracy. The data is the UCI wine recognition set (178 wines, 13 chemical
 * measurements, 3 cultivars; CC BY 4.0, see examples/data/README.md). docs/TABULAR.md walks through it.
 *
 * The split it used is written to examples/output/wine-split.json, so scikit-learn can be run on the
 * same rows: `/usr/bin/python3 scripts/sklearn_tabular.py` writes examples/output/wine-sklearn.json,
 * and when that file is there (for this very split) this example prints its numbers beside its own.
 * Options: --epochs N (default 60), --seed N (the split's and the model's seed, default 0).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { data, manualSeed, nn, optim } from "../src/index.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const epochs = arg("epochs", 60);
const seed = arg("seed", 0);
const csv = new URL("./data/wine.csv", import.meta.url);
const output = new URL("./output/", import.meta.url);

// 1. Load: every column but "class" is a feature; integer labels 0, 1, 2 give numClasses 3.
const { features, target, columns, numClasses } = await data.loadCsv(csv, { target: "class" });
console.log(`${features.shape[0]} rows, ${columns.length} features, ${numClasses} classes`);

// 2. Split: a quarter of the rows for testing, each class in proportion, the same rows every run.
const split = { testSize: 0.25, stratify: target, seed };
const [[xTrain, yTrain], [xTest, yTest]] = data.trainTestSplit([features, target], split);
console.log(`train ${xTrain.shape[0]} rows, test ${xTest.shape[0]} rows`);

// 3. Standardise with the training rows' mean and std only: the test rows must not leak into them.
const scaler = data.Standardizer.fit(xTrain);
const zTrain = scaler.transform(xTrain);
const zTest = scaler.transform(xTest);

// 4. A small MLP; crossEntropy reports accuracy without being asked.
manualSeed(seed);
const model = new nn.Sequential(
  new nn.Linear(columns.length, 32),
  new nn.ReLU(),
  new nn.Linear(32, numClasses!),
);
model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "crossEntropy" });
const history = await model.fit([zTrain, yTrain], { epochs, batchSize: 16, verbose: 0 });
const last = history.history;
console.log(
  `after ${epochs} epochs: training loss ${last.loss[epochs - 1].toFixed(4)}, ` +
    `training accuracy ${(100 * last.accuracy[epochs - 1]).toFixed(2)}%`,
);

// 5. Evaluate on the held-out rows.
const { loss, accuracy } = model.evaluate([zTest, yTest]);
const right = Math.round(accuracy * xTest.shape[0]);
console.log(
  `Strata MLP 13-32-3: test accuracy ${(100 * accuracy).toFixed(2)}% (${right}/${xTest.shape[0]}), test loss ${loss.toFixed(4)}`,
);

// The split, for scikit-learn; and scikit-learn's results on it, when they are there.
const { train: trainRows, test: testRows } = data.trainTestIndices(features.shape[0], split);
mkdirSync(output, { recursive: true });
const splitFile = {
  csv: "examples/data/wine.csv",
  target: "class",
  seed,
  train: [...trainRows],
  test: [...testRows],
};
writeFileSync(new URL("wine-split.json", output), `${JSON.stringify(splitFile)}\n`);
const resultsUrl = new URL("wine-sklearn.json", output);
if (existsSync(resultsUrl)) {
  const sk = JSON.parse(readFileSync(resultsUrl, "utf8")) as {
    test: number[];
    sklearn: string;
    results: { model: string; accuracy: number }[];
  };
  if (JSON.stringify(sk.test) === JSON.stringify(splitFile.test)) {
    for (const r of sk.results) {
      console.log(
        `scikit-learn ${sk.sklearn} ${r.model}: test accuracy ${(100 * r.accuracy).toFixed(2)}% (same split)`,
      );
    }
  } else {
    console.log(
      "examples/output/wine-sklearn.json is for another split: run scripts/sklearn_tabular.py again",
    );
  }
} else {
  console.log("for scikit-learn on the same split: /usr/bin/python3 scripts/sklearn_tabular.py");
}
