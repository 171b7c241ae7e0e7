import { expect, it } from "vitest";
import { BackendError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import type { Tensor } from "../../src/core/tensor.js";
import { fromHost, randint, tensor, zeros } from "../../src/ops/creation.js";
import { argwhere, nonzero, nonzeroAsync } from "../../src/ops/nonzero.js";
import { describeEachBackend } from "../helpers/backends.js";

/** nonzero where the backend reads synchronously, nonzeroAsync where it does not (webgpu). */
async function rowsOf(x: Tensor): Promise<Tensor> {
  return getBackend().asyncReads ? nonzeroAsync(x) : nonzero(x);
}
async function tupleOf(x: Tensor): Promise<Tensor[]> {
  return getBackend().asyncReads ? nonzeroAsync(x, { asTuple: true }) : nonzero(x, { asTuple: true });
}

/** The indices of the non-zero entries of nested arrays, found by walking them (an independent check). */
function walk(values: unknown, prefix: number[] = []): number[][] {
  if (!Array.isArray(values)) return values !== 0 && values !== false ? [prefix] : [];
  return values.flatMap((v, i) => walk(v, [...prefix, i]));
}

describeEachBackend("nonzero, as torch.nonzero", () => {
  it("gives the indices PyTorch gives, NaN counting as non-zero", async () => {
    // torch.nonzero(x).tolist() for this x (torch 1.13): [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
    const x = tensor([
      [
        [0, 1.5],
        [Number.NaN, 0],
      ],
      [
        [-2, 0],
        [0, 0],
      ],
    ]);
    const rows = await rowsOf(x);
    expect(rows.dtype).toBe("int32");
    expect(rows.shape).toEqual([3, 3]);
    expect(await rows.array()).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const axes = await tupleOf(x);
    expect(await Promise.all(axes.map((t) => t.array()))).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it("matches a walk over the values for random int, float and bool tensors", async () => {
    for (const shape of [[7], [3, 5], [2, 3, 4], [2, 1, 3, 2]]) {
      const ints = randint(-1, 2, shape); // about a third zeros
      const expected = walk(await ints.array());
      for (const x of [ints, ints.float(), ints.ne(0)]) {
        const rows = await rowsOf(x);
        expect(rows.shape).toEqual([expected.length, shape.length]);
        expect(await rows.array()).toEqual(expected);
        // the tuple form indexes the same elements: column a of the rows
        const axes = await tupleOf(x);
        expect(axes).toHaveLength(shape.length);
        for (const [a, t] of axes.entries()) expect(await t.array()).toEqual(expected.map((r) => r[a]));
      }
    }
  });

  it("handles no non-zero element, empty and 0-d inputs as PyTorch does", async () => {
    expect((await rowsOf(zeros([2, 3]))).shape).toEqual([0, 2]);
    expect((await rowsOf(zeros([3, 0, 2]))).shape).toEqual([0, 3]);
    // a 0-d input: [1, 0] or [0, 0]; as a tuple it is treated as 1-d ([[0]] or [[]])
    expect((await rowsOf(tensor(5))).shape).toEqual([1, 0]);
    expect((await rowsOf(tensor(0))).shape).toEqual([0, 0]);
    expect(await Promise.all((await tupleOf(tensor(5))).map((t) => t.array()))).toEqual([[0]]);
    expect(await Promise.all((await tupleOf(tensor(0))).map((t) => t.array()))).toEqual([[]]);
  });

  it("reads strided views in their logical order", async () => {
    const x = fromHost([0, 1, 2, 0, 0, 3], [2, 3], "float32").transpose(0, 1); // [[0, 0], [1, 0], [2, 3]]
    expect(await (await rowsOf(x)).array()).toEqual([
      [1, 0],
      [2, 0],
      [2, 1],
    ]);
  });

  it("is synchronous on ref and wasm, and says to await nonzeroAsync on webgpu", async () => {
    const x = tensor([
      [true, false],
      [false, true],
    ]);
    if (getBackend().asyncReads) {
      expect(() => nonzero(x)).toThrow(BackendError);
      expect(() => nonzero(x)).toThrow(/output's shape depends on the values .*await nonzeroAsync\(x\)/);
      expect(() => argwhere(x)).toThrow(BackendError);
    } else {
      expect(await argwhere(x).array()).toEqual([
        [0, 0],
        [1, 1],
      ]);
      expect(await x.nonzero().array()).toEqual([
        [0, 0],
        [1, 1],
      ]);
      expect(x.nonzero({ asTuple: true })).toHaveLength(2);
    }
  });
});
