import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/core/tensor.js";
import { DataLoader } from "../../src/data/dataloader.js";
import { MNIST_MEAN, MNIST_STD, mnist } from "../../src/data/mnist.js";

async function range(t: Tensor): Promise<[number, number]> {
  return [await t.min().itemAsync(), await t.max().itemAsync()];
}

describe("mnist", () => {
  it("loads a limited split as [N, 1, 28, 28] float32 in [0, 1] with int32 labels", async () => {
    const { train, test } = await mnist({ limitTrain: 500, limitTest: 100 });
    expect(train.length).toBe(500);
    expect(test.length).toBe(100);
    const [x, y] = train.tensors;
    expect(x.shape).toEqual([500, 1, 28, 28]);
    expect(x.dtype).toBe("float32");
    expect(y.shape).toEqual([500]);
    expect(y.dtype).toBe("int32");
    expect(await range(x)).toEqual([0, 1]);
    expect(await range(y)).toEqual([0, 9]);
    expect(await train.get(0)[1].itemAsync()).toBe(5);
    expect(await test.get(0)[1].itemAsync()).toBe(7);
    // every digit occurs among the first 500 training labels
    const counts = new Array(10).fill(0);
    for (const v of await y.data()) counts[v]++;
    expect(counts.every((c) => c > 20)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it("flattens and standardises", async () => {
    const { train } = await mnist({ flatten: true, normalize: "standard", limitTrain: 1000, limitTest: 0 });
    const [x] = train.tensors;
    expect(x.shape).toEqual([1000, 784]);
    const [lo, hi] = await range(x);
    expect(lo).toBeCloseTo(-MNIST_MEAN / MNIST_STD, 5);
    expect(hi).toBeCloseTo((1 - MNIST_MEAN) / MNIST_STD, 5);
    // MNIST's published statistics fit this sample roughly
    expect(Math.abs(await x.mean().itemAsync())).toBeLessThan(0.05);
    expect(Math.abs((await x.std().itemAsync()) - 1)).toBeLessThan(0.05);
  });

  it("keeps raw pixel values with normalize: false", async () => {
    const { test } = await mnist({ normalize: false, limitTrain: 0, limitTest: 50 });
    const [x] = test.tensors;
    expect(await range(x)).toEqual([0, 255]);
    expect(Number.isInteger(await x.sum().itemAsync())).toBe(true);
  });

  it("rejects bad options before reading the files", async () => {
    await expect(mnist({ limitTrain: -1 })).rejects.toThrow(/limitTrain must be a non-negative integer/);
    await expect(mnist({ normalize: "minmax" as never })).rejects.toThrow(/normalize must be/);
    await expect(mnist({ dir: "/nonexistent-mnist-dir" })).rejects.toThrow(/cannot read/);
  });

  it("loads the full data set and batches it", async () => {
    const { train, test } = await mnist();
    expect(train.length).toBe(60000);
    expect(test.length).toBe(10000);
    const counts = new Array(10).fill(0);
    for (const v of await test.tensors[1].data()) counts[v]++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
    expect(loader.length).toBe(938);
    const [x, y] = loader[Symbol.iterator]().next().value!;
    expect(x.shape).toEqual([64, 1, 28, 28]);
    expect(y.shape).toEqual([64]);
  });
});
