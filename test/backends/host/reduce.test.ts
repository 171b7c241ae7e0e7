import { describe, expect, it } from "vitest";
import { argReduce, reduce } from "../../../src/backends/host/reduce.js";
import { naiveReduce, sum } from "../../helpers/naive.js";
import { mem, values, view } from "./helpers.js";

const data = Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5);

describe("ref reduce kernels", () => {
  it("trailing-axis fast path (with an offset) and the general path agree with a naive reduce", () => {
    for (const axes of [[2], [1, 2], [0], [0, 2], [1], [0, 1, 2]]) {
      const want = naiveReduce(data, [2, 3, 4], axes, false, sum).data;
      expect(values(reduce(mem, "sum", view(data, "float32", [2, 3, 4]), axes))).toEqual(want);
      expect(
        values(reduce(mem, "sum", view([99, ...data], "float32", [2, 3, 4], [12, 4, 1], 1), axes)),
      ).toEqual(want);
      const maxWant = naiveReduce(data, [2, 3, 4], axes, false, (v) => Math.max(...v)).data;
      expect(values(reduce(mem, "max", view(data, "int32", [2, 3, 4]), axes))).toEqual(maxWant);
    }
  });

  it("strided input", () => {
    const t = view([1, 2, 3, 4, 5, 6], "float32", [3, 2], [1, 3]); // [[1,4],[2,5],[3,6]]
    expect(values(reduce(mem, "sum", t, [1]))).toEqual([5, 7, 9]);
    expect(values(reduce(mem, "min", t, [0]))).toEqual([1, 4]);
    expect(values(reduce(mem, "max", t, [0, 1]))).toEqual([6]);
  });

  it("sums accumulate in float64 before rounding to float32", () => {
    const s = reduce(mem, "sum", view([16777216, 1, 1], "float32", [3]), [0]);
    expect(values(s)).toEqual([16777218]);
  });

  it("bool sums are int32; bool max stays bool", () => {
    const s = reduce(mem, "sum", view([1, 1, 0, 1], "bool", [4]), [0]);
    expect(s.dtype).toBe("int32");
    expect(values(s)).toEqual([3]);
    expect(reduce(mem, "max", view([0, 1], "bool", [2]), [0]).dtype).toBe("bool");
  });

  it("empty reductions: sum 0, max -inf at the kernel level", () => {
    expect(values(reduce(mem, "sum", view([], "float32", [0, 2]), [0]))).toEqual([0, 0]);
    expect(values(reduce(mem, "max", view([], "float32", [2, 0]), [1]))).toEqual([-Infinity, -Infinity]);
  });

  it("argmax/argmin: first index, NaN wins, strided", () => {
    const t = view([3, 1, 3, 0, 9, -2], "float32", [2, 3]);
    expect(values(argReduce(mem, "argmax", t, 1))).toEqual([0, 1]);
    expect(values(argReduce(mem, "argmin", t, 1))).toEqual([1, 2]);
    expect(values(argReduce(mem, "argmax", t, 0))).toEqual([0, 1, 0]);
    const n = view([1, Number.NaN, 5, Number.NaN], "float32", [4]);
    expect(values(argReduce(mem, "argmax", n, 0))).toEqual([1]);
    expect(values(argReduce(mem, "argmin", n, 0))).toEqual([1]);
    const tt = view([3, 1, 3, 0, 9, -2], "float32", [3, 2], [1, 3]); // [[3,0],[1,9],[3,-2]]
    expect(values(argReduce(mem, "argmax", tt, 0))).toEqual([0, 1]);
    expect(argReduce(mem, "argmax", tt, 1).dtype).toBe("int32");
  });
});
