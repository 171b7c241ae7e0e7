import { describe, expect, it } from "vitest";
import { ValueError } from "../../src/base/errors.js";
import { Generator } from "../../src/core/random.js";
import * as rl from "../../src/rl/index.js";

const obs = (v: number) => new Float32Array([v, -v]);

describe("ReplayBuffer", () => {
  it("stores up to capacity, then overwrites the oldest (wrap-around)", () => {
    const buf = new rl.ReplayBuffer(4, [2]);
    for (let i = 0; i < 6; i++) buf.add(obs(i), i % 2, i * 10, obs(i + 1), i === 5);
    expect(buf.size).toBe(4);
    expect(buf.position).toBe(2);
    // slots 0, 1 now hold transitions 4, 5; slots 2, 3 hold 2, 3
    expect(Array.from(buf.rewards)).toEqual([40, 50, 20, 30]);
    expect(Array.from(buf.observations.subarray(0, 4))).toEqual([4, -4, 5, -5]);
    expect(Array.from(buf.nextObservations.subarray(2, 4))).toEqual([6, -6]);
    expect(Array.from(buf.dones)).toEqual([0, 1, 0, 0]);
    expect(Array.from(buf.actions)).toEqual([0, 1, 0, 1]);
  });

  it("a sampled batch holds whole transitions, consistently", () => {
    const buf = new rl.ReplayBuffer(100, [2]);
    for (let i = 0; i < 100; i++) buf.add(obs(i), i % 3, i, obs(i + 1), i % 7 === 0);
    const b = buf.sample(32, new Generator(1));
    expect(b.batchSize).toBe(32);
    for (let k = 0; k < 32; k++) {
      const i = b.rewards[k];
      expect(b.observations[2 * k]).toBe(i);
      expect(b.observations[2 * k + 1]).toBe(-i);
      expect(b.nextObservations[2 * k]).toBe(i + 1);
      expect(b.actions[k]).toBe(i % 3);
      expect(b.dones[k]).toBe(i % 7 === 0 ? 1 : 0);
      expect(b.indices[k]).toBe(i);
      expect(b.weights[k]).toBe(1);
    }
  });

  it("samples uniformly over the stored transitions only", () => {
    const buf = new rl.ReplayBuffer(10, [1]);
    for (let i = 0; i < 5; i++) buf.add([i], 0, i, [i], false);
    const counts = new Array(10).fill(0);
    const g = new Generator(2);
    const draws = 50000;
    const b = buf.sample(draws, g);
    for (const i of b.indices) counts[i]++;
    for (let i = 0; i < 5; i++) expect(Math.abs(counts[i] / draws - 0.2)).toBeLessThan(0.01);
    expect(counts.slice(5).every((c) => c === 0)).toBe(true);
  });

  it("says what is wrong", () => {
    const buf = new rl.ReplayBuffer(3, [2]);
    expect(() => buf.sample(2, new Generator(0))).toThrow(/buffer is empty/);
    expect(() => buf.add([1], 0, 0, [1, 2], false)).toThrow(/must have 2 values/);
    expect(() => new rl.ReplayBuffer(0, [1])).toThrow(ValueError);
  });
});
