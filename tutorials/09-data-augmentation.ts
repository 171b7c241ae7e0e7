/**
 * Tutorial 09: data augmentation. With few training images, show the network a slightly different
 * version of each one every time (shifted, rotated, scaled), so that it learns the digit, not the
 * exact pixels. The same CNN is trained on 1,000 digits with and without augmentation.
 * Run: npx tsx tutorials/09-data-augmentation.ts
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Generator, type Tensor, data, io, manualSeed, nn, optim, stack } from "strata-dl";

// STRATA_QUICK=1: 500 training images, 1,000 test images, 4 epochs instead of 1,000, 10,000 and 30
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const epochs = quick ? 4 : 30;
const { train, test } = await data.mnist(quick ? { limitTrain: 500, limitTest: 1000 } : { limitTrain: 1000 });
console.log(`${train.length} training images, ${test.length} test images`);

/**
 * Each image moved by a random rotation (±15°), scale (0.9 to 1.1) and shift (±2 pixels): every output
 * pixel looks up where it came from in the input and blends the 4 pixels around that point (bilinear
 * interpolation); points outside the image are black. `TransformedDataset` applies it to every batch
 * the DataLoader inside `fit` draws, so each epoch sees new versions of the images.
 */
function augmented(seed: number): data.TransformedDataset {
  const transform = new data.RandomAffine({
    degrees: 15,
    scale: [0.9, 1.1],
    translate: [2 / 28, 2 / 28], // as fractions of the width and height, as torchvision's
    generator: new Generator(seed),
  });
  return new data.TransformedDataset(train, { transform });
}

// A picture: 8 training digits (left column) and 7 augmented versions of each
const samples = augmented(1);
const rows: Tensor[] = [];
for (let i = 0; i < 8; i++) {
  rows.push(train.get(i)[0]);
  for (let k = 0; k < 7; k++) rows.push(samples.get(i)[0]);
}
const grid = io.imageGrid(stack(rows), { columns: 8, padding: 2, scale: 3, min: 0, max: 1 });
await io.writePng(`${outDir}09-data-augmentation-samples.png`, grid);

// The CNN of tutorial 08, trained from the same start on the plain and on the augmented images
function makeCnn(): nn.Module {
  manualSeed(0);
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 10),
  );
}
const results: Record<string, { train: number; test: number }> = {};
for (const [name, dataset] of [
  ["plain", train],
  ["augmented", augmented(2)],
] as const) {
  const model = makeCnn();
  model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "crossEntropy" });
  const started = performance.now();
  await model.fit(dataset, { epochs, batchSize: 32, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  results[name] = {
    train: model.evaluate(train, { batchSize: 500 }).accuracy, // on the original training images
    test: model.evaluate(test, { batchSize: 500 }).accuracy,
  };
  console.log(
    `${name.padEnd(9)}: training accuracy ${(100 * results[name].train).toFixed(2)}%, ` +
      `test accuracy ${(100 * results[name].test).toFixed(2)}% (${epochs} epochs, ${seconds.toFixed(0)} s)`,
  );
}

// The check of learning: both beat chance (10%) by far; in the full run augmentation must help
const { plain, augmented: aug } = results;
if (!(plain.test > 0.5 && aug.test > 0.5 && (quick || aug.test > plain.test))) {
  throw new Error(`unexpected accuracies: ${JSON.stringify(results)}`);
}
