/**
 * A deep belief net on MNIST (Hinton, Osindero & Teh 2006): three RBMs 784-500-500-2000 pretrained
 * greedily by CD-1 on 10,000 training images (pixel intensities in [0, 1] as probabilities), then a
 * softmax layer on top and the whole net fine-tuned by backprop (SGD with momentum) on the same 10,000;
 * with `--full`, fine-tuning continues on all 60,000. Targets (../shared/TARGETS.md): ≤ 7% test error
 * from 10k, ≤ 2.0% from 60k. Writes the first layer's filters and digits sampled from the DBN.
 *   npx tsx examples/dbn-mnist.ts [--sizes 500,500,2000] [--pretrain-epochs 10] [--epochs 10] [--full] [--full-epochs 5]
 * STRATA_QUICK=1: 2,000 images, 784-200-200-400, a few epochs.
 */
import { mkdirSync } from "node:fs";
import { Generator, data, fromHost, io, manualSeed, optim, type Tensor, unsupervised } from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const sizes = [
  784,
  ...arg("sizes", quick ? "200,200,400" : "500,500,2000")
    .split(",")
    .map(Number),
];
const nTrain = quick ? 2000 : 10000;
const preEpochs = Number(arg("pretrain-epochs", quick ? "3" : "10"));
const epochs = Number(arg("epochs", quick ? "20" : "20"));
const full = process.argv.includes("--full");
const fullEpochs = Number(arg("full-epochs", "5"));
manualSeed(2);
const g = new Generator(2);

const m = await data.loadMnistArrays();
function images(src: Uint8Array, n: number): Tensor {
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = src[i] / 255;
  return fromHost(x, [n, 784], "float32");
}
const labels = (src: Uint8Array, n: number) => fromHost(Int32Array.from(src.subarray(0, n)), [n], "int32");
const xTrain = images(m.trainImages, nTrain);
const yTrain = labels(m.trainLabels, nTrain);
const xTest = images(m.testImages, 10000);
const yTest = labels(m.testLabels, 10000);

console.log(
  `DBN ${sizes.join("-")}: greedy CD-1 pretraining on ${nTrain} images, ${preEpochs} epochs per layer`,
);
const dbn = new unsupervised.DBN(sizes, { generator: g });
const t0 = performance.now();
dbn.pretrain(xTrain, {
  epochs: preEpochs,
  batchSize: 100,
  lr: 0.1,
  momentum: (e) => (e < 5 ? 0.5 : 0.9),
  weightDecay: 2e-4,
  vbiasFromData: true,
  generator: g,
  verbose: true,
});
const preSeconds = (performance.now() - t0) / 1000;
const out = quick ? "examples/output/quick" : "examples/output"; // a quick run never overwrites the full run's pictures
mkdirSync(out, { recursive: true });
await io.writePng(
  `${out}/dbn-filters.png`,
  io.imageGrid(dbn.rbms[0].weight.slice(0, 0, 100).reshape([100, 28, 28]), { columns: 10, scale: 2 }),
);
const samples = dbn.sample(50, { steps: 200, init: xTest.slice(0, 0, 50), generator: g });
await io.writePng(
  `${out}/dbn-samples.png`,
  io.imageGrid(samples.reshape([50, 28, 28]), { columns: 10, scale: 2, min: 0, max: 1 }),
);
console.log(
  `Wrote ${out}/dbn-filters.png and dbn-samples.png (200 Gibbs steps in the top RBM from test digits, then down)`,
);

const clf = dbn.toClassifier(10, { generator: g });
clf.compile({
  optimizer: new optim.SGD(clf.parameters(), { lr: 0.1, momentum: 0.9 }),
  loss: "crossEntropy",
  metrics: ["accuracy"],
});
const t1 = performance.now();
await clf.fit([xTrain, yTrain], { epochs, batchSize: 100, verbose: 0 });
const err10k = 1 - clf.evaluate([xTest, yTest], { batchSize: 1000 }).accuracy;
console.log(
  `Fine-tuned on ${nTrain} images (${epochs} epochs, ${((performance.now() - t1) / 1000).toFixed(0)} s): test error ${(100 * err10k).toFixed(2)}% (target ≤ 7%)`,
);
if (full && !quick) {
  const xAll = images(m.trainImages, 60000);
  const yAll = labels(m.trainLabels, 60000);
  const t2 = performance.now();
  await clf.fit([xAll, yAll], { epochs: fullEpochs, batchSize: 100, verbose: 0 });
  const err60k = 1 - clf.evaluate([xTest, yTest], { batchSize: 1000 }).accuracy;
  console.log(
    `Then fine-tuned on 60000 images (${fullEpochs} epochs, ${((performance.now() - t2) / 1000).toFixed(0)} s): test error ${(100 * err60k).toFixed(2)}% (target ≤ 2.0%)`,
  );
}
console.log(`Pretraining ${preSeconds.toFixed(0)} s`);
