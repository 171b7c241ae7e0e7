import { describe, expect, it } from "vitest";
import { ShapeError, fmtShape } from "../../src/base/errors.js";
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  contiguousStrides,
  isContiguous,
  normAxes,
  normAxis,
  sameShape,
  sizeOf,
} from "../../src/base/shape.js";

describe("shape utilities", () => {
  it("sizeOf and contiguousStrides", () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([2, 0])).toBe(0);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([])).toEqual([]);
    expect(contiguousStrides([5])).toEqual([1]);
  });

  it("isContiguous ignores the strides of size-1 axes", () => {
    expect(isContiguous([2, 3], [3, 1])).toBe(true);
    expect(isContiguous([3, 2], [1, 3])).toBe(false);
    expect(isContiguous([2, 1, 3], [3, 0, 1])).toBe(true);
    expect(isContiguous([2, 3], [0, 1])).toBe(false);
    expect(isContiguous([], [])).toBe(true);
  });

  it("broadcastShapes follows numpy", () => {
    expect(broadcastShapes("op", [3, 1], [1, 4])).toEqual([3, 4]);
    expect(broadcastShapes("op", [2, 3, 4], [4])).toEqual([2, 3, 4]);
    expect(broadcastShapes("op", [], [2, 2])).toEqual([2, 2]);
    expect(broadcastShapes("op", [0], [1])).toEqual([0]);
    expect(broadcastShapes("op", [5, 1, 3], [2, 1])).toEqual([5, 2, 3]);
    expect(() => broadcastShapes("add", [3], [4])).toThrow(ShapeError);
    expect(() => broadcastShapes("add", [3], [4])).toThrow(
      "add: shapes (3,) and (4,) cannot be broadcast together (dimension -1 has sizes 3 and 4; each pair must be equal or one of them 1)",
    );
    expect(() => broadcastShapes("mul", [2, 3], [4, 3])).toThrow(/dimension -2 has sizes 2 and 4/);
  });

  it("broadcastStrides puts 0 on broadcast axes", () => {
    expect(broadcastStrides([3, 1], [1, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(broadcastStrides([4], [2], [3, 4])).toEqual([0, 2]);
  });

  it("normAxis / normAxes", () => {
    expect(normAxis("op", -1, 3)).toBe(2);
    expect(normAxis("op", 0, 1)).toBe(0);
    expect(() => normAxis("sum", 3, 3)).toThrow("sum: axis 3 is out of range for a tensor of rank 3");
    expect(() => normAxis("sum", -4, 3)).toThrow(ShapeError);
    expect(() => normAxis("sum", 0.5, 3)).toThrow(ShapeError);
    expect(normAxes("op", undefined, 3)).toEqual([0, 1, 2]);
    expect(normAxes("op", [-1, 0], 3)).toEqual([0, 2]);
    expect(normAxes("op", 1, 3)).toEqual([1]);
    expect(() => normAxes("op", [1, -2], 3)).toThrow(/repeated axis/);
  });

  it("checkShape, sameShape, fmtShape", () => {
    expect(checkShape("op", [2, 0])).toEqual([2, 0]);
    expect(() => checkShape("zeros", [2, -1])).toThrow(
      "zeros: invalid shape (2, -1); sizes must be non-negative integers",
    );
    expect(() => checkShape("zeros", [Number.NaN])).toThrow(ShapeError);
    expect(sameShape([2, 3], [2, 3])).toBe(true);
    expect(sameShape([2, 3], [3, 2])).toBe(false);
    expect(sameShape([1], [1, 1])).toBe(false);
    expect(fmtShape([])).toBe("()");
    expect(fmtShape([3])).toBe("(3,)");
    expect(fmtShape([2, 3])).toBe("(2, 3)");
  });
});
