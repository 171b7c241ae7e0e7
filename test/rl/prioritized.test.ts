import { describe, expect, it } from "vitest";
import { Generator } from "../../src/core/random.js";
import * as rl from "../../src/rl/index.js";

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
