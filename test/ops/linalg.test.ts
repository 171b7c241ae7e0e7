import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError } from "../../src/base/errors.js";
import { fromHost, tensor, zeros } from "../../src/ops/creation.js";
import { matmul } from "../../src/ops/linalg.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { naiveMatmul, naivePermute, seededValues } from "../helpers/naive.js";

const SIZES = [1, 3, 5, 17, 33];

/** float32-representable inputs, so the float64 oracle sees exactly what the kernel sees. */
function values(n: number, seed: number): number[] {
  return seededValues(n, seed).map(Math.fround);
}

describeEachBackend("matmul", () => {
  describe("2-D against a naive triple loop", () => {
    const combos = SIZES.flatMap((m) => SIZES.flatMap((k) => SIZES.map((n) => [m, k, n] as const)));
    it("all (m, k, n) in {1, 3, 5, 17, 33}³", async () => {
      for (const [m, k, n] of combos) {
        const av = values(m * k, m * 1000 + k);
        const bv = values(k * n, k * 1000 + n + 7);
        const c = matmul(fromHost(av, [m, k], "float32"), fromHost(bv, [k, n], "float32"));
        expect(c.shape).toEqual([m, n]);
        await expectClose(c, naiveMatmul(av, bv, m, k, n), { rtol: 1e-5, atol: 1e-5 });
      }
    });
    itNeeds("float64")("float64 to full precision; int32 exactly", async () => {
      const av = seededValues(5 * 17, 1);
      const bv = seededValues(17 * 3, 2);
      const c = fromHost(av, [5, 17], "float64").matmul(fromHost(bv, [17, 3], "float64"));
      expect(c.dtype).toBe("float64");
      await expectClose(c, naiveMatmul(av, bv, 5, 17, 3), { rtol: 1e-13, atol: 1e-14 });
      const ai = [1, -2, 3, 4, 5, -6];
      const bi = [7, 8, -9, 10, 11, 12];
      const ci = tensor(ai, { dtype: "int32", shape: [2, 3] }).matmul(
        tensor(bi, { dtype: "int32", shape: [3, 2] }),
      );
      expect(ci.dtype).toBe("int32");
      expect(Array.from(await ci.data())).toEqual(naiveMatmul(ai, bi, 2, 3, 2));
      // int32 with float32 promotes
      expect(
        await tensor([[1, 2]], { dtype: "int32" })
          .matmul(tensor([[0.5], [0.25]]))
          .array(),
      ).toEqual([[1]]);
    });
    it("zeros in A (skipped rows) do not change the result", async () => {
      const av = values(6 * 5, 3).map((v, i) => (i % 3 === 0 || i < 10 ? 0 : v));
      const bv = values(5 * 4, 4);
      const c = fromHost(av, [6, 5], "float32").matmul(fromHost(bv, [5, 4], "float32"));
      await expectClose(c, naiveMatmul(av, bv, 6, 5, 4), { rtol: 1e-5, atol: 1e-6 });
    });
    it("k = 0 gives zeros", async () => {
      expect(
        await zeros([2, 0])
          .matmul(zeros([0, 3]))
          .array(),
      ).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
    });
  });

  describe("transposed and sliced (non-contiguous) operands", () => {
    it.each([
      [5, 17, 3],
      [4, 4, 4],
      [33, 5, 17],
      [1, 3, 1],
    ])("(%i, %i, %i)", async (m, k, n) => {
      const av = values(m * k, 11);
      const bv = values(k * n, 12);
      const want = naiveMatmul(av, bv, m, k, n);
      // store A as Aᵀ and B as Bᵀ, then view them transposed
      const at = fromHost(naivePermute(av, [m, k], [1, 0]), [k, m], "float32").T;
      const bt = fromHost(naivePermute(bv, [k, n], [1, 0]), [n, k], "float32").T;
      const a = fromHost(av, [m, k], "float32");
      const b = fromHost(bv, [k, n], "float32");
      if (m > 1 && k > 1) expect(at.isContiguous).toBe(false);
      for (const [x, y] of [
        [at, b],
        [a, bt],
        [at, bt],
      ]) {
        await expectClose(x.matmul(y), want, { rtol: 1e-5, atol: 1e-5 });
      }
    });
    it("slices with offsets and steps", async () => {
      const big = values(8 * 10, 5);
      const x = fromHost(big, [8, 10], "float32");
      const a = x.slice(0, 1, 7, 2).slice(1, 2, 6); // rows 1,3,5; cols 2..5 -> (3, 4)
      const av = [1, 3, 5].flatMap((r) => [2, 3, 4, 5].map((c) => big[r * 10 + c]));
      const b = x.slice(0, 4, 8).slice(1, 1, 10, 3); // rows 4..7; cols 1,4,7 -> (4, 3)
      const bv = [4, 5, 6, 7].flatMap((r) => [1, 4, 7].map((c) => big[r * 10 + c]));
      const c = a.matmul(b);
      expect(c.shape).toEqual([3, 3]);
      await expectClose(c, naiveMatmul(av, bv, 3, 4, 3), { rtol: 1e-5, atol: 1e-6 });
    });
  });

  describe("1-D operands", () => {
    it("vector · vector is a 0-d dot product", async () => {
      const d = tensor([1, 2, 3]).matmul(tensor([4, 5, 6]));
      expect(d.shape).toEqual([]);
      expect(await d.itemAsync()).toBe(32);
    });
    it("vector × matrix and matrix × vector drop the vector axis", async () => {
      const m = tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      const vm = tensor([1, 0, -1]).matmul(m);
      expect(vm.shape).toEqual([2]);
      expect(await vm.array()).toEqual([-4, -4]);
      const mv = m.matmul(tensor([1, -1]));
      expect(mv.shape).toEqual([3]);
      expect(await mv.array()).toEqual([-1, -1, -1]);
    });
    it("batched matrix × vector", async () => {
      const a = fromHost(values(2 * 3 * 4, 8), [2, 3, 4], "float32");
      const v = fromHost([1, 2, 3, 4], [4], "float32");
      const r = a.matmul(v);
      expect(r.shape).toEqual([2, 3]);
      const av = Array.from(await a.data());
      await expectClose(r, naiveMatmul(av, [1, 2, 3, 4], 6, 4, 1), { rtol: 1e-5, atol: 1e-6 });
    });
  });

  describe("batched", () => {
    it("same batch shape", async () => {
      const [B, m, k, n] = [3, 5, 4, 2];
      const av = values(B * m * k, 21);
      const bv = values(B * k * n, 22);
      const c = fromHost(av, [B, m, k], "float32").matmul(fromHost(bv, [B, k, n], "float32"));
      expect(c.shape).toEqual([B, m, n]);
      const want = Array.from({ length: B }, (_, t) =>
        naiveMatmul(av.slice(t * m * k, (t + 1) * m * k), bv.slice(t * k * n, (t + 1) * k * n), m, k, n),
      ).flat();
      await expectClose(c, want, { rtol: 1e-5, atol: 1e-6 });
    });
    it("broadcast batch axes: (2,1,3,4) × (5,4,6) -> (2,5,3,6), and (B,m,k) × (k,n)", async () => {
      const av = values(2 * 3 * 4, 31);
      const bv = values(5 * 4 * 6, 32);
      const c = fromHost(av, [2, 1, 3, 4], "float32").matmul(fromHost(bv, [5, 4, 6], "float32"));
      expect(c.shape).toEqual([2, 5, 3, 6]);
      const want: number[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 5; j++) {
          want.push(...naiveMatmul(av.slice(i * 12, i * 12 + 12), bv.slice(j * 24, j * 24 + 24), 3, 4, 6));
        }
      }
      await expectClose(c, want, { rtol: 1e-5, atol: 1e-6 });
      const w = values(4 * 6, 33);
      const c2 = fromHost(av, [2, 3, 4], "float32").matmul(fromHost(w, [4, 6], "float32"));
      expect(c2.shape).toEqual([2, 3, 6]);
      await expectClose(c2, naiveMatmul(av, w, 6, 4, 6), { rtol: 1e-5, atol: 1e-6 });
      // (k, n) on the left of a batch
      const c3 = fromHost(w, [6, 4], "float32").matmul(fromHost(bv, [5, 4, 6], "float32"));
      expect(c3.shape).toEqual([5, 6, 6]);
    });
    it("batched with transposed operands", async () => {
      const av = values(2 * 4 * 3, 41); // stored as (2, 4, 3), used as (2, 3, 4)
      const bv = values(2 * 4 * 5, 42);
      const a = fromHost(av, [2, 4, 3], "float32").transpose(1, 2);
      const c = a.matmul(fromHost(bv, [2, 4, 5], "float32"));
      const want: number[] = [];
      for (let t = 0; t < 2; t++) {
        const at = naivePermute(av.slice(t * 12, t * 12 + 12), [4, 3], [1, 0]);
        want.push(...naiveMatmul(at, bv.slice(t * 20, t * 20 + 20), 3, 4, 5));
      }
      await expectClose(c, want, { rtol: 1e-5, atol: 1e-6 });
    });
  });

  describe("errors", () => {
    it("inner dimensions must agree; the message names both shapes", () => {
      expect(() => zeros([2, 3]).matmul(zeros([4, 5]))).toThrow(ShapeError);
      expect(() => zeros([2, 3]).matmul(zeros([4, 5]))).toThrow(
        "matmul: cannot multiply (2, 3) by (4, 5): inner dimensions 3 and 4 differ",
      );
      expect(() => zeros([3]).matmul(zeros([4]))).toThrow(/cannot multiply \(3,\) by \(4,\)/);
    });
    it("batch axes must broadcast", () => {
      expect(() => zeros([2, 3, 4]).matmul(zeros([3, 4, 5]))).toThrow(/matmul: shapes \(2,\) and \(3,\)/);
    });
    it("bool and 0-d operands are rejected", () => {
      expect(() => tensor([[true]]).matmul(tensor([[1]]))).toThrow(DTypeError);
      expect(() => tensor([[1]]).matmul(tensor([[false]]))).toThrow(/bool tensors cannot be multiplied/);
      expect(() => tensor(2).matmul(tensor([1]))).toThrow(/at least 1 dimension/);
    });
  });
});
