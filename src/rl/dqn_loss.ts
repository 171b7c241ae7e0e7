import { noGrad } from "../core/grad_mode.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { huberLoss, mseLoss } from "../ops/losses.js";
import type { Module } from "../nn/module.js";
import type { TransitionBatch } from "./replay.js";

/**
 * Options of `dqnLoss`.
 * @example
 * const o: rl.DQNLossOptions = { gamma: 0.99, doubleDqn: true, loss: "huber" };
 * o.loss; // "huber"
 */
export interface DQNLossOptions {
  /** Discount. Default 0.99. */
  gamma?: number;
  /** Double DQN (van Hasselt et al. 2016): the online network picks the next action, the target network values it. */
  doubleDqn?: boolean;
  /** "huber" (the Nature DQN's clipped TD error, δ = 1) or "mse" (CleanRL's). Default "huber". */
  loss?: "huber" | "mse";
  /** Shape of one observation as the network takes it (default: flat). */
  observationShape?: readonly number[];
}

/**
 * The DQN loss of a batch: Q(s, a) from `online` against the target r + γ·(1 − done)·max_a' Q̂(s', a')
 * from `target` (no gradient through it), Huber or squared, each transition scaled by its importance
 * weight (all 1 without prioritised replay) and averaged. Also returns the TD errors (target − Q) for
 * prioritised replay. Call `backward()` on `loss` and step the online network's optimizer; the next
 * `backward()` releases this step's tensors, except `tdErrors` (not part of the loss): `dispose()` it
 * once read, as `DQN` does.
 * @example
 * const net = new nn.Linear(2, 2), tgt = rl.cloneModule(net);
 * const buf = new rl.ReplayBuffer(4, [2]);
 * buf.add(new Float32Array([1, 0]), 1, 1, new Float32Array([0, 1]), true);
 * const { loss, tdErrors } = rl.dqnLoss(net, tgt, buf.sample(2, new Generator(0)));
 * loss.shape; // []
 * tdErrors.shape; // [2]
 */
export function dqnLoss(
  online: Module,
  target: Module,
  batch: TransitionBatch,
  options: DQNLossOptions = {},
): { loss: Tensor; tdErrors: Tensor; q: Tensor } {
  const gamma = options.gamma ?? 0.99;
  const B = batch.batchSize;
  const obsSize = batch.observations.length / B;
  const inShape = options.observationShape ?? [obsSize];
  const obs = fromHost(batch.observations, [B, ...inShape], "float32");
  const next = fromHost(batch.nextObservations, [B, ...inShape], "float32");
  const actions = fromHost(batch.actions, [B, 1], "int32");
  const q = online.forward(obs).gather(1, actions).reshape([B]);
  const y = noGrad(() => {
    const nextQ = target.forward(next);
    const nextV = options.doubleDqn
      ? nextQ.gather(1, online.forward(next).argmax(1, true)).reshape([B])
      : nextQ.max(1);
    // γ·(1 − done) on the host: one upload instead of three small ops
    const discount = new Float32Array(B);
    for (let i = 0; i < B; i++) discount[i] = gamma * (1 - batch.dones[i]);
    return fromHost(batch.rewards, [B], "float32").add(nextV.mul(fromHost(discount, [B], "float32")));
  });
  const tdErrors = noGrad(() => y.sub(q));
  const kind = options.loss ?? "huber";
  let loss: Tensor;
  if (batch.weights.every((w) => w === 1)) loss = kind === "huber" ? huberLoss(q, y) : mseLoss(q, y);
  else {
    const each =
      kind === "huber" ? huberLoss(q, y, { reduction: "none" }) : mseLoss(q, y, { reduction: "none" });
    loss = each.mul(fromHost(batch.weights, [B], "float32")).mean();
  }
  return { loss, tdErrors, q };
}
