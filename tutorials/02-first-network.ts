/**
 * Tutorial 02: your first network. A multi-layer perceptron learns to read handwritten digits (MNIST),
 * trained the Keras way: build, compile, fit, evaluate, predict.
 * Run: npx tsx tutorials/02-first-network.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { data, manualSeed, nn, optim, plot } from "strata-dl";

// STRATA_QUICK=1: 6,000 training images and 2 epochs instead of all 60,000 and 5 epochs
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
manualSeed(1);

// 1. The data: 28×28 greyscale digits, pixels scaled to [0, 1], each flattened to 784 numbers
const { train, test } = await data.mnist({
  flatten: true,
  ...(quick ? { limitTrain: 6000, limitTest: 2000 } : {}),
});
console.log(`${train.length} training images, ${test.length} test images`);

// 2. The model: 784 inputs → 128 hidden units (ReLU) → 10 outputs, one score per digit
const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
console.log(model.summary([1, 784]));

// 3. Compile: which optimizer updates the weights, and which loss measures the error
model.compile({
  optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }),
  loss: "crossEntropy", // reports accuracy too
});

// 4. Fit: a few passes (epochs) over the training images, in batches of 64, checked on the test set
const epochs = quick ? 2 : 5;
const history = await model.fit(train, { epochs, batchSize: 64, validationData: test });

// 5. Evaluate and predict
const { loss, accuracy } = model.evaluate(test, { batchSize: 1000 });
console.log(`test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}%`);
const [images, labels] = test.tensors;
const first = images.slice(0, 0, 10); // the first ten test images
const predicted = model.predict(first).argmax(1).dataSync();
console.log(`first ten test images: predicted ${predicted.join(" ")}`);
console.log(`                       labels    ${labels.slice(0, 0, 10).dataSync().join(" ")}`);

// A picture of the learning curves
const epochNumbers = history.epoch.map((e) => e + 1);
const svg = await plot.linePlot({
  title: "MLP 784-128-10 on MNIST",
  xLabel: "epoch",
  yLabel: "loss (cross-entropy)",
  series: [
    { name: "training", x: epochNumbers, y: history.history.loss },
    { name: "test", x: epochNumbers, y: history.history.valLoss },
  ],
});
writeFileSync(`${outDir}02-first-network-loss.png`, await plot.svgToPng(svg));

// The check of learning: chance is 10%; the quick run must reach 80%, the full run 95%
const losses = history.history.loss;
if (!(accuracy > (quick ? 0.8 : 0.95) && losses[losses.length - 1] < losses[0])) {
  throw new Error(`the network did not learn: test accuracy ${accuracy}, training losses ${losses}`);
}
