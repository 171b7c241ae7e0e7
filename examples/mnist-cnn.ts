/**
 * A LeNet-5-like convolutional network on MNIST: conv 5×5 (32) → ReLU → max-pool 2 → conv 5×5 (64) →
 * ReLU → max-pool 2 → dense 1024 → ReLU → dropout 0.5 → dense 10, trained with Adam (lr 1e-3, batch 64)
 * on all 60,000 training images. Prints the test accuracy and time of every epoch, then writes
 * examples/output/mnist-cnn-filters.png: a test digit, the 32 learned first-layer filters, and the
 * feature maps of both conv layers for that digit.
 *
 * Target (../shared/TARGETS.md): ≥ 98.5% test accuracy after 3 epochs, ≥ 98.9% after 10.
 * Usage: npx tsx examples/mnist-cnn.ts [--epochs N (default 3)] [--hidden H (default 1024)] [--limit N]
 */
import { type Logs, Callback, data, io, manualSeed, nn, noGrad, optim } from "../src/index.js";

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const epochs = arg("epochs", 3);
const hidden = arg("hidden", 1024);
const limit = arg("limit", 60_000);

manualSeed(1);
const { train, test } = await data.mnist({ limitTrain: limit });
console.log(`MNIST: ${train.length} training and ${test.length} test images, (N, 1, 28, 28)`);

const conv1 = new nn.Conv2d(1, 32, 5, { padding: 2 });
const conv2 = new nn.Conv2d(32, 64, 5, { padding: 2 });
const model = new nn.Sequential(
  conv1,
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  conv2,
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Linear(64 * 7 * 7, hidden),
  new nn.ReLU(),
  new nn.Dropout(0.5),
  new nn.Linear(hidden, 10),
);
model.compile({
  optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
  loss: "crossEntropy",
  metrics: ["accuracy"],
});
console.log(model.summary([1, 1, 28, 28]));

/** One line per epoch: test accuracy and wall time (training plus the test pass). */
class EpochReport extends Callback {
  private started = 0;
  readonly seconds: number[] = [];
  override onEpochBegin(): void {
    this.started = performance.now();
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    const s = (performance.now() - this.started) / 1000;
    this.seconds.push(s);
    console.log(
      `epoch ${epoch + 1}/${epochs}: test accuracy ${(100 * logs.valAccuracy).toFixed(2)}%, ` +
        `test loss ${logs.valLoss.toFixed(4)}, train loss ${logs.loss.toFixed(4)}, ${s.toFixed(1)} s`,
    );
  }
}

const report = new EpochReport();
await model.fit(train, { epochs, batchSize: 64, validationData: test, callbacks: [report] });
const { accuracy } = model.evaluate(test, { batchSize: 500 });
const mean = report.seconds.reduce((a, b) => a + b, 0) / report.seconds.length;
console.log(
  `Test accuracy ${(100 * accuracy).toFixed(2)}% after ${epochs} epochs ` +
    `(target ≥ 98.5% after 3, ≥ 98.9% after 10); ${mean.toFixed(1)} s per epoch`,
);

// the figure: a digit, the first layer's filters, and what both conv layers see in that digit
const [digit] = test.get(0);
const figure = noGrad(() => {
  model.eval();
  const x = digit.reshape([1, 1, 28, 28]);
  const maps1 = conv1.forward(x).relu();
  const maps2 = conv2.forward(nn.functional.maxPool2d(maps1, 2)).relu();
  return io.stackImages(
    [
      io.toImage(digit.reshape([28, 28]), { scale: 3 }),
      io.imageGrid(conv1.weight, { scale: 6, columns: 16, padding: 2 }),
      io.imageGrid(maps1.reshape([32, 28, 28]), { columns: 16, padding: 2 }),
      io.imageGrid(maps2.reshape([64, 14, 14]), { scale: 2, columns: 16, padding: 2 }),
    ],
    { gap: 10 },
  );
});
const path = new URL("./output/mnist-cnn-filters.png", import.meta.url).pathname;
await io.writePng(path, figure);
console.log(
  `Wrote ${path} (${figure.width}×${figure.height}): digit, 32 filters, conv1 and conv2 feature maps`,
);
if (epochs >= 3 && limit >= 60_000 && accuracy < 0.985) process.exitCode = 1;
