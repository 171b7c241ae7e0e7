/**
 * An RBM with 500 binary hidden units on binarised MNIST (pixels > 127 are 1), trained by CD-1 or
 * persistent CD; its test log-likelihood in nats by annealed importance sampling (Salakhutdinov &
 * Murray 2008 report −125.5 for CD-1, −105.5 for CD-3, −86.3 for CD-25 after long training); pictures
 * of its filters, reconstructions and Gibbs samples; and its features under a logistic regression
 * against raw pixels (../shared/TARGETS.md).
 *   npx tsx examples/rbm-likelihood.ts [--minutes 30] [--epochs 1000] [--hidden 500] [--k 1] [--k-final 1]
 *        [--pcd] [--lr 0.05 (0.02 with --pcd)] [--momentum 0.9] [--batch 100] [--train 60000] [--betas 14500] [--check-betas 43500]
 *        [--runs 100] [--raise 1000] [--raise-betas 2000]
 *        [--load rbm.safetensors] [--save rbm.safetensors] [--out examples/output] [--no-logistic]
 * Training stops itself after --minutes of wall clock (or --epochs, whichever comes first); the learning
 * rate decays linearly to 0 at that end, momentum is 0.5 for the first 5% then --momentum, and k (the
 * Gibbs steps per update) rises linearly from --k to --k-final. --load skips training (AIS only).
 * STRATA_QUICK=1: 2,000 training images, 200 hidden units, a short AIS.
 * AIS runs twice, independently (--betas, then --check-betas βs), and prints each estimate's effective
 * sample size: a likelihood is claimed only when the two agree within 1 nat and neither is carried by a
 * handful of runs. Reverse AIS (RAISE) on the first --raise test images gives a conservative estimate to
 * set beside it (0 skips it). Results and commands: docs/RBM.md.
 */
import { mkdirSync } from "node:fs";
import { existsSync } from "node:fs";
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
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const persistent = process.argv.includes("--pcd");
const nTrain = arg("train", quick ? 2000 : 60000);
const nTest = arg("test", quick ? 1000 : 10000);
const hidden = arg("hidden", quick ? 200 : 500);
const minutes = arg("minutes", 30);
const epochs = arg("epochs", quick ? 10 : 1000);
const batchSize = arg("batch", 100);
const k = arg("k", 1);
const kFinal = arg("k-final", k);
const lr0 = arg("lr", quick ? 0.1 : persistent ? 0.02 : 0.05);
const momentumFinal = arg("momentum", 0.9);
const betas = arg("betas", quick ? 500 : 14500);
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
const label = `${persistent ? "PCD" : "CD"}-${k === kFinal ? k : `${k}→${kFinal}`}`;
const loadPath = flag("load");
let trainSeconds = 0;
if (loadPath && existsSync(loadPath)) {
  await io.loadModel(rbm, loadPath);
  console.log(`Loaded ${loadPath} (no training)`);
} else {
  console.log(
    `RBM 784-${hidden}, ${label}, ${nTrain} training images, batch ${batchSize}, lr ${lr0} decaying linearly to 0 ` +
      `at ${minutes} min of wall clock (or ${epochs} epochs), momentum 0.5 then ${momentumFinal}, weight decay 2e-4`,
  );
  const t0 = performance.now();
  const history = rbm.fitCD(xTrain, {
    epochs,
    maxSeconds: minutes * 60,
    batchSize,
    k: (_e, progress) => k + (kFinal - k) * progress,
    persistent,
    lr: (_e, progress) => lr0 * (1 - progress),
    momentum: (_e, progress) => (progress < 0.05 ? 0.5 : momentumFinal),
    weightDecay: 2e-4,
    vbiasFromData: true,
    monitorData: xTest.slice(0, 0, 1000),
    generator: g,
    verbose: true,
  });
  trainSeconds = (performance.now() - t0) / 1000;
  console.log(
    `Trained ${history.updates} updates (${(history.updates / Math.ceil(nTrain / batchSize)).toFixed(1)} epochs) in ${trainSeconds.toFixed(0)} s` +
      (history.timedOut ? ` (stopped by the ${minutes}-minute budget)` : ""),
  );
  const savePath = flag("save");
  if (savePath) await io.saveModel(rbm, savePath);
}

// Two independent AIS estimates of log Z: the second with other random draws and --check-betas βs
// (default 3× as many). AIS's log Ẑ errs low when the runs miss the model's modes (its likelihood is
// optimistic); it is settled when both agree within 1 nat and each has an effective sample size of at
// least a tenth of its runs. Reverse AIS then gives the conservative side on the first --raise test images.
const checkBetas = arg("check-betas", betas * 3);
const tAis = performance.now();
const estimates = [
  unsupervised.ais(rbm, { runs, betas, baseData: xTrain, generator: new Generator(11) }),
  unsupervised.ais(rbm, { runs, betas: checkBetas, baseData: xTrain, generator: new Generator(12) }),
];
const aisSeconds = (performance.now() - tAis) / 1000;
const meanFreeEnergy = unsupervised.logLikelihood(rbm, xTest, 0); // mean −F(v) over the test set
const meanFreeEnergyTrain = unsupervised.logLikelihood(rbm, xTrain.slice(0, 0, nTest), 0);
for (const [i, z] of estimates.entries()) {
  const lw = Array.from(z.logWeights).sort((a, b) => a - b);
  const top = lw[lw.length - 1];
  console.log(
    `AIS #${i + 1} (${runs} runs, ${i === 0 ? betas : checkBetas} βs): log Z = ${z.logZ.toFixed(2)} (±3σ: ${z.logZLow.toFixed(2)} .. ${z.logZHigh.toFixed(2)}); ` +
      `effective sample size ${z.effectiveSampleSize.toFixed(1)} of ${runs}; log-weights median ${(lw[runs >> 1] - top).toFixed(2)} relative to the largest; ` +
      `test log-likelihood ${(meanFreeEnergy - z.logZ).toFixed(2)} nats, train ${(meanFreeEnergyTrain - z.logZ).toFixed(2)}`,
  );
}
const [za, zb] = estimates;
const gap = Math.abs(za.logZ - zb.logZ);
const fewRuns = Math.min(za.effectiveSampleSize, zb.effectiveSampleSize) < runs / 10;
const z = za.logZ >= zb.logZ ? za : zb; // the larger log Z: the less optimistic likelihood
console.log(
  `AIS (${aisSeconds.toFixed(0)} s): the estimates of log Z differ by ${gap.toFixed(2)} nats` +
    (gap > 1 ? ": not settled" : fewRuns ? ", but a few runs carry each: optimistic at best" : ": settled") +
    `; test log-likelihood ${(meanFreeEnergy - z.logZ).toFixed(2)} nats from the larger`,
);

const raiseN = Math.min(nTest, arg("raise", quick ? 200 : 1000));
if (raiseN > 0) {
  const raiseBetas = arg("raise-betas", quick ? 500 : 2000);
  const tRaise = performance.now();
  const subset = xTest.slice(0, 0, raiseN);
  const low = unsupervised.reverseAis(rbm, subset, {
    betas: raiseBetas,
    baseData: xTrain,
    generator: new Generator(13),
  });
  const high = unsupervised.logLikelihood(rbm, subset, z);
  console.log(
    `Reverse AIS (${raiseN} test images, ${raiseBetas} βs, ${((performance.now() - tRaise) / 1000).toFixed(0)} s): ` +
      `${low.logLikelihood.toFixed(2)} nats`,
  );
  console.log(
    `Test log-likelihood of the first ${raiseN} test images: between ${low.logLikelihood.toFixed(2)} (reverse AIS, conservative) ` +
      `and ${high.toFixed(2)} nats (AIS, optimistic)`,
  );
}

// pictures: filters, test digits above their reconstructions, samples of Gibbs chains started from test digits
const out = quick ? "examples/output/quick" : (flag("out") ?? "examples/output"); // a quick run never overwrites the full run's pictures
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

if (process.argv.includes("--no-logistic")) {
  console.log(`Training ${trainSeconds.toFixed(0)} s, AIS ${aisSeconds.toFixed(0)} s`);
  process.exit(0);
}
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
