import { describe, expect, it } from "vitest";
import {
  ALL_DTYPES,
  allocArray,
  bytesPerElement,
  dtypeOfArray,
  isFloat,
  promoteTypes,
  toFloat,
} from "../../src/base/dtype.js";
import {
  BackendError,
  DTypeError,
  DisposedError,
  OutOfMemoryError,
  ShapeError,
  StrataError,
  ValueError,
  fmtBytes,
} from "../../src/base/errors.js";

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
    for (const E of [ShapeError, DTypeError, ValueError, DisposedError, OutOfMemoryError, BackendError]) {
      const e = new E("msg");
      expect(e).toBeInstanceOf(StrataError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(E.name);
      expect(e.message).toBe("msg");
    }
  });

  it("allocArray turns the engine's RangeError into a StrataError naming the size", () => {
    // 2^33 elements is over V8's typed-array length limit, so nothing is allocated
    expect(() => allocArray("float32", 2 ** 33)).toThrow(OutOfMemoryError);
    expect(() => allocArray("float32", 2 ** 33)).toThrow(/8,589,934,592 float32 elements \(32\.00 GiB\)/);
    expect(() => allocArray("int32", -1)).toThrow(ValueError);
  });

  it("fmtBytes picks the largest binary unit", () => {
    expect(fmtBytes(0)).toBe("0 B");
    expect(fmtBytes(1023)).toBe("1023 B");
    expect(fmtBytes(1536)).toBe("1.50 KiB");
    expect(fmtBytes(3.5 * 2 ** 20)).toBe("3.50 MiB");
    expect(fmtBytes(8e9)).toBe("7.45 GiB");
  });
});
