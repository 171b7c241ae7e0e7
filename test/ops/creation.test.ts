import { expect, it } from "vitest";
import { getBackend } from "../../src/backends/registry.js";
import { OutOfMemoryError, ShapeError, StrataError, ValueError } from "../../src/base/errors.js";
import { Generator, manualSeed } from "../../src/core/random.js";
import {
  arange,
  bernoulli,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  randperm,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from "../../src/ops/creation.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { mean, variance } from "../helpers/naive.js";

describeEachBackend("creation", () => {
  it("tensor() from nested arrays infers shape and float32", async () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    expect(t.strides).toEqual([3, 1]);
    expect(await t.array()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t3 = tensor([
      [[1], [2]],
      [[3], [4]],
    ]);
    expect(t3.shape).toEqual([2, 2, 1]);
    expect(Array.from(await t3.data())).toEqual([1, 2, 3, 4]);
  });

  it("tensor() of a number is 0-d; of an empty list has shape [0]", async () => {
    const s = tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.rank).toBe(0);
    expect(await s.itemAsync()).toBe(2.5);
    expect(await s.array()).toBe(2.5);
    expect(await scalar(7, { dtype: "int32" }).array()).toBe(7);
    const e = tensor([]);
    expect(e.shape).toEqual([0]);
    expect(e.size).toBe(0);
    expect(await e.array()).toEqual([]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  itNeeds("float64")("tensor() with an explicit dtype converts values", async () => {
    const i = tensor([1.7, -1.7, 3], { dtype: "int32" });
    expect(i.dtype).toBe("int32");
    expect(Array.from(await i.data())).toEqual([1, -1, 3]);
    const d = tensor([0.1, 0.2], { dtype: "float64" });
    expect(d.dtype).toBe("float64");
    expect(await d.data()).toBeInstanceOf(Float64Array);
    expect(Array.from(await d.data())).toEqual([0.1, 0.2]);
    // float32 rounds
    expect(await tensor([0.1]).itemAsync()).toBe(Math.fround(0.1));
    expect(await tensor([0.1]).itemAsync()).not.toBe(0.1);
    const b = tensor([0, 2, -1], { dtype: "bool" });
    expect(await b.array()).toEqual([false, true, true]);
  });

  it("tensor() of booleans is bool, read back as booleans", async () => {
    const b = tensor([
      [true, false],
      [false, true],
    ]);
    expect(b.dtype).toBe("bool");
    expect(await b.data()).toBeInstanceOf(Uint8Array);
    expect(Array.from(await b.data())).toEqual([1, 0, 0, 1]);
    expect(await b.array()).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(await tensor(true).array()).toBe(true);
    expect(tensor(false).dtype).toBe("bool");
  });

  itNeeds("float64")("tensor() from typed arrays keeps the dtype and takes a shape", async () => {
    const f = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(f.dtype).toBe("float32");
    expect(f.shape).toEqual([2, 3]);
    expect(await f.array()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor(new Float64Array([0.1])).dtype).toBe("float64");
    expect(tensor(new Int32Array([-3, 4])).dtype).toBe("int32");
    const u8 = tensor(new Uint8Array([200, 3]));
    expect(u8.dtype).toBe("int32");
    expect(Array.from(await u8.data())).toEqual([200, 3]);
    expect(await tensor(new Int16Array([-5])).array()).toEqual([-5]);
    expect(tensor(new Int32Array([1, 0, 2]), { dtype: "float32" }).dtype).toBe("float32");
  });

  it("tensor() copies its input", async () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 99;
    expect(await t.array()).toEqual([1, 2]);
  });

  it("tensor() rejects ragged arrays and shapes that do not fit", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => tensor([1, [2]] as never)).toThrow(/ragged/);
    expect(() =>
      tensor([
        [[1, 2]],
        [
          [3, 4],
          [5, 6],
        ],
      ]),
    ).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(6), { shape: [4, 2] })).toThrow(
      /6 values do not fill shape \(4, 2\)/,
    );
    expect(() => tensor([1, 2], { shape: [-2] })).toThrow(ShapeError);
    expect(() => tensor(["a"] as never)).toThrow(StrataError);
  });

  itNeeds("float64")("zeros, ones, full and the *Like variants", async () => {
    const z = zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe("float32");
    expect(Array.from(await z.data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(await ones([3], { dtype: "int32" }).data())).toEqual([1, 1, 1]);
    expect(ones([2], { dtype: "int32" }).dtype).toBe("int32");
    const f = full([2, 2], 3.5);
    expect(await f.array()).toEqual([
      [3.5, 3.5],
      [3.5, 3.5],
    ]);
    expect(await full([2], 3.9, { dtype: "int32" }).array()).toEqual([3, 3]);
    expect(await full([2], 5, { dtype: "bool" }).array()).toEqual([true, true]);
    expect(Number.isNaN(await full([1], Number.NaN).itemAsync())).toBe(true);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 4]).size).toBe(0);
    const like = tensor([[1, 2, 3]], { dtype: "float64" });
    expect(zerosLike(like).dtype).toBe("float64");
    expect(zerosLike(like).shape).toEqual([1, 3]);
    expect(await onesLike(like).array()).toEqual([[1, 1, 1]]);
    expect(await fullLike(like, 7).array()).toEqual([[7, 7, 7]]);
    expect(onesLike(like, { dtype: "int32" }).dtype).toBe("int32");
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => zeros([1.5])).toThrow(ShapeError);
  });

  itNeeds("float64")("arange: int32 for integer arguments, float32 otherwise", async () => {
    const a = arange(5);
    expect(a.dtype).toBe("int32");
    expect(await a.array()).toEqual([0, 1, 2, 3, 4]);
    expect(await arange(2, 6).array()).toEqual([2, 3, 4, 5]);
    expect(await arange(1, 10, 3).array()).toEqual([1, 4, 7]);
    expect(await arange(5, 0, -2).array()).toEqual([5, 3, 1]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(5, 0).shape).toEqual([0]);
    const f = arange(0, 1, 0.25);
    expect(f.dtype).toBe("float32");
    expect(await f.array()).toEqual([0, 0.25, 0.5, 0.75]);
    const g = arange(0.5, 3);
    expect(g.dtype).toBe("float32");
    expect(await g.array()).toEqual([0.5, 1.5, 2.5]);
    expect(arange(0, 3, 1, { dtype: "float64" }).dtype).toBe("float64");
    expect(await arange(4, undefined, 1, { dtype: "float32" }).array()).toEqual([0, 1, 2, 3]);
    expect(() => arange(0, 5, 0)).toThrow(/step must be non-zero/);
  });

  itNeeds("float64")("linspace includes both ends", async () => {
    expect(await linspace(0, 1, 5).array()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    await expectClose(linspace(-1, 1, 3), [-1, 0, 1]);
    const l = linspace(0, 1, 7, { dtype: "float64" });
    expect(l.dtype).toBe("float64");
    const v = await l.data();
    expect(v[6]).toBe(1);
    await expectClose(v, [0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1], { rtol: 1e-15, atol: 1e-15 });
    expect(await linspace(2, 3, 1).array()).toEqual([2]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(await linspace(3, -3, 4).array()).toEqual([3, 1, -1, -3]);
    expect(() => linspace(0, 1, -1)).toThrow(/steps/);
    expect(() => linspace(0, 1, 2.5)).toThrow(/steps/);
  });

  it("eye: square and rectangular identity", async () => {
    expect(await eye(3).array()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(await eye(2, 3).array()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(await eye(3, 2).array()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(eye(2, 2, { dtype: "int32" }).dtype).toBe("int32");
  });

  it("manualSeed makes rand/randn/randint/bernoulli/randperm reproducible", async () => {
    const draw = async () => [
      Array.from(await rand([5]).data()),
      Array.from(await randn([5]).data()),
      Array.from(await randint(0, 100, [5]).data()),
      Array.from(await bernoulli(0.5, [8]).data()),
      Array.from(await randperm(6).data()),
    ];
    manualSeed(42);
    const a = await draw();
    manualSeed(42);
    const b = await draw();
    expect(a).toEqual(b);
    manualSeed(43);
    const c = await draw();
    expect(c[0]).not.toEqual(a[0]);
    expect(c[1]).not.toEqual(a[1]);
  });

  it("an explicit Generator is independent of the global seed", async () => {
    const a = await randn([4], { generator: new Generator(7) }).data();
    manualSeed(1);
    randn([10]);
    const b = await randn([4], { generator: new Generator(7) }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  itNeeds("float64")("rand: uniform statistics on [low, high)", async () => {
    manualSeed(123);
    const v = Array.from(await rand([10000]).data());
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(Math.abs(mean(v) - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(Math.sqrt(variance(v)) - 1 / Math.sqrt(12))).toBeLessThan(0.01);
    const w = Array.from(await rand([10000], { low: -2, high: 4, dtype: "float64" }).data());
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...w)).toBeLessThan(4);
    expect(Math.abs(mean(w) - 1)).toBeLessThan(0.08);
    expect(() => rand([2], { dtype: "int32" })).toThrow(/float32 or float64/);
  });

  itNeeds("float64")("randn: normal statistics, mean and std options", async () => {
    manualSeed(7);
    const v = Array.from(await randn([10000]).data());
    expect(Math.abs(mean(v))).toBeLessThan(0.04);
    expect(Math.abs(Math.sqrt(variance(v)) - 1)).toBeLessThan(0.03);
    // about 68% within one standard deviation
    const inside = v.filter((x) => Math.abs(x) < 1).length / v.length;
    expect(Math.abs(inside - 0.6827)).toBeLessThan(0.02);
    const w = Array.from(await randn([10000], { mean: 5, std: 2, dtype: "float64" }).data());
    expect(Math.abs(mean(w) - 5)).toBeLessThan(0.08);
    expect(Math.abs(Math.sqrt(variance(w)) - 2)).toBeLessThan(0.06);
    expect(randn([2, 3]).shape).toEqual([2, 3]);
    expect(randn([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => randn([2], { dtype: "bool" })).toThrow(StrataError);
  });

  it("randint: integers in [low, high) hitting every value", async () => {
    manualSeed(3);
    const t = randint(-2, 3, [10000]);
    expect(t.dtype).toBe("int32");
    const v = Array.from(await t.data());
    expect(new Set(v)).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(Math.abs(mean(v))).toBeLessThan(0.05);
    for (const k of [-2, -1, 0, 1, 2]) {
      const frac = v.filter((x) => x === k).length / v.length;
      expect(Math.abs(frac - 0.2)).toBeLessThan(0.02);
    }
    expect(() => randint(3, 3, [1])).toThrow(/greater than low/);
  });

  itNeeds("syncRead")("bernoulli: probability p, or a tensor of probabilities", async () => {
    manualSeed(11);
    const v = Array.from(await bernoulli(0.3, [10000]).data());
    expect(v.every((x) => x === 0 || x === 1)).toBe(true);
    expect(Math.abs(mean(v) - 0.3)).toBeLessThan(0.02);
    const p = tensor([0, 1, 0, 1]);
    expect(await bernoulli(p).array()).toEqual([0, 1, 0, 1]);
    expect(await bernoulli(p, undefined, { dtype: "bool" }).array()).toEqual([false, true, false, true]);
    expect(bernoulli(0.5).shape).toEqual([]);
    expect(() => bernoulli(1.5, [2])).toThrow(/probability/);
    expect(() => bernoulli(tensor([0.5, -0.1]))).toThrow(/probability/);
  });

  it("randperm: a permutation of 0..n-1", async () => {
    manualSeed(5);
    const p = randperm(50);
    expect(p.dtype).toBe("int32");
    const v = Array.from(await p.data());
    expect([...v].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(v).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(randperm(0).shape).toEqual([0]);
  });

  it("a shape larger than the backend can hold is refused before any host array is made", () => {
    const backend = getBackend();
    const live = backend.memory();
    const huge = [100_000, 100_000];
    const named = (op: string) =>
      new RegExp(
        `^${op}: shape \\(100000, 100000\\) holds 10,000,000,000 float32 elements = 37\\.25 GiB, ` +
          // webgpu holds 512 MiB per tensor on lavapipe (one storage binding), GiB elsewhere
          `more than the ${backend.name} backend can hold \\([\\d,]+ elements = [\\d.]+ [MG]iB\\)$`,
      );
    const cases: [string, () => unknown][] = [
      ["zeros", () => zeros(huge)],
      ["ones", () => ones(huge)],
      ["full", () => full(huge, 3)],
      ["rand", () => rand(huge)],
      ["randn", () => randn(huge)],
      ["bernoulli", () => bernoulli(0.5, huge, { dtype: "float32" })],
      ["eye", () => eye(100_000)],
      ["tensor", () => tensor(new Float32Array(4), { shape: huge })],
    ];
    for (const [op, make] of cases) {
      expect(make, op).toThrow(OutOfMemoryError);
      expect(make, op).toThrow(named(op));
    }
    expect(() => randint(0, 5, huge)).toThrow(
      /^randint: shape \(100000, 100000\) holds 10,000,000,000 int32/,
    );
    if (backend.supports("float64"))
      expect(() => ones(huge, { dtype: "float64" })).toThrow(/float64 elements = 74\.51 GiB/);
    expect(() => arange(0, 3e9)).toThrow(/^arange: shape \(3000000000,\) holds 3,000,000,000 int32/);
    expect(() => arange(0, 3e9, 0.5)).toThrow(OutOfMemoryError);
    expect(() => linspace(0, 1, 3e9)).toThrow(/^linspace: shape \(3000000000,\) holds/);
    expect(() => randperm(3e9)).toThrow(/^randperm: shape \(3000000000,\) holds/);
    expect(backend.memory()).toEqual(live);
  });

  it("a size that is negative, NaN, infinite or fractional is an error naming the op", () => {
    const bad = [[2, -1], [Number.NaN], [Number.POSITIVE_INFINITY], [1.5, 2]];
    for (const shape of bad) {
      const cases: [string, () => unknown][] = [
        ["zeros", () => zeros(shape)],
        ["ones", () => ones(shape)],
        ["full", () => full(shape, 1)],
        ["rand", () => rand(shape)],
        ["randn", () => randn(shape)],
        ["randint", () => randint(0, 3, shape)],
        ["bernoulli", () => bernoulli(0.5, shape)],
        ["tensor", () => tensor([1], { shape })],
      ];
      for (const [op, make] of cases) {
        expect(make, `${op} ${shape}`).toThrow(ShapeError);
        expect(make, `${op} ${shape}`).toThrow(new RegExp(`^${op}: invalid shape`));
      }
    }
    expect(() => eye(-1)).toThrow(/^eye: invalid shape \(-1, -1\)/);
    expect(() => eye(2, 1.5)).toThrow(ShapeError);
    expect(() => randperm(-1)).toThrow(/^randperm: invalid shape/);
    expect(() => randperm(2.5)).toThrow(ShapeError);
    expect(() => arange(0, Number.NaN)).toThrow(ValueError);
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(/^arange: start, end and step must be finite/);
    expect(() => linspace(0, 1, -1)).toThrow(ValueError);
  });
});
