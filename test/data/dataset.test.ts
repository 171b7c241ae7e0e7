import { expect, it } from "vitest";
import { ShapeError, ValueError } from "../../src/base/errors.js";
import { Generator, manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { type Dataset, Subset, TensorDataset, randomSplit } from "../../src/data/dataset.js";
import { arange, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend } from "../helpers/backends.js";

function makeDataset(n = 10): TensorDataset<[Tensor, Tensor]> {
  // row i of x is [i, 10 i], y is i (int32)
  const x = tensor(Array.from({ length: n }, (_, i) => [i, 10 * i]));
  return new TensorDataset(x, arange(n));
}

describeEachBackend("TensorDataset", () => {
  it("indexes rows of every tensor", async () => {
    const ds = makeDataset();
    expect(ds.length).toBe(10);
    const [x, y] = ds.get(3);
    expect(x.shape).toEqual([2]);
    expect(await x.array()).toEqual([3, 30]);
    expect(y.shape).toEqual([]);
    expect(y.dtype).toBe("int32");
    expect(await y.itemAsync()).toBe(3);
  });

  it("gathers a batch with getBatch", async () => {
    const ds = makeDataset();
    const [x, y] = ds.getBatch(new Int32Array([7, 0, 7]));
    expect(x.shape).toEqual([3, 2]);
    expect(await x.array()).toEqual([
      [7, 70],
      [0, 0],
      [7, 70],
    ]);
    expect(y.dtype).toBe("int32");
    expect(await y.array()).toEqual([7, 0, 7]);
  });

  it("names the shapes when lengths differ", async () => {
    expect(() => new TensorDataset(zeros([5, 3]), zeros([4]))).toThrow(ShapeError);
    expect(() => new TensorDataset(zeros([5, 3]), zeros([4]))).toThrow(/\(5, 3\), \(4,\)/);
    expect(() => new TensorDataset(zeros([]))).toThrow(/0-d/);
    expect(() => new TensorDataset()).toThrow(ValueError);
  });

  it("names what was given where a tensor belongs (a Subset of another dataset, a plain array)", async () => {
    const sub = new Subset(makeDataset(), [0, 1]);
    const make = TensorDataset as unknown as new (...args: unknown[]) => unknown;
    expect(() => new make(sub)).toThrow(
      "TensorDataset: tensors[0] must be a Tensor, got a Subset (a Dataset of 2 examples",
    );
    expect(() => new make(zeros([2]), [1, 2])).toThrow(
      "TensorDataset: tensors[1] must be a Tensor, got the array [1,2]",
    );
  });

  it("rejects out-of-range indices", async () => {
    const ds = makeDataset(4);
    expect(() => ds.get(4)).toThrow(/index 4 is out of range for a dataset of length 4/);
    expect(() => ds.get(-1)).toThrow(ValueError);
    expect(() => ds.getBatch(new Int32Array([0, 9]))).toThrow(/index 9/);
  });
});

describeEachBackend("Subset", () => {
  it("maps indices, and keeps the batch fast path", async () => {
    const ds = makeDataset();
    const sub = new Subset(ds, [9, 2, 5]);
    expect(sub.length).toBe(3);
    expect(await sub.get(1)[1].itemAsync()).toBe(2);
    expect(sub.getBatch).toBeDefined();
    const [, y] = sub.getBatch!(new Int32Array([2, 0]));
    expect(await y.array()).toEqual([5, 9]);
    expect(() => sub.get(3)).toThrow(/out of range/);
    expect(() => new Subset(ds, [10])).toThrow(/index 10/);
  });

  it("has no getBatch over a dataset without one", async () => {
    const plain: Dataset<number> = { length: 5, get: (i) => i * i };
    const sub = new Subset(plain, [4, 1]);
    expect(sub.getBatch).toBeUndefined();
    expect(sub.get(0)).toBe(16);
  });
});

describeEachBackend("randomSplit", () => {
  const values = (s: Subset<Tensor[]>) => Array.from(s.indices);

  it("splits by counts into disjoint subsets covering everything", async () => {
    const ds = makeDataset(10);
    const [a, b] = randomSplit(ds, [7, 3], new Generator(1));
    expect(a.length).toBe(7);
    expect(b.length).toBe(3);
    expect([...values(a), ...values(b)].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("splits by fractions, dealing out the remainder", async () => {
    const ds = makeDataset(10);
    expect(randomSplit(ds, [0.5, 0.5]).map((s) => s.length)).toEqual([5, 5]);
    expect(randomSplit(ds, [0.25, 0.25, 0.5]).map((s) => s.length)).toEqual([3, 2, 5]);
    expect(randomSplit(ds, [0.7, 0.2, 0.1]).map((s) => s.length)).toEqual([7, 2, 1]);
  });

  it("is reproducible with manualSeed and with a generator", async () => {
    const ds = makeDataset(20);
    manualSeed(3);
    const first = values(randomSplit(ds, [10, 10])[0]);
    manualSeed(3);
    expect(values(randomSplit(ds, [10, 10])[0])).toEqual(first);
    const g1 = values(randomSplit(ds, [10, 10], new Generator(9))[0]);
    expect(values(randomSplit(ds, [10, 10], new Generator(9))[0])).toEqual(g1);
  });

  it("rejects lengths that do not add up", async () => {
    const ds = makeDataset(10);
    expect(() => randomSplit(ds, [5, 4])).toThrow(/sum to the dataset's length 10 \(sum 9\)/);
    expect(() => randomSplit(ds, [0.5, 0.4])).toThrow(ValueError);
    expect(() => randomSplit(ds, [-1, 11])).toThrow(/non-negative/);
  });
});
