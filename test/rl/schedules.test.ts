import { describe, expect, it } from "vitest";
import { ValueError } from "../../src/base/errors.js";
import * as rl from "../../src/rl/index.js";

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
