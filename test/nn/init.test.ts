import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../src/base/errors.js";
import { Generator, manualSeed } from "../../src/core/random.js";
import { zeros } from "../../src/ops/creation.js";
import * as init from "../../src/nn/init.js";
import { itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    s += values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = s / values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / values.length), min, max };
}

describe("calculateGain and fanInOut", () => {
  it("gives PyTorch's gains", () => {
    expect(init.calculateGain("linear")).toBe(1);
    expect(init.calculateGain("conv2d")).toBe(1);
    expect(init.calculateGain("sigmoid")).toBe(1);
    expect(init.calculateGain("tanh")).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain("relu")).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain("leaky_relu")).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(init.calculateGain("leaky_relu", 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(init.calculateGain("selu")).toBe(0.75);
    expect(() => init.calculateGain("swish" as init.Nonlinearity)).toThrow(/unknown nonlinearity "swish"/);
  });

  it("uses [out, in, ...kernel]", () => {
    expect(init.fanInOut([128, 784])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(init.fanInOut([64, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 1600 });
    expect(init.fanInOut(zeros([4, 2, 3]))).toEqual({ fanIn: 6, fanOut: 12 });
    expect(() => init.fanInOut([10])).toThrow(ShapeError);
    expect(() => init.fanInOut([10])).toThrow(/at least 2 dimensions.*\(10,\)/);
  });
});

describe("initializers", () => {
  // large samples: the standard error of a sample std is std/√(2n) ≈ 0.3% at n = 60,000
  const big = [300, 200] as const;

  it("xavierUniform: bound gain·√(6/(in+out)), std gain·√(2/(in+out))", async () => {
    const w = init.xavierUniform([...big], { gain: 2 });
    const bound = 2 * Math.sqrt(6 / 500);
    const s = stats(await w.data());
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(Math.abs(s.std / (2 * Math.sqrt(2 / 500)) - 1)).toBeLessThan(0.05);
  });

  it("xavierNormal std within 5%", async () => {
    const s = stats(await init.xavierNormal([...big]).data());
    expect(Math.abs(s.std / Math.sqrt(2 / 500) - 1)).toBeLessThan(0.05);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
  });

  it("kaimingNormal: std gain/√fan for fanIn and fanOut", async () => {
    const relu = stats(await init.kaimingNormal([...big], { nonlinearity: "relu" }).data());
    expect(Math.abs(relu.std / (Math.SQRT2 / Math.sqrt(200)) - 1)).toBeLessThan(0.05);
    const out = stats(await init.kaimingNormal([...big], { mode: "fanOut", nonlinearity: "relu" }).data());
    expect(Math.abs(out.std / (Math.SQRT2 / Math.sqrt(300)) - 1)).toBeLessThan(0.05);
    const leaky = stats(await init.kaimingNormal([...big], { a: 0.2 }).data());
    expect(Math.abs(leaky.std / (Math.sqrt(2 / 1.04) / Math.sqrt(200)) - 1)).toBeLessThan(0.05);
    const lin = stats(await init.kaimingNormal([...big], { nonlinearity: "linear" }).data());
    expect(Math.abs(lin.std / (1 / Math.sqrt(200)) - 1)).toBeLessThan(0.05);
  });

  it("kaimingUniform: bound gain·√(3/fan); a = √5 gives 1/√fanIn", async () => {
    const w = init.kaimingUniform([64, 3, 3, 3], { nonlinearity: "relu" });
    const bound = Math.SQRT2 * Math.sqrt(3 / 27);
    const s = stats(await w.data());
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    const torchDefault = stats(await init.kaimingUniform([...big], { a: Math.sqrt(5) }).data());
    expect(torchDefault.max).toBeLessThanOrEqual(1 / Math.sqrt(200));
    expect(torchDefault.max).toBeGreaterThan(0.98 / Math.sqrt(200));
    expect(Math.abs(torchDefault.std / (1 / Math.sqrt(3 * 200)) - 1)).toBeLessThan(0.05);
    expect(() => init.kaimingUniform([4, 0])).toThrow(/fanIn 0/);
    expect(() => init.kaimingUniform([4, 3], { mode: "in" as init.FanMode })).toThrow(/mode must be/);
  });

  itNeeds("float64")("uniform, normal, constant, zeros, ones", async () => {
    const u = stats(await init.uniform([10000], { low: 2, high: 3 }).data());
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThan(3);
    const n = stats(await init.normal([20000], { mean: 1, std: 0.5 }).data());
    expect(Math.abs(n.mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(n.std / 0.5 - 1)).toBeLessThan(0.05);
    await expectClose(init.constant([2, 2], 0.3), [0.3, 0.3, 0.3, 0.3]);
    expect(await init.zeros([3]).array()).toEqual([0, 0, 0]);
    expect(init.ones([2], { dtype: "float64" }).dtype).toBe("float64");
    expect(() => init.uniform([2], { low: 1, high: 0 })).toThrow(ValueError);
    expect(() => init.normal([2], { dtype: "int32" })).toThrow(/dtype must be float32 or float64/);
  });

  itNeeds("float64")("takes a template tensor's shape and dtype, and returns a new tensor", async () => {
    const t = zeros([5, 4], { dtype: "float64" });
    const w = init.xavierUniform(t);
    expect(w).not.toBe(t);
    expect(w.shape).toEqual([5, 4]);
    expect(w.dtype).toBe("float64");
    expect(await t.array()).toEqual(await zeros([5, 4]).array());
  });

  it("is reproducible with manualSeed and with an explicit generator", async () => {
    manualSeed(7);
    const a = await init.kaimingNormal([4, 4]).data();
    manualSeed(7);
    const b = await init.kaimingNormal([4, 4]).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = await init.orthogonal([4, 4], { generator: new Generator(3) }).data();
    const d = await init.orthogonal([4, 4], { generator: new Generator(3) }).data();
    expect(Array.from(c)).toEqual(Array.from(d));
  });
});

describe("orthogonal", () => {
  for (const shape of [
    [16, 16],
    [20, 8],
    [8, 20],
    [6, 2, 3, 3],
  ]) {
    itNeeds("float64")(`shape [${shape.join(", ")}] has orthonormal rows or columns`, async () => {
      const w = init.orthogonal(shape, { dtype: "float64" });
      expect(w.shape).toEqual(shape);
      const m = w.reshape([shape[0], -1]);
      const [rows, cols] = m.shape;
      const gram = rows >= cols ? m.T.matmul(m) : m.matmul(m.T);
      const n = Math.min(rows, cols);
      const eye = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
      await expectClose(gram, eye, { atol: 1e-12, rtol: 0 });
    });
  }

  it("scales by gain and works in float32", async () => {
    const w = init.orthogonal([10, 10], { gain: 2 });
    const wtw = w.T.matmul(w);
    const eye4 = Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? 4 : 0));
    await expectClose(wtw, eye4, { atol: 1e-5, rtol: 0 });
    expect(() => init.orthogonal([5])).toThrow(/at least 2 dimensions/);
  });
});
