/**
 * Transfer learning on MNIST: a CNN learns digits 0–4 from all their training images; its convolutional
 * features are then reused for a new task, digits 5–9, with only 100 labelled images per class. The
 * same network trained from scratch on those 500 images is the baseline. Prints the test accuracy of
 * each on all test images of 5–9 and plots their learning curves.
 *
 * Full mode: npx tsx projects/transfer-learning/main.ts
 * Quick mode (a slice, for CI): STRATA_QUICK=1 npx tsx projects/transfer-learning/main.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { type Tensor, data, fromHost, manualSeed, nn, optim, plot } from "strata-dl";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1";
// quick: pretrain on 2,000 images of 0–4 for one epoch, train 6 epochs on 5–9, test on 500;
// full: all ~30,600 images of 0–4 for two epochs, 20 epochs on 5–9, test on all ~4,860 of 5–9
const [pretrainLimit, pretrainEpochs, targetEpochs, testLimit, curveLimit] = quick
  ? [2_000, 1, 6, 500, 200]
  : [Infinity, 2, 20, Infinity, 500];
const labelsPerClass = 100;
const outDir = new URL(quick ? "./output/quick/" : "./output/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const started = performance.now();

/** The images of `digits` (at most `limit`, or `perClass` of each), labelled 0..4 in the order given. */
function pick(
  [x, y]: Tensor[],
  digits: number[],
  options: { limit?: number; perClass?: number },
): [Tensor, Tensor] {
  const labels = y.dataSync();
  const taken = new Map<number, number>(digits.map((d) => [d, 0]));
  const rows: number[] = [];
  for (let i = 0; i < labels.length && rows.length < (options.limit ?? Infinity); i++) {
    const count = taken.get(labels[i]);
    if (count === undefined || count >= (options.perClass ?? Infinity)) continue;
    taken.set(labels[i], count + 1);
    rows.push(i);
  }
  const index = fromHost(Int32Array.from(rows), [rows.length], "int32");
  const newLabels = Int32Array.from(rows, (i) => digits.indexOf(labels[i]));
  return [x.indexSelect(0, index), fromHost(newLabels, [rows.length], "int32")];
}

// the feature extractor (two conv blocks and a dense layer) and a 5-way head
const features = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 64),
    new nn.ReLU(),
  );
const head = () => new nn.Linear(64, 5);

manualSeed(0);
const { train, test } = await data.mnist();
const source = pick(train.tensors, [0, 1, 2, 3, 4], { limit: pretrainLimit });
const target = pick(train.tensors, [5, 6, 7, 8, 9], { perClass: labelsPerClass });
const targetTest = pick(test.tensors, [5, 6, 7, 8, 9], { limit: testLimit });
// learning curves on the first 500 test images (the final numbers use all of them)
const curveTest = pick(test.tensors, [5, 6, 7, 8, 9], { limit: curveLimit });
console.log(
  `Source task, digits 0-4: ${source[1].shape[0]} labelled images. ` +
    `Target task, digits 5-9: ${target[1].shape[0]} labelled images (${labelsPerClass} per class), ` +
    `${targetTest[1].shape[0]} test images.`,
);

// 1. learn digits 0–4
const pretrained = features();
const sourceModel = new nn.Sequential(pretrained, head());
sourceModel.compile({
  optimizer: new optim.Adam(sourceModel.parameters(), { lr: 1e-3 }),
  loss: "crossEntropy",
});
await sourceModel.fit(source, { epochs: pretrainEpochs, batchSize: 64, verbose: 0 });
console.log(`Pretrained on 0-4 (${pretrainEpochs} epochs)`);

/** Trains `model` on the 500 labels of 5–9 and returns its curve and final test accuracy. */
async function trainTarget(name: string, model: nn.Module, parameters: Tensor[], lr: number) {
  model.compile({ optimizer: new optim.Adam(parameters, { lr }), loss: "crossEntropy" });
  const history = await model.fit(target, {
    epochs: targetEpochs,
    batchSize: 32,
    validationData: curveTest,
    verbose: 0,
  });
  const { accuracy } = model.evaluate(targetTest, { batchSize: 500 });
  console.log(`${name.padEnd(20)} test accuracy on 5-9: ${(100 * accuracy).toFixed(2)}%`);
  return { name, accuracy, curve: history.history.valAccuracy };
}

// 2. the baseline: the same network from fresh weights
manualSeed(1);
const scratch = new nn.Sequential(features(), head());
const fromScratch = await trainTarget("from scratch", scratch, scratch.parameters(), 1e-3);

// 3. frozen features: only a new head learns (a single linear layer on fixed features)
manualSeed(1);
const frozenHead = head();
for (const p of pretrained.parameters()) p.requiresGrad_(false);
const frozenModel = new nn.Sequential(pretrained, frozenHead);
// a single linear layer on fixed features takes a larger step than a whole network
const frozen = await trainTarget("transfer, frozen", frozenModel, frozenHead.parameters(), 1e-2);

// 4. fine-tuning: a fresh copy of the pretrained features, every layer learning, at a lower rate
manualSeed(1);
const tuned = features();
tuned.loadStateDict(pretrained.stateDict());
const tunedModel = new nn.Sequential(tuned, head());
const fineTuned = await trainTarget("transfer, fine-tuned", tunedModel, tunedModel.parameters(), 5e-4);

const runs = [fromScratch, frozen, fineTuned];
await plot.linePlot(
  {
    title: `Digits 5-9 from ${labelsPerClass} labels per class`,
    xLabel: "epoch",
    yLabel: `test accuracy (first ${curveLimit} test images)`,
    series: runs.map((r) => ({ name: r.name, x: r.curve.map((_, i) => i + 1), y: r.curve })),
  },
  `${outDir}curves`,
);
console.log(`Wrote ${outDir}curves.png`);

const seconds = (performance.now() - started) / 1000;
const best = Math.max(frozen.accuracy, fineTuned.accuracy);
if (!quick) {
  const pct = (a: number) => Math.round(10000 * a) / 100;
  const result = {
    project: "Transfer learning: digits 0-4 to 5-9",
    command: "npx tsx projects/transfer-learning/main.ts",
    seconds: Math.round(seconds * 10) / 10,
    machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
    results: {
      "fine-tuned test accuracy (%)": pct(fineTuned.accuracy),
      "frozen features test accuracy (%)": pct(frozen.accuracy),
      "labels per class": labelsPerClass,
    },
    baseline: {
      name: "same network from scratch on the 500 labels",
      "test accuracy (%)": pct(fromScratch.accuracy),
    },
    date: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(`${outDir}result.json`, `${JSON.stringify(result, null, 2)}\n`);
}
console.log(
  `Transfer: ${(100 * best).toFixed(2)}% against ${(100 * fromScratch.accuracy).toFixed(2)}% from scratch ` +
    `(${(100 * (best - fromScratch.accuracy)).toFixed(2)} points); done in ${seconds.toFixed(1)} s`,
);

// the checks: five classes, so chance is 20%; in full mode reused features must beat learning from scratch
if (!(fromScratch.accuracy > 0.4 && best > 0.4))
  throw new Error("a model did not learn (accuracy near chance)");
if (!quick && !(best > fromScratch.accuracy))
  throw new Error("the pretrained features did not beat training from scratch");
