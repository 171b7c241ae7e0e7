/**
 * A small convolutional network on Fashion-MNIST: ten kinds of clothing as 28×28 greyscale pictures.
 * Trains with Keras-style `fit`, prints the test accuracy per epoch and per class, writes a confusion
 * matrix and a grid of test predictions, and fails if the network did not learn.
 *
 * Full mode: npx tsx projects/fashion-mnist/main.ts
 * Quick mode (a slice, for CI): STRATA_QUICK=1 npx tsx projects/fashion-mnist/main.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { type Logs, Callback, manualSeed, nn, noGrad, optim, plot } from "strata-dl";
import { confusionSvg, samplesSvg } from "./figure.js";
import { CLASS_NAMES, fashionMnist } from "./load.js";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1";
// quick: 2,000 training and 500 test images, two epochs; full: all 60,000 and 10,000, five epochs
const [limitTrain, limitTest, epochs] = quick ? [2_000, 500, 2] : [60_000, 10_000, 5];
const outDir = new URL(quick ? "./output/quick/" : "./output/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const started = performance.now();

manualSeed(0);
const { train, test } = await fashionMnist({ limitTrain, limitTest });
console.log(`Fashion-MNIST: ${train.length} training and ${test.length} test images`);

const model = new nn.Sequential(
  new nn.Conv2d(1, 16, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2), // 16 × 14 × 14
  new nn.Conv2d(16, 32, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2), // 32 × 7 × 7
  new nn.Flatten(),
  new nn.Linear(32 * 7 * 7, 64),
  new nn.ReLU(),
  new nn.Dropout(0.25),
  new nn.Linear(64, 10),
);
model.compile({
  optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
  loss: "crossEntropy",
  metrics: ["accuracy"],
});
console.log(model.summary([1, 1, 28, 28]));

class EpochLine extends Callback {
  private t0 = 0;
  override onEpochBegin(): void {
    this.t0 = performance.now();
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    const s = ((performance.now() - this.t0) / 1000).toFixed(1);
    console.log(
      `epoch ${epoch + 1}/${epochs}: train loss ${logs.loss.toFixed(4)}, test loss ${logs.valLoss.toFixed(4)}, ` +
        `test accuracy ${(100 * logs.valAccuracy).toFixed(2)}% (${s} s)`,
    );
  }
}
await model.fit(train, {
  epochs,
  batchSize: 64,
  validationData: test,
  verbose: 0,
  callbacks: [new EpochLine()],
});

// every test prediction, then the confusion matrix counts[true][predicted]
const [xTest, yTest] = test.tensors;
// predict() keeps every batch's intermediate tensors until it returns (about 4 GB for 10,000 images
// through this CNN, past the wasm heap), so it is called on slices of 1,000 images
const predicted: number[] = [];
for (let at = 0; at < xTest.shape[0]; at += 1_000) {
  const slice = xTest.slice(0, at, Math.min(at + 1_000, xTest.shape[0]));
  predicted.push(...noGrad(() => model.predict(slice, { batchSize: 500 }).argmax(1)).dataSync());
}
const truth = Array.from(yTest.dataSync());
const counts = CLASS_NAMES.map(() => new Array<number>(10).fill(0));
for (let i = 0; i < truth.length; i++) counts[truth[i]][predicted[i]]++;
const correct = truth.filter((t, i) => t === predicted[i]).length;
const accuracy = correct / truth.length;
console.log(`\nTest accuracy: ${(100 * accuracy).toFixed(2)}% (${correct} of ${truth.length})`);
console.log("Per class (recall: the share of each class recognised):");
for (let c = 0; c < 10; c++) {
  const total = counts[c].reduce((a, b) => a + b, 0);
  const worst = counts[c]
    .map((n, j) => [n, j])
    .filter(([, j]) => j !== c)
    .sort((a, b) => b[0] - a[0])[0];
  console.log(
    `  ${CLASS_NAMES[c].padEnd(12)} ${((100 * counts[c][c]) / total).toFixed(1).padStart(5)}%` +
      `   most often mistaken for ${CLASS_NAMES[worst[1]]} (${worst[0]})`,
  );
}

// pictures: the confusion matrix, and the first 32 test images with their predictions
writeFileSync(`${outDir}confusion.png`, await plot.svgToPng(confusionSvg(counts, CLASS_NAMES)));
const shown = 32;
const images = Array.from({ length: shown }, (_, i) => test.get(i)[0]);
const svg = await samplesSvg(images, predicted.slice(0, shown), truth.slice(0, shown), CLASS_NAMES);
writeFileSync(`${outDir}predictions.png`, await plot.svgToPng(svg));
console.log(`Wrote ${outDir}confusion.png and ${outDir}predictions.png`);

const seconds = (performance.now() - started) / 1000;
if (!quick) {
  const result = {
    project: "Fashion-MNIST CNN",
    command: "npx tsx projects/fashion-mnist/main.ts",
    seconds: Math.round(seconds * 10) / 10,
    machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
    results: {
      "test accuracy (%)": Math.round(10000 * accuracy) / 100,
      epochs,
      "training images": train.length,
    },
    date: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(`${outDir}result.json`, `${JSON.stringify(result, null, 2)}\n`);
}
console.log(`Done in ${seconds.toFixed(1)} s`);

// the check of learning: ten classes, so chance is 10%; a working CNN is far above it
const needed = quick ? 0.6 : 0.88;
if (!(accuracy > needed))
  throw new Error(`test accuracy ${(100 * accuracy).toFixed(2)}% is not above ${100 * needed}%`);
