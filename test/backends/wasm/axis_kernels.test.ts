import { describe, expect, it } from "vitest";
import type { Backend } from "../../../src/backends/backend.js";
import { RefBackend } from "../../../src/backends/ref/index.js";
import { WasmBackend } from "../../../src/backends/wasm/index.js";
import { contiguousStrides } from "../../../src/base/shape.js";

/**
 * The wasm fast paths for the indexSelect pattern (gather / scatterAdd with an index that varies along
 * one axis only: what im2col uses) and for n-d strided copies, against the reference backend.
 */
const wasm = new WasmBackend({ threads: 1 });
const ref = new RefBackend();

function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

function upload(b: Backend, data: Float32Array | Int32Array, shape: number[], dtype: "float32" | "int32") {
  return {
    storage: b.upload(data.slice(), dtype),
    dtype,
    shape,
    strides: contiguousStrides(shape),
    offset: 0,
  };
}

/** The index of indexSelect: a 1-D list viewed at `shape` with stride 0 except along `axis`. */
function axisIndexView(b: Backend, values: number[], shape: number[], axis: number) {
  const storage = b.upload(Int32Array.from(values), "int32");
  const strides = shape.map((_, d) => (d === axis ? 1 : 0));
  return { storage, dtype: "int32" as const, shape, strides, offset: 0 };
}

describe("wasm gather / scatterAdd along one axis", () => {
  const cases: [number[], number, number[]][] = [
    [[2, 3, 50], 2, [0, 49, 7, 7, 3, 12, 0]],
    [[4, 9, 5], 1, [8, 0, 4, 4, 2]],
    [[7, 3], 0, [6, 0, 1, 1, 5, 2, 3, 4, 6]],
    [[3, 1, 4, 6], 3, [5, 0]],
  ];
  for (const [shape, axis, idx] of cases) {
    it(`gather and scatterAdd on ${shape.join("×")} along axis ${axis}`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = seeded(n, n);
      const outShape = shape.map((d, i) => (i === axis ? idx.length : d));
      const results = [wasm, ref].map((b) => {
        const x = upload(b, data, shape, "float32");
        const index = axisIndexView(b, idx, outShape, axis);
        const g = b.gather(x, axis, index);
        const gathered = b.readSync(g);
        const src = upload(b, seeded(gathered.length, 7), outShape, "float32");
        const scattered = b.readSync(b.scatterAdd(shape, "float32", axis, index, src));
        return { gathered: Array.from(gathered), scattered: Array.from(scattered) };
      });
      expect(results[0].gathered).toEqual(results[1].gathered);
      results[0].scattered.forEach((v, i) => {
        expect(v).toBeCloseTo(results[1].scattered[i], 5);
      });
    });
  }

  it("an out-of-range index still gives the reference error", () => {
    const x = upload(wasm, seeded(12, 1), [3, 4], "float32");
    const index = axisIndexView(wasm, [0, 4], [3, 2], 1);
    expect(() => wasm.gather(x, 1, index)).toThrow(/gather: index 4 is out of range for axis 1 of size 4/);
  });
});

describe("wasm n-d strided copy", () => {
  for (const perm of [
    [0, 2, 1, 3],
    [3, 1, 0, 2],
    [1, 0, 3, 2, 4],
  ]) {
    it(`copies a permuted ${perm.length}-d view`, () => {
      const shape = perm.length === 4 ? [3, 4, 5, 6] : [2, 3, 4, 5, 3];
      const n = shape.reduce((a, b) => a * b, 1);
      const data = seeded(n, 3);
      const outs = [wasm, ref].map((b) => {
        const x = upload(b, data, shape, "float32");
        const view = { ...x, shape: perm.map((p) => shape[p]), strides: perm.map((p) => x.strides[p]) };
        return Array.from(b.readSync(b.cast(view, "float32")));
      });
      expect(outs[0]).toEqual(outs[1]);
    });
  }
});

describe("wasm concat and pad of 32-bit values", () => {
  for (const axis of [0, 1, 2]) {
    it(`concat along axis ${axis}, with a permuted and a sliced input`, () => {
      const outs = [wasm, ref].map((b) => {
        const a = upload(b, seeded(2 * 3 * 4, 5), [2, 3, 4], "float32");
        // a permuted view of a [4, 3, 2] tensor, read as [2, 3, 4]
        const raw = upload(b, seeded(24, 6), [4, 3, 2], "float32");
        const p = { ...raw, shape: [2, 3, 4], strides: [raw.strides[2], raw.strides[1], raw.strides[0]] };
        const shapes = [a.shape, p.shape];
        const outShape = [...a.shape];
        outShape[axis] = shapes.reduce((n, s) => n + s[axis], 0);
        return Array.from(b.readSync(b.concat([a, p], axis, outShape)));
      });
      expect(outs[0]).toEqual(outs[1]);
    });
  }

  it("pad a transposed view", () => {
    const outs = [wasm, ref].map((b) => {
      const raw = upload(b, seeded(15, 8), [3, 5], "float32");
      const t = { ...raw, shape: [5, 3], strides: [1, 5] };
      return Array.from(
        b.readSync(
          b.pad(
            t,
            [
              [1, 2],
              [0, 3],
            ],
            -1,
          ),
        ),
      );
    });
    expect(outs[0]).toEqual(outs[1]);
  });
});
