import { describe, expect, it } from "vitest";
import { DTypeError, ValueError } from "../../../src/base/errors.js";
import { Generator, manualSeed } from "../../../src/core/random.js";
import { ones, randint, randn } from "../../../src/ops/creation.js";
import { dropout, dropout2d } from "../../../src/nn/functional.js";
import { Dropout, Dropout2d } from "../../../src/nn/layers/dropout.js";
import { itNeeds } from "../../helpers/backends.js";

describe("Dropout", () => {
  it("zeroes a fraction p and scales the rest by 1/(1 − p), preserving the mean", async () => {
    manualSeed(3);
    const n = 100_000;
    for (const p of [0.2, 0.5, 0.8]) {
      const y = await new Dropout(p).forward(ones([n])).data();
      let zerosCount = 0;
      let sum = 0;
      for (const v of y) {
        if (v === 0) zerosCount++;
        else expect(v).toBeCloseTo(1 / (1 - p), 5);
        sum += v;
      }
      expect(Math.abs(zerosCount / n - p)).toBeLessThan(0.01);
      expect(Math.abs(sum / n - 1)).toBeLessThan(0.02);
    }
  });

  it("is the identity in eval mode and for p = 0; p = 1 zeroes everything", async () => {
    const x = randn([4, 5]);
    const d = new Dropout(0.5);
    d.eval();
    expect(d.forward(x)).toBe(x);
    d.train();
    expect(d.forward(x)).not.toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(Array.from(await new Dropout(1).forward(x).data()).every((v) => v === 0)).toBe(true);
    expect(dropout(x, 0.5, false)).toBe(x);
  });

  it("passes the gradient through the kept elements with the same scale", async () => {
    const x = randn([1000], { requiresGrad: true });
    const y = new Dropout(0.25).forward(x);
    y.sum().backward();
    const yv = await y.data();
    const xv = await x.data();
    const g = await x.grad!.data();
    for (let i = 0; i < 1000; i++) {
      expect(g[i]).toBeCloseTo(yv[i] === 0 && xv[i] !== 0 ? 0 : 1 / 0.75, 5);
    }
  });

  itNeeds("float64")("is reproducible with a generator and keeps the input dtype", async () => {
    const a = dropout(ones([50]), 0.5, true, { generator: new Generator(9) });
    const b = dropout(ones([50]), 0.5, true, { generator: new Generator(9) });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(dropout(ones([3], { dtype: "float64" }), 0.5).dtype).toBe("float64");
  });

  it("validates p and the input dtype", () => {
    expect(() => new Dropout(1.5)).toThrow(ValueError);
    expect(() => new Dropout(-0.1)).toThrow("Dropout: probability p must be in [0, 1], got -0.1");
    expect(() => dropout(ones([2]), 2)).toThrow(/dropout: probability must be in \[0, 1\], got 2/);
    expect(() => dropout(randint(0, 3, [4]), 0.5)).toThrow(DTypeError);
    expect(new Dropout(0.3).describe()).toBe("Dropout(p=0.3)");
  });
});

describe("Dropout2d", () => {
  it("zeroes whole channels with probability p and scales the rest", async () => {
    manualSeed(5);
    const y = new Dropout2d(0.5).forward(ones([20, 50, 3, 3]));
    const v = await y.data();
    let dropped = 0;
    for (let ch = 0; ch < 1000; ch++) {
      const first = v[ch * 9];
      for (let i = 1; i < 9; i++) expect(v[ch * 9 + i]).toBe(first);
      expect([0, 2]).toContain(first);
      if (first === 0) dropped++;
    }
    expect(Math.abs(dropped / 1000 - 0.5)).toBeLessThan(0.06);
  });

  it("is the identity in evaluation and explains bad input", () => {
    const d = new Dropout2d(0.3);
    const x = randn([2, 3, 4, 4]);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(dropout2d(x, 0.3, false)).toBe(x);
    expect(new Dropout2d(0.3).forward(randn([3, 4, 4])).shape).toEqual([3, 4, 4]);
    expect(() => new Dropout2d(0.3).forward(randn([2, 3]))).toThrow(
      "Dropout2d(p=0.3) expected input (N, C, H, W) or (C, H, W), got (2, 3)",
    );
    expect(() => new Dropout2d(1.5)).toThrow(ValueError);
  });
});
