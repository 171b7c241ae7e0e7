/**
 * The DQN rows of `npm run bench`: one training step of the CartPole network (4-120-84-2, the
 * examples/dqn-cartpole.ts sizes) on a batch of 32 (online and target forward, Huber loss, backward,
 * Adam step; the batch arrays become tensors each step, as in the agent), and one greedy action (a
 * batch-1 forward and the argmax read on the host). bench/torch_bench.py times the same in PyTorch.
 */
import { Generator, manualSeed, rl } from "../src/index.js";
import { timeRunsCpu } from "./stats.js";

export const DQN_BENCH = { sizes: [4, 120, 84, 2], batch: 32 };

function agentFor(batch: number): rl.DQN {
  manualSeed(0);
  const agent = new rl.DQN(rl.make("CartPole-v1"), {
    network: DQN_BENCH.sizes.slice(1, -1),
    batchSize: batch,
    bufferSize: 1000,
    lr: 2.5e-4,
    seed: 0,
  });
  const g = new Generator(0);
  for (let i = 0; i < 1000; i++) {
    const o = Float32Array.from({ length: 4 }, () => g.normal() * 0.1);
    const n = Float32Array.from({ length: 4 }, () => g.normal() * 0.1);
    agent.buffer.add(o, g.int(0, 2), 1, n, g.uniform() < 0.05);
  }
  return agent;
}

/** One DQN update (sampling the batch from the replay buffer included), as `DQN.update` runs it. */
export function dqnTrainingStep(): () => void {
  const agent = agentFor(DQN_BENCH.batch);
  return () => {
    agent.update();
  };
}

/** One greedy action: batch-1 forward of the online network and argmax on the host. */
export function dqnGreedyAction(): () => void {
  const agent = agentFor(DQN_BENCH.batch);
  const obs = new Float32Array([0.01, -0.02, 0.03, 0.04]);
  return () => {
    agent.act(obs);
  };
}

/**
 * Steps per second of each, per run: by the wall clock, and per second of this process's CPU time
 * (which other jobs on a shared machine disturb far less).
 */
export async function strataDqn(
  runs: number,
  reps: number,
): Promise<{ train: number[]; act: number[]; trainCpu: number[]; actCpu: number[] }> {
  // the warm-up lets V8 optimise the hot functions first (slow on a loaded machine); a DQN run does
  // tens of thousands of updates, so the steady state is what counts. bench/torch_bench.py warms up
  // as long
  const train = await timeRunsCpu(dqnTrainingStep(), { runs, reps, warmup: 300 });
  const act = await timeRunsCpu(dqnGreedyAction(), { runs, reps: reps * 10, warmup: 3000 });
  const perSecond = (ts: number[]) => ts.map((t) => 1 / t);
  return {
    train: perSecond(train.wall),
    act: perSecond(act.wall),
    trainCpu: perSecond(train.cpu),
    actCpu: perSecond(act.cpu),
  };
}
