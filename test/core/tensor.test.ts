import { describe, expect, it } from "vitest";
import { getBackend } from "../../src/backends/registry.js";
import { ValueError } from "../../src/base/errors.js";
import { Tensor } from "../../src/core/tensor.js";
import { arange, fromHost, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend } from "../helpers/backends.js";

/** 0..23 as (2, 3, 4) float32. */
const cube = () => arange(24, undefined, 1, { dtype: "float32" }).reshape(2, 3, 4);

describeEachBackend("Tensor", () => {
  it("describes itself: shape, rank, size, strides, dtype, backend", () => {
    const t = cube();
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.rank).toBe(3);
    expect(t.ndim).toBe(3);
    expect(t.size).toBe(24);
    expect(t.strides).toEqual([12, 4, 1]);
    expect(t.offset).toBe(0);
    expect(t.isContiguous).toBe(true);
    expect(t.dtype).toBe("float32");
    expect(t.backend).toBe(getBackend());
    const s = tensor(1);
    expect([s.rank, s.size, s.strides.length]).toEqual([0, 1, 0]);
    expect(zeros([3, 0]).size).toBe(0);
  });

  describe("reading non-contiguous views", () => {
    const views: [string, () => Tensor, number[], number[]][] = [
      [
        "transpose",
        () => cube().transpose(0, 2),
        [4, 3, 2],
        [0, 12, 4, 16, 8, 20, 1, 13, 5, 17, 9, 21, 2, 14, 6, 18, 10, 22, 3, 15, 7, 19, 11, 23],
      ],
      [
        "slice with offset and step",
        () => cube().slice(2, 1, 4, 2).select(0, 1),
        [3, 2],
        [13, 15, 17, 19, 21, 23],
      ],
      ["select of the last axis", () => cube().select(2, 3), [2, 3], [3, 7, 11, 15, 19, 23]],
      ["expand (stride 0)", () => tensor([[1], [2]]).expand(2, 3), [2, 3], [1, 1, 1, 2, 2, 2]],
      [
        "permute then slice",
        () => cube().permute(1, 2, 0).slice(0, -1),
        [1, 4, 2],
        [8, 20, 9, 21, 10, 22, 11, 23],
      ],
      ["contiguous view with an offset", () => cube().select(0, 1).select(0, 2), [4], [20, 21, 22, 23]],
    ];
    it.each(views)("%s: dataSync, data, toArray", async (_name, make, shape, want) => {
      const v = make();
      expect(v.shape).toEqual(shape);
      const before = getBackend().memory().storages;
      const sync = v.dataSync();
      expect(sync).toBeInstanceOf(Float32Array);
      expect(Array.from(sync)).toEqual(want);
      expect(sync.length).toBe(want.length);
      const a = await v.data();
      expect(Array.from(a)).toEqual(want);
      // reading allocates nothing that outlives the call
      expect(getBackend().memory().storages).toBe(before);
      const nested = v.toArray() as unknown[];
      expect(nested.length).toBe(shape[0]);
      expect((nested as number[][]).flat(3)).toEqual(want);
    });

    it("item() of a one-element view", () => {
      const c = cube();
      expect(c.select(0, 1).select(0, 2).select(0, 3).item()).toBe(23);
      const one = c.T.slice(0, 1, 2).slice(1, 3, 4).slice(2, 1, 2); // T[1][3][1] = cube[1][1][3]
      expect(one.shape).toEqual([1, 1, 1]);
      expect(one.isContiguous).toBe(true);
      expect(one.item()).toBe(19);
      expect(
        tensor([[7]])
          .expand(1, 1)
          .item(),
      ).toBe(7);
      expect(() => c.item()).toThrow(ValueError);
      expect(() => c.item()).toThrow(/only one-element tensors have an item, got shape \(2, 3, 4\)/);
      expect(() => zeros([0]).item()).toThrow(ValueError);
    });
  });

  it("the arrays returned are copies", () => {
    const t = tensor([1, 2, 3]);
    const d = t.dataSync();
    d[0] = 100;
    expect(t.toArray()).toEqual([1, 2, 3]);
    const v = t.slice(0, 1);
    const dv = v.dataSync();
    dv[0] = 100;
    expect(t.toArray()).toEqual([1, 2, 3]);
  });

  it("typed arrays match the dtype; toArray gives booleans for bool", () => {
    expect(tensor([1], { dtype: "float64" }).dataSync()).toBeInstanceOf(Float64Array);
    expect(tensor([1], { dtype: "int32" }).dataSync()).toBeInstanceOf(Int32Array);
    expect(tensor([true]).dataSync()).toBeInstanceOf(Uint8Array);
    const b = fromHost([1, 0, 0, 1, 1, 0], [2, 3], "bool").T;
    expect(b.toArray()).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
    expect(tensor(true).toArray()).toBe(true);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(zeros([0, 2]).toArray()).toEqual([]);
  });

  it("views record what they came from", () => {
    const x = tensor([[1, 2]], { requiresGrad: true });
    expect(x.T.gradFn!.op).toBe("permute");
    expect(x.reshape(2).gradFn!.op).toBe("reshape");
    expect(x.slice(1, 1).gradFn!.op).toBe("slice");
    expect(x.expand(3, 2).gradFn!.op).toBe("expand");
  });
});
