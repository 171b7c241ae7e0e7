import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ArgumentError, ValueError } from "../../src/base/errors.js";
import { Generator } from "../../src/core/random.js";
import * as rl from "../../src/rl/index.js";

interface Step {
  action: number;
  state: number[];
  observation: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
}
interface Trajectory {
  env: string;
  start: number[];
  steps: Step[];
}

const trajectories: Trajectory[] = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/rl_trajectories.json", import.meta.url)), "utf8"),
);

describe("environments reproduce the reference trajectories (scripts/gen_rl_trajectories.py)", () => {
  trajectories.forEach((traj, n) => {
    const last = traj.steps[traj.steps.length - 1];
    const how = last.terminated ? "terminates" : "is truncated";
    it(`${traj.env} #${n}: ${traj.steps.length} steps, ${how} on the same step`, () => {
      const env = rl.make(traj.env) as rl.TimeLimitEnv;
      env.reset({ state: traj.start });
      for (const [t, s] of traj.steps.entries()) {
        const r = env.step(s.action);
        const state = env.state;
        for (let i = 0; i < s.state.length; i++) {
          if (Math.abs(state[i] - s.state[i]) > 1e-6)
            throw new Error(`step ${t}: state[${i}] = ${state[i]}, reference ${s.state[i]}`);
        }
        expect(r.observation).toBeInstanceOf(Float32Array);
        for (let i = 0; i < s.observation.length; i++) {
          if (Math.abs(r.observation[i] - s.observation[i]) > 1e-6)
            throw new Error(
              `step ${t}: observation[${i}] = ${r.observation[i]}, reference ${s.observation[i]}`,
            );
        }
        expect([t, r.reward, r.terminated, r.truncated]).toEqual([t, s.reward, s.terminated, s.truncated]);
      }
      expect(() => env.step(0)).toThrow(/reset\(\) before stepping again/);
    });
  });

  it("the fixture covers termination and truncation for each environment", () => {
    const ends = (name: string, flag: "terminated" | "truncated") =>
      trajectories.some((t) => t.env === name && t.steps[t.steps.length - 1][flag]);
    for (const name of ["CartPole-v1", "MountainCar-v0", "Acrobot-v1", "Catch"])
      expect(ends(name, "terminated")).toBe(true);
    for (const name of ["CartPole-v1", "MountainCar-v0", "Acrobot-v1"])
      expect(ends(name, "truncated")).toBe(true);
  });
});

describe("environment contract", () => {
  it("rejects an action outside the action space, naming env, action and space", () => {
    const env = rl.make("CartPole-v1");
    env.reset({ seed: 0 });
    for (const bad of [2, -1, 0.5, Number.NaN, "1" as unknown as number])
      expect(() => env.step(bad)).toThrow(ValueError);
    expect(() => env.step(2)).toThrow(/CartPole-v1\.step: action 2 is not in the action space Discrete\(2\)/);
    expect(() => rl.make("Catch").step(1)).toThrow(/call reset\(\) before the first step/);
  });

  it("seeded resets are reproducible and start in Gymnasium's ranges", () => {
    for (const name of ["CartPole-v1", "MountainCar-v0", "Acrobot-v1", "Catch"]) {
      const a = rl.make(name);
      const b = rl.make(name);
      const o1 = a.reset({ seed: 7 }).observation;
      expect(Array.from(b.reset({ seed: 7 }).observation)).toEqual(Array.from(o1));
      expect(a.observationSpace.contains(o1)).toBe(true);
    }
    const cp = new rl.CartPole();
    const g = new Generator(3);
    for (let i = 0; i < 200; i++) {
      cp.reset({ seed: g.int(0, 1e9) });
      for (const v of cp.state) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    }
    const mc = new rl.MountainCar();
    for (let i = 0; i < 100; i++) {
      mc.reset({ seed: i });
      expect(mc.state[0]).toBeGreaterThanOrEqual(-0.6);
      expect(mc.state[0]).toBeLessThanOrEqual(-0.4);
      expect(mc.state[1]).toBe(0);
    }
  });

  it("a random policy lasts about 22 steps on CartPole", () => {
    const env = new rl.CartPole();
    const g = new Generator(0);
    let total = 0;
    const episodes = 500;
    for (let e = 0; e < episodes; e++) {
      env.reset({ seed: e });
      for (;;) {
        const r = env.step(env.actionSpace.sample(g));
        total++;
        if (r.terminated || r.truncated) break;
      }
    }
    expect(total / episodes).toBeGreaterThan(19);
    expect(total / episodes).toBeLessThan(25);
  });

  it("Catch: random play averages about −0.6", () => {
    const env = new rl.Catch();
    const g = new Generator(1);
    let total = 0;
    for (let e = 0; e < 2000; e++) {
      env.reset({ seed: e });
      for (;;) {
        const r = env.step(g.int(0, 3));
        if (r.terminated) {
          total += r.reward;
          break;
        }
      }
    }
    expect(total / 2000).toBeGreaterThan(-0.75);
    expect(total / 2000).toBeLessThan(-0.45);
  });

  it("reset({ state }) checks the state's length", () => {
    expect(() => new rl.CartPole().reset({ state: [0, 0, 0] })).toThrow(/state must be 4 finite numbers/);
  });

  it("make knows the built-in names; register adds a user's environment", () => {
    expect(rl.registered()).toEqual(
      expect.arrayContaining(["CartPole-v1", "MountainCar-v0", "Acrobot-v1", "Catch"]),
    );
    expect(() => rl.make("Pong-v5")).toThrow(/no environment named "Pong-v5"/);
    rl.register("TinyCartPole", () => new rl.CartPole(5));
    const env = rl.make("TinyCartPole");
    env.reset({ state: [0, 0, 0, 0] });
    const flags = Array.from({ length: 5 }, (_, i) => env.step(i % 2).truncated);
    expect(flags).toEqual([false, false, false, false, true]);
  });

  it("spaces: Discrete and Box contain and sample", () => {
    const g = new Generator(0);
    const d = new rl.Discrete(3);
    const seen = new Set(Array.from({ length: 100 }, () => d.sample(g)));
    expect([...seen].sort()).toEqual([0, 1, 2]);
    const box = new rl.Box([-1, 0], [1, Number.POSITIVE_INFINITY]);
    for (let i = 0; i < 50; i++) expect(box.contains(box.sample(g))).toBe(true);
    expect(box.contains(new Float32Array([0, -1]))).toBe(false);
    expect(() => new rl.Box(0, 1)).toThrow(ArgumentError);
    expect(() => new rl.Box([1], [0])).toThrow(ValueError);
    expect(() => new rl.Discrete(0)).toThrow(ValueError);
  });

  it("FrameStack stacks the last k frames, oldest first", () => {
    const env = new rl.FrameStack(new rl.Catch(), 3);
    const o0 = env.reset({ state: [1, 0, 2] }).observation;
    expect(o0.length).toBe(150);
    expect(Array.from(o0.subarray(0, 50))).toEqual(Array.from(o0.subarray(100, 150)));
    const o1 = env.step(1).observation;
    expect(o1[50 + 1]).toBe(1); // frame 2 = the start: ball at row 0, column 1
    expect(o1[100 + 5 + 1]).toBe(1); // frame 3 = now: ball at row 1
  });
});

describe("rendering", () => {
  it("CartPole ANSI shows the cart and the lean", () => {
    const env = new rl.CartPole();
    env.reset({ state: [0, 0, 0.15, 0] });
    const text = env.render("ansi");
    expect(text).toContain("[#]");
    expect(text).toContain("/");
    expect(text).toContain("θ=8.6°");
    expect(env.render("svg")).toMatch(/^<svg/);
  });

  it("Catch ANSI is the board", () => {
    const env = new rl.Catch();
    env.reset({ state: [4, 0, 2] });
    env.step(0);
    expect(env.render("ansi")).toBe(
      [".....", "....o", ".....", ".....", ".....", ".....", ".....", ".....", ".....", ".=..."].join("\n"),
    );
  });

  it("an episode becomes a self-contained HTML page", () => {
    const frames = rl.recordEpisode(new rl.CartPole(), () => 1, { seed: 0 });
    const html = rl.framesToHtml(frames, { title: "push right" });
    expect(frames.length).toBeGreaterThan(5);
    expect(html).toContain("<title>push right</title>");
    expect(html).not.toMatch(/src=|href=/);
    expect(html.match(/<svg/g)?.length).toBe(frames.length);
  });
});
