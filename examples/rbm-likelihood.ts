/**
 * An RBM with 500 binary hidden units on binarised MNIST (pixels > 127 are 1), trained by CD-1 or
 * persistent CD; its test log-likelihood in nats by annealed importance sampling (Salakhutdinov &
 * Murray 2008 report −125.5 for CD-1, −105.5 for CD-3, −86.3 for CD-25 after long training); pictures
 * of its filters, reconstructions and Gibbs samples; and its features under a logistic regression
 * against raw pixels (../shared/TARGETS.md).
 *   npx tsx examples/rbm-likelihood.ts [--epochs 10] [--hidden 500] [--k 1] [--pcd] [--lr 0.05] [--train 60000]
 *                                 [--betas 5000] [--runs 100]
 * STRATA_QUICK=1: 2,000 training images, 200 hidden units, a short AIS.
 */
import { mkdirSync } from "node:fs";
import {
  Generator,
  concat,
  data,
  fromHost,
  manualSeed,
  nn,
  optim,
  type Tensor,
  io,
  unsupervised,
} from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const persistent = process.argv.includes("--pcd");
const nTrain = arg("train", quick ? 2000 : 60000);
const nTest = arg("test", quick ? 1000 : 10000);
const hidden = arg("hidden", quick ? 200 : 500);
const epochs = arg("epochs", quick ? 10 : 10);
const k = arg("k", 1);
const lr0 = arg("lr", quick ? 0.1 : persistent ? 0.02 : 0.05);
const betas = arg("betas", quick ? 500 : 5000);
const runs = arg("runs", quick ? 50 : 100);
manualSeed(1);
const g = new Generator(1);

const m = await data.loadMnistArrays();
function binarised(images: Uint8Array, n: number): Tensor {
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = images[i] > 127 ? 1 : 0;
  return fromHost(x, [n, 784], "float32");
}
const xTrain = binarised(m.trainImages, nTrain);
const xTest = binarised(m.testImages, nTest);
const yTrain = fromHost(Int32Array.from(m.trainLabels.subarray(0, nTrain)), [nTrain], "int32");
const yTest = fromHost(Int32Array.from(m.testLabels.subarray(0, nTest)), [nTest], "int32");

const rbm = new unsupervised.RBM(784, hidden, { generator: g });
const label = `${persistent ? "PCD" : "CD"}-${k}`;
console.log(
  `RBM 784-${hidden}, ${label}, ${nTrain} training images, ${epochs} epochs, batch 100, lr ${lr0} (linear decay)`,
);
const t0 = performance.now();
rbm.fitCD(xTrain, {
  epochs,
  batchSize: 100,
  k,
  persistent,
  lr: (e) => lr0 * (1 - e / epochs),
  momentum: (e) => (e < 5 ? 0.5 : 0.9),
  weightDecay: 2e-4,
  vbiasFromData: true,
  monitorData: xTest.slice(0, 0, 1000),
  generator: g,
  verbose: true,
});
const trainSeconds = (performance.now() - t0) / 1000;

const t1 = performance.now();
const z = unsupervised.ais(rbm, { runs, betas, baseData: xTrain, generator: g });
const aisSeconds = (performance.now() - t1) / 1000;
const llTest = unsupervised.logLikelihood(rbm, xTest, z);
const llTrain = unsupervised.logLikelihood(rbm, xTrain.slice(0, 0, nTest), z);
const spread = [
  unsupervised.logLikelihood(rbm, xTest, z.logZHigh),
  unsupervised.logLikelihood(rbm, xTest, z.logZLow),
];
console.log(
  `AIS (${runs} runs, ${betas} βs, ${aisSeconds.toFixed(0)} s): log Z = ${z.logZ.toFixed(2)} (±3σ: ${z.logZLow.toFixed(2)} .. ${z.logZHigh.toFixed(2)})`,
);
console.log(
  `Average log-likelihood: test ${llTest.toFixed(2)} nats (±3σ of log Z: ${spread[0].toFixed(2)} .. ${spread[1].toFixed(2)}), train ${llTrain.toFixed(2)} nats`,
);

// pictures: filters, test digits above their reconstructions, samples of Gibbs chains started from test digits
const out = quick ? "examples/output/quick" : "examples/output"; // a quick run never overwrites the full run's pictures
mkdirSync(out, { recursive: true });
const nf = Math.min(100, hidden);
await io.writePng(
  `${out}/rbm-filters.png`,
  io.imageGrid(rbm.weight.slice(0, 0, nf).reshape([nf, 28, 28]), { columns: 10, scale: 2 }),
);
const digits = xTest.slice(0, 0, 10);
const recon = rbm.visibleMean(rbm.hiddenProbs(digits));
await io.writePng(
  `${out}/rbm-reconstructions.png`,
  io.imageGrid(concat([digits, recon], 0).reshape([20, 28, 28]), { columns: 10, scale: 2, min: 0, max: 1 }),
);
const samples = rbm.sample(100, { steps: 1000, init: xTest.slice(0, 100, 200), generator: g });
await io.writePng(
  `${out}/rbm-samples.png`,
  io.imageGrid(samples.reshape([100, 28, 28]), { columns: 10, scale: 2, min: 0, max: 1 }),
);
console.log(
  `Wrote ${out}/rbm-filters.png, rbm-reconstructions.png, rbm-samples.png (1000 Gibbs steps from test digits)`,
);

// logistic regression on the RBM's hidden probabilities against raw pixels
async function logistic(features: (x: Tensor) => Tensor, inputs: number, name: string): Promise<number> {
  const ftrain = features(xTrain);
  const ftest = features(xTest);
  const model = new nn.Linear(inputs, 10);
  model.compile({
    optimizer: new optim.Adam(model.parameters(), { lr: 3e-3 }),
    loss: "crossEntropy",
    metrics: ["accuracy"],
  });
  await model.fit([ftrain, yTrain], { epochs: quick ? 20 : 10, batchSize: 100, verbose: 0 });
  const acc = model.evaluate([ftest, yTest], { batchSize: 1000 }).accuracy;
  console.log(`Logistic regression on ${name}: test accuracy ${(100 * acc).toFixed(2)}%`);
  return acc;
}
const raw = await logistic((x) => x, 784, "raw pixels");
const feat = await logistic(
  (x) => unsupervised.hiddenInChunks(rbm, x),
  hidden,
  `the RBM's ${hidden} features`,
);
console.log(
  `RBM features ${(100 * (feat - raw)).toFixed(2)} points ${feat > raw ? "better" : "worse"} than raw pixels (target: ≥ 1 point better)`,
);
console.log(`Training ${trainSeconds.toFixed(0)} s, AIS ${aisSeconds.toFixed(0)} s`);
