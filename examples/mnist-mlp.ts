/**
 * Keras's `mnist_mlp`: 784-512-512-10 with ReLU and dropout 0.2, RMSprop, batch 128.
 * Target after 5 epochs: ≥ 97.8% test accuracy (../shared/TARGETS.md). `--epochs N` to change.
 */
import { data, manualSeed, nn, optim } from "../src/index.js";

const epochsArg = process.argv.indexOf("--epochs");
const epochs = epochsArg > 0 ? Number(process.argv[epochsArg + 1]) : 5;
manualSeed(7);
const { train, test } = await data.mnist({ flatten: true });

const model = new nn.Sequential(
  new nn.Linear(784, 512),
  new nn.ReLU(),
  new nn.Dropout(0.2),
  new nn.Linear(512, 512),
  new nn.ReLU(),
  new nn.Dropout(0.2),
  new nn.Linear(512, 10),
);
// Keras's RMSprop defaults: lr 0.001, rho 0.9, epsilon 1e-7
model.compile({
  optimizer: new optim.RMSprop(model.parameters(), { lr: 1e-3, alpha: 0.9, eps: 1e-7 }),
  loss: "crossEntropy",
  metrics: ["accuracy"],
});
console.log(model.summary([1, 784]));
const started = performance.now();
await model.fit(train, { epochs, batchSize: 128, validationData: test });
const { loss, accuracy } = model.evaluate(test, { batchSize: 1000 });
const perEpoch = (performance.now() - started) / 1000 / epochs;
console.log(
  `Test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% after ${epochs} epochs (${perEpoch.toFixed(0)} s/epoch)`,
);
