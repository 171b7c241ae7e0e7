import { expect, it } from "vitest";
import { ArgumentError, DTypeError, ValueError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";
import { Subset, TensorDataset } from "../../src/data/dataset.js";
import { arange, fromHost, tensor, zeros } from "../../src/ops/creation.js";
import { embedding } from "../../src/ops/embedding.js";
import * as M from "../../src/ops/movement.js";
import { oneHot } from "../../src/ops/one_hot.js";
import { describeEachBackend } from "../helpers/backends.js";

/** 0..n-1 as float32 in `shape`. */
const iota = (shape: number[]): Tensor =>
  arange(
    0,
    shape.reduce((a, b) => a * b, 1),
  ).reshape(shape);
const any = (f: unknown) => f as (...args: unknown[]) => unknown;

describeEachBackend("multi-axis slice, as PyTorch's x[1:, :, :2]", () => {
  it("takes one [start, end, step] range per leading axis, null for a whole axis or an open bound", async () => {
    const x = iota([4, 5, 6]);
    const y = x.slice([[1, null], null, [null, 2]]);
    expect(y.shape).toEqual([3, 5, 2]);
    // the same as one axis at a time
    expect(await y.array()).toEqual(await x.slice(0, 1).slice(2, null, 2).array());
    expect(await M.slice(x, [[0, 4, 2], [-2]]).array()).toEqual(
      await x.slice(0, 0, 4, 2).slice(1, -2).array(),
    );
    // fewer ranges than axes: the rest are whole, as x[1:3]
    expect(x.slice([[1, 3]]).shape).toEqual([2, 5, 6]);
    expect(x.slice([]).shape).toEqual([4, 5, 6]);
    // null bounds in the one-axis form are open too (Python's None)
    expect(x.slice(1, null, null, 2).shape).toEqual([4, 3, 6]);
    expect(x.slice(1, 2, null).shape).toEqual([4, 3, 6]);
  });

  it("says what is wrong with a spec, naming the range and what was given", () => {
    const x = iota([4, 5, 6]);
    expect(() => any(x.slice.bind(x))([[1, null], 2])).toThrow(
      "slice: range 1 must be null (the whole axis) or [start, end, step] (nulls for defaults), got the number 2; for one index use [2, 3] (or select(1, 2) to drop the axis)",
    );
    expect(() => x.slice([null, null, null, null])).toThrow(
      "slice: 4 ranges for a tensor of rank 3 (shape (4, 5, 6))",
    );
    expect(() => any(x.slice.bind(x))([["1", null]])).toThrow(
      'slice: start of range 0 must be an integer or null, got the string "1"',
    );
    expect(() => any(x.slice.bind(x))([[1, null]], 2)).toThrow(
      "slice takes at most 2 arguments (x, ranges), got 3",
    );
    expect(() => any(x.slice.bind(x))("1:")).toThrow(
      'slice: axis must be an integer (or a list of ranges, one per axis, as [[1, null], null, [null, 2]]), got the string "1:"',
    );
    expect(() => any(x.slice.bind(x))(0, 1, 2, 1, 5)).toThrow(ArgumentError);
    expect(() => any(x.slice.bind(x))(0, 1.5)).toThrow(
      "slice: start must be an integer or null, got the number 1.5",
    );
  });
});

describeEachBackend("indices as an int32 tensor, an Int32Array or a list of integers", () => {
  it("indexSelect, gather, scatterAdd, oneHot and embedding take all three alike", async () => {
    const x = iota([3, 4]);
    const want = await x.indexSelect(0, fromHost([2, 0], [2], "int32")).array();
    expect(await x.indexSelect(0, new Int32Array([2, 0])).array()).toEqual(want);
    expect(await M.indexSelect(x, 0, [2, 0]).array()).toEqual(want);
    const v = arange(10, 15);
    expect(await v.gather(0, new Int32Array([4, 1])).array()).toEqual([14, 11]);
    expect(await v.gather(0, [0, 0]).array()).toEqual([10, 10]);
    expect(await M.scatterAdd([3], 0, [2, 2, 0], tensor([1, 2, 3])).array()).toEqual([3, 0, 3]);
    expect(await oneHot([2, 0], 3).array()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(await oneHot(new Int32Array([1]), 2).array()).toEqual([[0, 1]]);
    const w = iota([5, 2]);
    expect(await embedding(new Int32Array([4, 0]), w).array()).toEqual([
      [8, 9],
      [0, 1],
    ]);
    expect(embedding([1], w).shape).toEqual([1, 2]);
  });

  it("names the parameter and what was given for anything else", () => {
    const x = iota([3, 4]);
    const expected = "an int32 tensor, an Int32Array or an array of integers";
    expect(() => any(x.indexSelect.bind(x))(0, new Float32Array([1]))).toThrow(
      `indexSelect: index must be ${expected}, got a Float32Array of length 1`,
    );
    expect(() => any(x.indexSelect.bind(x))(0, new Float32Array([1]))).toThrow(ArgumentError);
    expect(() => x.indexSelect(0, tensor([1]))).toThrow(DTypeError);
    expect(() => x.indexSelect(0, tensor([1]))).toThrow(
      `indexSelect: index must be ${expected}, got a Tensor of dtype float32; convert it with .int()`,
    );
    expect(() => x.indexSelect(0, [0, 1.5])).toThrow(ValueError);
    expect(() => x.indexSelect(0, [0, 1.5])).toThrow(
      `indexSelect: index must be ${expected}, got the number 1.5 at position 1`,
    );
    expect(() => any(x.gather.bind(x))(0, "0")).toThrow(
      `gather: index must be ${expected}, got the string "0"`,
    );
    expect(() => any(oneHot)([1], tensor([3]))).toThrow(
      "oneHot: numClasses must be a positive integer, got a Tensor of shape (1,) and dtype float32",
    );
    expect(() => any(embedding)(new Uint8Array([1]), iota([5, 2]))).toThrow(
      `embedding: indices must be ${expected}, got a Uint8Array of length 1`,
    );
    expect(() => any(x.select.bind(x))(0, [1])).toThrow(
      "select: index must be an integer, got the array [1]",
    );
    expect(() => any(x.sum.bind(x))("0")).toThrow(
      'sum: axes must be an integer or a list of integers, got the string "0"',
    );
    expect(() => any(x.softmax.bind(x))([0, 1])).toThrow(
      "softmax: axis must be an integer, got the array [0,1]",
    );
  });

  it("a Dataset where a tensor is expected is named as a Dataset, with what to do", () => {
    const ds = new TensorDataset(zeros([10, 3]), zeros([10]));
    const sub = new Subset(ds, [1, 2, 3]);
    expect(() => any(M.indexSelect)(sub, 0, [0])).toThrow(
      "indexSelect: x must be a Tensor, got a Subset (a Dataset of 3 examples: iterate it with a DataLoader for batches of tensors, or take one example with .get(i))",
    );
    expect(() => any(iota([3]).add.bind(iota([3])))(sub)).toThrow(
      "add: other must be a Tensor or a number, got a Subset (a Dataset of 3 examples",
    );
    expect(() => any(M.reshape)(sub, [3])).toThrow(ArgumentError);
  });
});
