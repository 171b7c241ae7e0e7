/**
 * A two-layer deep Boltzmann machine on binarised MNIST (Salakhutdinov & Hinton 2009; the paper's
 * 784-500-1000 reaches −84.62 nats): greedy pretraining by the paper's modified RBMs, joint training
 * with mean-field data statistics and persistent chains, then log Z by AIS and the variational lower
 * bound on the test log-likelihood in nats, and a PNG of samples from its Gibbs chains.
 *   npx tsx examples/dbm-mnist.ts [--sizes 200,400] [--train 10000] [--pretrain-epochs 5] [--epochs 5] [--betas 2000]
 * STRATA_QUICK=1: 2,000 images, 784-100-200, a few epochs and a short AIS.
 */
import { mkdirSync } from "node:fs";
import { Generator, data, fromHost, io, manualSeed, type Tensor, unsupervised } from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
if (quick) mkdirSync("examples/output/quick", { recursive: true }); // a quick run never overwrites the full run's pictures
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const [h1, h2] = arg("sizes", quick ? "100,200" : "200,400")
  .split(",")
  .map(Number);
const nTrain = Number(arg("train", quick ? "2000" : "10000"));
const nTest = quick ? 1000 : 2000;
const preEpochs = Number(arg("pretrain-epochs", quick ? "3" : "5"));
const epochs = Number(arg("epochs", quick ? "3" : "5"));
const betas = Number(arg("betas", quick ? "200" : "2000"));
const runs = quick ? 50 : 100;
manualSeed(3);
const g = new Generator(3);

const m = await data.loadMnistArrays();
function binarised(images: Uint8Array, n: number): Tensor {
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = images[i] > 127 ? 1 : 0;
  return fromHost(x, [n, 784], "float32");
}
const xTrain = binarised(m.trainImages, nTrain);
const xTest = binarised(m.testImages, nTest);

const dbm = new unsupervised.DBM(784, h1, h2, { generator: g });
console.log(`DBM 784-${h1}-${h2} on ${nTrain} binarised images: pretraining (${preEpochs} epochs per RBM)`);
const t0 = performance.now();
dbm.pretrain(xTrain, {
  epochs: preEpochs,
  batchSize: 100,
  lr: 0.05,
  momentum: (e) => (e < 5 ? 0.5 : 0.9),
  weightDecay: 2e-4,
  vbiasFromData: true,
  generator: g,
  verbose: true,
});
const bound = (label: string) => {
  const t = performance.now();
  const z = unsupervised.dbmAis(dbm, { runs, betas, baseData: xTrain, generator: g });
  const test = unsupervised.dbmLowerBound(dbm, xTest, z);
  const train = unsupervised.dbmLowerBound(dbm, xTrain.slice(0, 0, nTest), z);
  console.log(
    `${label}: AIS log Z = ${z.logZ.toFixed(2)} (±3σ ${z.logZLow.toFixed(2)} .. ${z.logZHigh.toFixed(2)}; ${runs} runs, ${betas} βs, ${((performance.now() - t) / 1000).toFixed(0)} s); ` +
      `lower bound on log p(v): test ${test.toFixed(2)} nats, train ${train.toFixed(2)} nats`,
  );
};
bound("After pretraining");
console.log(`Joint training (${epochs} epochs, 100 persistent chains, 10 mean-field updates)`);
dbm.fitJoint(xTrain, {
  epochs,
  batchSize: 100,
  lr: (e) => 0.005 / (1 + e / 5),
  chains: 100,
  generator: g,
  verbose: true,
});
const trainSeconds = (performance.now() - t0) / 1000;
bound("After joint training");
const samples = dbm.sample(100, { steps: 1000, generator: g });
await io.writePng(
  `examples/output/${quick ? "quick/" : ""}dbm-samples.png`,
  io.imageGrid(samples.reshape([100, 28, 28]), { columns: 10, scale: 2, min: 0, max: 1 }),
);
console.log(
  `Wrote examples/output/${quick ? "quick/" : ""}dbm-samples.png (1000 Gibbs sweeps from noise). Training ${trainSeconds.toFixed(0)} s`,
);
