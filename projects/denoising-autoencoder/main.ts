/**
 * A denoising autoencoder on MNIST: the network sees digits buried in Gaussian noise and learns to give
 * back the clean digit. New noise is drawn for every batch, so it cannot learn the noise by heart.
 * Prints the error against the clean test images of the noisy input itself, of a 3×3 mean filter and
 * of the autoencoder, and draws noisy / denoised / clean rows.
 *
 * Full mode: npx tsx projects/denoising-autoencoder/main.ts
 * Quick mode (a slice, for CI): STRATA_QUICK=1 npx tsx projects/denoising-autoencoder/main.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { type Tensor, concat, data, io, manualSeed, nn, noGrad, optim, randn } from "strata-dl";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1";
// quick: 5,000 training and 500 test images, four epochs; full: all 60,000 and 10,000, six epochs
const [limitTrain, limitTest, epochs] = quick ? [5_000, 500, 4] : [60_000, 10_000, 6];
const sigma = 0.5; // noise level: pixels are in [0, 1], so this is heavy noise
const outDir = new URL(quick ? "./output/quick/" : "./output/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const started = performance.now();

/** Clean images plus Gaussian noise, clipped back to the pixel range [0, 1]. */
const addNoise = (x: Tensor) => x.add(randn(x.shape).mul(sigma)).clip(0, 1);

manualSeed(0);
const { train, test } = await data.mnist({ flatten: true, limitTrain, limitTest });
const [xTest] = test.tensors;

// 784 → 256 → 128 → 256 → 784; the last layer gives logits, a sigmoid turns them into pixels
const model = new nn.Sequential(
  new nn.Linear(784, 256),
  new nn.ReLU(),
  new nn.Linear(256, 128),
  new nn.ReLU(),
  new nn.Linear(128, 256),
  new nn.ReLU(),
  new nn.Linear(256, 784),
);
const denoise = (noisy: Tensor) => noGrad(() => model.forward(noisy).sigmoid());
const opt = new optim.Adam(model.parameters(), { lr: 2e-3 });

// the test noise is drawn once, so every epoch (and every method) is scored on the same noisy images
const noisyTest = addNoise(xTest);
const mse = (a: Tensor, b: Tensor) => a.sub(b).square().mean().item();

console.log(`Training on ${train.length} noisy MNIST digits (noise σ = ${sigma}), testing on ${test.length}`);
for (let epoch = 0; epoch < epochs; epoch++) {
  model.train();
  let total = 0;
  let batches = 0;
  for (const [x] of new data.DataLoader(train, { batchSize: 64, shuffle: true })) {
    opt.zeroGrad();
    // pixels in [0, 1] as targets: binary cross-entropy on the logits, as for Bernoulli pixels
    const loss = nn.functional.binaryCrossEntropyWithLogits(model.forward(addNoise(x)), x);
    loss.backward();
    opt.step();
    total += loss.item();
    batches++;
  }
  model.eval();
  console.log(
    `epoch ${epoch + 1}/${epochs}: train loss ${(total / batches).toFixed(4)}, ` +
      `test MSE ${mse(denoise(noisyTest), xTest).toFixed(4)}`,
  );
}

// the errors against the clean images: the noisy input (no denoising), a 3×3 mean filter, the network
model.eval();
const images = (x: Tensor) => x.reshape([-1, 1, 28, 28]);
const meanFiltered = nn.functional
  .avgPool2d(images(noisyTest), 3, { stride: 1, padding: 1 })
  .reshape([-1, 784]);
const denoised = denoise(noisyTest);
const rows = [
  ["noisy input (no denoising)", mse(noisyTest, xTest)],
  ["3×3 mean filter", mse(meanFiltered, xTest)],
  ["denoising autoencoder", mse(denoised, xTest)],
] as const;
console.log(`\nMean squared error per pixel against the clean test images (${test.length} images):`);
for (const [name, error] of rows)
  console.log(
    `  ${name.padEnd(28)} MSE ${error.toFixed(4)}   PSNR ${(10 * Math.log10(1 / error)).toFixed(2)} dB`,
  );

// the picture: ten test digits, rows noisy / denoised / clean
const shown = 10;
const tiles = [noisyTest, denoised, xTest].map((t) => t.slice(0, 0, shown));
const figure = io.imageGrid(images(concat(tiles, 0)), {
  columns: shown,
  scale: 3,
  padding: 3,
  min: 0,
  max: 1,
});
await io.writePng(`${outDir}denoising.png`, figure);
console.log(`Wrote ${outDir}denoising.png (rows: noisy, denoised, clean)`);

const [noisyError, filterError, aeError] = rows.map((r) => r[1]);
const seconds = (performance.now() - started) / 1000;
if (!quick) {
  const r4 = (v: number) => Math.round(10000 * v) / 10000;
  const result = {
    project: "Denoising autoencoder",
    command: "npx tsx projects/denoising-autoencoder/main.ts",
    seconds: Math.round(seconds * 10) / 10,
    machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
    results: {
      "autoencoder test MSE": r4(aeError),
      "3x3 mean filter test MSE": r4(filterError),
      "noise sigma": sigma,
    },
    baseline: { name: "the noisy input itself", "test MSE": r4(noisyError) },
    date: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(`${outDir}result.json`, `${JSON.stringify(result, null, 2)}\n`);
}
console.log(`Done in ${seconds.toFixed(1)} s`);

// the check: the network must remove most of the noise (a third of it after the short quick run), and
// in full mode beat the mean filter
const needed = quick ? 0.67 : 0.5;
if (!(aeError < needed * noisyError))
  throw new Error(
    `the autoencoder's error ${aeError} is not below ${needed} × the noisy input's ${noisyError}`,
  );
if (!quick && !(aeError < filterError))
  throw new Error(`the autoencoder's error ${aeError} does not beat the mean filter's ${filterError}`);
