import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../src/base/errors.js";
import { Generator, manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { Subset, TensorDataset } from "../../src/data/dataset.js";
import { trainTestIndices, trainTestSplit } from "../../src/data/split.js";
import { arange, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend, syncReads } from "../helpers/backends.js";

/** Rows i of x are [i, 10 i]; y is a label per row. */
function data(labels: number[]): [Tensor, Tensor] {
  const n = labels.length;
  const x = tensor(Array.from({ length: n }, (_, i) => [i, 10 * i]));
  return [x, tensor(labels, { dtype: "int32" })];
}

const sorted = (a: ArrayLike<number>) => Array.from(a).sort((p, q) => p - q);

function countBy(values: ArrayLike<number>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const v of Array.from(values)) out[v] = (out[v] ?? 0) + 1;
  return out;
}

describe("trainTestIndices", () => {
  it("takes a quarter (rounded up) for the test part by default, every row exactly once", async () => {
    const { train, test } = trainTestIndices(10, { seed: 3 });
    expect(test.length).toBe(3);
    expect(train.length).toBe(7);
    expect(sorted([...train, ...test])).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it("rounds a test fraction up and a train fraction down, as scikit-learn does, and takes counts", async () => {
    expect(trainTestIndices(10, { testSize: 0.21, seed: 0 }).test.length).toBe(3);
    expect(trainTestIndices(10, { trainSize: 0.79, seed: 0 }).train.length).toBe(7);
    expect(trainTestIndices(10, { trainSize: 0.79, seed: 0 }).test.length).toBe(3);
    const both = trainTestIndices(10, { testSize: 2, trainSize: 5, seed: 0 });
    expect([both.train.length, both.test.length]).toEqual([5, 2]);
    expect(new Set([...both.train, ...both.test]).size).toBe(7);
  });

  it("is the same for the same seed whatever else drew numbers, and differs for another seed", async () => {
    const a = trainTestIndices(50, { testSize: 0.2, seed: 7 });
    manualSeed(123);
    const b = trainTestIndices(50, { testSize: 0.2, seed: 7 });
    expect(b).toEqual(a);
    expect(trainTestIndices(50, { testSize: 0.2, seed: 8 }).test).not.toEqual(a.test);
  });

  it("draws from the library generator (manualSeed) or a given one without a seed", async () => {
    manualSeed(5);
    const a = trainTestIndices(30);
    manualSeed(5);
    expect(trainTestIndices(30)).toEqual(a);
    expect(trainTestIndices(30, { generator: new Generator(9) })).toEqual(
      trainTestIndices(30, { generator: new Generator(9) }),
    );
  });

  it("splits by position without shuffling: the first rows train, the last ones test", async () => {
    const { train, test } = trainTestIndices(5, { testSize: 2, shuffle: false });
    expect(Array.from(train)).toEqual([0, 1, 2]);
    expect(Array.from(test)).toEqual([3, 4]);
  });

  it("keeps the class proportions when stratified, in mixed order", async () => {
    // 60 of class 0, 30 of class 1, 10 of class 2; a fifth for testing is 12, 6 and 2
    const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)];
    for (const seed of [0, 1, 2]) {
      const { train, test } = trainTestIndices(100, { testSize: 0.2, stratify: labels, seed });
      expect(countBy(Array.from(test, (i) => labels[i]))).toEqual({ 0: 12, 1: 6, 2: 2 });
      expect(countBy(Array.from(train, (i) => labels[i]))).toEqual({ 0: 48, 1: 24, 2: 8 });
      expect(sorted([...train, ...test])).toEqual(Array.from({ length: 100 }, (_, i) => i));
      // not grouped by class: some later test row has a smaller label than an earlier one
      const testLabels = Array.from(test, (i) => labels[i]);
      expect(testLabels.some((l, i) => i > 0 && l < testLabels[i - 1])).toBe(true);
    }
  });

  it("deals the rounding remainder of a stratified split to the largest fractional parts", async () => {
    // 5 + 3 + 2 rows, 3 for testing: ideal 1.5, 0.9, 0.6 -> 1, 1, 1 (floors 1, 0, 0; remainders .9 and .6)
    const labels = ["a", "a", "a", "a", "a", "b", "b", "b", "c", "c"];
    const { test } = trainTestIndices(10, { testSize: 3, stratify: labels, seed: 0 });
    expect(Array.from(test, (i) => labels[i]).sort()).toEqual(["a", "b", "c"]);
  });

  it("stratifies by a label tensor", async () => {
    const y = tensor([0, 0, 0, 0, 1, 1, 1, 1], { dtype: "int32" });
    const { test } = trainTestIndices(8, { testSize: 0.5, stratify: await y.data(), seed: 1 });
    expect(countBy(Array.from(test, (i) => (i < 4 ? 0 : 1)))).toEqual({ 0: 2, 1: 2 });
    // the tensor itself where reads are synchronous; on webgpu a BackendError says to pass its values
    if (syncReads()) {
      expect(trainTestIndices(8, { testSize: 0.5, stratify: y, seed: 1 }).test).toEqual(test);
    } else {
      expect(() => trainTestIndices(8, { testSize: 0.5, stratify: y, seed: 1 })).toThrow(
        /^trainTestSplit: stratify as a tensor is read on the host, .*pass its values: `stratify: await labels\.data\(\)`/,
      );
    }
  });

  it("uses explicit indices: the training part is the rest, ascending, unless given", async () => {
    expect(trainTestIndices(6, { testIndices: [4, 1] })).toEqual({
      train: Int32Array.from([0, 2, 3, 5]),
      test: Int32Array.from([4, 1]),
    });
    expect(trainTestIndices(6, { testIndices: [0], trainIndices: [5, 3] })).toEqual({
      train: Int32Array.from([5, 3]),
      test: Int32Array.from([0]),
    });
  });

  it("rejects bad sizes, naming them", async () => {
    const bad: [Parameters<typeof trainTestIndices>[1], RegExp][] = [
      [{ testSize: 0 }, /testSize must be a fraction in \(0, 1\) or a count >= 1, got 0$/],
      [{ testSize: -0.2 }, /testSize must be a fraction in \(0, 1\) or a count >= 1, got -0.2/],
      [{ testSize: Number.NaN }, /got NaN/],
      [{ testSize: 1.5 }, /testSize 1.5 is neither a fraction in \(0, 1\) nor a whole count/],
      [
        { testSize: 10 },
        /testSize 10 is not smaller than the number of examples 10; the other part would be empty/,
      ],
      [
        { trainSize: 0.05 },
        /the training part of 10 examples is empty \(testSize the rest, trainSize 0.05\)/,
      ],
      [{ testSize: 0.95 }, /the training part of 10 examples is empty \(testSize 0.95, trainSize the rest\)/],
      [
        { testSize: 0.5, trainSize: 0.6 },
        /testSize 0.5 \(5 examples\) and trainSize 0.6 \(6\) add up to more than the 10/,
      ],
    ];
    for (const [options, message] of bad) {
      expect(() => trainTestIndices(10, options)).toThrow(ValueError);
      expect(() => trainTestIndices(10, options)).toThrow(message);
    }
    expect(() => trainTestIndices(1)).toThrow(/needs at least 2 examples to split, got 1/);
    expect(() => trainTestIndices(-1)).toThrow(/n must be an integer >= 0, got -1/);
  });

  it("rejects stratifying with a class of one member, too few rows per part, or no shuffle", async () => {
    expect(() => trainTestIndices(5, { stratify: [0, 0, 1, 1, 2], seed: 0 })).toThrow(
      /class 2 has only 1 example; stratifying needs at least 2 per class/,
    );
    expect(() => trainTestIndices(6, { testSize: 2, stratify: [0, 0, 1, 1, 2, 2], seed: 0 })).toThrow(
      /the test part \(2 examples\) is smaller than the number of classes 3/,
    );
    expect(() => trainTestIndices(6, { testSize: 4, stratify: [0, 0, 1, 1, 2, 2], seed: 0 })).toThrow(
      /the training part \(2 examples\) is smaller than the number of classes 3/,
    );
    expect(() => trainTestIndices(4, { stratify: [0, 0, 1, 1], shuffle: false })).toThrow(
      /stratify needs shuffle/,
    );
    expect(() => trainTestIndices(4, { stratify: [0, 0, 1] })).toThrow(ShapeError);
    expect(() => trainTestIndices(4, { stratify: [0, 0, 1] })).toThrow(
      /stratify has 3 labels for 4 examples/,
    );
    expect(() => trainTestIndices(4, { stratify: zeros([4, 1]) })).toThrow(
      /one label per example, shape \(4\), got \(4, 1\)/,
    );
  });

  it("rejects bad explicit indices", async () => {
    expect(() => trainTestIndices(4, { testIndices: [4] })).toThrow(
      /testIndices\[0\] = 4 is not a row index in \[0, 4\)/,
    );
    expect(() => trainTestIndices(4, { testIndices: [1, 1] })).toThrow(
      /row 1 appears twice \(in testIndices at position 1\)/,
    );
    expect(() => trainTestIndices(4, { testIndices: [1], trainIndices: [0, 1] })).toThrow(
      /row 1 appears twice \(in trainIndices at position 1\)/,
    );
    expect(() => trainTestIndices(4, { testIndices: [] })).toThrow(/testIndices is empty/);
    expect(() => trainTestIndices(2, { testIndices: [0, 1] })).toThrow(/the training part is empty/);
    expect(() => trainTestIndices(4, { testIndices: [0], testSize: 0.5 })).toThrow(
      /testIndices fixes the split; drop testSize/,
    );
    expect(() => trainTestIndices(4, { trainIndices: [0] })).toThrow(/trainIndices needs testIndices/);
  });
});

describeEachBackend("trainTestSplit", () => {
  it("splits tensors row by row, consistently, as trainTestIndices says", async () => {
    const labels = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
    const [x, y] = data(labels);
    const options = { testSize: 0.4, stratify: await y.data(), seed: 2 };
    const [[xTrain, yTrain], [xTest, yTest]] = trainTestSplit([x, y], options);
    const { train, test } = trainTestIndices(10, options);
    expect(await xTrain.array()).toEqual(Array.from(train, (i) => [i, 10 * i]));
    expect(await yTrain.array()).toEqual(Array.from(train, (i) => labels[i]));
    expect(await xTest.array()).toEqual(Array.from(test, (i) => [i, 10 * i]));
    expect(await yTest.array()).toEqual(Array.from(test, (i) => labels[i]));
    expect(yTest.dtype).toBe("int32");
    expect(countBy(await yTest.data())).toEqual({ 0: 2, 1: 2 });
  });

  it("splits one tensor into two", async () => {
    const [train, test] = trainTestSplit(arange(8), { testSize: 2, shuffle: false });
    expect(await train.array()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await test.array()).toEqual([6, 7]);
  });

  it("splits a dataset into two subsets", async () => {
    const ds = new TensorDataset(...data([0, 1, 2, 3, 4, 5, 6, 7]));
    const [trainSet, testSet] = trainTestSplit(ds, { testSize: 0.25, seed: 4 });
    expect(trainSet).toBeInstanceOf(Subset);
    expect([trainSet.length, testSet.length]).toEqual([6, 2]);
    expect(testSet.indices).toEqual(trainTestIndices(8, { testSize: 0.25, seed: 4 }).test);
    const [xi, yi] = testSet.get(0);
    expect(await xi.array()).toEqual([testSet.indices[0], 10 * testSet.indices[0]]);
    expect(await yi.itemAsync()).toBe(testSet.indices[0]);
  });

  it("rejects tensors with different numbers of rows, 0-d tensors and an empty list", async () => {
    expect(() => trainTestSplit([zeros([4, 2]), zeros([5])])).toThrow(ShapeError);
    expect(() => trainTestSplit([zeros([4, 2]), zeros([5])])).toThrow(
      /tensors must have the same number of rows, got shapes \(4, 2\), \(5,\)/,
    );
    expect(() => trainTestSplit([zeros([4]), tensor(1)])).toThrow(
      /item 1 is not a tensor with a first \(example\) axis/,
    );
    expect(() => trainTestSplit([])).toThrow(/needs at least one tensor/);
  });
});
