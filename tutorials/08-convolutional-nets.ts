/**
 * Tutorial 08: convolutional networks. A small CNN against tutorial 02's MLP on the same digits and
 * the same budget, and a look at what the first layer learned.
 * Run: npx tsx tutorials/08-convolutional-nets.ts
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { data, io, manualSeed, nn, noGrad, optim } from "strata-dl";

// STRATA_QUICK=1: 2,000 training images, 2,000 test images and 2 epochs instead of 20,000, 10,000 and 3
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const epochs = quick ? 2 : 3;
const { train, test } = await data.mnist(
  quick ? { limitTrain: 2000, limitTest: 2000 } : { limitTrain: 20000 },
); // images [N, 1, 28, 28]: a CNN keeps the picture's two dimensions
console.log(`${train.length} training images, ${test.length} test images`);

// The CNN: two rounds of convolution → ReLU → max-pooling, then one linear layer to the 10 digits
manualSeed(0);
const conv1 = new nn.Conv2d(1, 16, 3, { padding: 1 }); // 16 filters of 3×3: [N, 1, 28, 28] → [N, 16, 28, 28]
const conv2 = new nn.Conv2d(16, 32, 3, { padding: 1 }); // 32 filters of 16×3×3: → [N, 32, 14, 14]
const cnn = new nn.Sequential(
  conv1,
  new nn.ReLU(),
  new nn.MaxPool2d(2), // keep the largest of each 2×2 block: [N, 16, 14, 14]
  conv2,
  new nn.ReLU(),
  new nn.MaxPool2d(2), // [N, 32, 7, 7]
  new nn.Flatten(), // [N, 1568]
  new nn.Linear(32 * 7 * 7, 10),
);
console.log(cnn.summary([1, 1, 28, 28]));

// Tutorial 02's MLP, for comparison (nn.Flatten turns each image into 784 numbers)
manualSeed(0);
const mlp = new nn.Sequential(
  new nn.Flatten(),
  new nn.Linear(784, 128),
  new nn.ReLU(),
  new nn.Linear(128, 10),
);
const count = (m: nn.Module) => m.parameters().reduce((n, p) => n + p.size, 0);
console.log(`parameters: CNN ${count(cnn).toLocaleString("en")}, MLP ${count(mlp).toLocaleString("en")}`);

const results: Record<string, number> = {};
for (const [name, model] of [
  ["MLP", mlp],
  ["CNN", cnn],
] as const) {
  model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "crossEntropy" });
  const started = performance.now();
  await model.fit(train, { epochs, batchSize: 32, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  results[name] = model.evaluate(test, { batchSize: 500 }).accuracy;
  console.log(
    `${name}: test accuracy ${(100 * results[name]).toFixed(2)}% after ${epochs} epochs (training took ${seconds.toFixed(0)} s)`,
  );
}

// What the CNN learned: the first layer's 16 filters, and what each makes of one test digit
const [digit] = test.get(0);
const figure = noGrad(() => {
  cnn.eval();
  const maps = conv1.forward(digit.reshape([1, 1, 28, 28])).relu(); // [1, 16, 28, 28]
  return io.stackImages(
    [
      io.toImage(digit.reshape([28, 28]), { scale: 4 }),
      io.imageGrid(conv1.weight, { scale: 12, columns: 8, padding: 4, background: 128 }), // grey between filters
      io.imageGrid(maps.reshape([16, 28, 28]), { scale: 2, columns: 8, padding: 4 }),
    ],
    { gap: 16 },
  );
});
await io.writePng(`${outDir}08-convolutional-nets-filters.png`, figure);

// The check of learning: well above chance (10%); in the full run, the CNN ahead of the MLP
if (!(results.CNN > (quick ? 0.75 : 0.97) && (quick || results.CNN > results.MLP))) {
  throw new Error(`the CNN did not learn enough: ${JSON.stringify(results)}`);
}
