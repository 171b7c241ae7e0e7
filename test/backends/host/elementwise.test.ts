import { describe, expect, it } from "vitest";
import type { RefStorage } from "../../../src/backends/ref/storage.js";
import { binary, cast, unary, where } from "../../../src/backends/host/elementwise.js";
import { mem, values, view } from "./helpers.js";

describe("ref elementwise kernels", () => {
  describe("unary", () => {
    it("contiguous views with an offset (fast paths for relu and neg too)", () => {
      const v = view([9, -1, 2, -3, 4], "float32", [2, 2], [2, 1], 1);
      expect(values(unary(mem, "relu", v, "float32"))).toEqual([0, 2, 0, 4]);
      expect(values(unary(mem, "neg", v, "float32"))).toEqual([1, -2, 3, -4]);
      expect(values(unary(mem, "abs", v, "float32"))).toEqual([1, 2, 3, 4]);
    });
    it("strided views", () => {
      const v = view([1, 2, 3, 4, 5, 6], "float64", [3, 2], [1, 3]);
      expect(values(unary(mem, "neg", v, "float64"))).toEqual([-1, -4, -2, -5, -3, -6]);
      expect(values(unary(mem, "exp", v, "float64"))).toEqual([1, 4, 2, 5, 3, 6].map(Math.exp));
    });
    it("writes the requested output dtype", () => {
      const i = view([1, 4, 9], "int32", [3]);
      const s = unary(mem, "sqrt", i, "float32");
      expect(s.dtype).toBe("float32");
      expect((s as RefStorage).data).toBeInstanceOf(Float32Array);
      expect(values(s)).toEqual([1, 2, 3]);
      const b = unary(mem, "isnan", view([Number.NaN, 0, Infinity], "float32", [3]), "bool");
      expect((b as RefStorage).data).toBeInstanceOf(Uint8Array);
      expect(values(b)).toEqual([1, 0, 0]);
      expect(
        values(unary(mem, "isinf", view([Number.NaN, -Infinity, Infinity, 1], "float32", [4]), "bool")),
      ).toEqual([0, 1, 1, 0]);
      expect(values(unary(mem, "not", view([0, 2, -0.5], "float32", [3]), "bool"))).toEqual([1, 0, 0]);
    });
    it("round is half-to-even, sign keeps NaN, sigmoid is stable at the extremes", () => {
      const r = unary(
        mem,
        "round",
        view([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6], "float64", [8]),
        "float64",
      );
      expect(values(r).map((v) => v + 0)).toEqual([0, 2, 2, 0, -2, -2, 2, 3]);
      const s = values(unary(mem, "sign", view([-2, 0, 3, Number.NaN], "float64", [4]), "float64"));
      expect(s.slice(0, 3)).toEqual([-1, 0, 1]);
      expect(s[3]).toBeNaN();
      const sg = values(unary(mem, "sigmoid", view([-1000, 1000, 0], "float64", [3]), "float64"));
      expect(sg).toEqual([0, 1, 0.5]);
    });
    it("erf is odd and saturates", () => {
      const e = values(unary(mem, "erf", view([-10, -6.5, -1, 0, 1, 6.5, 10], "float64", [7]), "float64"));
      expect(e[0]).toBe(-1);
      expect(e[6]).toBe(1);
      expect(e[2]).toBeCloseTo(-0.8427007929497149, 15);
      expect(e[4]).toBe(-e[2]);
      expect(e[3]).toBe(0);
    });
  });

  describe("binary", () => {
    it("both contiguous with offsets", () => {
      const a = view([0, 1, 2, 3], "float32", [3], [1], 1);
      const b = view([10, 20, 30, 0], "float32", [3], [1], 0);
      expect(values(binary(mem, "add", a, b, [3], "float32"))).toEqual([11, 22, 33]);
      expect(values(binary(mem, "sub", a, b, [3], "float32"))).toEqual([-9, -18, -27]);
      expect(values(binary(mem, "mul", a, b, [3], "float32"))).toEqual([10, 40, 90]);
      expect(values(binary(mem, "div", b, a, [3], "float32"))).toEqual([10, 10, 10]);
      expect(values(binary(mem, "pow", a, view([2, 2, 2], "float32", [3]), [3], "float32"))).toEqual([
        1, 4, 9,
      ]);
    });
    it("one or both operands broadcast or strided", () => {
      const a = view([1, 2, 3, 4, 5, 6], "float32", [2, 3]);
      const row = view([10, 20, 30], "float32", [2, 3], [0, 1]);
      const col = view([100, 200], "float32", [2, 3], [1, 0]);
      expect(values(binary(mem, "add", a, row, [2, 3], "float32"))).toEqual([11, 22, 33, 14, 25, 36]);
      expect(values(binary(mem, "add", row, a, [2, 3], "float32"))).toEqual([11, 22, 33, 14, 25, 36]);
      expect(values(binary(mem, "add", row, col, [2, 3], "float32"))).toEqual([110, 120, 130, 210, 220, 230]);
      const t = view([1, 4, 2, 5, 3, 6], "float32", [2, 3], [1, 2]); // the transpose of a (3,2)
      expect(values(binary(mem, "mul", a, t, [2, 3], "float32"))).toEqual([1, 4, 9, 16, 25, 36]);
    });
    it("comparisons and logic write 0/1", () => {
      const a = view([1, 2, Number.NaN], "float32", [3]);
      const b = view([2, 2, Number.NaN], "float32", [3]);
      const cmp = (op: Parameters<typeof binary>[1]) => values(binary(mem, op, a, b, [3], "bool"));
      expect(cmp("eq")).toEqual([0, 1, 0]);
      expect(cmp("ne")).toEqual([1, 0, 1]);
      expect(cmp("lt")).toEqual([1, 0, 0]);
      expect(cmp("le")).toEqual([1, 1, 0]);
      expect(cmp("gt")).toEqual([0, 0, 0]);
      expect(cmp("ge")).toEqual([0, 1, 0]);
      expect(cmp("and")).toEqual([1, 1, 1]);
      expect(
        values(binary(mem, "or", view([0, 0], "int32", [2]), view([0, 5], "int32", [2]), [2], "bool")),
      ).toEqual([0, 1]);
    });
    it("maximum/minimum propagate NaN", () => {
      const a = view([Number.NaN, 1], "float32", [2]);
      const b = view([0, Number.NaN], "float32", [2]);
      expect(values(binary(mem, "maximum", a, b, [2], "float32")).every(Number.isNaN)).toBe(true);
      expect(values(binary(mem, "minimum", b, a, [2], "float32")).every(Number.isNaN)).toBe(true);
    });
  });

  it("where selects through broadcast views", () => {
    const c = view([1, 0], "bool", [2, 3], [1, 0]);
    const a = view([1, 2, 3], "float32", [2, 3], [0, 1]);
    const b = view([-1], "float32", [2, 3], [0, 0]);
    expect(values(where(mem, c, a, b, [2, 3], "float32"))).toEqual([1, 2, 3, -1, -1, -1]);
  });

  describe("cast", () => {
    it("float to int truncates toward zero (contiguous and strided)", () => {
      const v = [1.9, -1.9, 0.5, -0.5];
      expect(values(cast(mem, view(v, "float32", [4]), "int32"))).toEqual([1, -1, 0, 0]);
      expect(values(cast(mem, view(v, "float32", [2, 2], [1, 2]), "int32"))).toEqual([1, 0, -1, 0]);
    });
    it("to bool is x != 0 whatever the layout; bools stay 0/1", () => {
      const v = [0.5, 0, 256, -1, Number.NaN, 0.25];
      expect(values(cast(mem, view(v, "float32", [6]), "bool"))).toEqual([1, 0, 1, 1, 1, 1]);
      expect(values(cast(mem, view(v, "float32", [3, 2], [1, 3]), "bool"))).toEqual([1, 1, 0, 1, 1, 1]);
      expect(values(cast(mem, view(v, "float32", [2], [1], 4), "bool"))).toEqual([1, 1]);
      expect(values(cast(mem, view([0, 2, 256, -7], "int32", [2, 2], [1, 2]), "bool"))).toEqual([0, 1, 1, 1]);
      expect(values(cast(mem, view([1, 0, 1, 1], "bool", [2, 2], [1, 2]), "bool"))).toEqual([1, 1, 0, 1]);
    });
    it("copies with an offset and converts between floats", () => {
      const s = cast(mem, view([0, 0.1, 0.2], "float64", [2], [1], 1), "float32");
      expect(values(s)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
      const same = view([1, 2], "float32", [2]);
      const c = cast(mem, same, "float32");
      expect((c as RefStorage).data).not.toBe(same.storage.data);
    });
  });
});
