/**
 * Hinton & Salakhutdinov (Science 2006), "Reducing the dimensionality of data with neural networks":
 * a deep autoencoder 784-1000-500-250-30 (logistic units, linear code) against PCA-30 on MNIST, and
 * 2-D codes of an autoencoder (…-2) against PCA-2. Definitions in ../shared/TARGETS.md.
 *
 * Error = squared reconstruction error summed over the 784 pixels (in [0, 1]), averaged over test
 * images. Published: PCA 13.87, logistic PCA 8.01, the RBM-pretrained autoencoder 3.00. Here the
 * autoencoder is trained by backprop alone (Adam, cross-entropy, mini-batches of 32) from PyTorch's
 * random start, so its hidden units are ReLUs by default: logistic units (the paper's) barely leave
 * the mean-image plateau without RBM pretraining (`--activation sigmoid` to try). `--pretrain N` starts
 * instead from stacked RBMs (N CD-1 epochs per layer, unrolled by `DBN.toAutoencoder`), as the paper.
 * Results and commands: docs/UNSUPERVISED.md (60k images, 8 epochs, batches of 64, cosine decay: 7.37).
 *
 *   npx tsx examples/autoencoder-mnist.ts [--train 10000] [--epochs 30] [--epochs2d 8] [--lr 0.001]
 *                                         [--activation relu|sigmoid|tanh] [--only 30|2d] [--batch 32]
 *                                         [--decay cosine] [--pretrain 0] [--pca-train N] [--out DIR]
 *   npx tsx examples/autoencoder-vs-pca.ts   # the 30-D half alone (--only 30)
 *   npx tsx examples/codes-2d.ts             # the 2-D half alone (--only 2d)
 *   STRATA_QUICK=1 npx tsx examples/autoencoder-mnist.ts      # a small slice, well under a minute
 *
 * Writes examples/output/autoencoder-mnist/ (--out DIR; examples/output/quick/autoencoder-mnist/ with STRATA_QUICK): reconstructions.png (test digits; rows: original, PCA-30,
 * autoencoder), codes-pca.png/.svg and codes-autoencoder.png/.svg (2-D codes coloured by digit),
 * results.json (every number printed, and the 2-D codes).
 */
import { mkdir, writeFile } from "node:fs/promises";
import {
  concat,
  Callback,
  LearningRateScheduler,
  data,
  io,
  manualSeed,
  noGrad,
  optim,
  plot,
  type Tensor,
  unsupervised,
} from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const nTrain = arg("train", quick ? 2000 : 10000);
const nTest = arg("test", quick ? 1000 : 10000);
const epochs = arg("epochs", quick ? 3 : 30);
const epochs2d = arg("epochs2d", quick ? 2 : 8);
const lr = arg("lr", quick ? 2e-3 : 1e-3);
const batchSize = arg("batch", 32);
// --decay cosine: the learning rate follows a cosine from lr to 0 over the epochs (default: constant)
const decayArg = process.argv.indexOf("--decay");
const decay = decayArg > 0 ? process.argv[decayArg + 1] : "none";
// --pretrain N: greedy RBM pretraining of the 30-D network (N CD-1 epochs per layer), unrolled into a
// logistic autoencoder and fine-tuned (Hinton & Salakhutdinov 2006); 0 (default): random start
const pretrainEpochs = arg("pretrain", 0);
const activationArg = process.argv.indexOf("--activation");
const activation = (
  activationArg > 0 ? process.argv[activationArg + 1] : "relu"
) as unsupervised.ActivationName;
const sizes = quick ? [784, 256, 128, 30] : [784, 1000, 500, 250, 30];
// --only 30 | 2d runs one half (examples/autoencoder-vs-pca.ts and examples/codes-2d.ts do)
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg > 0 ? process.argv[onlyArg + 1] : "both";
if (!["30", "2d", "both"].includes(only)) {
  console.error(`--only takes 30 or 2d, got ${only}`);
  process.exit(2);
}
const run30 = only !== "2d";
const run2d = only !== "30";
// a quick run must not overwrite the full run's pictures
const outArg = process.argv.indexOf("--out");
const out = quick
  ? "examples/output/quick/autoencoder-mnist"
  : outArg > 0
    ? process.argv[outArg + 1]
    : "examples/output/autoencoder-mnist";
await mkdir(out, { recursive: true });
manualSeed(2006);

const { train, test } = await data.mnist({ flatten: true, limitTrain: nTrain, limitTest: nTest });
const [xTrain, yTrain] = train.tensors;
const [xTest, yTest] = test.tensors;
console.log(`MNIST: ${nTrain} training and ${nTest} test images${quick ? " (STRATA_QUICK)" : ""}`);

/** Squared error summed over the 784 pixels, averaged over images. */
const reconstructionError = (x: Tensor, r: Tensor) => noGrad(() => x.sub(r).square().sum(1).mean().item());
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

const meanImage = xTrain.mean(0);
console.log(
  `Predicting the mean training image: test error ${reconstructionError(xTest, meanImage).toFixed(2)}`,
);

// ---- deep autoencoder training, shared by both halves ----
async function trainAutoencoder(layerSizes: number[], nEpochs: number, pretrain = 0) {
  const started = performance.now();
  let ae: unsupervised.Autoencoder;
  if (pretrain > 0) {
    // stacked RBMs, CD-1 on the logistic hidden probabilities of the layer below (the paper: 50 epochs
    // per layer, lr 0.1, momentum 0.5 then 0.9, weight decay 2e-4); unrolled with a logistic code
    const dbn = new unsupervised.DBN(layerSizes);
    dbn.pretrain(xTrain, {
      epochs: pretrain,
      batchSize: 100,
      lr: 0.1,
      momentum: (e) => (e < 5 ? 0.5 : 0.9),
      weightDecay: 2e-4,
      vbiasFromData: true,
      verbose: !quick,
    });
    ae = dbn.toAutoencoder();
    console.log(`RBM pretraining (${pretrain} epochs per layer): ${seconds(started)} s`);
  } else {
    // linear code, logistic output (pixels in [0, 1]) trained by cross-entropy
    ae = unsupervised.deepAutoencoder(layerSizes, { activation });
  }
  const optimizer = new optim.Adam(ae.parameters(), { lr });
  ae.compile({ optimizer, loss: "bce", metrics: [] });
  const cbs: Callback[] = [];
  if (decay === "cosine") {
    cbs.push(new LearningRateScheduler(new optim.CosineAnnealingLR(optimizer, { tMax: nEpochs })));
  }
  // the test error after each epoch: the learning curve, and a number even if a long run is cut short
  const curve: number[] = [];
  cbs.push(
    new (class extends Callback {
      override onEpochEnd(epoch: number) {
        curve.push(noGrad(() => reconstructionError(xTest, ae.forward(xTest))));
        if (!quick)
          console.log(`  epoch ${epoch + 1}: test error ${curve[epoch].toFixed(2)} (${seconds(started)} s)`);
      }
    })(),
  );
  await ae.fit([xTrain, xTrain], { epochs: nEpochs, batchSize, verbose: quick ? 0 : 1, callbacks: cbs });
  const secs = (performance.now() - started) / 1000;
  return { ae, secs, curve };
}

let pcaError = Number.NaN;
let aeError = Number.NaN;
let secs = Number.NaN;
let curve30: number[] = [];
if (run30) {
  // ---- PCA-30 ----
  const t0 = performance.now();
  // --pca-train N fits PCA on the first N training images (the float64 Gram product over 60k images
  // takes minutes on a loaded machine; PCA-30 moves by 0.1 between 10k and 60k images)
  const pcaTrain = Math.min(nTrain, arg("pca-train", nTrain));
  const pca30 = new unsupervised.PCA({ nComponents: 30 }).fit(
    pcaTrain < nTrain ? xTrain.slice(0, 0, pcaTrain) : xTrain,
  );
  const pcaRecon = pca30.inverseTransform(pca30.transform(xTest));
  pcaError = reconstructionError(xTest, pcaRecon);
  console.log(
    `PCA-30 (fitted on ${pcaTrain} images): test error ${pcaError.toFixed(2)} (published 13.87; target 13.9 ± 0.7), ` +
      `${(100 * pca30.explainedVarianceRatio.sum().item()).toFixed(1)}% of the variance, fit in ${seconds(t0)} s`,
  );

  const { ae, secs: trained, curve } = await trainAutoencoder(sizes, epochs, pretrainEpochs);
  secs = trained;
  curve30 = curve;
  ae.eval();
  const aeRecon = noGrad(() => ae.forward(xTest));
  aeError = reconstructionError(xTest, aeRecon);
  console.log(
    `Autoencoder ${sizes.join("-")} (${pretrainEpochs > 0 ? `RBM-pretrained ${pretrainEpochs} epochs/layer, logistic` : activation}, Adam lr ${lr}${decay === "cosine" ? " cosine-decayed" : ""}, batch ${batchSize}): test error ${aeError.toFixed(2)} after ${epochs} epochs on ${nTrain} images ` +
      `(${secs.toFixed(0)} s; target ≤ 8.0, logistic PCA 8.01; RBM-pretrained on 60k: 3.00)`,
  );

  // test digits beside their reconstructions: rows original, PCA-30, autoencoder
  const shown = 10;
  const tiles = [xTest, pcaRecon, aeRecon].map((t) =>
    t.slice(0, 0, shown).clip(0, 1).reshape([shown, 28, 28]),
  );
  const grid = io.imageGrid(concat(tiles, 0), { columns: shown, min: 0, max: 1, scale: 2, padding: 2 });
  await io.writePng(`${out}/reconstructions.png`, grid);
}

/** Accuracy of 5-nearest-neighbour votes: each test code among the training codes. */
function knnAccuracy(
  trainCodes: Tensor,
  testCodes: Tensor,
  labelsTrain: number[],
  labelsTest: number[],
  k = 5,
): number {
  const a = trainCodes.dataSync();
  const b = testCodes.dataSync();
  const n = labelsTrain.length;
  let correct = 0;
  const best = new Float64Array(k);
  const bestLabel = new Int32Array(k);
  for (let i = 0; i < labelsTest.length; i++) {
    best.fill(Number.POSITIVE_INFINITY);
    const x = b[2 * i];
    const y = b[2 * i + 1];
    for (let j = 0; j < n; j++) {
      const d = (a[2 * j] - x) ** 2 + (a[2 * j + 1] - y) ** 2;
      if (d >= best[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && best[p - 1] > d) {
        best[p] = best[p - 1];
        bestLabel[p] = bestLabel[p - 1];
        p--;
      }
      best[p] = d;
      bestLabel[p] = labelsTrain[j];
    }
    const votes = new Array(10).fill(0);
    for (let p = 0; p < k; p++) votes[bestLabel[p]]++;
    // ties go to the label of the nearest neighbour among the tied ones
    const top = Math.max(...votes);
    const winner = Array.from(bestLabel).find((l) => votes[l] === top);
    if (winner === labelsTest[i]) correct++;
  }
  return correct / labelsTest.length;
}

let twoD: Record<string, unknown> = {};
if (run2d) {
  // ---- 2-D codes: PCA-2 against an autoencoder with a 2-unit code ----
  const sizes2d = [...sizes.slice(0, -1), 2];
  const pca2 = new unsupervised.PCA({ nComponents: 2 }).fit(xTrain);
  const { ae: ae2, secs: secs2 } = await trainAutoencoder(sizes2d, epochs2d);
  ae2.eval();
  const labelsTrain = Array.from(yTrain.dataSync());
  const labelsTest = Array.from(yTest.dataSync());

  const codes = {
    pca: { train: pca2.transform(xTrain), test: pca2.transform(xTest) },
    autoencoder: noGrad(() => ({ train: ae2.encode(xTrain), test: ae2.encode(xTest) })),
  };
  const knn = {
    pca: knnAccuracy(codes.pca.train, codes.pca.test, labelsTrain, labelsTest),
    autoencoder: knnAccuracy(codes.autoencoder.train, codes.autoencoder.test, labelsTrain, labelsTest),
  };
  console.log(
    `2-D codes, 5-nearest-neighbour test accuracy: PCA-2 ${(100 * knn.pca).toFixed(1)}%, ` +
      `autoencoder ${sizes2d.join("-")} ${(100 * knn.autoencoder).toFixed(1)}% (${epochs2d} epochs, ${secs2.toFixed(0)} s)`,
  );

  const plotted = Math.min(3000, nTest);
  const points = (t: Tensor) => {
    const v = t.dataSync();
    return labelsTest
      .slice(0, plotted)
      .map((label, i) => ({ x: v[2 * i], y: v[2 * i + 1], group: String(label) }));
  };
  for (const [name, title] of [
    ["pca", "PCA-2"],
    ["autoencoder", `Autoencoder …-${sizes2d.slice(-2).join("-")}`],
  ] as const) {
    await plot.scatterPlot(
      {
        title: `${title}: ${plotted} test digits, 5-NN ${(100 * knn[name]).toFixed(1)}%`,
        xLabel: "code 1",
        yLabel: "code 2",
        points: points(codes[name].test),
      },
      `${out}/codes-${name}`,
    );
  }
  twoD = {
    knn5Accuracy2d: {
      pca2: knn.pca,
      autoencoder: knn.autoencoder,
      autoencoderSizes: sizes2d,
      epochs: epochs2d,
    },
    codes2d: {
      labels: labelsTest.slice(0, plotted),
      pca: Array.from(codes.pca.test.slice(0, 0, plotted).dataSync()),
      autoencoder: Array.from(codes.autoencoder.test.slice(0, 0, plotted).dataSync()),
    },
  };
}

const results = {
  quick,
  only,
  activation,
  lr,
  batchSize,
  nTrain,
  nTest,
  reconstructionError: run30 && {
    pca30: pcaError,
    autoencoder: aeError,
    autoencoderSizes: sizes,
    epochs,
    batchSize,
    decay,
    pretrainEpochs,
    testErrorPerEpoch: curve30,
    trainSeconds: secs,
  },
  ...twoD,
};
await writeFile(`${out}/results${only === "both" ? "" : `-${only}`}.json`, `${JSON.stringify(results)}\n`);
const written = [
  ...(run30 ? ["reconstructions.png"] : []),
  ...(run2d ? ["codes-pca.png", "codes-autoencoder.png"] : []),
  `results${only === "both" ? "" : `-${only}`}.json`,
];
console.log(`Wrote ${written.map((f) => `${out}/${f}`).join(", ")}`);
