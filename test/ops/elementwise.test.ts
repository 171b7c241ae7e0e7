import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";
import { arange, fromHost, tensor, zeros } from "../../src/ops/creation.js";
import * as ops from "../../src/ops/elementwise.js";
import { describeEachBackend } from "../helpers/backends.js";
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
    it.each(UNARY)("%s (float64, exact to rounding)", (_name, fn, ref, xs) => {
      const x = tensor(xs, { dtype: "float64" });
      const y = fn(x);
      expect(y.dtype).toBe("float64");
      expect(y.shape).toEqual([xs.length]);
      expectClose(y, xs.map(ref), { rtol: 1e-13, atol: 1e-15 });
    });
    it.each(UNARY)("%s (float32)", (_name, fn, ref, xs) => {
      const x = tensor(xs);
      const y = fn(x);
      expect(y.dtype).toBe("float32");
      const want = Array.from(x.dataSync()).map(ref);
      expectClose(y, want, { rtol: 2e-6, atol: 1e-6 });
    });
  });

  it("erf matches reference values to ~1e-15", () => {
    const x = tensor(
      erfTable.map(([v]) => v),
      { dtype: "float64" },
    );
    expectClose(
      ops.erf(x),
      erfTable.map(([, v]) => v),
      { rtol: 1e-14, atol: 1e-15 },
    );
    expect(Number.isNaN(ops.erf(tensor([Number.NaN])).item())).toBe(true);
  });

  it("float-valued functions of ints and bools give float32", () => {
    const i = tensor([1, 4, 9], { dtype: "int32" });
    const r = ops.sqrt(i);
    expect(r.dtype).toBe("float32");
    expect(r.toArray()).toEqual([1, 2, 3]);
    expect(ops.exp(tensor([true, false])).dtype).toBe("float32");
    expect(ops.reciprocal(tensor([2], { dtype: "int32" })).toArray()).toEqual([0.5]);
    // sign/abs/neg keep integer types; bool becomes int32
    expect(ops.abs(tensor([-3, 2], { dtype: "int32" })).dtype).toBe("int32");
    expect(ops.neg(tensor([true, false])).dtype).toBe("int32");
    expect(ops.neg(tensor([true, false])).toArray()).toEqual([-1, 0]);
  });

  describe("binary ops", () => {
    it.each(BINARY)("%s vs JS arithmetic, with broadcasting (3,1) x (1,4)", (_name, fn, ref) => {
      const av = [0.5, 1.5, 3];
      const bv = [-2, 0.5, 1, 2.5];
      const a = tensor([[av[0]], [av[1]], [av[2]]], { dtype: "float64" });
      const b = tensor([bv], { dtype: "float64" });
      const y = fn(a, b);
      expect(y.shape).toEqual([3, 4]);
      expectClose(
        y,
        av.flatMap((x) => bv.map((z) => ref(x, z))),
        { rtol: 1e-14 },
      );
      // tensor op number
      expectClose(
        fn(a, 2),
        av.map((x) => ref(x, 2)),
        { rtol: 1e-14 },
      );
    });

    it("numbers on the left", () => {
      const x = tensor([1, 2, 4]);
      expect(ops.sub(10, x).toArray()).toEqual([9, 8, 6]);
      expect(ops.div(1, x).toArray()).toEqual([1, 0.5, 0.25]);
      expect(ops.pow(2, x).toArray()).toEqual([2, 4, 16]);
      expect(() => ops.add(1 as never, 2)).toThrow(DTypeError);
    });

    it("div and pow edge values", () => {
      const y = ops.div(tensor([1, -1, 0]), tensor([0, 0, 0]));
      expect(Array.from(y.dataSync())).toEqual([Infinity, -Infinity, Number.NaN]);
      expect(ops.pow(tensor([0, 4, -8]), tensor([0, 0.5, 1 / 3])).dataSync()[0]).toBe(1);
      expect(ops.pow(tensor([4]), 0.5).item()).toBe(2);
      expect(Number.isNaN(ops.pow(tensor([-8]), 1 / 3).item())).toBe(true);
    });

    it("maximum/minimum propagate NaN", () => {
      const a = tensor([Number.NaN, 1, 2]);
      const b = tensor([0, Number.NaN, 1]);
      const mx = Array.from(ops.maximum(a, b).dataSync());
      const mn = Array.from(ops.minimum(a, b).dataSync());
      expect(mx.map(Number.isNaN)).toEqual([true, true, false]);
      expect(mx[2]).toBe(2);
      expect(mn.map(Number.isNaN)).toEqual([true, true, false]);
      expect(mn[2]).toBe(1);
    });
  });

  describe("broadcasting", () => {
    it("follows numpy rules", () => {
      const a = arange(24, undefined, 1, { dtype: "float32" }).reshape([2, 3, 4]);
      const b = tensor([100, 200, 300, 400]);
      const y = ops.add(a, b);
      expect(y.shape).toEqual([2, 3, 4]);
      const av = Array.from(a.dataSync());
      expect(Array.from(y.dataSync())).toEqual(av.map((v, i) => v + (i % 4) * 100 + 100));
      const c = tensor([[10], [20], [30]]);
      const z = ops.mul(a, c);
      expect(z.shape).toEqual([2, 3, 4]);
      expect(Array.from(z.dataSync())).toEqual(av.map((v, i) => v * ((Math.floor(i / 4) % 3) + 1) * 10));
      // 0-d tensors broadcast to anything
      expect(ops.add(tensor(1), tensor([[1, 2]])).toArray()).toEqual([[2, 3]]);
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

    it("broadcast inputs are read through non-contiguous views", () => {
      const m = tensor([
        [1, 2],
        [3, 4],
      ]).T; // [[1,3],[2,4]]
      expect(ops.add(m, tensor([10, 20])).toArray()).toEqual([
        [11, 23],
        [12, 24],
      ]);
      const col = tensor([[1, 2, 3]]).T; // (3,1) non-contiguous
      expect(ops.mul(col, tensor([1, 10])).toArray()).toEqual([
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
    it("int32 with float32 gives float32", () => {
      const y = ops.add(i(), f());
      expect(y.dtype).toBe("float32");
      expect(y.toArray()).toEqual([1.5, 2.5, 3.5]);
      expect(ops.mul(f(), i()).dtype).toBe("float32");
    });
    it("int32 with int32 stays int32; division gives float32", () => {
      expect(ops.add(i(), i()).dtype).toBe("int32");
      expect(ops.mul(i(), i()).toArray()).toEqual([1, 4, 9]);
      const q = ops.div(i(), tensor([2, 2, 2], { dtype: "int32" }));
      expect(q.dtype).toBe("float32");
      expect(q.toArray()).toEqual([0.5, 1, 1.5]);
    });
    it("numbers adapt: int tensor with an integer stays int, with a fraction becomes float32", () => {
      expect(ops.add(i(), 2).dtype).toBe("int32");
      expect(ops.add(i(), 2).toArray()).toEqual([3, 4, 5]);
      expect(ops.add(i(), 0.5).dtype).toBe("float32");
      expect(ops.add(i(), 0.5).toArray()).toEqual([1.5, 2.5, 3.5]);
      expect(ops.mul(d(), 3).dtype).toBe("float64");
      expect(ops.mul(f(), 3).dtype).toBe("float32");
    });
    it("float64 wins over float32 and int32", () => {
      const y = ops.add(f(), d());
      expect(y.dtype).toBe("float64");
      expect(y.toArray()).toEqual([0.75, 0.75, 0.75]);
      expect(ops.sub(i(), d()).dtype).toBe("float64");
    });
    it("bool promotes to the other operand; bool arithmetic gives int32", () => {
      expect(ops.add(b(), i()).dtype).toBe("int32");
      expect(ops.add(b(), i()).toArray()).toEqual([2, 2, 4]);
      expect(ops.mul(b(), f()).dtype).toBe("float32");
      expect(ops.mul(b(), f()).toArray()).toEqual([0.5, 0, 0.5]);
      expect(ops.add(b(), b()).dtype).toBe("int32");
      expect(ops.add(b(), b()).toArray()).toEqual([2, 0, 2]);
      expect(ops.div(b(), 2).dtype).toBe("float32");
    });
  });

  describe("comparisons and logic", () => {
    it("eq/ne/lt/le/gt/ge give bool, with tensors and numbers", () => {
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
        expect(r.toArray()).toEqual(withTensor);
        expect(fn(a, 2).toArray()).toEqual(withNumber);
      }
      // methods, mixed dtypes
      expect(
        tensor([1, 2], { dtype: "int32" })
          .lt(tensor([1.5, 1.5]))
          .toArray(),
      ).toEqual([true, false]);
      expect(tensor([0.5, 2]).ge(1).toArray()).toEqual([false, true]);
    });

    it("NaN compares false except ne", () => {
      const n = tensor([Number.NaN]);
      expect(ops.eq(n, n).toArray()).toEqual([false]);
      expect(ops.ne(n, n).toArray()).toEqual([true]);
      expect(ops.lt(n, 1).toArray()).toEqual([false]);
      expect(ops.ge(n, 1).toArray()).toEqual([false]);
    });

    it("logicalAnd/Or/Not, isNaN/isInf/isFinite", () => {
      const p = tensor([true, true, false, false]);
      const q = tensor([true, false, true, false]);
      expect(ops.logicalAnd(p, q).toArray()).toEqual([true, false, false, false]);
      expect(ops.logicalOr(p, q).toArray()).toEqual([true, true, true, false]);
      expect(ops.logicalNot(p).toArray()).toEqual([false, false, true, true]);
      expect(ops.logicalAnd(tensor([2, 0, 0.5]), tensor([1, 1, 1])).toArray()).toEqual([true, false, true]);
      expect(ops.logicalNot(tensor([0, 0.5, -1])).toArray()).toEqual([true, false, false]);
      const x = tensor([1, Number.NaN, Infinity, -Infinity, 0]);
      expect(ops.isNaN(x).toArray()).toEqual([false, true, false, false, false]);
      expect(ops.isInf(x).toArray()).toEqual([false, false, true, true, false]);
      expect(ops.isFinite(x).toArray()).toEqual([true, false, false, false, true]);
      expect(ops.isNaN(x).dtype).toBe("bool");
    });
  });

  describe("where", () => {
    it("selects elementwise with broadcasting", () => {
      const c = tensor([[true], [false], [true]]);
      const a = tensor([[1, 2, 3, 4]]);
      const y = ops.where(c, a, -1);
      expect(y.shape).toEqual([3, 4]);
      expect(y.dtype).toBe("float32");
      expect(y.toArray()).toEqual([
        [1, 2, 3, 4],
        [-1, -1, -1, -1],
        [1, 2, 3, 4],
      ]);
      expect(tensor([true, false]).where(1, 0).toArray()).toEqual([1, 0]);
      expect(tensor([true, false]).where(1, 0).dtype).toBe("int32");
      expect(ops.where(tensor([true, false]), 1.5, 0).toArray()).toEqual([1.5, 0]);
      const i = tensor([5, 6], { dtype: "int32" });
      const d = tensor([0.5, 0.5], { dtype: "float64" });
      const m = ops.where(tensor([false, true]), i, d);
      expect(m.dtype).toBe("float64");
      expect(m.toArray()).toEqual([0.5, 6]);
    });
    it("requires a bool condition and broadcastable shapes", () => {
      expect(() => ops.where(tensor([1, 0]), 1, 0)).toThrow(DTypeError);
      expect(() => ops.where(tensor([true, false]), tensor([1, 2, 3]), 0)).toThrow(/where: shapes/);
    });
  });

  describe("clip", () => {
    it("limits to [min, max]; either bound may be omitted", () => {
      const x = tensor([-3, -0.5, 0.5, 3]);
      expect(ops.clip(x, -1, 1).toArray()).toEqual([-1, -0.5, 0.5, 1]);
      expect(x.clamp(0).toArray()).toEqual([0, 0, 0.5, 3]);
      expect(x.clip(undefined, 0).toArray()).toEqual([-3, -0.5, 0, 0]);
      const same = x.clip();
      expect(same).not.toBe(x);
      expect(same.toArray()).toEqual([-3, -0.5, 0.5, 3]);
      const i = tensor([-5, 0, 5], { dtype: "int32" }).clip(-2, 2);
      expect(i.dtype).toBe("int32");
      expect(i.toArray()).toEqual([-2, 0, 2]);
      expect(Number.isNaN(ops.clip(tensor([Number.NaN]), 0, 1).item())).toBe(true);
    });
  });

  describe("cast", () => {
    it("float to int truncates toward zero", () => {
      const x = tensor([1.7, -1.7, 2.5, -0.5, 0.99, -2.01]);
      const i = x.cast("int32");
      expect(i.dtype).toBe("int32");
      expect(i.toArray()).toEqual([1, -1, 2, 0, 0, -2]);
      expect(x.int().toArray()).toEqual([1, -1, 2, 0, 0, -2]);
    });
    it("to bool is x != 0 (NaN is true)", () => {
      const x = tensor([0, 0.5, -2, 256, Number.NaN, -0]);
      expect(x.bool().toArray()).toEqual([false, true, true, true, true, false]);
      expect(tensor([0, 1, 256, -1], { dtype: "int32" }).bool().toArray()).toEqual([false, true, true, true]);
    });
    it("to bool of a non-contiguous view", () => {
      const x = tensor([
        [0.5, 0],
        [256, -1],
      ]).T; // [[0.5, 256], [0, -1]]
      expect(x.isContiguous).toBe(false);
      expect(x.bool().toArray()).toEqual([
        [true, true],
        [false, true],
      ]);
      expect(x.int().toArray()).toEqual([
        [0, 256],
        [0, -1],
      ]);
    });
    it("bool/int to float, float64 to float32 rounding, always a copy", () => {
      expect(tensor([true, false]).float().toArray()).toEqual([1, 0]);
      expect(tensor([3, -4], { dtype: "int32" }).double().dtype).toBe("float64");
      const d = tensor([0.1], { dtype: "float64" });
      expect(d.float().item()).toBe(Math.fround(0.1));
      const f = tensor([1, 2]);
      const c = f.cast("float32");
      expect(c).not.toBe(f);
      expect(c.toArray()).toEqual([1, 2]);
    });
    it("is differentiable between float types only", () => {
      const x = tensor([1.5, 2.5], { dtype: "float64", requiresGrad: true });
      const f = x.float();
      expect(f.requiresGrad).toBe(true);
      f.mul(tensor([2, 3]))
        .sum()
        .backward();
      expect(x.grad!.dtype).toBe("float64");
      expect(x.grad!.toArray()).toEqual([2, 3]);
      expect(x.int().requiresGrad).toBe(false);
      expect(x.bool().gradFn).toBe(null);
    });
  });

  it("results are fresh tensors with contiguous strides", () => {
    const x = fromHost([1, 2, 3, 4, 5, 6], [2, 3], "float32");
    const y = ops.exp(x.T);
    expect(y.shape).toEqual([3, 2]);
    expect(y.strides).toEqual([2, 1]);
    expect(y.isContiguous).toBe(true);
    expectClose(y, [1, 4, 2, 5, 3, 6].map(Math.exp), { rtol: 1e-6 });
  });
});

describe("clip gradient at the bounds (as torch.clamp)", () => {
  it("passes the gradient where min <= x <= max, bounds included", () => {
    const x = tensor([-2, -1, 0, 1, 2], { requiresGrad: true });
    x.clip(-1, 1).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 1, 1, 1, 0]);
  });
});
