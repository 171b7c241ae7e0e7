// Tutorial 13: squeezing digits through 16 numbers. PCA (linear, solved in one step) against an
// autoencoder (a neural network trained to copy its input through a narrow middle layer).
//   npx tsx tutorials/13-autoencoders-vs-pca.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/13-autoencoders-vs-pca.ts  (a quick check)
import { type Tensor, concat, data, io, manualSeed, noGrad, optim, plot, unsupervised } from "strata-dl";

const quick = process.env.STRATA_QUICK === "1";
const nTrain = quick ? 2_000 : 10_000;
const epochs = quick ? 5 : 8;
const outDir = quick ? "tutorials/output/quick" : "tutorials/output";
const CODE = 16; // numbers per image after compression (from 784 pixels)
manualSeed(1);

// Step 1: the data: MNIST digits as rows of 784 pixels in [0, 1]. The labels are not used:
// both methods learn from the images alone (unsupervised).
const { train, test } = await data.mnist({ flatten: true, limitTrain: nTrain, limitTest: 1_000 });
const [xTrain] = train.tensors;
const [xTest] = test.tensors;
console.log(`MNIST: ${nTrain} training images, 1000 test images, compressed to ${CODE} numbers each`);

// How good is a reconstruction? The squared pixel differences, summed over the image, averaged over images.
const error = (x: Tensor, r: Tensor) => x.sub(r).square().sum(1).mean().item();
const meanError = error(xTest, xTrain.mean(0));
console.log(`drawing the average training digit every time: error ${meanError.toFixed(2)}`);

// Step 2: PCA. It finds the 16 directions in pixel space along which the training images vary most;
// an image's code is its position along them, and the reconstruction goes back the same way.
const pca = new unsupervised.PCA({ nComponents: CODE }).fit(xTrain);
const pcaRecon = pca.inverseTransform(pca.transform(xTest));
const pcaError = error(xTest, pcaRecon);
const kept = 100 * pca.explainedVarianceRatio.sum().item();
console.log(`PCA-${CODE}: error ${pcaError.toFixed(2)} (keeps ${kept.toFixed(1)}% of the pixel variance)`);

// Step 3: an autoencoder. The encoder 784 → 256 → 64 → 16 and a mirrored decoder 16 → 64 → 256 → 784,
// with ReLU between layers and a sigmoid at the end (pixels are in [0, 1]). Trained to output its
// input: the target is the image itself.
const ae = unsupervised.deepAutoencoder([784, 256, 64, CODE], { activation: "relu" });
ae.compile({ optimizer: new optim.Adam(ae.parameters(), { lr: 3e-3 }), loss: "bce", metrics: [] });
const history = await ae.fit([xTrain, xTrain], { epochs, batchSize: 32, validationData: [xTest, xTest] });
ae.eval();
const aeRecon = noGrad(() => ae.forward(xTest));
const aeError = error(xTest, aeRecon);
console.log(`autoencoder 784-256-64-${CODE}: error ${aeError.toFixed(2)} after ${epochs} epochs`);

// Step 4: pictures. The test digits (top row), PCA's reconstructions, the autoencoder's.
const shown = 12;
const rows = [xTest, pcaRecon, aeRecon].map((t) => t.slice(0, 0, shown).clip(0, 1).reshape([shown, 28, 28]));
const grid = io.imageGrid(concat(rows, 0), { columns: shown, min: 0, max: 1, scale: 2, padding: 2 });
await io.writePng(`${outDir}/13-autoencoders-vs-pca-reconstructions.png`, grid);
const epochAxis = history.epoch.map((e) => e + 1);
await plot.linePlot(
  {
    title: "Autoencoder training (binary cross-entropy per pixel)",
    xLabel: "epoch",
    yLabel: "loss",
    series: [
      { name: "training", x: epochAxis, y: history.history.loss },
      { name: "test", x: epochAxis, y: history.history.valLoss },
    ],
  },
  `${outDir}/13-autoencoders-vs-pca-loss`,
);

// Step 5: the check. Both must beat the average digit clearly; in full mode the autoencoder must also
// beat PCA (a few epochs on 2,000 images, the quick mode, are not enough for that).
if (!(pcaError < 0.75 * meanError && aeError < 0.75 * meanError)) {
  throw new Error(
    `PCA ${pcaError.toFixed(2)} or autoencoder ${aeError.toFixed(2)} is not well below ${meanError.toFixed(2)}`,
  );
}
if (!quick && !(aeError < pcaError)) {
  throw new Error(`the autoencoder (${aeError.toFixed(2)}) did not beat PCA (${pcaError.toFixed(2)})`);
}
console.log("check passed");
