/**
 * A two-layer deep Boltzmann machine on binarised MNIST (Salakhutdinov & Hinton 2009; the paper's
 * 784-500-1000 trained on all 60k images reaches −84.62 nats): greedy pretraining by the paper's modified
 * RBMs, joint training with mean-field data statistics and persistent chains, then log Z by AIS and the
 * variational lower bound on the test log-likelihood in nats, and a PNG of samples from its Gibbs chains.
 *   npx tsx examples/dbm-mnist.ts [--sizes 200,400] [--train 10000] [--test 2000] [--pretrain-epochs 5]
 *        [--epochs 5] [--minutes M] [--pretrain-share 0.3] [--lr 0.005] [--chains 100] [--betas 2000]
 *        [--runs 100] [--burn-in 1000] [--ais-minutes A] [--sample-steps 1000] [--no-pretrain-bound]
 *        [--save dbm.safetensors] [--load dbm.safetensors]
 * --minutes bounds the training's wall clock (pretraining and joint training together; AIS comes on
 * top): each pretraining RBM may use half of --pretrain-share of it, joint training what is left, and
 * the joint learning rate then decays linearly to 0 at that end (without --minutes it is
 * lr / (1 + epoch / 5)). --ais-minutes replaces --betas by as many βs as fit that many minutes, timed
 * on a 50-β trial after an untimed warm-up. --load skips training (the bound only).
 * log Z is estimated twice, by bidirectional Monte Carlo: forward AIS (low more often than high) and
 * reverse AIS from the DBM's own Gibbs chains after --burn-in sweeps (high more often than low); where
 * they agree log Z is pinned down, and the bound is reported with the larger (the conservative one).
 * Printed with each: the effective sample size of its importance weights, and the bound's variational
 * part E_q[−E] + H(q) (checked against more mean-field iterations). Results and commands: docs/RBM.md.
 * STRATA_QUICK=1: 2,000 images, 784-100-200, a few epochs (joint lr 0.001) and a short AIS.
 */
import { existsSync, mkdirSync } from "node:fs";
import { Generator, data, fromHost, io, manualSeed, type Tensor, unsupervised } from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
if (quick) mkdirSync("examples/output/quick", { recursive: true }); // a quick run never overwrites the full run's pictures
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
function arg(name: string, fallback: number): number {
  const v = flag(name);
  return v === undefined ? fallback : Number(v);
}
const [h1, h2] = (flag("sizes") ?? (quick ? "100,200" : "200,400")).split(",").map(Number);
const nTrain = arg("train", quick ? 2000 : 10000);
const nTest = arg("test", quick ? 1000 : 2000);
const preEpochs = arg("pretrain-epochs", quick ? 3 : 5);
const epochs = arg("epochs", quick ? 3 : 5);
const minutes = arg("minutes", Number.POSITIVE_INFINITY);
const pretrainShare = arg("pretrain-share", 0.3);
const lrJoint = arg("lr", quick ? 0.001 : 0.005);
const chains = arg("chains", 100);
const aisMinutes = arg("ais-minutes", Number.NaN);
let betas = arg("betas", quick ? 200 : 2000);
const runs = arg("runs", quick ? 50 : 100);
const burnIn = arg("burn-in", quick ? 200 : 1000);
const sampleSteps = arg("sample-steps", 1000);
const pretrainBound = !process.argv.includes("--no-pretrain-bound");
const budgeted = Number.isFinite(minutes);
const began = performance.now();
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

/** With --ais-minutes: as many βs as fit that budget (forward and reverse together, after the reverse
 * chains' burn-in), timed on a short trial annealing first (whose result is dropped). */
function fitBetasToBudget(): void {
  if (!Number.isFinite(aisMinutes)) return;
  const trial = 50;
  // a first, untimed pass warms the kernels and the JIT: timed cold, the trial ran at twice the real cost
  // and the budget bought half the βs it could (docs/RBM.md)
  unsupervised.dbmAis(dbm, { runs, betas: 10, baseData: xTrain, generator: g });
  const t = performance.now();
  unsupervised.dbmAis(dbm, { runs, betas: trial, baseData: xTrain, generator: g });
  const perBeta = (performance.now() - t) / 1000 / trial;
  betas = Math.max(trial, Math.floor(((aisMinutes * 60) / perBeta - burnIn) / 2));
  console.log(
    `AIS budget ${aisMinutes} min at ${(1000 * perBeta).toFixed(0)} ms per β (${runs} runs): ${betas} βs each way`,
  );
}

function describeWeights(z: unsupervised.AISResult): string {
  const sorted = Array.from(z.logWeights).sort((a, b) => a - b);
  const top = sorted[sorted.length - 1];
  return (
    `effective sample size ${unsupervised.effectiveSampleSize(z.logWeights).toFixed(1)} of ${runs} runs; ` +
    `log-weights median ${(sorted[runs >> 1] - top).toFixed(2)}, 10th percentile ${(sorted[Math.floor(runs / 10)] - top).toFixed(2)} relative to the largest`
  );
}

function bound(label: string): void {
  fitBetasToBudget();
  let t = performance.now();
  const forward = unsupervised.dbmAis(dbm, { runs, betas, baseData: xTrain, generator: g });
  const forwardSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const reverse = unsupervised.dbmReverseAis(dbm, { runs, betas, burnIn, baseData: xTrain, generator: g });
  const reverseSeconds = (performance.now() - t) / 1000;
  // the bound is E_q[−E(v, h)] + H(q) − log Z: its variational part is the bound at log Z = 0
  const variational = unsupervised.dbmLowerBound(dbm, xTest, 0);
  const trainPart = unsupervised.dbmLowerBound(dbm, xTrain.slice(0, 0, Math.min(nTrain, nTest, 2000)), 0);
  const probe = xTest.slice(0, 0, Math.min(nTest, 1000));
  const moreIterations =
    unsupervised.dbmLowerBound(dbm, probe, 0, { iterations: 100 }) -
    unsupervised.dbmLowerBound(dbm, probe, 0);
  const gap = reverse.logZ - forward.logZ;
  console.log(
    `${label}: log Z by AIS from a base model fitted to the training data (${runs} runs, ${betas} βs each way)`,
  );
  console.log(
    `  forward AIS ${forward.logZ.toFixed(2)} (±3σ ${forward.logZLow.toFixed(2)} .. ${forward.logZHigh.toFixed(2)}; ${forwardSeconds.toFixed(0)} s): ${describeWeights(forward)}`,
  );
  console.log(
    `  reverse AIS ${reverse.logZ.toFixed(2)} (±3σ ${reverse.logZLow.toFixed(2)} .. ${reverse.logZHigh.toFixed(2)}; ${burnIn} sweeps of burn-in, ${reverseSeconds.toFixed(0)} s): ${describeWeights(reverse)}`,
  );
  console.log(
    `  forward and reverse ${Math.abs(gap) <= 1 ? "agree" : "differ"}: gap ${gap.toFixed(2)} nats${Math.abs(gap) <= 1 ? "" : " (log Z not pinned down: more βs)"}`,
  );
  console.log(
    `  variational part E_q[−E] + H(q) on the test images: ${variational.toFixed(2)} nats (30 mean-field updates; ` +
      `100 updates change it by ${moreIterations >= 0 ? "+" : ""}${moreIterations.toFixed(3)} on ${probe.shape[0]} images)`,
  );
  const upper = Math.max(forward.logZ, reverse.logZ);
  console.log(
    `  lower bound on log p(v): test ${(variational - upper).toFixed(2)} nats with the larger log Z ` +
      `(${(variational - Math.min(forward.logZ, reverse.logZ)).toFixed(2)} with the smaller), train ${(trainPart - upper).toFixed(2)} nats`,
  );
}

const loadPath = flag("load");
let trainSeconds = 0;
if (loadPath && existsSync(loadPath)) {
  await io.loadModel(dbm, loadPath);
  console.log(`Loaded ${loadPath}: DBM 784-${h1}-${h2} (no training)`);
} else {
  const budget = budgeted ? ` within ${minutes} min of training` : "";
  console.log(
    `DBM 784-${h1}-${h2} on ${nTrain} binarised images${budget}: pretraining (${preEpochs} epochs per RBM)`,
  );
  const t0 = performance.now();
  dbm.pretrain(xTrain, {
    epochs: preEpochs,
    maxSeconds: budgeted ? (minutes * 60 * pretrainShare) / 2 : undefined,
    batchSize: 100,
    lr: 0.05,
    momentum: (e) => (e < 5 ? 0.5 : 0.9),
    weightDecay: 2e-4,
    vbiasFromData: true,
    generator: g,
    verbose: true,
  });
  let boundSeconds = 0;
  if (pretrainBound) {
    const t = performance.now();
    bound("After pretraining");
    boundSeconds = (performance.now() - t) / 1000; // not counted against the training budget
  }
  const left = budgeted
    ? minutes * 60 - (performance.now() - t0) / 1000 + boundSeconds
    : Number.POSITIVE_INFINITY;
  console.log(
    `Joint training (${epochs} epochs${budgeted ? ` or ${Math.max(0, left).toFixed(0)} s` : ""}, ${chains} persistent chains, 10 mean-field updates)`,
  );
  if (left > 0) {
    const history = dbm.fitJoint(xTrain, {
      epochs,
      maxSeconds: budgeted ? Math.max(1, Math.round(left)) : undefined,
      batchSize: 100,
      lr: budgeted ? (_e, progress) => lrJoint * (1 - progress) : (e) => lrJoint / (1 + e / 5),
      chains,
      generator: g,
      verbose: true,
    });
    console.log(
      `Joint training: ${history.updates} updates (${(history.updates / Math.ceil(nTrain / 100)).toFixed(1)} epochs)` +
        (history.timedOut ? " (stopped by the budget)" : ""),
    );
  }
  trainSeconds = (performance.now() - t0) / 1000 - boundSeconds;
  const savePath = flag("save");
  if (savePath) {
    await io.saveModel(dbm, savePath);
    console.log(`Saved ${savePath}`);
  }
}
bound(loadPath ? "Loaded model" : "After joint training");
const samples = dbm.sample(100, { steps: sampleSteps, generator: g });
await io.writePng(
  `examples/output/${quick ? "quick/" : ""}dbm-samples.png`,
  io.imageGrid(samples.reshape([100, 28, 28]), { columns: 10, scale: 2, min: 0, max: 1 }),
);
console.log(
  `Wrote examples/output/${quick ? "quick/" : ""}dbm-samples.png (${sampleSteps} Gibbs sweeps from noise). ` +
    `Training ${trainSeconds.toFixed(0)} s, all ${((performance.now() - began) / 1000).toFixed(0)} s`,
);
