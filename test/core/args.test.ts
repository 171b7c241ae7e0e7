import { describe, expect, it } from "vitest";
import {
  checkArity,
  checkBoolean,
  checkNumber,
  checkOptionKeys,
  checkOptions,
  checkTensor,
  describeValue,
  indexArg,
  isDataset,
  isOptionsObject,
  positionalOrOptions,
} from "../../src/core/args.js";
import { ArgumentError, DTypeError, StrataError, ValueError } from "../../src/base/errors.js";
import { Subset, TensorDataset } from "../../src/data/dataset.js";
import { fromHost, tensor, zeros } from "../../src/ops/creation.js";

describe("describeValue", () => {
  it("says what a caller passed in words", () => {
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(zeros([2, 3]))).toBe("a Tensor of shape (2, 3) and dtype float32");
    expect(describeValue(3)).toBe("the number 3");
    expect(describeValue("sum")).toBe('the string "sum"');
    expect(describeValue(true)).toBe("true");
    expect(describeValue([1, 2])).toBe("the array [1,2]");
    expect(describeValue(new Array(100).fill(0))).toBe("an array of length 100");
    expect(describeValue(new Float32Array(3))).toBe("a Float32Array of length 3");
    expect(describeValue(new Int32Array(2))).toBe("an Int32Array of length 2");
    expect(describeValue(new Uint8Array(1))).toBe("a Uint8Array of length 1");
    expect(describeValue({ weight: 1, bias: 2 })).toBe("an object with keys {weight, bias}");
    expect(describeValue({})).toBe("an empty object {}");
    expect(describeValue(new Map())).toBe("a Map");
    expect(describeValue(() => 1)).toBe("a function");
  });

  it("names a Dataset and says how to get tensors out of it", () => {
    const ds = new TensorDataset(zeros([4, 2]));
    expect(describeValue(new Subset(ds, [0, 1]))).toBe(
      "a Subset (a Dataset of 2 examples: iterate it with a DataLoader for batches of tensors, or take one example with .get(i))",
    );
    expect(describeValue({ length: 5, get: () => 0 })).toMatch(/^a Dataset of 5 examples \(iterate it/);
    expect(isDataset(ds)).toBe(true);
    expect(isDataset([1, 2])).toBe(false);
    expect(isDataset(zeros([2]))).toBe(false);
  });
});

describe("argument checks", () => {
  it("checkTensor passes a tensor through and names the function and parameter otherwise", () => {
    const t = zeros([1]);
    expect(checkTensor("conv2d", "x", t)).toBe(t);
    expect(() => checkTensor("conv2d", "x", new Subset(new TensorDataset(zeros([3, 1])), [0]))).toThrow(
      "conv2d: x must be a Tensor, got a Subset (a Dataset of 1 examples",
    );
    const err = (() => {
      try {
        checkTensor("f", "x", 1);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err).toBeInstanceOf(StrataError);
  });

  it("checkNumber, checkBoolean and checkArity refuse wrong kinds and extra arguments", () => {
    expect(checkNumber("f", "eps", undefined, { fallback: 1e-5 })).toBe(1e-5);
    expect(checkNumber("f", "eps", 0.1)).toBe(0.1);
    expect(() => checkNumber("f", "eps", zeros([1]))).toThrow(
      "f: eps must be a number, got a Tensor of shape (1,) and dtype float32",
    );
    expect(() => checkNumber("f", "k", 1.5, { integer: true })).toThrow(ValueError);
    expect(checkBoolean("f", "training", undefined, true)).toBe(true);
    expect(() => checkBoolean("f", "training", 1, true)).toThrow(
      "f: training must be true or false, got the number 1",
    );
    expect(() => checkArity("linear", [1, 2, 3, 4], ["x", "weight", "bias"])).toThrow(
      "linear takes at most 3 arguments (x, weight, bias), got 4: the number 4 would be ignored",
    );
    expect(() => checkArity("linear", [1, 2], ["x", "weight", "bias"])).not.toThrow();
  });

  it("options objects: plain objects only, with known keys", () => {
    expect(isOptionsObject({})).toBe(true);
    expect(isOptionsObject(Object.create(null))).toBe(true);
    expect(isOptionsObject(zeros([1]))).toBe(false);
    expect(isOptionsObject([])).toBe(false);
    expect(isOptionsObject(new Float32Array(1))).toBe(false);
    expect(() => checkOptionKeys("f", { eps: 1, esp: 2 }, ["eps"])).toThrow(
      'f: unknown option "esp" in options; known: eps',
    );
    expect(checkOptions("f", "options", undefined, ["eps"])).toEqual({});
    expect(() => checkOptions("f", "options", 3, ["eps"])).toThrow(
      "f: options must be an options object {eps}, got the number 3",
    );
  });

  it("positionalOrOptions maps positional arguments to names, or takes one options object", () => {
    const names = ["weight", "bias", "eps"] as const;
    expect(positionalOrOptions("g", ["x", "n"], [1, 2], names)).toEqual({ weight: 1, bias: 2 });
    expect(positionalOrOptions("g", ["x", "n"], [{ eps: 3 }], names)).toEqual({ eps: 3 });
    expect(positionalOrOptions("g", ["x", "n"], [], names)).toEqual({});
    expect(() => positionalOrOptions("g", ["x", "n"], [1, 2, 3, 4], names)).toThrow(
      "g takes at most 5 arguments (x, n, weight, bias, eps), got 6: the number 4 would be ignored",
    );
    expect(() => positionalOrOptions("g", ["x", "n"], [{ eps: 3 }, 1], names)).toThrow(
      "g: an options object as argument 3 holds every option, but 1 more argument followed it (the number 1)",
    );
    expect(() => positionalOrOptions("g", ["x", "n"], [{ epsilon: 3 }], names)).toThrow(ArgumentError);
  });

  it("indexArg takes an int32 tensor, an Int32Array or a list of integers", () => {
    const t = fromHost([1, 0], [2], "int32");
    expect(indexArg("f", "index", t, fromHost)).toBe(t);
    const fromTyped = indexArg("f", "index", new Int32Array([2, 1]), fromHost);
    expect([fromTyped.dtype, Array.from(fromTyped.dataSync())]).toEqual(["int32", [2, 1]]);
    const fromList = indexArg("f", "index", [3], fromHost);
    expect([fromList.dtype, Array.from(fromList.dataSync())]).toEqual(["int32", [3]]);
    expect(() => indexArg("f", "index", tensor([1]), fromHost)).toThrow(DTypeError);
    expect(() => indexArg("f", "index", [2 ** 31], fromHost)).toThrow(ValueError);
    expect(() => indexArg("indexSelect", "index", new Float64Array(1), fromHost)).toThrow(
      "indexSelect: index must be an int32 tensor, an Int32Array or an array of integers, got a Float64Array of length 1",
    );
  });
});
