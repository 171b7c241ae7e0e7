import { describe, expect, it } from "vitest";
import { concat, gather, pad, scatterAdd } from "../../../src/backends/host/movement.js";
import { ValueError } from "../../../src/base/errors.js";
import { mem, values, view } from "./helpers.js";

describe("ref movement kernels", () => {
  it("pad of a strided view with a fill value", () => {
    const t = view([1, 2, 3, 4, 5, 6], "float32", [3, 2], [1, 3]); // [[1,4],[2,5],[3,6]]
    const p = pad(
      mem,
      t,
      [
        [0, 1],
        [1, 0],
      ],
      -1,
    );
    expect(values(p)).toEqual([-1, 1, 4, -1, 2, 5, -1, 3, 6, -1, -1, -1]);
    expect(values(pad(mem, view([7], "int32", [1]), [[2, 0]], 0))).toEqual([0, 0, 7]);
  });

  it("concat of mixed layouts along an inner axis", () => {
    const a = view([1, 2, 3, 4], "float32", [2, 2], [1, 2]); // [[1,3],[2,4]]
    const b = view([0, 9, 8], "float32", [2, 1], [1, 1], 1); // [[9],[8]]
    expect(values(concat(mem, [a, b], 1, [2, 3]))).toEqual([1, 3, 9, 2, 4, 8]);
    expect(values(concat(mem, [b, b], 0, [4, 1]))).toEqual([9, 8, 9, 8]);
  });

  it("gather through strided source and broadcast index", () => {
    const x = view([0, 1, 2, 3, 4, 5], "float32", [3, 2], [1, 3]); // [[0,3],[1,4],[2,5]]
    const idx = view([1, 0], "int32", [3, 2], [0, 1]); // every row [1, 0]
    expect(values(gather(mem, x, 1, idx))).toEqual([3, 0, 4, 1, 5, 2]);
    const idx0 = view([2, 0], "int32", [2, 2], [1, 0]); // rows [2,2],[0,0]
    expect(values(gather(mem, x, 0, idx0))).toEqual([2, 5, 0, 3]);
  });

  it("gather and scatterAdd reject out-of-range indices with the op's name", () => {
    const x = view([0, 1, 2], "float32", [3]);
    expect(() => gather(mem, x, 0, view([3], "int32", [1]))).toThrow(ValueError);
    expect(() => gather(mem, x, 0, view([-1], "int32", [1]))).toThrow(
      "gather: index -1 is out of range for axis 0 of size 3 (tensor shape (3,))",
    );
    expect(() =>
      scatterAdd(mem, [2], "float32", 0, view([2], "int32", [1]), view([1], "float32", [1])),
    ).toThrow(/scatterAdd: index 2 is out of range for axis 0 of size 2/);
  });

  it("scatterAdd accumulates duplicates from a strided source", () => {
    const src = view([1, 2, 3, 4], "float64", [2, 2], [1, 2]); // [[1,3],[2,4]]
    const idx = view([0, 0, 2, 0], "int32", [2, 2]);
    const out = scatterAdd(mem, [2, 3], "float64", 1, idx, src);
    expect(out.dtype).toBe("float64");
    expect(values(out)).toEqual([4, 0, 0, 4, 0, 2]);
  });
});
