import { describe, expect, it } from "vitest";
import { offsetsOf, stridedOffsets } from "../../../src/backends/host/memory.js";
import { RefStorage, arrayOf } from "../../../src/backends/ref/storage.js";
import { DisposedError } from "../../../src/base/errors.js";
import { naivePermute } from "../../helpers/naive.js";
import { view } from "./helpers.js";

describe("ref storage", () => {
  it("RefStorage reports dtype and size", () => {
    const s = new RefStorage("float64", new Float64Array(5));
    expect(s.size).toBe(5);
    expect(s.dtype).toBe("float64");
    expect(s.released).toBe(false);
  });

  it("arrayOf refuses a released storage", () => {
    const v = view([1, 2], "float32", [2]);
    expect(arrayOf(v)).toBe(v.storage.data);
    v.storage.released = true;
    expect(() => arrayOf(v)).toThrow(DisposedError);
    expect(() => arrayOf(v)).toThrow(/used after release/);
  });

  it("offsetsOf is null for contiguous views (any offset), else the strided offsets", () => {
    expect(offsetsOf(view([0, 1, 2, 3, 4, 5], "float32", [2, 3]), [2, 3])).toBe(null);
    expect(offsetsOf(view([0, 1, 2, 3, 4, 5, 6], "float32", [2, 3], [3, 1], 1), [2, 3])).toBe(null);
    // size-1 axes may have any stride
    expect(offsetsOf(view([0, 1, 2], "float32", [1, 3], [99, 1]), [1, 3])).toBe(null);
    const t = offsetsOf(view([0, 1, 2, 3, 4, 5], "float32", [3, 2], [1, 3]), [3, 2]);
    expect(Array.from(t!)).toEqual([0, 3, 1, 4, 2, 5]);
    // read at a broadcast shape (stride 0)
    const b = offsetsOf(view([7, 8, 9], "float32", [2, 3], [0, 1], 0), [2, 3]);
    expect(Array.from(b!)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it("stridedOffsets enumerates row-major positions", () => {
    const shape = [2, 3, 4];
    const base = Array.from({ length: 24 }, (_, i) => i);
    // strides of the (4, 2, 3)-stored tensor permuted to (2, 3, 4)
    const perm = Array.from(stridedOffsets(shape, [3, 1, 6], 0));
    expect(perm).toEqual(naivePermute(base, [4, 2, 3], [1, 2, 0]));
    expect(Array.from(stridedOffsets([2, 2], [10, 1], 5))).toEqual([5, 6, 15, 16]);
    expect(Array.from(stridedOffsets([], [], 7))).toEqual([7]);
    expect(Array.from(stridedOffsets([3, 0], [1, 1], 0))).toEqual([]);
    expect(Array.from(stridedOffsets([3, 1, 2], [2, 0, 0], 1))).toEqual([1, 1, 3, 3, 5, 5]);
  });
});
