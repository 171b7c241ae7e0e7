import { describe, expect, it } from "vitest";
import { getBackend } from "../../src/backends/registry.js";
import { DTypeError, ShapeError, ValueError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";
import { arange, fromHost, tensor, zeros } from "../../src/ops/creation.js";
import * as M from "../../src/ops/movement.js";
import { oneHot } from "../../src/ops/one_hot.js";
import { describeEachBackend, itNeeds, syncReads } from "../helpers/backends.js";
import { expectIndexError } from "../helpers/index_errors.js";
import { naivePermute, ravel, unravel } from "../helpers/naive.js";

/** 0..n-1 as float32 in `shape`. */
function iota(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromHost(
    Array.from({ length: n }, (_, i) => i),
    shape,
    "float32",
  );
}

const flat = async (t: Tensor) => Array.from(await t.data());

/** A view shares its base's storage and allocates nothing. */
function expectView(make: () => Tensor, base: Tensor): Tensor {
  const before = getBackend().memory().storages;
  const v = make();
  expect(getBackend().memory().storages).toBe(before);
  expect(v.storage).toBe(base.storage);
  return v;
}

describeEachBackend("views and movement", () => {
  describe("reshape / view", () => {
    it("is a view of a contiguous tensor, with -1 inferred", async () => {
      const x = iota([2, 3, 4]);
      const r = expectView(() => x.reshape(4, -1), x);
      expect(r.shape).toEqual([4, 6]);
      expect(await flat(r)).toEqual(await flat(x));
      expect(x.view([-1]).shape).toEqual([24]);
      expect(x.reshape([2, -1, 2]).shape).toEqual([2, 6, 2]);
      expect(await x.reshape(24).array()).toEqual(Array.from({ length: 24 }, (_, i) => i));
      expect(tensor([5]).reshape([]).shape).toEqual([]);
      expect(zeros([0, 3]).reshape(-1, 3).shape).toEqual([0, 3]);
    });
    it("copies a non-contiguous tensor, in row-major order of the view", async () => {
      const x = iota([2, 3]);
      const t = x.T;
      const r = t.reshape(6);
      expect(r.storage).not.toBe(x.storage);
      expect(await flat(r)).toEqual([0, 3, 1, 4, 2, 5]);
    });
    it("errors name the shapes", () => {
      const x = iota([2, 3]);
      expect(() => x.reshape(4, 2)).toThrow(ShapeError);
      expect(() => x.reshape(4, 2)).toThrow(/reshape: cannot reshape \(2, 3\) \(6 elements\) into \(4, 2\)/);
      expect(() => x.reshape(-1, -1)).toThrow(/only one dimension can be -1/);
      expect(() => x.reshape(4, -1)).toThrow(ShapeError);
      expect(() => x.view(-2, -3)).toThrow(ShapeError);
    });
  });

  describe("permute / transpose / T", () => {
    it("permute reorders axes as a view", async () => {
      const x = iota([2, 3, 4]);
      const p = expectView(() => x.permute(2, 0, 1), x);
      expect(p.shape).toEqual([4, 2, 3]);
      expect(p.strides).toEqual([1, 12, 4]);
      expect(await flat(p)).toEqual(naivePermute(await flat(x), [2, 3, 4], [2, 0, 1]));
      expect(await flat(x.permute([-1, 1, 0]))).toEqual(naivePermute(await flat(x), [2, 3, 4], [2, 1, 0]));
      expect(() => x.permute(0, 1)).toThrow(/permute: got 2 axes/);
      expect(() => x.permute(0, 0, 1)).toThrow(/not a permutation/);
      expect(() => x.permute(0, 1, 3)).toThrow(ShapeError);
    });
    it("transpose swaps two axes; T is the last two", async () => {
      const x = iota([2, 3, 4]);
      const t = expectView(() => x.transpose(0, 2), x);
      expect(t.shape).toEqual([4, 3, 2]);
      expect(await flat(t)).toEqual(naivePermute(await flat(x), [2, 3, 4], [2, 1, 0]));
      expect(x.T.shape).toEqual([2, 4, 3]);
      expect(await flat(x.T)).toEqual(naivePermute(await flat(x), [2, 3, 4], [0, 2, 1]));
      expect(x.transpose().shape).toEqual([2, 4, 3]);
      const m = tensor([
        [1, 2],
        [3, 4],
      ]);
      expect(await m.T.array()).toEqual([
        [1, 3],
        [2, 4],
      ]);
      expect(m.T.T.isContiguous).toBe(true);
      const v = tensor([1, 2, 3]);
      expect(await v.T.array()).toEqual([1, 2, 3]);
    });
  });

  describe("expand", () => {
    it("broadcasts size-1 and new leading axes without copying", async () => {
      const x = tensor([[1], [2], [3]]);
      const e = expectView(() => x.expand(2, 3, 4), x);
      expect(e.shape).toEqual([2, 3, 4]);
      expect(e.strides).toEqual([0, 1, 0]);
      expect(await e.array()).toEqual([
        [
          [1, 1, 1, 1],
          [2, 2, 2, 2],
          [3, 3, 3, 3],
        ],
        [
          [1, 1, 1, 1],
          [2, 2, 2, 2],
          [3, 3, 3, 3],
        ],
      ]);
      expect(await x.expand(-1, 2).array()).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      expect(await tensor(7).expand([2]).array()).toEqual([7, 7]);
      expect(x.expandAs(zeros([3, 5])).shape).toEqual([3, 5]);
    });
    it("cannot change a size other than 1 or drop axes", () => {
      const x = zeros([3, 1]);
      expect(() => x.expand(4, 2)).toThrow(/expand: cannot expand \(3, 1\) to \(4, 2\)/);
      expect(() => x.expand(3)).toThrow(/fewer dimensions/);
    });
  });

  describe("squeeze / unsqueeze / flatten", () => {
    it("squeeze drops size-1 axes (all, or the listed ones)", async () => {
      const x = iota([1, 3, 1, 2]);
      const s = expectView(() => x.squeeze(), x);
      expect(s.shape).toEqual([3, 2]);
      expect(await flat(s)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(x.squeeze(0).shape).toEqual([3, 1, 2]);
      expect(x.squeeze([0, -2]).shape).toEqual([3, 2]);
      expect(() => x.squeeze(1)).toThrow(/squeeze: axis 1 has size 3, not 1/);
      expect(tensor([[5]]).squeeze().shape).toEqual([]);
    });
    it("unsqueeze inserts a size-1 axis (negative counts from the end of the result)", async () => {
      const x = iota([2, 3]);
      const u = expectView(() => x.unsqueeze(1), x);
      expect(u.shape).toEqual([2, 1, 3]);
      expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
      expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
      expect(x.unsqueeze(-3).shape).toEqual([1, 2, 3]);
      expect(await flat(x.unsqueeze(2))).toEqual(await flat(x));
      expect(() => x.unsqueeze(3)).toThrow(ShapeError);
      expect(() => x.unsqueeze(-4)).toThrow(ShapeError);
    });
    it("flatten merges a range of axes", async () => {
      const x = iota([2, 3, 4, 5]);
      expect(expectView(() => x.flatten(), x).shape).toEqual([120]);
      expect(x.flatten(1).shape).toEqual([2, 60]);
      expect(x.flatten(1, 2).shape).toEqual([2, 12, 5]);
      expect(x.flatten(-2).shape).toEqual([2, 3, 20]);
      expect(tensor(3).flatten().shape).toEqual([1]);
      expect(() => x.flatten(2, 1)).toThrow(/comes after/);
      expect(await flat(x.permute(1, 0, 2, 3).flatten(0, 1))).toEqual(
        naivePermute(await flat(x), [2, 3, 4, 5], [1, 0, 2, 3]),
      );
    });
  });

  describe("slice / select / narrow", () => {
    const x = () => iota([4, 6]);
    it("python-style slices: negative indices, steps, clamping", async () => {
      const base = x();
      const s = expectView(() => base.slice(1, 1, 4), base);
      expect(await s.array()).toEqual([
        [1, 2, 3],
        [7, 8, 9],
        [13, 14, 15],
        [19, 20, 21],
      ]);
      expect(await x().slice(1, -2).array()).toEqual([
        [4, 5],
        [10, 11],
        [16, 17],
        [22, 23],
      ]);
      expect(x().slice(0, undefined, -1).shape).toEqual([3, 6]);
      expect(await flat(x().slice(0, 0, 4, 2))).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
      expect(((await x().slice(1, 1, undefined, 2).array()) as number[][])[0]).toEqual([1, 3, 5]);
      expect(((await x().slice(1, 0, 6, 4).array()) as number[][])[1]).toEqual([6, 10]);
      expect(x().slice(0, -100, 100).shape).toEqual([4, 6]);
      expect(x().slice(0, 10, 20).shape).toEqual([0, 6]);
      expect(x().slice(1, 4, 2).shape).toEqual([4, 0]);
      expect(await x().slice(-1, -3, -1).array()).toEqual([
        [3, 4],
        [9, 10],
        [15, 16],
        [21, 22],
      ]);
      expect(() => x().slice(0, 0, 2, 0)).toThrow(ValueError);
      expect(() => x().slice(0, 0, 2, -1)).toThrow(/step must be a positive integer/);
      expect(() => x().slice(2, 0, 1)).toThrow(ShapeError);
    });
    it("slices compose (offsets and strides accumulate)", async () => {
      const s = x().slice(0, 1, 4).slice(1, 1, 6, 2).slice(0, 1);
      expect(await s.array()).toEqual([
        [13, 15, 17],
        [19, 21, 23],
      ]);
      expect(await s.T.array()).toEqual([
        [13, 19],
        [15, 21],
        [17, 23],
      ]);
    });
    it("select removes the axis; negative indices count from the end", async () => {
      const base = x();
      const r = expectView(() => base.select(0, 2), base);
      expect(r.shape).toEqual([6]);
      expect(await r.array()).toEqual([12, 13, 14, 15, 16, 17]);
      expect(await x().select(1, -1).array()).toEqual([5, 11, 17, 23]);
      expect(x().select(0, 1).select(0, 2).shape).toEqual([]);
      expect(await x().select(0, 1).select(0, 2).itemAsync()).toBe(8);
      expect(() => x().select(0, 4)).toThrow(/select: index 4 is out of range for axis 0 of size 4/);
      expect(() => x().select(1, -7)).toThrow(ShapeError);
    });
    it("narrow takes length elements from start (negative start counts from the end)", async () => {
      const base = x();
      const n = expectView(() => base.narrow(1, 2, 3), base);
      expect(((await n.array()) as number[][])[0]).toEqual([2, 3, 4]);
      expect(await x().narrow(0, -2, 2).array()).toEqual([
        [12, 13, 14, 15, 16, 17],
        [18, 19, 20, 21, 22, 23],
      ]);
      expect(x().narrow(0, 1, 0).shape).toEqual([0, 6]);
      expect(() => x().narrow(1, 4, 3)).toThrow(ShapeError);
      expect(() => x().narrow(0, -5, 1)).toThrow(ShapeError);
    });
  });

  describe("contiguous / clone", () => {
    it("contiguous returns the tensor itself when it already is, else a copy", async () => {
      const x = iota([2, 3]);
      expect(x.contiguous()).toBe(x);
      const t = x.T;
      const c = t.contiguous();
      expect(c).not.toBe(t);
      expect(c.isContiguous).toBe(true);
      expect(c.strides).toEqual([2, 1]);
      expect(c.storage).not.toBe(x.storage);
      expect(await flat(c)).toEqual([0, 3, 1, 4, 2, 5]);
      const cl = x.clone();
      expect(cl.storage).not.toBe(x.storage);
      expect(await cl.array()).toEqual(await x.array());
    });
  });

  describe("concat / stack / split / chunk", () => {
    itNeeds("float64")("concat joins along an axis, promoting dtypes", async () => {
      const a = iota([2, 3]);
      const b = fromHost([10, 11], [2, 1], "float32");
      expect(await M.concat([a, b], 1).array()).toEqual([
        [0, 1, 2, 10],
        [3, 4, 5, 11],
      ]);
      expect(M.concat([a, a.slice(0, 1)], 0).shape).toEqual([3, 3]);
      expect(M.concat([a, b], -1).shape).toEqual([2, 4]);
      expect(await M.concat([a.T, a.T], 0).array()).toEqual([
        [0, 3],
        [1, 4],
        [2, 5],
        [0, 3],
        [1, 4],
        [2, 5],
      ]);
      const mixed = M.concat([tensor([1], { dtype: "int32" }), tensor([0.5, 2], { dtype: "float64" })]);
      expect(mixed.dtype).toBe("float64");
      expect(await mixed.array()).toEqual([1, 0.5, 2]);
      expect(await M.concat([a]).array()).toEqual(await a.array());
    });
    it("concat errors", () => {
      expect(() => M.concat([])).toThrow(ValueError);
      expect(() => M.concat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow(
        /concat: shapes \(2, 3\), \(3, 3\) differ outside axis 1/,
      );
      expect(() => M.concat([zeros([2, 3]), zeros([2, 3, 1])])).toThrow(ShapeError);
      expect(() => M.concat([zeros([2])], 1)).toThrow(ShapeError);
    });
    it("stack joins along a new axis", async () => {
      const a = tensor([1, 2, 3]);
      const b = tensor([4, 5, 6]);
      expect(await M.stack([a, b]).array()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(await M.stack([a, b], 1).array()).toEqual([
        [1, 4],
        [2, 5],
        [3, 6],
      ]);
      expect(M.stack([a, b], -1).shape).toEqual([3, 2]);
      expect(await M.stack([tensor(1), tensor(2)]).array()).toEqual([1, 2]);
      expect(() => M.stack([a, tensor([1, 2])])).toThrow(/stack: all tensors must have the same shape/);
      expect(() => M.stack([])).toThrow(ValueError);
    });
    it("split by size and by sections gives views", async () => {
      const x = iota([5, 2]);
      const parts = x.split(2);
      expect(parts.map((p) => p.shape)).toEqual([
        [2, 2],
        [2, 2],
        [1, 2],
      ]);
      for (const p of parts) expect(p.storage).toBe(x.storage);
      expect(await parts[2].array()).toEqual([[8, 9]]);
      const s = x.split([1, 4]);
      expect(await s[1].array()).toEqual([
        [2, 3],
        [4, 5],
        [6, 7],
        [8, 9],
      ]);
      const cols = x.split(1, 1);
      expect(cols.length).toBe(2);
      expect(await cols[1].array()).toEqual([[1], [3], [5], [7], [9]]);
      expect(() => x.split([2, 2])).toThrow(/split: sections \[2, 2\] sum to 4, but axis 0 has size 5/);
      expect(() => x.split(0)).toThrow(ValueError);
    });
    it("chunk splits into nearly equal pieces", async () => {
      const x = iota([6]);
      expect(await Promise.all(x.chunk(3).map((c) => c.array()))).toEqual([
        [0, 1],
        [2, 3],
        [4, 5],
      ]);
      expect(x.chunk(4).map((c) => c.shape[0])).toEqual([2, 2, 2]);
      expect(
        iota([7])
          .chunk(3)
          .map((c) => c.shape[0]),
      ).toEqual([3, 3, 1]);
      expect(
        iota([2, 5])
          .chunk(2, 1)
          .map((c) => c.shape),
      ).toEqual([
        [2, 3],
        [2, 2],
      ]);
    });
  });

  describe("pad", () => {
    it("pads each axis with [before, after] values", async () => {
      const x = tensor([
        [1, 2],
        [3, 4],
      ]);
      expect(
        await x
          .pad([
            [1, 0],
            [0, 2],
          ])
          .array(),
      ).toEqual([
        [0, 0, 0, 0],
        [1, 2, 0, 0],
        [3, 4, 0, 0],
      ]);
      expect(
        await x
          .pad(
            [
              [0, 1],
              [1, 1],
            ],
            -1,
          )
          .array(),
      ).toEqual([
        [-1, 1, 2, -1],
        [-1, 3, 4, -1],
        [-1, -1, -1, -1],
      ]);
      expect(
        await x.T.pad([
          [0, 0],
          [1, 0],
        ]).array(),
      ).toEqual([
        [0, 1, 3],
        [0, 2, 4],
      ]);
      expect(
        await tensor([1, 2], { dtype: "int32" })
          .pad([[1, 1]], 7)
          .array(),
      ).toEqual([7, 1, 2, 7]);
      expect(tensor([1, 2], { dtype: "int32" }).pad([[1, 1]], 7).dtype).toBe("int32");
    });
    it("errors", () => {
      expect(() => zeros([2, 2]).pad([[1, 1]])).toThrow(
        /pad: got 1 \[before, after\] pairs for a tensor of rank 2/,
      );
      expect(() => zeros([2]).pad([[-1, 0]])).toThrow(ValueError);
    });
  });

  describe("gather / indexSelect / scatterAdd / oneHot", () => {
    const idx = (v: number[], shape: number[]) => fromHost(v, shape, "int32");
    it("gather along each axis matches the definition", async () => {
      const x = iota([3, 4]);
      const xv = await flat(x);
      for (const axis of [0, 1]) {
        const ishape = axis === 0 ? [2, 4] : [3, 2];
        const iv = axis === 0 ? [2, 0, 1, 1, 0, 2, 2, 0] : [3, 0, 1, 1, 0, 2];
        const g = x.gather(axis, idx(iv, ishape));
        expect(g.shape).toEqual(ishape);
        const want = iv.map((v, f) => {
          const pos = unravel(f, ishape);
          pos[axis] = v;
          return xv[ravel(pos, [3, 4])];
        });
        expect(await flat(g)).toEqual(want);
      }
      // negative axis, non-contiguous source and index
      const g = x.T.gather(-1, idx([0, 2, 1, 1, 2, 0, 0, 0], [2, 4]).T);
      expect(await g.array()).toEqual([
        [0, 8],
        [9, 1],
        [6, 2],
        [7, 3],
      ]);
    });
    it("gather errors: out-of-range index, non-int index, shape", async () => {
      const x = iota([3, 4]);
      // at the call, or on webgpu at the next read (the kernel checks on the device)
      await expectIndexError(
        () => x.gather(1, idx([4], [1, 1])),
        /gather: index 4 is out of range for axis 1 of size 4/,
      );
      await expectIndexError(() => x.gather(0, idx([-1], [1, 1])), /out of range/);
      expect(() => x.gather(0, tensor([[0]]))).toThrow(DTypeError);
      expect(() => x.gather(0, idx([0], [1]))).toThrow(ShapeError);
      expect(() => x.gather(0, idx([0, 0, 0, 0, 0], [1, 5]))).toThrow(ShapeError);
    });
    it("indexSelect picks rows/columns by a list", async () => {
      const x = iota([3, 4]);
      expect(await x.indexSelect(0, [2, 0, 2]).array()).toEqual([
        [8, 9, 10, 11],
        [0, 1, 2, 3],
        [8, 9, 10, 11],
      ]);
      expect(await x.indexSelect(1, idx([3, 1], [2])).array()).toEqual([
        [3, 1],
        [7, 5],
        [11, 9],
      ]);
      expect(x.indexSelect(-1, []).shape).toEqual([3, 0]);
      await expectIndexError(() => x.indexSelect(0, [3]), /index 3 is out of range for axis 0 of size 3/);
      await expectIndexError(
        () => x.indexSelect(1, idx([0, 4], [2])),
        /index 4 is out of range for axis 1 of size 4/,
      );
      expect(() => x.indexSelect(0, idx([0, 1], [1, 2]))).toThrow(/must be 1-D/);
    });
    it("scatterAdd accumulates duplicates; out-of-range indices throw", async () => {
      const src = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const index = idx([0, 2, 0, 1, 1, 1], [2, 3]);
      const y = M.scatterAdd([2, 4], 1, index, src);
      expect(await y.array()).toEqual([
        [4, 0, 2, 0],
        [0, 15, 0, 0],
      ]);
      const z = M.scatterAdd([3, 3], 0, idx([2, 0, 2, 2, 0, 1], [2, 3]), src);
      expect(await z.array()).toEqual([
        [0, 7, 0],
        [0, 0, 6],
        [5, 0, 3],
      ]);
      await expectIndexError(
        () => M.scatterAdd([2, 2], 1, index, src),
        /scatterAdd: index 2 is out of range for axis 1 of size 2/,
      );
      expect(() => M.scatterAdd([2, 4], 1, idx([0, 0], [2, 1]), src)).toThrow(ShapeError);
      expect(() => M.scatterAdd([2, 4], 1, tensor([[0, 0, 0]]), src)).toThrow(DTypeError);
    });
    it("oneHot encodes class indices; out-of-range classes throw", async () => {
      const oh = oneHot(idx([0, 2, 1], [3]), 3);
      expect(oh.dtype).toBe("float32");
      expect(await oh.array()).toEqual([
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ]);
      const oh2 = idx([1, 0, 3, 3], [2, 2]).oneHot(4, "int32");
      expect(oh2.shape).toEqual([2, 2, 4]);
      expect(oh2.dtype).toBe("int32");
      expect(await flat(oh2)).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
      expect(idx([], [0]).oneHot(3).shape).toEqual([0, 3]);
      // ref and wasm read the whole range at the call; webgpu reports the first bad index at the read
      await expectIndexError(
        () => idx([0, 3], [2]).oneHot(3),
        syncReads()
          ? /oneHot: class indices must be in \[0, 3\), got values from 0 to 3/
          : /oneHot: class index 3 is out of range for 3 classes/,
      );
      await expectIndexError(
        () => idx([-1, 1], [2]).oneHot(3),
        syncReads() ? /from -1 to 1/ : /class index -1 is out of range/,
      );
      expect(() => tensor([0, 1]).oneHot(2)).toThrow(DTypeError);
    });
  });

  it("views keep their values after the base tensor is disposed", async () => {
    const x = arange(6, undefined, 1, { dtype: "float32" }).reshape(2, 3);
    const v = x.T.slice(0, 1);
    x.dispose();
    expect(await v.array()).toEqual([
      [1, 4],
      [2, 5],
    ]);
  });
});
