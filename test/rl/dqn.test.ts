import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ArgumentError, ValueError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import * as rl from "../../src/rl/index.js";
import { describeEachBackend } from "../helpers/backends.js";
import "../../src/ops/methods.js";
import "../../src/autograd/methods.js";

const dir = mkdtempSync(join(tmpdir(), "strata-rl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A two-armed task with a one-step episode: arm 1 pays 1, arm 0 pays 0, whatever the observation. */
class Bandit implements rl.Env {
  readonly id = "Bandit";
  actionSpace = new rl.Discrete(2);
  observationSpace = new rl.Box(-1, 1, [3]);
  private x = new Float32Array([0.1, -0.2, 0.3]);
  reset() {
    return { observation: this.x, info: {} };
  }
  step(action: number) {
    return { observation: this.x, reward: action, terminated: true, truncated: false, info: {} };
  }
}

describeEachBackend("DQN agent", () => {
  it("learns a bandit (a user's own environment) and acts greedily on it", async () => {
    const agent = new rl.DQN(new Bandit(), {
      network: [8],
      lr: 1e-2,
      learningStarts: 50,
      trainFrequency: 1,
      targetUpdate: 10,
      batchSize: 16,
      bufferSize: 500,
      seed: 0,
    });
    await agent.learn({ totalSteps: 400 });
    expect(agent.globalStep).toBe(400);
    expect(agent.updates).toBe(350);
    expect(agent.record.returns.length).toBe(400);
    const q = agent.qValues(new Float32Array([0.1, -0.2, 0.3]));
    expect(q[1] - q[0]).toBeGreaterThan(0.5);
    expect(agent.evaluate({ episodes: 5 }).mean).toBe(1);
  });

  it("memory stays flat over 20k environment steps without tidy (prioritised, Double DQN)", async () => {
    const agent = new rl.DQN(rl.make("CartPole-v1"), {
      network: [16],
      batchSize: 8,
      bufferSize: 2000,
      learningStarts: 500,
      trainFrequency: 8,
      targetUpdate: 100,
      tau: 0.5,
      doubleDqn: true,
      prioritized: true,
      seed: 1,
    });
    const samples: number[] = [];
    for (let chunk = 0; chunk < 4; chunk++) {
      await agent.learn({ totalSteps: 5000 });
      samples.push(getBackend().memory().storages);
    }
    expect(agent.updates).toBe(2500 - 62); // steps 504, 512, ..., 20000
    // the last three are in the steady state: no growth with the number of steps
    expect(samples[3]).toBeLessThanOrEqual(samples[1]);
    expect(Number.isFinite(agent.lastLoss)).toBe(true);
  });

  it("checkpoints the agent and its buffer, atomically, and restores them", async () => {
    const make = () =>
      new rl.DQN(rl.make("CartPole-v1"), {
        network: [8],
        batchSize: 4,
        bufferSize: 64,
        learningStarts: 20,
        prioritized: { alpha: 0.7 },
        seed: 2,
      });
    const agent = make();
    await agent.learn({ totalSteps: 100 });
    const path = join(dir, `agent-${getBackend().name}.safetensors`);
    await rl.saveCheckpoint(agent, path);
    const again = make();
    await again.learn({ totalSteps: 30 });
    await rl.loadCheckpoint(again, path);
    expect([again.globalStep, again.updates, again.buffer.size, again.buffer.position]).toEqual([
      100, 8, 64, 36,
    ]);
    for (const which of ["online", "target"] as const)
      for (const [k, v] of Object.entries(agent[which].stateDict()))
        expect(Array.from(again[which].stateDict()[k].dataSync())).toEqual(Array.from(v.dataSync()));
    expect(Array.from(again.buffer.observations)).toEqual(Array.from(agent.buffer.observations));
    expect(Array.from(again.buffer.actions)).toEqual(Array.from(agent.buffer.actions));
    const pa = agent.buffer as rl.PrioritizedReplayBuffer;
    const pb = again.buffer as rl.PrioritizedReplayBuffer;
    for (let i = 0; i < 64; i++) expect(pb.tree.get(i)).toBeCloseTo(pa.tree.get(i), 5);
    expect(again.record).toEqual(agent.record);
    const sa = agent.optimizer.stateDict();
    const sb = again.optimizer.stateDict();
    expect(sb.state[0].step).toBe(sa.state[0].step);
    expect(Array.from((sb.state[0].expAvg as { dataSync(): Float32Array }).dataSync())).toEqual(
      Array.from((sa.state[0].expAvg as { dataSync(): Float32Array }).dataSync()),
    );
    // the restored agent trains on
    await again.learn({ totalSteps: 20 });
    expect(again.globalStep).toBe(120);
  });
});

it("DQN says what is wrong", async () => {
  expect(() => new rl.DQN({} as rl.Env)).toThrow(ArgumentError);
  expect(() => new rl.DQN(new rl.Catch())).toThrow(/need a network/);
  expect(() => new rl.DQN(rl.make("CartPole-v1"), { batchSize: 0 })).toThrow(ValueError);
  await expect(new rl.DQN(rl.make("CartPole-v1")).learn({ totalSteps: 0 })).rejects.toThrow(/totalSteps/);
});
