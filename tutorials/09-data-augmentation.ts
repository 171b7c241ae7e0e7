/**
 * Tutorial 09: data augmentation. With few training images, show the network a slightly different
 * version of each one every time (shifted, rotated, scaled), so that it learns the digit, not the
 * exact pixels. The same CNN is trained on 1,000 digits with and without augmentation.
 * Run: npx tsx tutorials/09-data-augmentation.ts
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Generator, type Tensor, data, fromHost, io, manualSeed, nn, optim, stack } from "strata-dl";

// STRATA_QUICK=1: 500 training images, 1,000 test images, 4 epochs instead of 1,000, 10,000 and 30
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const epochs = quick ? 4 : 30;
const { train, test } = await data.mnist(quick ? { limitTrain: 500, limitTest: 1000 } : { limitTrain: 1000 });
console.log(`${train.length} training images, ${test.length} test images`);

/**
 * Moves one 28×28 image by a random rotation (±15°), scale (0.9 to 1.1) and shift (±2 pixels). Each
 * output pixel looks up where it came from in the input and blends the 4 pixels around that point
 * (bilinear interpolation); points outside the image are black.
 */
function randomAffine(src: Float32Array, dst: Float32Array, rng: Generator): void {
  const angle = ((rng.uniform() * 2 - 1) * 15 * Math.PI) / 180;
  const scale = 0.9 + rng.uniform() * 0.2;
  const [dx, dy] = [(rng.uniform() * 2 - 1) * 2, (rng.uniform() * 2 - 1) * 2];
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const c = 13.5; // the centre of a 28×28 image
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      // undo the shift, then the rotation and scale, around the centre
      const u = x - c - dx;
      const v = y - c - dy;
      const sx = cos * u + sin * v + c;
      const sy = -sin * u + cos * v + c;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (xx: number, yy: number) =>
        xx >= 0 && xx < 28 && yy >= 0 && yy < 28 ? src[yy * 28 + xx] : 0;
      dst[y * 28 + x] =
        (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
        fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
}

/** A dataset that hands out a freshly transformed copy of each image every time it is asked. */
class Augmented implements data.Dataset<[Tensor, Tensor]> {
  private readonly pixels: Float32Array;
  private readonly labels: Int32Array;
  private readonly rng: Generator;

  constructor(source: data.TensorDataset<[Tensor, Tensor]>, seed: number) {
    const [images, labels] = source.tensors;
    this.pixels = images.dataSync() as Float32Array;
    this.labels = labels.dataSync() as Int32Array;
    this.rng = new Generator(seed);
  }
  get length(): number {
    return this.labels.length;
  }
  get(index: number): [Tensor, Tensor] {
    const [x, y] = this.getBatch(Int32Array.of(index));
    return [x.reshape([1, 28, 28]), y.reshape([])];
  }
  // the DataLoader asks for whole batches when a dataset can give them: one tensor per batch, not per image
  getBatch(indices: Int32Array): [Tensor, Tensor] {
    const out = new Float32Array(indices.length * 784);
    indices.forEach((i, k) => {
      randomAffine(
        this.pixels.subarray(i * 784, (i + 1) * 784),
        out.subarray(k * 784, (k + 1) * 784),
        this.rng,
      );
    });
    const labels = Int32Array.from(indices, (i) => this.labels[i]);
    return [
      fromHost(out, [indices.length, 1, 28, 28], "float32"),
      fromHost(labels, [indices.length], "int32"),
    ];
  }
}

// A picture: 8 training digits (left column) and 7 augmented versions of each
const augmented = new Augmented(train, 1);
const rows: Tensor[] = [];
for (let i = 0; i < 8; i++) {
  rows.push(train.get(i)[0]);
  for (let k = 0; k < 7; k++) rows.push(augmented.get(i)[0]);
}
const grid = io.imageGrid(stack(rows), { columns: 8, padding: 2, scale: 3, min: 0, max: 1 });
await io.writePng(`${outDir}09-data-augmentation-samples.png`, grid);

// The CNN of tutorial 08, trained from the same start on the plain and on the augmented images
function makeCnn(): nn.Module {
  manualSeed(0);
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 10),
  );
}
const results: Record<string, { train: number; test: number }> = {};
for (const [name, dataset] of [
  ["plain", train],
  ["augmented", new Augmented(train, 2)],
] as const) {
  const model = makeCnn();
  model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "crossEntropy" });
  const started = performance.now();
  await model.fit(dataset, { epochs, batchSize: 32, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  results[name] = {
    train: model.evaluate(train, { batchSize: 500 }).accuracy, // on the original training images
    test: model.evaluate(test, { batchSize: 500 }).accuracy,
  };
  console.log(
    `${name.padEnd(9)}: training accuracy ${(100 * results[name].train).toFixed(2)}%, ` +
      `test accuracy ${(100 * results[name].test).toFixed(2)}% (${epochs} epochs, ${seconds.toFixed(0)} s)`,
  );
}

// The check of learning: both beat chance (10%) by far; in the full run augmentation must help
const { plain, augmented: aug } = results;
if (!(plain.test > 0.5 && aug.test > 0.5 && (quick || aug.test > plain.test))) {
  throw new Error(`unexpected accuracies: ${JSON.stringify(results)}`);
}
