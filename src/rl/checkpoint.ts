import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { loadTensorsWithMetadata, saveTensors, type TensorMap } from "../io/save.js";
import type { OptimizerStateDict, ParamState } from "../optim/optimizer.js";
import type { DQN } from "./dqn.js";
import { PrioritizedReplayBuffer } from "./prioritized.js";

const FORMAT = "strata-dqn-checkpoint-1";

/**
 * Saves a DQN agent to one safetensors file, atomically (a crash mid-write leaves the previous file):
 * the online and target networks, the optimizer's state and hyperparameters, the step counters, the
 * returns record and the replay buffer (transitions, position, priorities). The agent's random
 * generator is not saved: a resumed run explores with fresh draws.
 * @example
 * const agent = new rl.DQN(rl.make("CartPole-v1"), { network: [16], learningStarts: 50, batchSize: 8, seed: 0 });
 * await agent.learn({ totalSteps: 100 });
 * await rl.saveCheckpoint(agent, "dqn.safetensors");
 * const again = new rl.DQN(rl.make("CartPole-v1"), { network: [16], learningStarts: 50, batchSize: 8 });
 * await rl.loadCheckpoint(again, "dqn.safetensors");
 * again.globalStep; // 100
 * again.buffer.size; // 100
 */
export async function saveCheckpoint(agent: DQN, path: string): Promise<void> {
  const tensors: TensorMap = {};
  for (const [k, v] of Object.entries(agent.online.stateDict())) tensors[`online.${k}`] = v;
  for (const [k, v] of Object.entries(agent.target.stateDict())) tensors[`target.${k}`] = v;
  const opt = agent.optimizer.stateDict();
  const optNumbers: Record<string, Record<string, number>> = {};
  for (const [id, s] of Object.entries(opt.state)) {
    optNumbers[id] = {};
    for (const [k, v] of Object.entries(s)) {
      if (v instanceof Tensor) tensors[`optim.${id}.${k}`] = v;
      else optNumbers[id][k] = v;
    }
  }
  const b = agent.buffer;
  const made: Tensor[] = [];
  const host = (name: string, data: Float32Array | Int32Array, shape: number[]) => {
    const t = fromHost(data, shape, data instanceof Int32Array ? "int32" : "float32");
    made.push(t);
    tensors[`buffer.${name}`] = t;
  };
  host("observations", b.observations, [b.capacity, b.observationSize]);
  host("nextObservations", b.nextObservations, [b.capacity, b.observationSize]);
  host("actions", b.actions, [b.capacity]);
  host("rewards", b.rewards, [b.capacity]);
  host("dones", b.dones, [b.capacity]);
  const prioritized = b instanceof PrioritizedReplayBuffer;
  if (prioritized)
    host(
      "priorities",
      Float32Array.from({ length: b.capacity }, (_, i) => b.tree.get(i)),
      [b.capacity],
    );
  const meta = {
    format: FORMAT,
    globalStep: agent.globalStep,
    updates: agent.updates,
    lastLoss: agent.lastLoss,
    record: agent.record,
    optimizer: { paramGroups: opt.paramGroups, numbers: optNumbers },
    buffer: {
      capacity: b.capacity,
      size: b.size,
      position: b.position,
      maxPriority: prioritized ? b.maxPriority : null,
    },
  };
  try {
    await saveTensors(path, tensors, { dqn: JSON.stringify(meta) });
  } finally {
    for (const t of made) t.dispose();
    for (const s of Object.values(opt.state))
      for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
  }
}

/**
 * Restores into `agent` what `saveCheckpoint` wrote. The agent must have been built with the same
 * network, optimizer and buffer capacity.
 * @example
 * const agent = new rl.DQN(rl.make("CartPole-v1"), { network: [8], learningStarts: 10, batchSize: 4 });
 * await agent.learn({ totalSteps: 20 });
 * await rl.saveCheckpoint(agent, "a.safetensors");
 * const other = new rl.DQN(rl.make("CartPole-v1"), { network: [8], bufferSize: 50 });
 * await rl.loadCheckpoint(other, "a.safetensors"); // throws ValueError
 */
export async function loadCheckpoint(agent: DQN, path: string): Promise<void> {
  const { tensors, metadata } = await loadTensorsWithMetadata(path);
  if (!metadata.dqn)
    throw new ValueError(`loadCheckpoint: ${path} is not a DQN checkpoint (no "dqn" metadata)`);
  const meta = JSON.parse(metadata.dqn);
  const b = agent.buffer;
  if (meta.format !== FORMAT)
    throw new ValueError(`loadCheckpoint: ${path} has format ${meta.format}, expected ${FORMAT}`);
  if (meta.buffer.capacity !== b.capacity || tensors["buffer.observations"].shape[1] !== b.observationSize)
    throw new ValueError(
      `loadCheckpoint: the checkpoint's buffer holds ${meta.buffer.capacity} transitions of ${tensors["buffer.observations"].shape[1]} values, this agent's ${b.capacity} of ${b.observationSize}`,
    );
  const part = (prefix: string): TensorMap =>
    Object.fromEntries(
      Object.entries(tensors)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  agent.online.loadStateDict(part("online."));
  agent.target.loadStateDict(part("target."));
  const state: Record<number, ParamState> = {};
  for (const [id, nums] of Object.entries(meta.optimizer.numbers as Record<string, Record<string, number>>))
    state[Number(id)] = { ...nums };
  for (const [k, v] of Object.entries(tensors)) {
    const m = /^optim\.(\d+)\.(.+)$/.exec(k);
    if (m) (state[Number(m[1])] ??= {})[m[2]] = v;
  }
  const dict: OptimizerStateDict = { state, paramGroups: meta.optimizer.paramGroups };
  agent.optimizer.loadStateDict(dict);
  noGrad(() => {
    b.observations.set(tensors["buffer.observations"].dataSync() as Float32Array);
    b.nextObservations.set(tensors["buffer.nextObservations"].dataSync() as Float32Array);
    b.actions.set(tensors["buffer.actions"].dataSync() as Int32Array);
    b.rewards.set(tensors["buffer.rewards"].dataSync() as Float32Array);
    b.dones.set(tensors["buffer.dones"].dataSync() as Float32Array);
  });
  b.size = meta.buffer.size;
  b.position = meta.buffer.position;
  if (b instanceof PrioritizedReplayBuffer && tensors["buffer.priorities"]) {
    const p = tensors["buffer.priorities"].dataSync();
    for (let i = 0; i < b.capacity; i++) b.tree.set(i, p[i]);
    b.maxPriority = meta.buffer.maxPriority ?? 1;
  }
  agent.globalStep = meta.globalStep;
  agent.updates = meta.updates;
  agent.lastLoss = meta.lastLoss ?? Number.NaN;
  agent.record.steps.splice(0, agent.record.steps.length, ...meta.record.steps);
  agent.record.returns.splice(0, agent.record.returns.length, ...meta.record.returns);
  for (const t of Object.values(tensors)) t.dispose();
}
