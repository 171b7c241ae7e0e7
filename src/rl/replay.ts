import { ValueError } from "../base/errors.js";
import type { Generator } from "../core/random.js";

/**
 * A batch of transitions as flat host arrays (row-major, `batchSize` rows), ready for `tensor(...)`.
 * `dones` is 1 where the episode terminated (not where it was truncated: those bootstrap).
 * `weights` and `indices` are set by `PrioritizedReplayBuffer` (weights 1 for the uniform buffer).
 * @example
 * const buf = new rl.ReplayBuffer(10, [2]);
 * buf.add(new Float32Array([1, 2]), 0, 1, new Float32Array([3, 4]), false);
 * const b: rl.TransitionBatch = buf.sample(1, new Generator(0));
 * Array.from(b.nextObservations); // [3, 4]
 */
export interface TransitionBatch {
  observations: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  nextObservations: Float32Array;
  dones: Float32Array;
  weights: Float32Array;
  indices: Int32Array;
  batchSize: number;
}

/**
 * Experience replay (Lin 1992; Mnih et al. 2015): a ring of the last `capacity` transitions in
 * preallocated typed arrays (no per-transition objects), sampled uniformly with replacement.
 * @example
 * const buf = new rl.ReplayBuffer(3, [1]);
 * for (let i = 0; i < 5; i++) buf.add(new Float32Array([i]), 0, i, new Float32Array([i + 1]), false);
 * buf.size; // 3
 * Array.from(buf.sample(4, new Generator(0)).rewards).every((r) => r >= 2); // true: 0 and 1 were overwritten
 */
export class ReplayBuffer {
  readonly observationSize: number;
  /** Transitions stored (≤ capacity). */
  size = 0;
  /** Where the next transition goes. */
  position = 0;
  readonly observations: Float32Array;
  readonly nextObservations: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly dones: Float32Array;

  constructor(
    readonly capacity: number,
    readonly observationShape: readonly number[],
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new ValueError(`ReplayBuffer: capacity must be a positive integer, got ${capacity}`);
    this.observationSize = observationShape.reduce((a, b) => a * b, 1);
    this.observations = new Float32Array(capacity * this.observationSize);
    this.nextObservations = new Float32Array(capacity * this.observationSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.dones = new Float32Array(capacity);
  }

  /** Stores one transition, overwriting the oldest when full; returns its slot. */
  add(
    observation: ArrayLike<number>,
    action: number,
    reward: number,
    nextObservation: ArrayLike<number>,
    terminated: boolean,
  ): number {
    const n = this.observationSize;
    if (observation.length !== n || nextObservation.length !== n)
      throw new ValueError(
        `ReplayBuffer.add: observations must have ${n} values (shape [${this.observationShape}]), got ${observation.length} and ${nextObservation.length}`,
      );
    const i = this.position;
    this.observations.set(observation, i * n);
    this.nextObservations.set(nextObservation, i * n);
    this.actions[i] = action;
    this.rewards[i] = reward;
    this.dones[i] = terminated ? 1 : 0;
    this.position = (i + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    return i;
  }

  /** Slots for a batch; the prioritised buffer overrides it. */
  protected sampleIndices(
    batchSize: number,
    generator: Generator,
  ): { indices: Int32Array; weights: Float32Array } {
    const indices = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) indices[b] = generator.int(0, this.size);
    return { indices, weights: new Float32Array(batchSize).fill(1) };
  }

  /** `batchSize` transitions drawn with replacement. */
  sample(batchSize: number, generator: Generator): TransitionBatch {
    if (this.size === 0)
      throw new ValueError("ReplayBuffer.sample: the buffer is empty; add transitions first");
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new ValueError(`ReplayBuffer.sample: batchSize must be a positive integer, got ${batchSize}`);
    const { indices, weights } = this.sampleIndices(batchSize, generator);
    return this.gather(indices, weights);
  }

  /** The transitions at `indices`, copied out. */
  gather(indices: Int32Array, weights: Float32Array): TransitionBatch {
    const n = this.observationSize;
    const B = indices.length;
    const batch: TransitionBatch = {
      observations: new Float32Array(B * n),
      nextObservations: new Float32Array(B * n),
      actions: new Int32Array(B),
      rewards: new Float32Array(B),
      dones: new Float32Array(B),
      weights,
      indices,
      batchSize: B,
    };
    for (let b = 0; b < B; b++) {
      const i = indices[b];
      // a plain loop: no subarray object per row (observations are small)
      for (let j = 0; j < n; j++) {
        batch.observations[b * n + j] = this.observations[i * n + j];
        batch.nextObservations[b * n + j] = this.nextObservations[i * n + j];
      }
      batch.actions[b] = this.actions[i];
      batch.rewards[b] = this.rewards[i];
      batch.dones[b] = this.dones[i];
    }
    return batch;
  }
}
