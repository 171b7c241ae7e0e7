import { describe, expect, it } from "vitest";
import { ArgumentError, DTypeError, ShapeError } from "../../src/base/errors.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import type { Tensor } from "../../src/core/tensor.js";
import { attentionWithWeights, causalMask, scaledDotProductAttention } from "../../src/ops/attention.js";
import { fromHost, randn, tensor } from "../../src/ops/creation.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { seededValues } from "../helpers/naive.js";

/** Attention over one (L, E) × (S, E) × (S, Ev) slice, on the host, with an additive mask. */
function naive(q: number[][], k: number[][], v: number[][], add: number[][], scale: number): number[][] {
  return q.map((qi, i) => {
    const s = k.map((kj, j) => qi.reduce((a, x, e) => a + x * kj[e], 0) * scale + add[i][j]);
    const m = Math.max(...s);
    if (m === Number.NEGATIVE_INFINITY) return v[0].map(() => 0);
    const e = s.map((x) => Math.exp(x - m));
    const z = e.reduce((a, b) => a + b, 0);
    return v[0].map((_, c) => e.reduce((a, w, j) => a + (w / z) * v[j][c], 0));
  });
}

const rows = async (t: Tensor) => (await t.array()) as number[][];
const leaf = (shape: number[], seed: number, dtype: "float32" | "float64" = "float64") =>
  fromHost(
    seededValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
      -1.5,
      1.5,
    ),
    shape,
    dtype,
    true,
  );

describeEachBackend("scaledDotProductAttention", () => {
  itNeeds("float64")("matches the formula, with bool (may attend), float and causal masks", async () => {
    const q = leaf([4, 3], 1),
      k = leaf([5, 3], 2),
      v = leaf([5, 2], 3);
    const boolMask = fromHost([1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1], [4, 5], "bool");
    const floatMask = leaf([4, 5], 4);
    const cases: [Record<string, unknown>, number[][]][] = [
      [{}, Array.from({ length: 4 }, () => [0, 0, 0, 0, 0])],
      [
        { attnMask: boolMask },
        (await rows(boolMask.cast("float64"))).map((r) => r.map((b) => (b ? 0 : -Infinity))),
      ],
      [{ attnMask: floatMask }, await rows(floatMask)],
      [{ isCausal: true }, [0, 1, 2, 3].map((i) => [0, 1, 2, 3, 4].map((j) => (j <= i ? 0 : -Infinity)))],
    ];
    for (const [opts, add] of cases) {
      const expected = naive(await rows(q), await rows(k), await rows(v), add, 1 / Math.sqrt(3));
      await expectClose(scaledDotProductAttention(q, k, v, opts), expected.flat(), {
        rtol: 1e-10,
        atol: 1e-12,
      });
    }
    const scaled = naive(await rows(q), await rows(k), await rows(v), cases[0][1], 0.25);
    await expectClose(scaledDotProductAttention(q, k, v, { scale: 0.25 }), scaled.flat(), {
      rtol: 1e-10,
      atol: 1e-12,
    });
  });

  it("broadcasts leading batch and head axes, and a mask over them", async () => {
    const q = randn([2, 3, 4, 8]),
      k = randn([2, 3, 6, 8]),
      v = randn([2, 3, 6, 5]);
    const mask = causalMask(4, 6);
    const y = scaledDotProductAttention(q, k, v, { attnMask: mask });
    expect(y.shape).toEqual([2, 3, 4, 5]);
    const one = scaledDotProductAttention(
      q.select(0, 1).select(0, 2),
      k.select(0, 1).select(0, 2),
      v.select(0, 1).select(0, 2),
      { attnMask: mask },
    );
    await expectClose(y.select(0, 1).select(0, 2), one, { rtol: 1e-5, atol: 1e-6 });
  });

  itNeeds("float64")("gives zeros, not NaN, for a fully masked row, with zero gradients there", async () => {
    const q = leaf([3, 2], 5),
      k = leaf([4, 2], 6),
      v = leaf([4, 2], 7);
    const mask = fromHost([1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], [3, 4], "bool");
    const { output, weights } = attentionWithWeights(q, k, v, { attnMask: mask });
    expect((await rows(output))[1]).toEqual([0, 0]);
    expect((await rows(weights))[1]).toEqual([0, 0, 0, 0]);
    output.sum().backward();
    for (const g of [q.grad!, k.grad!, v.grad!]) expect(await g.isFinite().all().itemAsync()).toBeTruthy();
    expect((await rows(q.grad!))[1]).toEqual([0, 0]);
    const floatMask = tensor(
      [
        [0, -Infinity],
        [-Infinity, -Infinity],
      ],
      { dtype: "float64" },
    );
    const y = scaledDotProductAttention(leaf([2, 2], 8), leaf([2, 2], 9), leaf([2, 2], 10), {
      attnMask: floatMask,
    });
    expect((await rows(y))[1]).toEqual([0, 0]);
  });

  itNeeds("float64")("has float64 gradients that pass gradcheck, with bool, float and causal masks", () => {
    const q = leaf([2, 3, 4], 11),
      k = leaf([2, 5, 4], 12),
      v = leaf([2, 5, 3], 13);
    const boolMask = fromHost([1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1], [3, 5], "bool");
    const floatMask = leaf([2, 1, 5], 14).detach();
    for (const opts of [
      {},
      { attnMask: boolMask },
      { attnMask: floatMask },
      { isCausal: true },
      { scale: 0.7 },
    ]) {
      const r = gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, opts), [q, k, v]);
      expect(r.ok, Object.keys(opts).join()).toBe(true);
    }
    const fully = fromHost([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1], [3, 5], "bool");
    expect(
      gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { attnMask: fully }), [q, k, v]).ok,
    ).toBe(true);
  });

  it("drops attention weights with dropoutP, reproducibly for a seeded generator", async () => {
    const { Generator } = await import("../../src/core/random.js");
    const q = randn([6, 4]),
      k = randn([6, 4]),
      v = randn([6, 4]);
    const a = attentionWithWeights(q, k, v, { dropoutP: 0.5, generator: new Generator(3) });
    const b = attentionWithWeights(q, k, v, { dropoutP: 0.5, generator: new Generator(3) });
    await expectClose(a.output, b.output);
    const w = Array.from(await a.weights.data());
    expect(w.some((x) => x === 0)).toBe(true);
    await expectClose(a.weights.sum(-1).mean(), 1, { rtol: 0.6, atol: 0 });
  });
});

describe("scaledDotProductAttention arguments", () => {
  it("explains bad shapes, masks and options", () => {
    const q = randn([2, 3, 4]);
    expect(() => scaledDotProductAttention(q, randn([2, 5, 3]), randn([2, 5, 4]))).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: causalMask(3), isCausal: true })).toThrow(
      ArgumentError,
    );
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: causalMask(4) })).toThrow(
      "scaledDotProductAttention: attnMask (4, 4) does not broadcast to the scores (2, 3, 3) (..., L=3, S=3)",
    );
    expect(() =>
      scaledDotProductAttention(q, q, q, { attnMask: fromHost([1, 0, 0], [1, 3], "int32") }),
    ).toThrow(DTypeError);
    expect(() => scaledDotProductAttention(q, q, q, { dropout: 0.1 } as never)).toThrow(ArgumentError);
  });

  it("makes causal masks, top-left aligned as PyTorch's or shifted by an offset for a cache", async () => {
    expect(await causalMask(2, 3).array()).toEqual([
      [true, false, false],
      [true, true, false],
    ]);
    expect(await causalMask(2, 4, 2).array()).toEqual([
      [true, true, true, false],
      [true, true, true, true],
    ]);
  });
});
