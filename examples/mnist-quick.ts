/**
 * The quick demo (`npm start`): a 784-128-10 MLP trained on the full MNIST for 3 epochs with Adam,
 * then its test accuracy (Adam, lr 2e-3, batch 64). Target: ≥ 97.0% (see ../shared/TARGETS.md).
 */
import { data, manualSeed, nn, optim, ready } from "../src/index.js";

// the backend STRATA_BACKEND names (wasm by default; webgpu is created asynchronously)
const backend = await ready();
console.log(`backend: ${backend.name}`);
manualSeed(1);
const started = performance.now();
// STRATA_QUICK=1: a slice (10,000 training and 2,000 test images, one epoch) that still shows learning
const quick = process.env.STRATA_QUICK === "1";
const { train, test } = await data.mnist(
  quick ? { flatten: true, limitTrain: 10000, limitTest: 2000 } : { flatten: true },
);
console.log(`MNIST: ${train.length} training and ${test.length} test images`);

const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
model.compile({
  optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }),
  loss: "crossEntropy",
  metrics: ["accuracy"],
});
console.log(model.summary([1, 784]));

await model.fit(train, { epochs: quick ? 1 : 3, batchSize: 64, validationData: test });
// evaluateAsync runs on every backend; a GPU is only read asynchronously
const { accuracy } = await model.evaluateAsync(test, { batchSize: 1000 });
const seconds = (performance.now() - started) / 1000;
console.log(`Test accuracy: ${(100 * accuracy).toFixed(2)}% (target ≥ 97.0%) in ${seconds.toFixed(0)} s`);
if (!quick && accuracy < 0.97) process.exitCode = 1;
