import { describe, expect, it } from "vitest";
import { DTypeError, ValueError } from "../../../src/core/errors.js";
import { Generator, manualSeed } from "../../../src/core/random.js";
import { ones, randint, randn } from "../../../src/ops/creation.js";
import { dropout } from "../../../src/nn/functional.js";
import { Dropout } from "../../../src/nn/layers/dropout.js";

describe("Dropout", () => {
  it("zeroes a fraction p and scales the rest by 1/(1 − p), preserving the mean", () => {
    manualSeed(3);
    const n = 100_000;
    for (const p of [0.2, 0.5, 0.8]) {
      const y = new Dropout(p).forward(ones([n])).dataSync();
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

  it("is the identity in eval mode and for p = 0; p = 1 zeroes everything", () => {
    const x = randn([4, 5]);
    const d = new Dropout(0.5);
    d.eval();
    expect(d.forward(x)).toBe(x);
    d.train();
    expect(d.forward(x)).not.toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(Array.from(new Dropout(1).forward(x).dataSync()).every((v) => v === 0)).toBe(true);
    expect(dropout(x, 0.5, false)).toBe(x);
  });

  it("passes the gradient through the kept elements with the same scale", () => {
    const x = randn([1000], { requiresGrad: true });
    const y = new Dropout(0.25).forward(x);
    y.sum().backward();
    const yv = y.dataSync();
    const xv = x.dataSync();
    const g = x.grad!.dataSync();
    for (let i = 0; i < 1000; i++) {
      expect(g[i]).toBeCloseTo(yv[i] === 0 && xv[i] !== 0 ? 0 : 1 / 0.75, 5);
    }
  });

  it("is reproducible with a generator and keeps the input dtype", () => {
    const a = dropout(ones([50]), 0.5, true, { generator: new Generator(9) });
    const b = dropout(ones([50]), 0.5, true, { generator: new Generator(9) });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
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
