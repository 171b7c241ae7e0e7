import { describe, expect, it } from "vitest";
import type { RefStorage } from "../../../src/backends/ref/storage.js";
import { matmul } from "../../../src/backends/host/matmul.js";
import { expectCloseSync } from "../../helpers/close.js";
import { naiveMatmul, naivePermute, seededValues } from "../../helpers/naive.js";
import { mem, values, view } from "./helpers.js";

const rnd = (n: number, seed: number) => seededValues(n, seed).map(Math.fround);

describe("ref matmul kernel", () => {
  it("every row count around the 4-row blocking, with zero rows in A", () => {
    for (let m = 1; m <= 9; m++) {
      const k = 5;
      const n = 3;
      const av = rnd(m * k, m).map((v, i) => (Math.floor(i / k) % 3 === 1 ? 0 : v));
      const bv = rnd(k * n, 100 + m);
      const c = matmul(mem, view(av, "float32", [m, k]), view(bv, "float32", [k, n]), [m, n]);
      expect(c.dtype).toBe("float32");
      expectCloseSync(values(c), naiveMatmul(av, bv, m, k, n), { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it("a transposed B (copied once per batch) and n = 1", () => {
    for (const [m, k, n] of [
      [4, 3, 5],
      [5, 4, 1],
      [2, 6, 7],
    ]) {
      const av = rnd(m * k, 1);
      const bv = rnd(k * n, 2);
      const bt = view(naivePermute(bv, [k, n], [1, 0]), "float32", [k, n], [1, k]);
      const c = matmul(mem, view(av, "float32", [m, k]), bt, [m, n]);
      expectCloseSync(values(c), naiveMatmul(av, bv, m, k, n), { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it("a transposed A and offsets", () => {
    const [m, k, n] = [6, 3, 2];
    const av = rnd(m * k, 3);
    const bv = rnd(k * n, 4);
    const at = view([0, 0, ...naivePermute(av, [m, k], [1, 0])], "float32", [m, k], [1, m], 2);
    const b = view([9, ...bv], "float32", [k, n], [n, 1], 1);
    expectCloseSync(values(matmul(mem, at, b, [m, n])), naiveMatmul(av, bv, m, k, n), {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });

  it("batches, including a broadcast (stride 0) batch axis", () => {
    const [B, m, k, n] = [3, 2, 4, 5];
    const av = rnd(B * m * k, 5);
    const bv = rnd(k * n, 6);
    const a = view(av, "float64", [B, m, k]);
    const b = view(bv, "float64", [B, k, n], [0, n, 1]);
    const c = matmul(mem, a, b, [B, m, n]);
    expect(c.dtype).toBe("float64");
    const want = [0, 1, 2].flatMap((t) => naiveMatmul(av.slice(t * m * k, (t + 1) * m * k), bv, m, k, n));
    expectCloseSync(values(c), want, { rtol: 1e-13 });
  });

  it("int32 is exact", () => {
    const c = matmul(mem, view([1, 2, 3, 4], "int32", [2, 2]), view([5, 6, 7, 8], "int32", [2, 2]), [2, 2]);
    expect((c as RefStorage).data).toBeInstanceOf(Int32Array);
    expect(values(c)).toEqual([19, 22, 43, 50]);
  });
});
