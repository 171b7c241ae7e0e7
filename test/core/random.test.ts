import { describe, expect, it } from "vitest";
import { Generator, defaultGenerator, manualSeed } from "../../src/core/random.js";
import { mean, variance } from "../helpers/naive.js";

describe("Generator", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const a = new Generator(123);
    const b = new Generator(123);
    const c = new Generator(124);
    const va = Array.from({ length: 20 }, () => a.nextUint32());
    const vb = Array.from({ length: 20 }, () => b.nextUint32());
    const vc = Array.from({ length: 20 }, () => c.nextUint32());
    expect(va).toEqual(vb);
    expect(va).not.toEqual(vc);
    for (const v of va) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
    }
    // seeds above 2^32 are not truncated to the same state
    expect(new Generator(2 ** 32 + 5).nextUint32()).not.toBe(new Generator(5).nextUint32());
  });

  it("seed() resets the state, including the cached normal", () => {
    const g = new Generator(9);
    const first = [g.normal(), g.uniform()];
    g.normal(); // leaves a spare normal cached
    g.seed(9);
    expect([g.normal(), g.uniform()]).toEqual(first);
  });

  it("uniform, normal, int and permutation have the right distribution", () => {
    const g = new Generator(2024);
    const u = Array.from({ length: 10000 }, () => g.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(variance(u) - 1 / 12)).toBeLessThan(0.005);
    const n = Array.from({ length: 10000 }, () => g.normal());
    expect(Math.abs(mean(n))).toBeLessThan(0.04);
    expect(Math.abs(Math.sqrt(variance(n)) - 1)).toBeLessThan(0.03);
    const k = Array.from({ length: 6000 }, () => g.int(3, 6));
    expect(new Set(k)).toEqual(new Set([3, 4, 5]));
    const p = g.permutation(10);
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // every position sees every value over many shuffles
    const seen = Array.from({ length: 4 }, () => new Set<number>());
    for (let t = 0; t < 200; t++) {
      g.permutation(4).forEach((v, i) => {
        seen[i].add(v);
      });
    }
    expect(seen.every((s) => s.size === 4)).toBe(true);
  });

  it("manualSeed seeds the library-wide generator", () => {
    manualSeed(77);
    const a = [defaultGenerator.uniform(), defaultGenerator.normal()];
    manualSeed(77);
    expect([defaultGenerator.uniform(), defaultGenerator.normal()]).toEqual(a);
  });
});
