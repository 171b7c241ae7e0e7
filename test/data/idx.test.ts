import { describe, expect, it } from "vitest";
import { ValueError } from "../../src/base/errors.js";
import { checkIdxLabels, parseIdx } from "../../src/data/idx.js";
import { idxBytes } from "../helpers/idx_bytes.js";

const idx = idxBytes;

describe("parseIdx", () => {
  it("parses uint8 with dims", () => {
    const r = parseIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(r.type).toBe("uint8");
    expect(r.dims).toEqual([2, 3]);
    expect(r.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it("parses int8", () => {
    const r = parseIdx(idx(0x09, [3], [0x00, 0x7f, 0xff]));
    expect(r.type).toBe("int8");
    expect(r.data).toBeInstanceOf(Int8Array);
    expect(Array.from(r.data)).toEqual([0, 127, -1]);
  });

  it("converts int16 from big-endian", () => {
    const r = parseIdx(idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe]));
    expect(r.type).toBe("int16");
    expect(r.data).toBeInstanceOf(Int16Array);
    expect(Array.from(r.data)).toEqual([0x0102, -2]);
  });

  it("converts int32 from big-endian", () => {
    const r = parseIdx(idx(0x0c, [2], [0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfd]));
    expect(r.type).toBe("int32");
    expect(r.data).toBeInstanceOf(Int32Array);
    expect(Array.from(r.data)).toEqual([0x01020304, -3]);
  });

  it("converts float32 and float64 from big-endian", () => {
    const f32 = new Uint8Array(8);
    new DataView(f32.buffer).setFloat32(0, 1.5, false);
    new DataView(f32.buffer).setFloat32(4, -0.25, false);
    const r32 = parseIdx(idx(0x0d, [1, 2], f32));
    expect(r32.type).toBe("float32");
    expect(r32.data).toBeInstanceOf(Float32Array);
    expect(Array.from(r32.data)).toEqual([1.5, -0.25]);

    const f64 = new Uint8Array(16);
    new DataView(f64.buffer).setFloat64(0, Math.PI, false);
    new DataView(f64.buffer).setFloat64(8, -1e300, false);
    const r64 = parseIdx(idx(0x0e, [2], f64));
    expect(r64.type).toBe("float64");
    expect(r64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(r64.data)).toEqual([Math.PI, -1e300]);
  });

  it("works on a subarray at an odd byte offset and copies the data", () => {
    const file = idx(0x0c, [1], [0, 0, 0, 7]);
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3);
    const r = parseIdx(big.subarray(3));
    expect(Array.from(r.data)).toEqual([7]);
    big[3 + 8 + 3] = 9;
    expect(Array.from(r.data)).toEqual([7]);
  });

  it("accepts zero-sized dimensions", () => {
    const r = parseIdx(idx(0x08, [0, 28, 28], []));
    expect(r.dims).toEqual([0, 28, 28]);
    expect(r.data.length).toBe(0);
  });

  it("rejects input too short for the header", () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]), "foo.idx")).toThrow(/foo\.idx: too short/);
    const dimsCut = idx(0x08, [2, 3], []).subarray(0, 9);
    expect(() => parseIdx(dimsCut, "foo.idx")).toThrow(/foo\.idx: too short .*2 dimension\(s\) need 12/);
  });

  it("rejects bad magic", () => {
    const gz = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]);
    expect(() => parseIdx(gz, "x.gz")).toThrow(/x\.gz: bad IDX magic.*0x1f 0x8b/);
  });

  it("rejects an unknown type code", () => {
    expect(() => parseIdx(idx(0x0a, [1], [0]), "f")).toThrow(/f: unknown IDX type code 0x0a/);
  });

  it("rejects truncated data with the expected size", () => {
    const bytes = idx(0x08, [60000, 28, 28], new Uint8Array(1000));
    expect(() => parseIdx(bytes, "train-images-idx3-ubyte")).toThrow(
      "train-images-idx3-ubyte: truncated data: expected 47040000 bytes for 60000x28x28 uint8, got 1000",
    );
  });

  it("rejects trailing extra bytes", () => {
    expect(() => parseIdx(idx(0x08, [2], [1, 2, 3]), "labels")).toThrow(
      /labels: 1 trailing extra byte\(s\): expected 2 bytes for 2 uint8, got 3/,
    );
  });

  it("uses a default name", () => {
    expect(() => parseIdx(new Uint8Array(0))).toThrow(/^IDX data: too short/);
  });
});

describe("checkIdxLabels", () => {
  it("accepts labels 0..numClasses-1", () => {
    expect(() => checkIdxLabels(parseIdx(idx(0x08, [4], [0, 9, 3, 9])), 10, "labels")).not.toThrow();
  });

  it("names the file, the first bad index and value, and how many are bad", () => {
    const labels = parseIdx(idx(0x08, [5], [1, 2, 10, 255, 3]), "train-labels-idx1-ubyte");
    expect(() => checkIdxLabels(labels, 10, "train-labels-idx1-ubyte")).toThrow(
      new ValueError(
        "train-labels-idx1-ubyte: label 10 at index 2 is out of range: labels must be 0..9 (2 of 5 labels are out of range)",
      ),
    );
  });

  it("rejects negative labels of a signed type against the class count", () => {
    const labels = parseIdx(idx(0x09, [3], [0, 0xff, 1])); // int8: 0, -1, 1
    expect(() => checkIdxLabels(labels, 2)).toThrow(
      /^IDX data: label -1 at index 1 is out of range: labels must be 0..1/,
    );
  });
});
