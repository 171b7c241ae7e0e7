import { getBackend } from "../../src/backends/registry.js";
import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError } from "../../src/base/errors.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import type { Tensor } from "../../src/core/tensor.js";
import { fromHost, tensor, zeros } from "../../src/ops/creation.js";
import * as R from "../../src/ops/reduce.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";
import { mean, naivePermute, naiveReduce, seededValues, sum, variance } from "../helpers/naive.js";

const SHAPE = [2, 3, 4];
const DATA = seededValues(24, 99, -3, 3);
const AXES: number[][] = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2], [-1], [-3, -1]];

type Naive = (v: number[]) => number;
const REDUCERS: [string, (x: Tensor, axes: number[], keep: boolean) => Tensor, Naive][] = [
  ["sum", (x, a, k) => R.sum(x, a, k), sum],
  ["mean", (x, a, k) => R.mean(x, a, k), mean],
  ["max", (x, a, k) => R.max(x, a, k), (v) => Math.max(...v)],
  ["min", (x, a, k) => R.min(x, a, k), (v) => Math.min(...v)],
  ["var", (x, a, k) => R.variance(x, a, k), (v) => variance(v, 1)],
  ["var(correction 0)", (x, a, k) => R.variance(x, a, k, 0), (v) => variance(v, 0)],
  ["std", (x, a, k) => R.std(x, a, k), (v) => Math.sqrt(variance(v, 1))],
  ["std(correction 0)", (x, a, k) => R.std(x, a, k, 0), (v) => Math.sqrt(variance(v, 0))],
  ["logSumExp", (x, a, k) => R.logSumExp(x, a, k), (v) => Math.log(sum(v.map(Math.exp)))],
  ["norm", (x, a, k) => R.norm(x, 2, a, k), (v) => Math.sqrt(sum(v.map((e) => e * e)))],
  ["norm1", (x, a, k) => R.norm(x, 1, a, k), (v) => sum(v.map(Math.abs))],
  ["normInf", (x, a, k) => R.norm(x, Infinity, a, k), (v) => Math.max(...v.map(Math.abs))],
  ["norm3", (x, a, k) => R.norm(x, 3, a, k), (v) => sum(v.map((e) => Math.abs(e) ** 3)) ** (1 / 3)],
];

describeEachBackend("reductions", () => {
  describe.each(REDUCERS)("%s over any axes", (_name, fn, naive) => {
    it.each(AXES)("axes %j", async (...axes) => {
      for (const keep of [false, true]) {
        const want = naiveReduce(DATA, SHAPE, axes, keep, naive);
        // float64 where the backend has it (not webgpu: WGSL has no f64)
        if (getBackend().supports("float64")) {
          const x = fromHost(DATA, SHAPE, "float64");
          const y = fn(x, axes, keep);
          expect(y.shape).toEqual(want.shape);
          await expectClose(y, want.data, { rtol: 1e-12, atol: 1e-12 });
        }
        // the same through a non-contiguous (permuted) float32 view
        const perm = [2, 0, 1];
        const xp = fromHost(naivePermute(DATA, SHAPE, [1, 2, 0]), [3, 4, 2], "float32").permute(perm);
        expect(xp.shape).toEqual(SHAPE);
        expect(xp.isContiguous).toBe(false);
        const yp = fn(xp, axes, keep);
        expect(yp.shape).toEqual(want.shape);
        await expectClose(yp, want.data, { rtol: 1e-5, atol: 1e-5 });
      }
    });
  });

  itNeeds("float64")(
    "no axes reduces everything to a 0-d tensor (or all-ones shape with keepDims)",
    async () => {
      const x = fromHost(DATA, SHAPE, "float64");
      expect(R.sum(x).shape).toEqual([]);
      await expectClose(await R.sum(x).itemAsync(), sum(DATA), { rtol: 1e-12 });
      expect(R.mean(x, undefined, true).shape).toEqual([1, 1, 1]);
      await expectClose(await x.max().itemAsync(), Math.max(...DATA));
      await expectClose(await x.std().itemAsync(), Math.sqrt(variance(DATA)), { rtol: 1e-12 });
      await expectClose(await x.norm().itemAsync(), Math.sqrt(sum(DATA.map((v) => v * v))), { rtol: 1e-12 });
      expect(x.logSumExp().shape).toEqual([]);
      await expectClose(await x.logSumExp().itemAsync(), Math.log(sum(DATA.map(Math.exp))), { rtol: 1e-12 });
    },
  );

  it("integer and bool inputs: sum stays integer, mean is float", async () => {
    const i = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "int32" },
    );
    expect(i.sum().dtype).toBe("int32");
    expect(await i.sum(0).array()).toEqual([5, 7, 9]);
    expect(await i.max(1).array()).toEqual([3, 6]);
    expect(i.mean().dtype).toBe("float32");
    expect(await i.mean(1).array()).toEqual([2, 5]);
    const b = tensor([true, true, false, true]);
    expect(b.sum().dtype).toBe("int32");
    expect(await b.sum().itemAsync()).toBe(3);
    expect(await b.mean().itemAsync()).toBe(0.75);
  });

  it("rejects bad and repeated axes", () => {
    const x = zeros([2, 3]);
    expect(() => x.sum(2)).toThrow(ShapeError);
    expect(() => x.sum(-3)).toThrow(/axis -3 is out of range for a tensor of rank 2/);
    expect(() => x.sum([0, -2])).toThrow(/repeated axis/);
    expect(() => x.argmax(5)).toThrow(ShapeError);
  });

  describe("against PyTorch (reductions.json)", () => {
    const fixture = loadFixture<{
      name: string;
      fn: "var" | "std" | "logsumexp" | "mean";
      options: { dims: number[]; keepDims: boolean; correction?: number };
      input: FixtureTensor;
      output: FixtureTensor;
      grad_input: FixtureTensor;
    }>("reductions");
    it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      // float64 where the backend has it; webgpu (no f64 in WGSL) runs it in float32, to float32 precision
      const f64 = getBackend().supports("float64");
      const tol = f64 ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
      const gradTol = f64 ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
      const x = fixtureTensor(c.input, f64 ? "float64" : "float32").requiresGrad_();
      const { dims, keepDims, correction } = c.options;
      const y =
        c.fn === "var"
          ? x.var(dims, keepDims, correction)
          : c.fn === "std"
            ? x.std(dims, keepDims, correction)
            : c.fn === "logsumexp"
              ? x.logSumExp(dims, keepDims)
              : x.mean(dims, keepDims);
      expect(y.shape).toEqual(c.output.shape);
      await expectClose(y, c.output.data, tol);
      y.sum().backward();
      await expectClose(x.grad!, c.grad_input.data, gradTol);
      // float32 forward agrees to float32 precision
      const y32 = fixtureTensor(c.input).var(dims, keepDims, correction ?? 1);
      if (c.fn === "var") await expectClose(y32, c.output.data, { rtol: 1e-5, atol: 1e-6 });
    });
  });

  describe("argmax / argmin", () => {
    const x = () =>
      tensor([
        [3, 7, 7, 1],
        [9, -2, 4, 9],
        [0, 0, -5, 2],
      ]);
    it("along an axis, first index on ties, int32", async () => {
      const a = x().argmax(1);
      expect(a.dtype).toBe("int32");
      expect(await a.array()).toEqual([1, 0, 3]);
      expect(await x().argmin(1).array()).toEqual([3, 1, 2]);
      expect(await x().argmax(0).array()).toEqual([1, 0, 0, 1]);
      expect(await x().argmin(0).array()).toEqual([2, 1, 2, 0]);
      expect(x().argmax(-1, true).shape).toEqual([3, 1]);
      expect(await x().argmax(-1, true).array()).toEqual([[1], [0], [3]]);
    });
    it("of the flattened tensor when no axis is given", async () => {
      expect(x().argmax().shape).toEqual([]);
      expect(await x().argmax().itemAsync()).toBe(4);
      expect(await x().argmin().itemAsync()).toBe(10);
      expect(x().argmax(undefined, true).shape).toEqual([1, 1]);
    });
    it("on non-contiguous views and ints", async () => {
      const t = x().T; // (4, 3)
      expect(await t.argmax(1).array()).toEqual([1, 0, 0, 1]);
      expect(await t.argmax().itemAsync()).toBe(1); // flat index in the transposed order: value 9 at [0,1]
      const i = tensor([5, 1, 8], { dtype: "int32" });
      expect(await i.argmax().itemAsync()).toBe(2);
      expect(() => tensor([true, false]).argmax()).toThrow(DTypeError);
    });
  });

  describe("all / any", () => {
    it("over axes, with non-zero floats counting as true", async () => {
      const b = tensor([
        [true, true, false],
        [true, true, true],
      ]);
      expect(await b.all().itemAsync()).toBe(0);
      expect(b.all().dtype).toBe("bool");
      expect(await b.all(1).array()).toEqual([false, true]);
      expect(await b.all(0).array()).toEqual([true, true, false]);
      expect(await b.any(0, true).array()).toEqual([[true, true, true]]);
      expect(await tensor([0, 0]).any().array()).toBe(false);
      expect(await tensor([0.5, -2]).all().array()).toBe(true);
      expect(await tensor([0, 0.25]).any().array()).toBe(true);
      expect(await tensor([0.5, 0]).all().array()).toBe(false);
      expect(await tensor([Number.NaN]).all().array()).toBe(true);
    });
    it("of an empty tensor: all is true, any is false", async () => {
      expect(await zeros([0]).all().array()).toBe(true);
      expect(await zeros([0]).any().array()).toBe(false);
      expect(await zeros([2, 0]).all(1).array()).toEqual([true, true]);
    });
  });

  describe("NaN and empty axes", () => {
    it("NaN propagates through sum, mean, max, min, var, logSumExp; argmax points at it", async () => {
      const x = tensor([
        [1, Number.NaN, 3],
        [4, 5, 6],
      ]);
      for (const y of [x.sum(1), x.mean(1), x.max(1), x.min(1), x.var(1), x.logSumExp(1), x.norm(2, 1)]) {
        const v = Array.from(await y.data());
        expect(Number.isNaN(v[0])).toBe(true);
        expect(Number.isNaN(v[1])).toBe(false);
      }
      expect((await x.max(1).data())[1]).toBe(6);
      expect(await x.argmax(1).array()).toEqual([1, 2]);
      expect(await x.argmin(1).array()).toEqual([1, 0]);
      expect(await tensor([Number.NaN, 1]).max().itemAsync()).toBeNaN();
      expect(await tensor([2, Number.NaN]).min().itemAsync()).toBeNaN();
    });
    it("logSumExp is stable for large values and all -Infinity", async () => {
      await expectClose(tensor([1000, 1000]).logSumExp(), 1000 + Math.LN2, { rtol: 1e-6 });
      await expectClose(tensor([-1000, -1000]).logSumExp(), -1000 + Math.LN2, { rtol: 1e-6 });
      expect(await tensor([-Infinity, -Infinity]).logSumExp().itemAsync()).toBe(-Infinity);
      expect(await tensor([-Infinity, 0]).logSumExp().itemAsync()).toBe(0);
    });
    it("max/min/argmax over an empty axis throw; sum gives 0, mean NaN", async () => {
      const e = zeros([0, 3]);
      expect(() => e.max(0)).toThrow(ShapeError);
      expect(() => e.max(0)).toThrow(/max: cannot reduce over axis 0 of size 0/);
      expect(() => e.min()).toThrow(/min: cannot reduce over axis 0 of size 0/);
      expect(() => e.argmax(0)).toThrow(/argmax: cannot reduce over an empty axis/);
      expect(() => e.argmin()).toThrow(ShapeError);
      expect(() => e.logSumExp(0)).toThrow(ShapeError);
      expect(await e.sum(0).array()).toEqual([0, 0, 0]);
      expect(await e.sum().itemAsync()).toBe(0);
      expect(e.max(1).shape).toEqual([0]);
      expect(Array.from(await e.mean(0).data()).every(Number.isNaN)).toBe(true);
    });
    it("var of a single element with correction 1 is NaN, with correction 0 is 0", async () => {
      expect(await tensor([3]).var().itemAsync()).toBeNaN();
      expect(await tensor([3]).var(undefined, false, 0).itemAsync()).toBe(0);
    });
  });
});

describe("norm with p = 0", () => {
  it("counts the non-zero entries", async () => {
    expect(
      await tensor([
        [0, 2, -3],
        [0, 0, 1],
      ])
        .norm(0, 1)
        .array(),
    ).toEqual([2, 1]);
  });
});

describeEachBackend("norm's gradient where the norm is 0", (backend) => {
  const P = [2, 3, 1.5, 0.5, 1, Number.POSITIVE_INFINITY];

  it.each(P)("p = %s: 0 at the zero vector, as PyTorch (not NaN)", async (p) => {
    // webgpu has no float64 (WGSL has no f64)
    const dtypes = backend === "webgpu" ? (["float32"] as const) : (["float32", "float64"] as const);
    for (const dtype of dtypes) {
      const x = zeros([4], { dtype, requiresGrad: true });
      const n = x.norm(p);
      expect(await n.itemAsync()).toBe(0);
      n.backward();
      expect(Array.from(await x.grad!.data())).toEqual([0, 0, 0, 0]);
    }
  });

  itNeeds("float64").each(P)(
    "p = %s over axes: zero slices get 0, the others their usual gradient",
    async (p) => {
      const values = [0, 0, 0, 3, 0, -4, 0, 0, 0, 1, 2, -2];
      const x = fromHost(values, [2, 2, 3], "float64").requiresGrad_();
      const n = x.norm(p, [2], true);
      expect(n.shape).toEqual([2, 2, 1]);
      n.sum().backward();
      const g = Array.from(await x.grad!.data());
      expect(g.every(Number.isFinite)).toBe(true);
      expect([...g.slice(0, 3), ...g.slice(6, 9)]).toEqual([0, 0, 0, 0, 0, 0]);
      // PyTorch's formula for the non-zero slices: sign(x)·|x|^(p−1) / ‖x‖^(p−1), and 0 at x = 0 for p < 1
      const expected = (slice: number[]) => {
        const norm =
          p === Number.POSITIVE_INFINITY
            ? Math.max(...slice.map(Math.abs))
            : sum(slice.map((v) => Math.abs(v) ** p)) ** (1 / p);
        if (p === Number.POSITIVE_INFINITY) {
          const ties = slice.filter((v) => Math.abs(v) === norm).length;
          return slice.map((v) => (Math.abs(v) === norm ? Math.sign(v) / ties : 0));
        }
        return slice.map((v) => (v === 0 ? 0 : Math.sign(v) * (Math.abs(v) / norm) ** (p - 1)));
      };
      await expectClose(g.slice(3, 6), expected(values.slice(3, 6)), { rtol: 1e-12, atol: 1e-12 });
      await expectClose(g.slice(9, 12), expected(values.slice(9, 12)), { rtol: 1e-12, atol: 1e-12 });
    },
  );

  it("the values are the same with and without a graph to record", async () => {
    const values = [0, 0, 0, 3, 0, -4, 1e-20, 0, 0, Number.NaN, 2, Number.POSITIVE_INFINITY];
    for (const p of P) {
      const plain = fromHost(values, [4, 3], "float32").norm(p, 1);
      const graphed = fromHost(values, [4, 3], "float32").requiresGrad_().norm(p, 1);
      expect(Array.from(await graphed.data())).toEqual(Array.from(await plain.data()));
    }
  });

  itNeeds("float64").each([2, 3, 1.5, 0.5])(
    "p = %s passes gradcheck (float64) away from zero, over all and over axes",
    (p) => {
      const x = fromHost(seededValues(12, 7, 0.5, 2), [3, 4], "float64").mul(
        fromHost([1, -1, 1, -1, -1, 1, 1, 1, -1, -1, 1, -1], [3, 4], "float64"),
      );
      const leaf = x.detach().requiresGrad_();
      for (const fn of [
        (t: Tensor) => t.norm(p),
        (t: Tensor) => t.norm(p, 1),
        (t: Tensor) => t.norm(p, [0], true),
      ]) {
        const r = gradcheck(fn, [leaf]);
        expect(r.ok, r.message).toBe(true);
      }
    },
  );

  itNeeds("float64").each([2, 3, 1.5, 0.5])(
    "p = %s: 0 is also the central difference at a zero slice (gradcheck)",
    (p) => {
      const x = fromHost([0, 0, 0, 1, -2, 0.5, 0, 0, 0], [3, 3], "float64").requiresGrad_();
      const r = gradcheck((t) => t.norm(p, 1), [x]);
      expect(r.ok, r.message).toBe(true);
    },
  );
});
