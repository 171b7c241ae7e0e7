import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "../../src/io/safetensors.js";

/** Builds a safetensors file from a raw header object/string and a byte buffer (no validation). */
function build(header: unknown, buffer: number[] | Uint8Array = [], headerLenOverride?: number): Uint8Array {
  const text = typeof header === "string" ? header : JSON.stringify(header);
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + buffer.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLenOverride ?? h.length, true);
  out.set(h, 8);
  out.set(buffer, 8 + h.length);
  return out;
}

function f32(name: string, shape: number[], begin: number, end: number, dtype = "F32") {
  return { [name]: { dtype, shape, data_offsets: [begin, end] } };
}

describe("encodeSafetensors", () => {
  it("produces the exact bytes for a tiny hand-computed example", () => {
    const bytes = encodeSafetensors({ a: { dtype: "float32", shape: [2], data: new Float32Array([1, 2]) } });
    // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes, padded with 2 spaces to 56.
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  ';
    const expected = [
      56,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...Array.from(header, (c) => c.charCodeAt(0)),
      0x00,
      0x00,
      0x80,
      0x3f, // 1.0f little-endian
      0x00,
      0x00,
      0x00,
      0x40, // 2.0f little-endian
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it("writes metadata first, sorts names and lays tensors out without gaps", () => {
    const bytes = encodeSafetensors(
      {
        z: { dtype: "int32", shape: [1], data: new Int32Array([-1]) },
        "10": { dtype: "bool", shape: [3], data: new Uint8Array([1, 0, 7]) },
        b: { dtype: "float64", shape: [], data: new Float64Array([0.5]) },
      },
      { format: "pt", b: "2" },
    );
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"b":"2","format":"pt"},' +
        '"10":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]},' +
        '"b":{"dtype":"F64","shape":[],"data_offsets":[3,11]},' +
        '"z":{"dtype":"I32","shape":[1],"data_offsets":[11,15]}}',
    );
    expect(bytes.length).toBe(8 + n + 15);
    expect(Array.from(bytes.subarray(8 + n, 8 + n + 3))).toEqual([1, 0, 1]);
  });

  it("is deterministic regardless of insertion order", () => {
    const a = { dtype: "float32" as const, shape: [1], data: new Float32Array([1]) };
    const b = { dtype: "int32" as const, shape: [1], data: new Int32Array([2]) };
    expect(encodeSafetensors({ a, b })).toEqual(encodeSafetensors({ b, a }));
  });

  it("writes an empty file", () => {
    const bytes = encodeSafetensors({});
    expect(decodeSafetensors(bytes)).toEqual({ tensors: {}, metadata: {} });
  });

  it("encodes subarray views at non-zero offsets correctly", () => {
    const base = new Float32Array([9, 1, 2, 3]);
    const bytes = encodeSafetensors({ v: { dtype: "float32", shape: [3], data: base.subarray(1) } });
    expect(Array.from(decodeSafetensors(bytes).tensors.v.data)).toEqual([1, 2, 3]);
  });

  it("validates its input", () => {
    expect(() =>
      encodeSafetensors({ a: { dtype: "float32", shape: [3], data: new Float32Array(2) } }),
    ).toThrow(/tensor "a" has shape \[3\] \(3 elements\) but its data has 2 elements/);
    expect(() =>
      encodeSafetensors({ a: { dtype: "float32", shape: [2], data: new Float64Array(2) } as any }),
    ).toThrow(/data must be a Float32Array, got Float64Array/);
    expect(() =>
      encodeSafetensors({ a: { dtype: "float16", shape: [2], data: new Float32Array(2) } as any }),
    ).toThrow(/unsupported dtype "float16"/);
    expect(() =>
      encodeSafetensors({ a: { dtype: "float32", shape: [-1], data: new Float32Array(0) } }),
    ).toThrow(/invalid shape/);
    expect(() =>
      encodeSafetensors({ __metadata__: { dtype: "float32", shape: [0], data: new Float32Array(0) } }),
    ).toThrow(/reserved/);
    expect(() => encodeSafetensors({}, { a: 1 as any })).toThrow(/metadata value for "a" must be a string/);
  });
});

describe("round trip", () => {
  it("preserves all dtypes, shapes, metadata and unusual names", () => {
    const tensors: Record<string, SafetensorsTensor> = {
      "layer.0.weight": {
        dtype: "float32",
        shape: [2, 3],
        data: new Float32Array([1.5, -2, 3.25, Number.NaN, Infinity, -0]),
      },
      "layer.0.bias": { dtype: "float64", shape: [3], data: new Float64Array([Math.PI, -1e-300, 1e300]) },
      steps: { dtype: "int32", shape: [], data: new Int32Array([-2147483648]) },
      mask: { dtype: "bool", shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
      empty: { dtype: "float32", shape: [0, 4], data: new Float32Array(0) },
      "ünïcødé ✓": { dtype: "int32", shape: [1], data: new Int32Array([42]) },
      __proto__x: { dtype: "int32", shape: [1], data: new Int32Array([7]) },
    };
    const metadata = { format: "strata", epoch: "3", note: 'quotes " and\nnewlines' };
    const bytes = encodeSafetensors(tensors, metadata);
    const out = decodeSafetensors(bytes);
    expect(out.metadata).toEqual(metadata);
    expect(Object.keys(out.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const d = out.tensors[name];
      expect(d.dtype).toBe(t.dtype);
      expect(d.shape).toEqual(t.shape);
      expect(d.data.constructor).toBe(t.data.constructor);
      expect(Array.from(d.data)).toEqual(Array.from(t.data));
    }
    expect(Object.is(out.tensors["layer.0.weight"].data[5], -0)).toBe(true);
  });

  it("returns aligned copies, even when the buffer starts at an odd offset", () => {
    const bytes = encodeSafetensors({
      b: { dtype: "bool", shape: [1], data: new Uint8Array([1]) },
      f: { dtype: "float64", shape: [2], data: new Float64Array([1, 2]) },
    });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const out = decodeSafetensors(shifted.subarray(1));
    const f = out.tensors.f.data;
    expect(f.byteOffset).toBe(0);
    expect(f.buffer).not.toBe(shifted.buffer);
    expect(Array.from(f)).toEqual([1, 2]);
    shifted.fill(0);
    expect(Array.from(f)).toEqual([1, 2]);
  });

  it("handles a tensor named __proto__ as an ordinary key", () => {
    const file = build(f32("__proto__", [1], 0, 4), [0, 0, 0x80, 0x3f]);
    const out = decodeSafetensors(file);
    expect(Object.keys(out.tensors)).toEqual(["__proto__"]);
    const protoName = "__proto__";
    expect(Array.from(out.tensors[protoName].data)).toEqual([1]);
  });
});

describe("decodeSafetensors conversions", () => {
  function decodeOne(dtype: string, shape: number[], raw: number[]) {
    return decodeSafetensors(build(f32("t", shape, 0, raw.length, dtype), raw)).tensors.t;
  }

  it("F16 -> float32", () => {
    // 1.0, -2.0, 65504 (max), smallest subnormal 2^-24, +inf, NaN
    const raw = [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c, 0x01, 0x7e];
    const t = decodeOne("F16", [6], raw);
    expect(t.dtype).toBe("float32");
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data).slice(0, 5)).toEqual([1, -2, 65504, Math.fround(2 ** -24), Infinity]);
    expect(t.data[5]).toBeNaN();
  });

  it("BF16 -> float32", () => {
    // 1.0 = 0x3f80, -0.5 = 0xbf00, 3.140625 = 0x4049
    const t = decodeOne("BF16", [3], [0x80, 0x3f, 0x00, 0xbf, 0x49, 0x40]);
    expect(t.dtype).toBe("float32");
    expect(Array.from(t.data)).toEqual([1, -0.5, 3.140625]);
  });

  it("I64 -> int32 when in range, error otherwise", () => {
    const buf = new Uint8Array(24);
    const v = new DataView(buf.buffer);
    v.setBigInt64(0, 5n, true);
    v.setBigInt64(8, -2147483648n, true);
    v.setBigInt64(16, 2147483647n, true);
    const t = decodeOne("I64", [3], Array.from(buf));
    expect(t.dtype).toBe("int32");
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual([5, -2147483648, 2147483647]);

    v.setBigInt64(8, 2147483648n, true);
    expect(() => decodeOne("I64", [3], Array.from(buf))).toThrow(
      /tensor "t": I64 value 2147483648 at index 1 is outside the int32 range/,
    );
    v.setBigInt64(8, -2147483649n, true);
    expect(() => decodeOne("I64", [3], Array.from(buf))).toThrow(/I64 value -2147483649/);
  });

  it("I8, U8, I16, U16 -> int32", () => {
    expect(Array.from(decodeOne("I8", [2], [0xff, 0x05]).data)).toEqual([-1, 5]);
    const u8 = decodeOne("U8", [2], [0xff, 0x05]);
    expect(u8.dtype).toBe("int32");
    expect(u8.data).toBeInstanceOf(Int32Array);
    expect(Array.from(u8.data)).toEqual([255, 5]);
    expect(Array.from(decodeOne("I16", [2], [0xfe, 0xff, 0x02, 0x01]).data)).toEqual([-2, 0x0102]);
    expect(Array.from(decodeOne("U16", [1], [0xfe, 0xff]).data)).toEqual([65534]);
  });

  it("BOOL bytes other than 0 read as 1", () => {
    const t = decodeOne("BOOL", [3], [0, 1, 5]);
    expect(t.dtype).toBe("bool");
    expect(Array.from(t.data)).toEqual([0, 1, 1]);
  });

  it("accepts null metadata and ignores unknown entry keys", () => {
    const file = build(
      { __metadata__: null, t: { dtype: "U8", shape: [1], data_offsets: [0, 1], extra: 1 } },
      [3],
    );
    expect(decodeSafetensors(file).metadata).toEqual({});
  });
});

describe("decodeSafetensors errors", () => {
  const four = [0, 0, 0x80, 0x3f];

  it("file shorter than 8 bytes", () => {
    expect(() => decodeSafetensors(new Uint8Array(5))).toThrow(/too short.*got 5/);
  });

  it("header length beyond the file", () => {
    expect(() => decodeSafetensors(build({}, [], 1000))).toThrow(
      /header length 1000 is beyond the end of the file/,
    );
    const huge = build({});
    new DataView(huge.buffer).setUint32(4, 0xffffffff, true);
    expect(() => decodeSafetensors(huge)).toThrow(/header length \d+ is beyond the end/);
  });

  it("invalid UTF-8 and invalid JSON", () => {
    const bad = build("{}");
    bad[8] = 0xff;
    expect(() => decodeSafetensors(bad)).toThrow(/not valid UTF-8/);
    expect(() => decodeSafetensors(build('{"a":'))).toThrow(/header is not valid JSON/);
    expect(() => decodeSafetensors(build("[1,2]"))).toThrow(/header must be a JSON object, got an array/);
  });

  it("bad metadata", () => {
    expect(() => decodeSafetensors(build({ __metadata__: { a: 1 } }))).toThrow(
      /"__metadata__" value for "a" must be a string/,
    );
    expect(() => decodeSafetensors(build({ __metadata__: "x" }))).toThrow(/"__metadata__" must be an object/);
  });

  it("unknown dtype", () => {
    expect(() => decodeSafetensors(build(f32("w", [1], 0, 1, "F8_E4M3"), [0]))).toThrow(
      /tensor "w": unknown or unsupported dtype "F8_E4M3"; supported: F32, F64/,
    );
  });

  it("malformed entries", () => {
    expect(() => decodeSafetensors(build({ w: 3 }))).toThrow(/tensor "w": entry must be an object/);
    expect(() => decodeSafetensors(build({ w: { shape: [1], data_offsets: [0, 4] } }))).toThrow(/"dtype"/);
    expect(() => decodeSafetensors(build(f32("w", [1.5] as any, 0, 4), four))).toThrow(/"shape" must be/);
    expect(() =>
      decodeSafetensors(build({ w: { dtype: "F32", shape: [1], data_offsets: [0] } }, four)),
    ).toThrow(/"data_offsets" must be \[begin, end\]/);
    expect(() => decodeSafetensors(build(f32("w", [0], 4, 0), four))).toThrow(/begin after end/);
  });

  it("offsets out of range", () => {
    expect(() => decodeSafetensors(build(f32("w", [2], 0, 8), four))).toThrow(
      /tensor "w": data_offsets \[0, 8\] are out of range: the byte buffer has 4 bytes/,
    );
  });

  it("offsets not matching shape x itemsize", () => {
    expect(() => decodeSafetensors(build(f32("w", [2], 0, 4), four))).toThrow(
      /tensor "w": data_offsets \[0, 4\] span 4 bytes, but shape \[2\] of F32 needs 8 bytes/,
    );
  });

  it("overlapping tensors", () => {
    const header = { ...f32("a", [2], 0, 8), ...f32("b", [1], 4, 8) };
    expect(() => decodeSafetensors(build(header, new Uint8Array(8)))).toThrow(
      /tensors "a" \[0, 8\] and "b" \[4, 8\] overlap/,
    );
  });

  it("gaps, at the start, in the middle and at the end", () => {
    expect(() => decodeSafetensors(build(f32("a", [1], 4, 8), new Uint8Array(8)))).toThrow(
      /gap of 4 unused bytes at offsets \[0, 4\) before tensor "a"/,
    );
    const header = { ...f32("a", [1], 0, 4), ...f32("b", [1], 8, 12) };
    expect(() => decodeSafetensors(build(header, new Uint8Array(12)))).toThrow(/gap of 4 unused bytes .*"b"/);
    expect(() => decodeSafetensors(build(f32("a", [1], 0, 4), new Uint8Array(6)))).toThrow(
      /2 unused bytes at the end of the byte buffer/,
    );
  });
});
