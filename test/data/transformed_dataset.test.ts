import { describe, expect, it } from "vitest";
import { Generator, manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { Normalize, RandomHorizontalFlip, RandomShift } from "../../src/data/augment.js";
import { DataLoader } from "../../src/data/dataloader.js";
import { type Dataset, TensorDataset } from "../../src/data/dataset.js";
import { Compose, TransformedDataset } from "../../src/data/transformed_dataset.js";
import { Flatten } from "../../src/nn/layers/flatten.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { Sequential } from "../../src/nn/sequential.js";
import { arange, full, tensor } from "../../src/ops/creation.js";
import { SGD } from "../../src/optim/sgd.js";

/** `n` copies of the image 0..c·h·w−1, float32 `[n, c, h, w]`. */
function iotaImages(n: number, c: number, h: number, w: number): Tensor {
  const one = arange(c * h * w)
    .reshape([1, c, h, w])
    .float();
  return one.expand([n, c, h, w]).contiguous();
}

describe("Compose", () => {
  it("applies transforms in order, functions among them", () => {
    const x = tensor([[[[1, 2, 3]]]]);
    const flipThenScale = new Compose([new RandomHorizontalFlip({ p: 1 }), (t: Tensor) => t.mul(10)]);
    expect(flipThenScale.apply(x).toArray()).toEqual([[[[30, 20, 10]]]]);
    const addThenNormalize = new Compose([(t: Tensor) => t.add(1), new Normalize([2], [2])]);
    expect(addThenNormalize.apply(x).toArray()).toEqual([[[[0, 0.5, 1]]]]);
  });
});

describe("TransformedDataset", () => {
  it("augments every batch anew in a DataLoader, leaving the labels alone", () => {
    manualSeed(4);
    const images = iotaImages(8, 1, 4, 4);
    const labels = arange(8).int();
    const ds = new TransformedDataset(new TensorDataset(images, labels), {
      transform: new RandomShift({ maxShift: 1, generator: new Generator(5) }),
      targetTransform: (y: Tensor) => y.mul(2),
    });
    const loader = new DataLoader(ds, { batchSize: 8 });
    const [x1, y1] = [...loader][0];
    const first = x1.toArray();
    const second = [...loader][0][0].toArray();
    expect(x1.shape).toEqual([8, 1, 4, 4]);
    expect(y1.toArray()).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(first).not.toEqual(second); // a new epoch, new shifts
    expect(ds.get(3)[0].shape).toEqual([1, 4, 4]);
    expect(ds.get(3)[1].item()).toBe(6);
  });

  it("works over a dataset without getBatch, and in fit", async () => {
    const plain: Dataset<[Tensor, Tensor]> = {
      length: 6,
      get: (i) => [full([1, 2, 2], i), tensor(i % 2).int()],
    };
    const ds = new TransformedDataset(plain, { transform: new RandomHorizontalFlip() });
    const [x, y] = ds.getBatch(Int32Array.of(4, 1));
    expect(x.toArray()).toEqual([
      [
        [
          [4, 4],
          [4, 4],
        ],
      ],
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ]);
    expect(y.toArray()).toEqual([0, 1]);

    const model = new Sequential(new Flatten(), new Linear(4, 2));
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
    const history = await model.fit(ds, { epochs: 2, batchSize: 3, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
  });
});
