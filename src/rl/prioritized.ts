import { ValueError } from "../base/errors.js";
import type { Generator } from "../core/random.js";
import { ReplayBuffer } from "./replay.js";
import type { Schedule } from "./schedules.js";

/**
 * A sum tree over `capacity` leaves: set a leaf in O(log n), find the leaf where a prefix sum falls in
 * O(log n). The proportional sampler of prioritised replay.
 * @example
 * const tree = new rl.SumTree(4);
 * tree.set(0, 1); tree.set(2, 3);
 * tree.total; // 4
 * tree.find(0.5); // 0
 * tree.find(1.5); // 2
 */
export class SumTree {
  private readonly leaves: number;
  private readonly nodes: Float64Array;

  constructor(readonly capacity: number) {
    let leaves = 1;
    while (leaves < capacity) leaves *= 2;
    this.leaves = leaves;
    this.nodes = new Float64Array(2 * leaves);
  }

  get total(): number {
    return this.nodes[1];
  }

  get(i: number): number {
    return this.nodes[this.leaves + i];
  }

  set(i: number, value: number): void {
    let node = this.leaves + i;
    this.nodes[node] = value;
    node >>= 1;
    while (node >= 1) {
      this.nodes[node] = this.nodes[2 * node] + this.nodes[2 * node + 1];
      node >>= 1;
    }
  }

  /** The leaf whose cumulative range [sum before it, sum through it) holds `prefix`. */
  find(prefix: number): number {
    let node = 1;
    while (node < this.leaves) {
      const left = this.nodes[2 * node];
      if (prefix < left || this.nodes[2 * node + 1] === 0) node = 2 * node;
      else {
        prefix -= left;
        node = 2 * node + 1;
      }
    }
    return Math.min(node - this.leaves, this.capacity - 1);
  }
}

/**
 * Options of `PrioritizedReplayBuffer` (Schaul et al. 2016's proportional variant).
 * @example
 * const o: rl.PrioritizedOptions = { alpha: 0.6, beta: rl.linearSchedule(0.4, 1, 100000) };
 * o.alpha; // 0.6
 */
export interface PrioritizedOptions {
  /** How much prioritisation: P(i) = p_i^α / Σ p^α (0 is uniform). Default 0.6. */
  alpha?: number;
  /** Importance-sampling exponent, a number or a schedule of the step (annealed to 1). Default 0.4 → 1 over 100k steps. */
  beta?: number | Schedule;
  /** Added to |TD error| so no transition gets probability 0. Default 1e-6. */
  epsilon?: number;
}

/**
 * Prioritised experience replay, proportional: transition i is drawn with probability p_i^α / Σ p^α,
 * where p_i = |δ_i| + ε is its last TD error (new transitions get the largest priority seen, so each is
 * replayed at least once), by stratified sampling over a sum tree. Each draw carries the importance
 * weight (N·P(i))^−β, divided by the largest weight in the batch so weights only scale updates down.
 * After computing the TD errors of a batch, call `updatePriorities(batch.indices, tdErrors)`.
 * @example
 * const buf = new rl.PrioritizedReplayBuffer(4, [1], { alpha: 1, beta: 1 });
 * for (let i = 0; i < 4; i++) buf.add(new Float32Array([i]), 0, 0, new Float32Array([i]), false);
 * buf.updatePriorities(Int32Array.from([0, 1, 2, 3]), [1, 1, 1, 5]);
 * buf.probability(3); // 0.625
 */
export class PrioritizedReplayBuffer extends ReplayBuffer {
  readonly tree: SumTree;
  readonly alpha: number;
  readonly epsilon: number;
  private readonly beta: Schedule;
  /** The largest priority seen: what new transitions get. */
  maxPriority = 1;
  /** The step `beta` is evaluated at (the agent sets it). */
  step = 0;

  constructor(capacity: number, observationShape: readonly number[], options: PrioritizedOptions = {}) {
    super(capacity, observationShape);
    this.tree = new SumTree(capacity);
    this.alpha = options.alpha ?? 0.6;
    this.epsilon = options.epsilon ?? 1e-6;
    const beta = options.beta ?? ((t: number) => Math.min(1, 0.4 + (0.6 * t) / 100000));
    this.beta = typeof beta === "number" ? () => beta : beta;
    if (!(this.alpha >= 0))
      throw new ValueError(`PrioritizedReplayBuffer: alpha must be ≥ 0, got ${this.alpha}`);
  }

  override add(
    observation: ArrayLike<number>,
    action: number,
    reward: number,
    nextObservation: ArrayLike<number>,
    terminated: boolean,
  ): number {
    const i = super.add(observation, action, reward, nextObservation, terminated);
    this.tree.set(i, this.maxPriority ** this.alpha);
    return i;
  }

  /** The probability that one draw picks slot `i`. */
  probability(i: number): number {
    return this.tree.get(i) / this.tree.total;
  }

  /** β at the current step. */
  currentBeta(): number {
    return this.beta(this.step);
  }

  protected override sampleIndices(
    batchSize: number,
    generator: Generator,
  ): { indices: Int32Array; weights: Float32Array } {
    const indices = new Int32Array(batchSize);
    const weights = new Float32Array(batchSize);
    const total = this.tree.total;
    const segment = total / batchSize;
    const beta = this.currentBeta();
    let maxWeight = 0;
    for (let b = 0; b < batchSize; b++) {
      let i = this.tree.find((b + generator.uniform()) * segment);
      if (i >= this.size) i = this.size - 1;
      indices[b] = i;
      const w = (this.size * (this.tree.get(i) / total)) ** -beta;
      weights[b] = w;
      if (w > maxWeight) maxWeight = w;
    }
    for (let b = 0; b < batchSize; b++) weights[b] /= maxWeight;
    return { indices, weights };
  }

  /** Sets the priorities of the sampled slots from their TD errors: p = |δ| + ε. */
  updatePriorities(indices: ArrayLike<number>, tdErrors: ArrayLike<number>): void {
    if (indices.length !== tdErrors.length)
      throw new ValueError(
        `PrioritizedReplayBuffer.updatePriorities: ${indices.length} indices but ${tdErrors.length} TD errors`,
      );
    for (let k = 0; k < indices.length; k++) {
      const p = Math.abs(tdErrors[k]) + this.epsilon;
      if (!Number.isFinite(p))
        throw new ValueError(
          `PrioritizedReplayBuffer.updatePriorities: TD error ${tdErrors[k]} is not finite`,
        );
      if (p > this.maxPriority) this.maxPriority = p;
      this.tree.set(indices[k], p ** this.alpha);
    }
  }
}
