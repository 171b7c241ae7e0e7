import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";
import { arange, fromHost, tensor, zeros } from "../../src/ops/creation.js";
import * as ops from "../../src/ops/elementwise.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

const erfTable: [number, number][] = [
  [0, 0],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [2.4, 0.999311486103355],
  [2.5, 0.999593047982555],
  [2.6, 0.9997639655834707],
  [3, 0.9999779095030014],
  [4, 0.9999999845827421],
  [5.5, 0.9999999999999927],
  [7, 1],
  [-0.5, -0.5204998778130465],
  [-3, -0.9999779095030014],
];

const roundHalfEven = (x: number) => {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
};

/** Unary ops: the function, its reference, and a domain to sample. */
const UNARY: [string, (x: Tensor) => Tensor, (x: number) => number, number[]][] = [
  ["neg", ops.neg, (x) => -x, [-2.5, -1, 0, 0.3, 4]],
  ["exp", ops.exp, Math.exp, [-3, -0.5, 0, 0.7, 5]],
  ["log", ops.log, Math.log, [0.01, 0.5, 1, 2.7, 100]],
  ["sqrt", ops.sqrt, Math.sqrt, [0, 0.25, 2, 9, 1e4]],
  ["rsqrt", ops.rsqrt, (x) => 1 / Math.sqrt(x), [0.25, 1, 2, 9, 1e4]],
  ["abs", ops.abs, Math.abs, [-3.5, -0.1, 0, 2, 7]],
  ["sign", ops.sign, Math.sign, [-3.5, -0.1, 0, 2, 7]],
  ["sin", ops.sin, Math.sin, [-3, -1, 0, 0.5, 2]],
  ["cos", ops.cos, Math.cos, [-3, -1, 0, 0.5, 2]],
  ["tanh", ops.tanh, Math.tanh, [-20, -1, 0, 0.5, 3]],
  ["sigmoid", ops.sigmoid, (x) => 1 / (1 + Math.exp(-x)), [-30, -2, 0, 1.5, 30]],
  ["relu", ops.relu, (x) => Math.max(x, 0), [-3, -0.1, 0, 0.2, 5]],
  ["floor", ops.floor, Math.floor, [-2.5, -0.2, 0, 1.7, 3]],
  ["ceil", ops.ceil, Math.ceil, [-2.5, -0.2, 0, 1.7, 3]],
  ["round", ops.round, roundHalfEven, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6]],
  ["log1p", ops.log1p, Math.log1p, [-0.5, 0, 1e-10, 1, 10]],
  ["expm1", ops.expm1, Math.expm1, [-2, 0, 1e-10, 0.5, 3]],
  ["reciprocal", ops.reciprocal, (x) => 1 / x, [-4, -0.5, 0.25, 2, 10]],
  ["square", ops.square, (x) => x * x, [-3, -0.5, 0, 1.5, 4]],
];

const BINARY: [string, (a: Tensor, b: Tensor | number) => Tensor, (a: number, b: number) => number][] = [
  ["add", ops.add, (a, b) => a + b],
  ["sub", ops.sub, (a, b) => a - b],
  ["mul", ops.mul, (a, b) => a * b],
  ["div", ops.div, (a, b) => a / b],
  ["pow", ops.pow, (a, b) => a ** b],
  ["maximum", ops.maximum, Math.max],
  ["minimum", ops.minimum, Math.min],
];

describeEachBackend("elementwise", () => {
  describe("unary ops vs Math.*", () => {
    itNeeds("float64").each(UNARY)("%s (float64, exact to rounding)", async (_name, fn, ref, xs) => {
      const x = tensor(xs, { dtype: "float64" });
      const y = fn(x);
      expect(y.dtype).toBe("float64");
      expect(y.shape).toEqual([xs.length]);
      await expectClose(y, xs.map(ref), { rtol: 1e-13, atol: 1e-15 });
    });
    it.each(UNARY)("%s (float32)", async (_name, fn, ref, xs) => {
      const x = tensor(xs);
      const y = fn(x);
      expect(y.dtype).toBe("float32");
      const want = Array.from(await x.data()).map(ref);
      await expectClose(y, want, { rtol: 2e-6, atol: 1e-6 });
    });
  });

  itNeeds("float64")("erf matches reference values to ~1e-15", async () => {
    const x = tensor(
      erfTable.map(([v]) => v),
      { dtype: "float64" },
    );
    await expectClose(
      ops.erf(x),
      erfTable.map(([, v]) => v),
      { rtol: 1e-14, atol: 1e-15 },
    );
    expect(Number.isNaN(await ops.erf(tensor([Number.NaN])).itemAsync())).toBe(true);
  });

  it("float-valued functions of ints and bools give float32", async () => {
    const i = tensor([1, 4, 9], { dtype: "int32" });
    const r = ops.sqrt(i);
    expect(r.dtype).toBe("float32");
    expect(await r.array()).toEqual([1, 2, 3]);
    expect(ops.exp(tensor([true, false])).dtype).toBe("float32");
    expect(await ops.reciprocal(tensor([2], { dtype: "int32" })).array()).toEqual([0.5]);
    // sign/abs/neg keep integer types; bool becomes int32
    expect(ops.abs(tensor([-3, 2], { dtype: "int32" })).dtype).toBe("int32");
    expect(ops.neg(tensor([true, false])).dtype).toBe("int32");
    expect(await ops.neg(tensor([true, false])).array()).toEqual([-1, 0]);
  });

  describe("binary ops", () => {
    itNeeds("float64").each(BINARY)(
      "%s vs JS arithmetic, with broadcasting (3,1) x (1,4)",
      async (_name, fn, ref) => {
        const av = [0.5, 1.5, 3];
        const bv = [-2, 0.5, 1, 2.5];
        const a = tensor([[av[0]], [av[1]], [av[2]]], { dtype: "float64" });
        const b = tensor([bv], { dtype: "float64" });
        const y = fn(a, b);
        expect(y.shape).toEqual([3, 4]);
        await expectClose(
          y,
          av.flatMap((x) => bv.map((z) => ref(x, z))),
          { rtol: 1e-14 },
        );
        // tensor op number
        await expectClose(
          fn(a, 2),
          av.map((x) => ref(x, 2)),
          { rtol: 1e-14 },
        );
      },
    );

    it("numbers on the left", async () => {
      const x = tensor([1, 2, 4]);
      expect(await ops.sub(10, x).array()).toEqual([9, 8, 6]);
      expect(await ops.div(1, x).array()).toEqual([1, 0.5, 0.25]);
      expect(await ops.pow(2, x).array()).toEqual([2, 4, 16]);
      expect(() => ops.add(1 as never, 2)).toThrow(DTypeError);
    });

    it("div and pow edge values", async () => {
      const y = ops.div(tensor([1, -1, 0]), tensor([0, 0, 0]));
      expect(Array.from(await y.data())).toEqual([Infinity, -Infinity, Number.NaN]);
      expect((await ops.pow(tensor([0, 4, -8]), tensor([0, 0.5, 1 / 3])).data())[0]).toBe(1);
      expect(await ops.pow(tensor([4]), 0.5).itemAsync()).toBe(2);
      expect(Number.isNaN(await ops.pow(tensor([-8]), 1 / 3).itemAsync())).toBe(true);
    });

    it("maximum/minimum propagate NaN", async () => {
      const a = tensor([Number.NaN, 1, 2]);
      const b = tensor([0, Number.NaN, 1]);
      const mx = Array.from(await ops.maximum(a, b).data());
      const mn = Array.from(await ops.minimum(a, b).data());
      expect(mx.map(Number.isNaN)).toEqual([true, true, false]);
      expect(mx[2]).toBe(2);
      expect(mn.map(Number.isNaN)).toEqual([true, true, false]);
      expect(mn[2]).toBe(1);
    });
  });

  describe("broadcasting", () => {
    it("follows numpy rules", async () => {
      const a = arange(24, undefined, 1, { dtype: "float32" }).reshape([2, 3, 4]);
      const b = tensor([100, 200, 300, 400]);
      const y = ops.add(a, b);
      expect(y.shape).toEqual([2, 3, 4]);
      const av = Array.from(await a.data());
      expect(Array.from(await y.data())).toEqual(av.map((v, i) => v + (i % 4) * 100 + 100));
      const c = tensor([[10], [20], [30]]);
      const z = ops.mul(a, c);
      expect(z.shape).toEqual([2, 3, 4]);
      expect(Array.from(await z.data())).toEqual(av.map((v, i) => v * ((Math.floor(i / 4) % 3) + 1) * 10));
      // 0-d tensors broadcast to anything
      expect(await ops.add(tensor(1), tensor([[1, 2]])).array()).toEqual([[2, 3]]);
      expect(ops.add(tensor([[1, 2]]), tensor(1)).shape).toEqual([1, 2]);
      // (2,1,3) + (4,1) -> (2,4,3)
      expect(ops.add(zeros([2, 1, 3]), zeros([4, 1])).shape).toEqual([2, 4, 3]);
      // size-0 axes broadcast against 1
      expect(ops.add(zeros([0, 3]), zeros([1, 3])).shape).toEqual([0, 3]);
    });

    it("error names the op and both shapes", () => {
      const a = tensor([1, 2, 3]);
      const b = tensor([1, 2, 3, 4]);
      expect(() => ops.add(a, b)).toThrow(ShapeError);
      expect(() => ops.add(a, b)).toThrow(/^add: shapes \(3,\) and \(4,\) cannot be broadcast/);
      expect(() => ops.mul(zeros([2, 3]), zeros([3, 2]))).toThrow(/mul: shapes \(2, 3\) and \(3, 2\)/);
      expect(() => ops.gt(a, b)).toThrow(/gt: shapes \(3,\) and \(4,\)/);
    });

    it("broadcast inputs are read through non-contiguous views", async () => {
      const m = tensor([
        [1, 2],
        [3, 4],
      ]).T; // [[1,3],[2,4]]
      expect(await ops.add(m, tensor([10, 20])).array()).toEqual([
        [11, 23],
        [12, 24],
      ]);
      const col = tensor([[1, 2, 3]]).T; // (3,1) non-contiguous
      expect(await ops.mul(col, tensor([1, 10])).array()).toEqual([
        [1, 10],
        [2, 20],
        [3, 30],
      ]);
    });
  });

  describe("type promotion", () => {
    const i = () => tensor([1, 2, 3], { dtype: "int32" });
    const f = () => tensor([0.5, 0.5, 0.5]);
    const d = () => tensor([0.25, 0.25, 0.25], { dtype: "float64" });
    const b = () => tensor([true, false, true]);
    it("int32 with float32 gives float32", async () => {
      const y = ops.add(i(), f());
      expect(y.dtype).toBe("float32");
      expect(await y.array()).toEqual([1.5, 2.5, 3.5]);
      expect(ops.mul(f(), i()).dtype).toBe("float32");
    });
    it("int32 with int32 stays int32; division gives float32", async () => {
      expect(ops.add(i(), i()).dtype).toBe("int32");
      expect(await ops.mul(i(), i()).array()).toEqual([1, 4, 9]);
      const q = ops.div(i(), tensor([2, 2, 2], { dtype: "int32" }));
      expect(q.dtype).toBe("float32");
      expect(await q.array()).toEqual([0.5, 1, 1.5]);
    });
    itNeeds("float64")(
      "numbers adapt: int tensor with an integer stays int, with a fraction becomes float32",
      async () => {
        expect(ops.add(i(), 2).dtype).toBe("int32");
        expect(await ops.add(i(), 2).array()).toEqual([3, 4, 5]);
        expect(ops.add(i(), 0.5).dtype).toBe("float32");
        expect(await ops.add(i(), 0.5).array()).toEqual([1.5, 2.5, 3.5]);
        expect(ops.mul(d(), 3).dtype).toBe("float64");
        expect(ops.mul(f(), 3).dtype).toBe("float32");
      },
    );
    itNeeds("float64")("float64 wins over float32 and int32", async () => {
      const y = ops.add(f(), d());
      expect(y.dtype).toBe("float64");
      expect(await y.array()).toEqual([0.75, 0.75, 0.75]);
      expect(ops.sub(i(), d()).dtype).toBe("float64");
    });
    it("bool promotes to the other operand; bool arithmetic gives int32", async () => {
      expect(ops.add(b(), i()).dtype).toBe("int32");
      expect(await ops.add(b(), i()).array()).toEqual([2, 2, 4]);
      expect(ops.mul(b(), f()).dtype).toBe("float32");
      expect(await ops.mul(b(), f()).array()).toEqual([0.5, 0, 0.5]);
      expect(ops.add(b(), b()).dtype).toBe("int32");
      expect(await ops.add(b(), b()).array()).toEqual([2, 0, 2]);
      expect(ops.div(b(), 2).dtype).toBe("float32");
    });
  });

  describe("comparisons and logic", () => {
    it("eq/ne/lt/le/gt/ge give bool, with tensors and numbers", async () => {
      const a = tensor([1, 2, 3]);
      const b = tensor([3, 2, 1]);
      const cases: [(x: Tensor, y: Tensor | number) => Tensor, boolean[], boolean[]][] = [
        [ops.eq, [false, true, false], [false, true, false]],
        [ops.ne, [true, false, true], [true, false, true]],
        [ops.lt, [true, false, false], [true, false, false]],
        [ops.le, [true, true, false], [true, true, false]],
        [ops.gt, [false, false, true], [false, false, true]],
        [ops.ge, [false, true, true], [false, true, true]],
      ];
      for (const [fn, withTensor, withNumber] of cases) {
        const r = fn(a, b);
        expect(r.dtype).toBe("bool");
        expect(await r.array()).toEqual(withTensor);
        expect(await fn(a, 2).array()).toEqual(withNumber);
      }
      // methods, mixed dtypes
      expect(
        await tensor([1, 2], { dtype: "int32" })
          .lt(tensor([1.5, 1.5]))
          .array(),
      ).toEqual([true, false]);
      expect(await tensor([0.5, 2]).ge(1).array()).toEqual([false, true]);
    });

    it("NaN compares false except ne", async () => {
      const n = tensor([Number.NaN]);
      expect(await ops.eq(n, n).array()).toEqual([false]);
      expect(await ops.ne(n, n).array()).toEqual([true]);
      expect(await ops.lt(n, 1).array()).toEqual([false]);
      expect(await ops.ge(n, 1).array()).toEqual([false]);
    });

    it("logicalAnd/Or/Not, isNaN/isInf/isFinite", async () => {
      const p = tensor([true, true, false, false]);
      const q = tensor([true, false, true, false]);
      expect(await ops.logicalAnd(p, q).array()).toEqual([true, false, false, false]);
      expect(await ops.logicalOr(p, q).array()).toEqual([true, true, true, false]);
      expect(await ops.logicalNot(p).array()).toEqual([false, false, true, true]);
      expect(await ops.logicalAnd(tensor([2, 0, 0.5]), tensor([1, 1, 1])).array()).toEqual([
        true,
        false,
        true,
      ]);
      expect(await ops.logicalNot(tensor([0, 0.5, -1])).array()).toEqual([true, false, false]);
      const x = tensor([1, Number.NaN, Infinity, -Infinity, 0]);
      expect(await ops.isNaN(x).array()).toEqual([false, true, false, false, false]);
      expect(await ops.isInf(x).array()).toEqual([false, false, true, true, false]);
      expect(await ops.isFinite(x).array()).toEqual([true, false, false, false, true]);
      expect(ops.isNaN(x).dtype).toBe("bool");
    });
  });

  describe("where", () => {
    itNeeds("float64")("selects elementwise with broadcasting", async () => {
      const c = tensor([[true], [false], [true]]);
      const a = tensor([[1, 2, 3, 4]]);
      const y = ops.where(c, a, -1);
      expect(y.shape).toEqual([3, 4]);
      expect(y.dtype).toBe("float32");
      expect(await y.array()).toEqual([
        [1, 2, 3, 4],
        [-1, -1, -1, -1],
        [1, 2, 3, 4],
      ]);
      expect(await tensor([true, false]).where(1, 0).array()).toEqual([1, 0]);
      expect(tensor([true, false]).where(1, 0).dtype).toBe("int32");
      expect(await ops.where(tensor([true, false]), 1.5, 0).array()).toEqual([1.5, 0]);
      const i = tensor([5, 6], { dtype: "int32" });
      const d = tensor([0.5, 0.5], { dtype: "float64" });
      const m = ops.where(tensor([false, true]), i, d);
      expect(m.dtype).toBe("float64");
      expect(await m.array()).toEqual([0.5, 6]);
    });
    it("requires a bool condition and broadcastable shapes", () => {
      expect(() => ops.where(tensor([1, 0]), 1, 0)).toThrow(DTypeError);
      expect(() => ops.where(tensor([true, false]), tensor([1, 2, 3]), 0)).toThrow(/where: shapes/);
    });
  });

  describe("clip", () => {
    it("limits to [min, max]; either bound may be omitted", async () => {
      const x = tensor([-3, -0.5, 0.5, 3]);
      expect(await ops.clip(x, -1, 1).array()).toEqual([-1, -0.5, 0.5, 1]);
      expect(await x.clamp(0).array()).toEqual([0, 0, 0.5, 3]);
      expect(await x.clip(undefined, 0).array()).toEqual([-3, -0.5, 0, 0]);
      const same = x.clip();
      expect(same).not.toBe(x);
      expect(await same.array()).toEqual([-3, -0.5, 0.5, 3]);
      const i = tensor([-5, 0, 5], { dtype: "int32" }).clip(-2, 2);
      expect(i.dtype).toBe("int32");
      expect(await i.array()).toEqual([-2, 0, 2]);
      expect(Number.isNaN(await ops.clip(tensor([Number.NaN]), 0, 1).itemAsync())).toBe(true);
    });
  });

  describe("cast", () => {
    it("float to int truncates toward zero", async () => {
      const x = tensor([1.7, -1.7, 2.5, -0.5, 0.99, -2.01]);
      const i = x.cast("int32");
      expect(i.dtype).toBe("int32");
      expect(await i.array()).toEqual([1, -1, 2, 0, 0, -2]);
      expect(await x.int().array()).toEqual([1, -1, 2, 0, 0, -2]);
    });
    it("to bool is x != 0 (NaN is true)", async () => {
      const x = tensor([0, 0.5, -2, 256, Number.NaN, -0]);
      expect(await x.bool().array()).toEqual([false, true, true, true, true, false]);
      expect(await tensor([0, 1, 256, -1], { dtype: "int32" }).bool().array()).toEqual([
        false,
        true,
        true,
        true,
      ]);
    });
    it("to bool of a non-contiguous view", async () => {
      const x = tensor([
        [0.5, 0],
        [256, -1],
      ]).T; // [[0.5, 256], [0, -1]]
      expect(x.isContiguous).toBe(false);
      expect(await x.bool().array()).toEqual([
        [true, true],
        [false, true],
      ]);
      expect(await x.int().array()).toEqual([
        [0, 256],
        [0, -1],
      ]);
    });
    itNeeds("float64")("bool/int to float, float64 to float32 rounding, always a copy", async () => {
      expect(await tensor([true, false]).float().array()).toEqual([1, 0]);
      expect(tensor([3, -4], { dtype: "int32" }).double().dtype).toBe("float64");
      const d = tensor([0.1], { dtype: "float64" });
      expect(await d.float().itemAsync()).toBe(Math.fround(0.1));
      const f = tensor([1, 2]);
      const c = f.cast("float32");
      expect(c).not.toBe(f);
      expect(await c.array()).toEqual([1, 2]);
    });
    itNeeds("float64")("is differentiable between float types only", async () => {
      const x = tensor([1.5, 2.5], { dtype: "float64", requiresGrad: true });
      const f = x.float();
      expect(f.requiresGrad).toBe(true);
      f.mul(tensor([2, 3]))
        .sum()
        .backward();
      expect(x.grad!.dtype).toBe("float64");
      expect(await x.grad!.array()).toEqual([2, 3]);
      expect(x.int().requiresGrad).toBe(false);
      expect(x.bool().gradFn).toBe(null);
    });
  });

  it("results are fresh tensors with contiguous strides", async () => {
    const x = fromHost([1, 2, 3, 4, 5, 6], [2, 3], "float32");
    const y = ops.exp(x.T);
    expect(y.shape).toEqual([3, 2]);
    expect(y.strides).toEqual([2, 1]);
    expect(y.isContiguous).toBe(true);
    await expectClose(y, [1, 4, 2, 5, 3, 6].map(Math.exp), { rtol: 1e-6 });
  });
});

describe("clip gradient at the bounds (as torch.clamp)", () => {
  it("passes the gradient where min <= x <= max, bounds included", async () => {
    const x = tensor([-2, -1, 0, 1, 2], { requiresGrad: true });
    x.clip(-1, 1).sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([0, 1, 1, 1, 0]);
  });
});
