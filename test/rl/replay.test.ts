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

describe("PrioritizedReplayBuffer", () => {
  it("SumTree keeps sums and finds prefix sums", () => {
    const t = new rl.SumTree(5);
    for (let i = 0; i < 5; i++) t.set(i, i + 1);
    expect(t.total).toBe(15);
    expect([0, 0.99, 1, 2.99, 3, 5.99, 6, 9.99, 10, 14.99].map((p) => t.find(p))).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]);
    t.set(2, 0);
    expect(t.total).toBe(12);
    expect(t.find(3)).toBe(3);
  });

  it("draws in proportion to priority^α", () => {
    const buf = new rl.PrioritizedReplayBuffer(4, [1], { alpha: 0.5, beta: 1 });
    for (let i = 0; i < 4; i++) buf.add([i], 0, 0, [i], false);
    buf.updatePriorities(
      Int32Array.from([0, 1, 2, 3]),
      [1, 4, 9, 16].map((p) => p - 1e-6),
    );
    // p^α = 1, 2, 3, 4 → probabilities 0.1, 0.2, 0.3, 0.4
    expect([0, 1, 2, 3].map((i) => +buf.probability(i).toFixed(6))).toEqual([0.1, 0.2, 0.3, 0.4]);
    const counts = [0, 0, 0, 0];
    const g = new Generator(3);
    for (let r = 0; r < 500; r++) for (const i of buf.sample(100, g).indices) counts[i]++;
    const n = 50000;
    for (const [i, p] of [0.1, 0.2, 0.3, 0.4].entries())
      expect(Math.abs(counts[i] / n - p)).toBeLessThan(0.01);
  });

  it("importance weights are (N·P)^−β over the batch maximum, β annealed", () => {
    const buf = new rl.PrioritizedReplayBuffer(4, [1], { alpha: 1, beta: rl.linearSchedule(0.5, 1, 100) });
    for (let i = 0; i < 4; i++) buf.add([i], 0, 0, [i], false);
    buf.updatePriorities(
      Int32Array.from([0, 1, 2, 3]),
      [1, 1, 3, 5].map((p) => p - 1e-6),
    );
    // P = 0.1, 0.1, 0.3, 0.5; N = 4
    for (const [step, beta] of [
      [0, 0.5],
      [50, 0.75],
      [200, 1],
    ]) {
      buf.step = step;
      expect(buf.currentBeta()).toBe(beta);
      const b = buf.sample(64, new Generator(step));
      const raw = (i: number) => (4 * buf.probability(i)) ** -beta;
      const maxRaw = Math.max(...Array.from(b.indices, raw));
      for (let k = 0; k < 64; k++) expect(b.weights[k]).toBeCloseTo(raw(b.indices[k]) / maxRaw, 6);
      expect(Math.max(...b.weights)).toBe(1);
    }
  });

  it("new transitions get the largest priority seen", () => {
    const buf = new rl.PrioritizedReplayBuffer(4, [1], { alpha: 1, epsilon: 0 });
    buf.add([0], 0, 0, [0], false);
    buf.add([1], 0, 0, [1], false);
    buf.updatePriorities([0, 1], [0.5, 7]);
    buf.add([2], 0, 0, [2], false);
    expect(buf.tree.get(2)).toBe(7);
    expect(buf.probability(2)).toBeCloseTo(7 / 14.5, 10);
    expect(() => buf.updatePriorities([0], [Number.NaN])).toThrow(/not finite/);
  });
});

describe("ε schedules", () => {
  it("linear goes from start to end over the duration, then stays", () => {
    const s = rl.linearSchedule(1, 0.05, 250000);
    expect(s(0)).toBe(1);
    expect(s(125000)).toBeCloseTo(0.525, 12);
    expect(s(250000)).toBe(0.05);
    expect(s(400000)).toBe(0.05);
    expect(rl.linearSchedule(1, 0, 0)(0)).toBe(0);
    expect(() => rl.linearSchedule(1, 0, -1)).toThrow(ValueError);
  });

  it("exponential decays geometrically toward end", () => {
    const s = rl.exponentialSchedule(1, 0.1, 0.99);
    expect(s(0)).toBe(1);
    expect(s(100)).toBeCloseTo(0.1 + 0.9 * 0.99 ** 100, 12);
    expect(s(1e6)).toBeCloseTo(0.1, 12);
    expect(() => rl.exponentialSchedule(1, 0, 1.5)).toThrow(/decay must be in/);
  });
});
