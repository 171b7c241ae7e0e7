import { expect, it } from "vitest";
import { ValueError } from "../../src/base/errors.js";
import { Generator, manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { DataLoader, defaultCollate } from "../../src/data/dataloader.js";
import { type Dataset, TensorDataset } from "../../src/data/dataset.js";
import { arange, scalar, tensor } from "../../src/ops/creation.js";
import { describeEachBackend } from "../helpers/backends.js";

/** x row i is [i, -i] (float32), y is i (int32). */
function makeDataset(n: number): TensorDataset<[Tensor, Tensor]> {
  const x = tensor(Array.from({ length: n }, (_, i) => [i, -i]));
  return new TensorDataset(x, arange(n));
}

async function labels(loader: Iterable<Tensor[]>): Promise<number[][]> {
  return Promise.all([...loader].map(async ([, y]) => Array.from(await y.data())));
}

describeEachBackend("DataLoader", () => {
  it("counts batches with and without dropLast; the last batch is partial", async () => {
    const ds = makeDataset(10);
    const keep = new DataLoader(ds, { batchSize: 4 });
    expect(keep.length).toBe(3);
    const batches = [...keep];
    expect(batches.length).toBe(3);
    expect(batches.map(([x]) => x.shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    const drop = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(drop.length).toBe(2);
    expect([...drop].map(([, y]) => y.shape[0])).toEqual([4, 4]);
    expect(new DataLoader(makeDataset(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(ds).length).toBe(10);
    expect(new DataLoader(makeDataset(3), { batchSize: 5, dropLast: true }).length).toBe(0);
  });

  it("keeps the order without shuffle, with values and dtypes intact", async () => {
    const batches = [...new DataLoader(makeDataset(5), { batchSize: 2 })];
    expect(await batches[0][0].array()).toEqual([
      [0, -0],
      [1, -1],
    ]);
    expect(batches[0][0].dtype).toBe("float32");
    expect(batches[0][1].dtype).toBe("int32");
    expect(await labels(new DataLoader(makeDataset(5), { batchSize: 2 }))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("shuffles into a permutation that differs across epochs", async () => {
    const loader = new DataLoader(makeDataset(50), { batchSize: 8, shuffle: true });
    const epoch1 = (await labels(loader)).flat();
    const epoch2 = (await labels(loader)).flat();
    const sorted = Array.from({ length: 50 }, (_, i) => i);
    expect([...epoch1].sort((a, b) => a - b)).toEqual(sorted);
    expect([...epoch2].sort((a, b) => a - b)).toEqual(sorted);
    expect(epoch1).not.toEqual(sorted);
    expect(epoch2).not.toEqual(epoch1);
  });

  it("pairs features with their labels after shuffling", async () => {
    for (const [x, y] of new DataLoader(makeDataset(20), { batchSize: 6, shuffle: true })) {
      const xs = (await x.array()) as number[][];
      const ys = Array.from(await y.data());
      expect(xs.map((r) => r[0])).toEqual(ys);
    }
  });

  it("is reproducible with manualSeed and with its own generator", async () => {
    const ds = makeDataset(30);
    manualSeed(123);
    const a = [await labels(new DataLoader(ds, { batchSize: 7, shuffle: true }))];
    manualSeed(123);
    const b = [await labels(new DataLoader(ds, { batchSize: 7, shuffle: true }))];
    expect(b).toEqual(a);
    const run = async () => {
      const loader = new DataLoader(ds, { batchSize: 7, shuffle: true, generator: new Generator(5) });
      return [await labels(loader), await labels(loader)];
    };
    expect(await run()).toEqual(await run());
  });

  it("iterates asynchronously with the same batches", async () => {
    const ds = makeDataset(9);
    manualSeed(7);
    const sync = await labels(new DataLoader(ds, { batchSize: 4, shuffle: true }));
    manualSeed(7);
    const async: number[][] = [];
    for await (const [x, y] of new DataLoader(ds, { batchSize: 4, shuffle: true })) {
      expect(x.shape[1]).toBe(2);
      async.push(Array.from(await y.data()));
    }
    expect(async).toEqual(sync);
  });

  it("collates item by item when the dataset has no getBatch", async () => {
    const ds: Dataset<[Tensor, number]> = {
      length: 5,
      get: (i) => [tensor([i, i + 0.5]), i * 2],
    };
    const batches = [...new DataLoader(ds, { batchSize: 2 })];
    expect(batches.length).toBe(3);
    const [x, y] = batches[1];
    expect(x.shape).toEqual([2, 2]);
    expect(await x.array()).toEqual([
      [2, 2.5],
      [3, 3.5],
    ]);
    expect(y.dtype).toBe("int32");
    expect(await y.array()).toEqual([4, 6]);
  });

  it("uses a custom collate", async () => {
    const ds = makeDataset(6);
    const loader = new DataLoader(ds, {
      batchSize: 3,
      // the labels' shapes: a collate that needs no read, so it runs on every backend
      collate: (items: Tensor[][]) => items.map(([x, y]) => [...x.shape, ...y.shape, items.length]),
    });
    expect([...loader]).toEqual([
      [
        [2, 3],
        [2, 3],
        [2, 3],
      ],
      [
        [2, 3],
        [2, 3],
        [2, 3],
      ],
    ]);
  });

  it("validates batchSize", async () => {
    expect(() => new DataLoader(makeDataset(3), { batchSize: 0 })).toThrow(ValueError);
    expect(() => new DataLoader(makeDataset(3), { batchSize: 1.5 })).toThrow(/positive integer/);
  });
});

describeEachBackend("defaultCollate", () => {
  it("stacks tensors and batches numbers, booleans, tuples and objects", async () => {
    const out = defaultCollate([
      { x: scalar(1), y: 0.5, ok: true },
      { x: scalar(2), y: 1, ok: false },
    ]);
    expect(out.x.shape).toEqual([2]);
    expect(out.y.dtype).toBe("float32");
    expect(await out.y.array()).toEqual([0.5, 1]);
    expect(out.ok.dtype).toBe("bool");
    expect(await out.ok.array()).toEqual([true, false]);
  });

  it("explains what it cannot batch", async () => {
    expect(() => defaultCollate([])).toThrow(/empty/);
    expect(() => defaultCollate(["a", "b"])).toThrow(/pass \{ collate \}/);
    expect(() => defaultCollate<unknown>([[1, 2], [3]])).toThrow(/different lengths/);
    expect(() => defaultCollate<unknown>([scalar(1), 2])).toThrow(/a Tensor and number/);
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(/same shape/);
  });
});
