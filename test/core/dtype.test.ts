import { describe, expect, it } from "vitest";
import {
  ALL_DTYPES,
  allocArray,
  bytesPerElement,
  dtypeOfArray,
  isFloat,
  promoteTypes,
  toFloat,
} from "../../src/core/dtype.js";
import { DTypeError, DisposedError, ShapeError, StrataError, ValueError } from "../../src/core/errors.js";

describe("dtypes", () => {
  it("promoteTypes: bool < int32 < float32 < float64, symmetric", () => {
    const order = ["bool", "int32", "float32", "float64"] as const;
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        expect(promoteTypes(order[i], order[j])).toBe(order[Math.max(i, j)]);
      }
    }
  });

  it("float helpers, sizes and arrays", () => {
    expect(ALL_DTYPES).toEqual(["float32", "float64", "int32", "bool"]);
    expect(ALL_DTYPES.filter(isFloat)).toEqual(["float32", "float64"]);
    expect(toFloat("int32")).toBe("float32");
    expect(toFloat("bool")).toBe("float32");
    expect(toFloat("float64")).toBe("float64");
    expect(ALL_DTYPES.map(bytesPerElement)).toEqual([4, 8, 4, 1]);
    for (const d of ALL_DTYPES) {
      const a = allocArray(d, 3);
      expect(a.length).toBe(3);
      expect(dtypeOfArray(a)).toBe(d);
    }
  });

  it("errors form a hierarchy with their class name", () => {
    for (const E of [ShapeError, DTypeError, ValueError, DisposedError]) {
      const e = new E("msg");
      expect(e).toBeInstanceOf(StrataError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(E.name);
      expect(e.message).toBe("msg");
    }
  });
});
