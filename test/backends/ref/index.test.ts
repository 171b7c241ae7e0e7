import { describe, expect, it } from "vitest";
import { RefBackend } from "../../../src/backends/ref/index.js";
import { ALL_DTYPES } from "../../../src/base/dtype.js";
import { DisposedError } from "../../../src/base/errors.js";

describe("RefBackend", () => {
  it("supports every dtype", () => {
    const b = new RefBackend();
    expect(b.name).toBe("ref");
    for (const d of ALL_DTYPES) expect(b.supports(d)).toBe(true);
  });

  it("counts live storages and bytes; release is idempotent", () => {
    const b = new RefBackend();
    expect(b.memory()).toEqual({ storages: 0, bytes: 0 });
    const s1 = b.upload(new Float32Array(10), "float32");
    const s2 = b.upload(new Float64Array(3), "float64");
    const s3 = b.upload(new Uint8Array(5), "bool");
    expect(b.memory()).toEqual({ storages: 3, bytes: 40 + 24 + 5 });
    b.release(s2);
    expect(b.memory()).toEqual({ storages: 2, bytes: 45 });
    b.release(s2);
    expect(b.memory()).toEqual({ storages: 2, bytes: 45 });
    b.release(s1);
    b.release(s3);
    expect(b.memory()).toEqual({ storages: 0, bytes: 0 });
  });

  it("every kernel result is counted", () => {
    const b = new RefBackend();
    const s = b.upload(new Float32Array([1, 2, 3, 4]), "float32");
    const v = { storage: s, dtype: "float32" as const, shape: [2, 2], strides: [2, 1], offset: 0 };
    const outs = [
      b.unary("exp", v, "float32"),
      b.binary("add", v, v, [2, 2], "float32"),
      b.where(
        { ...v, storage: b.upload(new Uint8Array([1, 0, 1, 0]), "bool"), dtype: "bool" },
        v,
        v,
        [2, 2],
        "float32",
      ),
      b.cast(v, "int32"),
      b.reduce("sum", v, [0]),
      b.argReduce("argmax", v, 1),
      b.matmul(v, v, [2, 2]),
      b.pad(
        v,
        [
          [1, 0],
          [0, 0],
        ],
        0,
      ),
      b.concat([v, v], 0, [4, 2]),
    ];
    expect(b.memory().storages).toBe(2 + outs.length);
    for (const o of outs) b.release(o);
    expect(b.memory().storages).toBe(2);
  });

  it("reads copies; reading a released storage throws", async () => {
    const b = new RefBackend();
    const s = b.upload(new Int32Array([1, 2, 3]), "int32");
    const r = b.readSync(s);
    expect(r).toBeInstanceOf(Int32Array);
    r[0] = 50;
    expect(Array.from(b.readSync(s))).toEqual([1, 2, 3]);
    expect(Array.from(await b.read(s))).toEqual([1, 2, 3]);
    b.release(s);
    expect(() => b.readSync(s)).toThrow(DisposedError);
    expect(() => b.readSync(s)).toThrow(/released/);
    await expect(b.read(s)).rejects.toThrow(/released/);
  });

  it("fill makes a counted storage of one value; maxElements is what int32 offsets can address", () => {
    const b = new RefBackend();
    const s = b.fill("int32", 3, 7);
    expect(Array.from(b.readSync(s))).toEqual([7, 7, 7]);
    expect(Array.from(b.readSync(b.fill("float64", 2, 0)))).toEqual([0, 0]);
    expect(b.memory()).toEqual({ storages: 2, bytes: 12 + 16 });
    for (const d of ALL_DTYPES) expect(b.maxElements(d)).toBe(2 ** 31 - 1);
  });
});
