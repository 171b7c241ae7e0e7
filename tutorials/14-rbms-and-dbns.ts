// Tutorial 14: restricted Boltzmann machines and deep belief nets. An RBM learns features of digits
// without labels; a stack of them (a DBN) then starts a classifier that has only a few labels to learn from.
//   npx tsx tutorials/14-rbms-and-dbns.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/14-rbms-and-dbns.ts  (a quick check)
import { Generator, data, io, manualSeed, nn, optim, plot, unsupervised } from "strata-dl";

const quick = process.env.STRATA_QUICK === "1";
const nUnlabeled = quick ? 2_000 : 10_000; // images the RBMs learn from (labels unused)
const nLabeled = quick ? 300 : 1_000; // images whose labels the classifier may use
const pretrainEpochs = quick ? 3 : 10;
const fineTuneEpochs = quick ? 15 : 30;
const nTest = quick ? 1_000 : 5_000;
const outDir = quick ? "tutorials/output/quick" : "tutorials/output";
manualSeed(1);
const g = new Generator(1);

// Step 1: the data. Pixels in [0, 1], which an RBM reads as the probability that a pixel is on.
const { train, test } = await data.mnist({ flatten: true, limitTrain: nUnlabeled, limitTest: nTest });
const [xTrain, yTrain] = train.tensors;
const [xTest, yTest] = test.tensors;
const xLabeled = xTrain.slice(0, 0, nLabeled);
const yLabeled = yTrain.slice(0, 0, nLabeled);
console.log(
  `MNIST: ${nUnlabeled} training images (labels of the first ${nLabeled} only), ${nTest} test images`,
);

// Step 2: a deep belief net 784-256-256 is a stack of two RBMs: 784 ↔ 256 and 256 ↔ 256. pretrain
// trains them greedily, bottom first, by contrastive divergence (CD-1): make the model's own
// "dreams" (one step of sampling from the data) look like the data. The monitor printed per epoch is
// the reconstruction error: data → hidden → back to pixels, mean squared difference.
const dbn = new unsupervised.DBN([784, 256, 256], { generator: g });
const histories = dbn.pretrain(xTrain, {
  epochs: pretrainEpochs,
  batchSize: 50,
  lr: 0.1,
  momentum: (epoch) => (epoch < 5 ? 0.5 : 0.9), // a little momentum first, more once the weights settle
  weightDecay: 2e-4,
  vbiasFromData: true, // start each pixel's bias at how often it is on in the data
  generator: g,
  verbose: true,
});
const recon = histories[0].values;
console.log(
  `bottom RBM reconstruction error: ${recon[0].toFixed(4)} after epoch 1, ${recon[recon.length - 1].toFixed(4)} at the end`,
);

// Step 3: look at what the bottom RBM learned. Each hidden unit has 784 weights, one per pixel:
// drawn as an image, they show the stroke pattern that switches the unit on.
const rbm = dbn.rbms[0];
await io.writePng(
  `${outDir}/14-rbms-and-dbns-filters.png`,
  io.imageGrid(rbm.weight.slice(0, 0, 64).reshape([64, 28, 28]), { columns: 16, scale: 2 }),
);
// and let the whole DBN dream: Gibbs sampling in the top RBM, started from test digits, then down to pixels
const dreams = dbn.sample(16, { steps: quick ? 50 : 200, init: xTest.slice(0, 0, 16), generator: g });
await io.writePng(
  `${outDir}/14-rbms-and-dbns-samples.png`,
  io.imageGrid(dreams.reshape([16, 28, 28]), { columns: 16, scale: 2, min: 0, max: 1 }),
);

// Step 4: fine-tune. toClassifier unrolls the DBN into Linear + Sigmoid layers with the RBMs' weights
// and adds a Linear(256 → 10) on top. Against it: the same network started from random weights.
// Both learn from the same few labelled images, with the same optimizer and epochs.
async function fineTune(name: string, model: nn.Module) {
  model.compile({
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
    loss: "crossEntropy",
  });
  const history = await model.fit([xLabeled, yLabeled], {
    epochs: fineTuneEpochs,
    batchSize: 20,
    verbose: 0,
    validationData: [xTest, yTest],
  });
  const accuracy = model.evaluate([xTest, yTest], { batchSize: 500 }).accuracy;
  console.log(`${name}: test accuracy ${(100 * accuracy).toFixed(2)}%`);
  return { accuracy, curve: history.history.valAccuracy.map((a) => 100 * a) };
}
const pretrained = await fineTune("DBN-pretrained 784-256-256-10", dbn.toClassifier(10, { generator: g }));
const scratch = await fineTune(
  "same network from random weights",
  new nn.Sequential(
    new nn.Linear(784, 256),
    new nn.Sigmoid(),
    new nn.Linear(256, 256),
    new nn.Sigmoid(),
    new nn.Linear(256, 10),
  ),
);
const epochAxis = pretrained.curve.map((_, i) => i + 1);
await plot.linePlot(
  {
    title: `Fine-tuning on ${nLabeled} labelled digits`,
    xLabel: "epoch",
    yLabel: "test accuracy (%)",
    series: [
      { name: "DBN-pretrained", x: epochAxis, y: pretrained.curve },
      { name: "random start", x: epochAxis, y: scratch.curve },
    ],
  },
  `${outDir}/14-rbms-and-dbns-finetune`,
);

// Step 5: the check. Pretraining must have learned something useful: the RBM's reconstruction error
// fell, and the pretrained classifier beats the one from random weights.
if (!(recon[recon.length - 1] < recon[0])) throw new Error("the RBM's reconstruction error did not fall");
if (!(pretrained.accuracy > scratch.accuracy && pretrained.accuracy > 0.7)) {
  throw new Error(
    `pretrained ${pretrained.accuracy} against random start ${scratch.accuracy}: pretraining did not help`,
  );
}
console.log("check passed");
