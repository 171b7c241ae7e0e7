import { ArgumentError, ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { manualSeed, Generator } from "../core/random.js";
import { tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { Linear } from "../nn/layers/linear.js";
import { ReLU } from "../nn/layers/activation.js";
import type { Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { Adam } from "../optim/adam.js";
import { clipGradNorm } from "../optim/clip.js";
import type { Optimizer } from "../optim/optimizer.js";
import { RMSprop } from "../optim/rmsprop.js";
import { dqnLoss } from "./dqn_loss.js";
import type { Env } from "./env.js";
import { type PrioritizedOptions, PrioritizedReplayBuffer } from "./prioritized.js";
import { ReplayBuffer } from "./replay.js";
import { linearSchedule, type Schedule } from "./schedules.js";
import { hardUpdate, softUpdate, cloneModule } from "./target.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

/**
 * Options of `DQN`. Defaults are CleanRL's `dqn.py` (CartPole): a 120-84 MLP, Adam lr 2.5e-4,
 * γ 0.99, buffer 10k, batch 128, learning from step 10k every 10 steps, target copied every 500 steps,
 * ε 1 → 0.05 over half the steps. The loss defaults to Huber (the Nature DQN); CleanRL uses "mse".
 * @example
 * const o: rl.DQNOptions = { network: [64, 64], lr: 1e-3, doubleDqn: true, seed: 1 };
 * o.network; // [64, 64]
 */
export interface DQNOptions {
  /** The Q-network: a Module (observations in, one value per action out), hidden sizes of an MLP, or a factory. */
  network?: Module | number[] | ((observationShape: readonly number[], actions: number) => Module);
  lr?: number;
  gamma?: number;
  bufferSize?: number;
  batchSize?: number;
  /** Environment steps of ε-greedy play before the first update. */
  learningStarts?: number;
  /** Environment steps between updates. */
  trainFrequency?: number;
  /** Environment steps between target-network updates. */
  targetUpdate?: number;
  /** Polyak factor of the target update: 1 copies (hard update), < 1 averages. */
  tau?: number;
  /**
   * ε as a function of the environment step; default linear from `epsilonStart` to `epsilonEnd` over
   * `explorationFraction` of the steps of the `learn` call (give a schedule when training in chunks).
   */
  epsilon?: Schedule;
  epsilonStart?: number;
  epsilonEnd?: number;
  explorationFraction?: number;
  doubleDqn?: boolean;
  loss?: "huber" | "mse";
  /** "adam" (default), "rmsprop" (the Nature DQN's: momentum-free, α 0.95, ε 0.01) or a factory over the parameters. */
  optimizer?: "adam" | "rmsprop" | ((params: Tensor[]) => Optimizer);
  /** Clip the gradient norm to this (off by default). */
  maxGradNorm?: number;
  /** Prioritised replay: true or its options. */
  prioritized?: boolean | PrioritizedOptions;
  /** Seeds the network's initialisation (`manualSeed`), the environment and the agent's own generator. */
  seed?: number;
}

/**
 * One progress report of `learn`.
 * @example
 * const p: rl.DQNProgress = { step: 1000, episodes: 40, meanReturn: 24.5, epsilon: 0.9, loss: 0.01, stepsPerSecond: 5000 };
 * p.meanReturn; // 24.5
 */
export interface DQNProgress {
  step: number;
  episodes: number;
  /** Mean return of the last 20 finished episodes (NaN before the first). */
  meanReturn: number;
  epsilon: number;
  /** Loss of the last update (NaN before the first). */
  loss: number;
  stepsPerSecond: number;
}

/**
 * Returns against environment steps: `steps[i]` is the step at which episode i ended, `returns[i]` its
 * return. What `learn` records and the examples plot.
 * @example
 * const r: rl.ReturnsRecord = { steps: [22, 40], returns: [22, 18] };
 * r.returns.length; // 2
 */
export interface ReturnsRecord {
  steps: number[];
  returns: number[];
}

const argmaxOf = (values: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
};

/**
 * A deep Q-network agent (Mnih et al. 2015) for any environment with discrete actions: ε-greedy play,
 * experience replay (uniform or prioritised), a target network (hard or Polyak updates), optional
 * Double DQN, Huber or squared TD loss. The loop makes its tensors per step and keeps memory flat
 * without `tidy` (backward releases the previous update's tensors; action selection releases its own).
 * @example
 * const env = rl.make("CartPole-v1");
 * const agent = new rl.DQN(env, { network: [32], learningStarts: 100, bufferSize: 1000, batchSize: 16, seed: 0 });
 * await agent.learn({ totalSteps: 300 });
 * agent.globalStep; // 300
 * const { mean } = agent.evaluate({ episodes: 2 });
 * mean > 0; // true
 */
export class DQN {
  readonly online: Module;
  readonly target: Module;
  readonly optimizer: Optimizer;
  readonly buffer: ReplayBuffer;
  readonly generator: Generator;
  readonly observationShape: readonly number[];
  readonly numActions: number;
  /** Environment steps taken by `learn` so far (it continues from here). */
  globalStep = 0;
  /** Gradient updates so far. */
  updates = 0;
  /** Returns of every finished training episode against the step it ended. */
  readonly record: ReturnsRecord = { steps: [], returns: [] };
  lastLoss = Number.NaN;
  private readonly o: Required<
    Pick<
      DQNOptions,
      | "gamma"
      | "batchSize"
      | "learningStarts"
      | "trainFrequency"
      | "targetUpdate"
      | "tau"
      | "epsilonStart"
      | "epsilonEnd"
      | "explorationFraction"
      | "doubleDqn"
      | "loss"
    >
  > &
    DQNOptions;
  private epsilonOf: Schedule;
  private current: Float32Array | null = null;
  private currentReturn = 0;

  constructor(
    readonly env: Env,
    options: DQNOptions = {},
  ) {
    if (!env || typeof env.step !== "function" || typeof env.reset !== "function" || !env.actionSpace)
      throw new ArgumentError("DQN: env must implement rl.Env (reset, step, actionSpace, observationSpace)");
    this.o = {
      gamma: 0.99,
      batchSize: 128,
      learningStarts: 10000,
      trainFrequency: 10,
      targetUpdate: 500,
      tau: 1,
      epsilonStart: 1,
      epsilonEnd: 0.05,
      explorationFraction: 0.5,
      doubleDqn: false,
      loss: "huber",
      ...options,
    };
    for (const k of ["batchSize", "trainFrequency", "targetUpdate"] as const)
      if (!Number.isInteger(this.o[k]) || this.o[k] < 1)
        throw new ValueError(`DQN: ${k} must be a positive integer, got ${this.o[k]}`);
    if (options.seed !== undefined) manualSeed(options.seed);
    this.generator = new Generator(options.seed ?? Date.now());
    this.observationShape = env.observationSpace.shape;
    this.numActions = env.actionSpace.n;
    this.online = this.buildNetwork(options.network);
    this.target = cloneModule(this.online);
    const params = this.online.parameters();
    const lr = options.lr ?? 2.5e-4;
    const opt = options.optimizer ?? "adam";
    this.optimizer =
      typeof opt === "function"
        ? opt(params)
        : opt === "rmsprop"
          ? new RMSprop(params, { lr, alpha: 0.95, eps: 0.01 })
          : new Adam(params, { lr });
    const capacity = options.bufferSize ?? 10000;
    this.buffer = options.prioritized
      ? new PrioritizedReplayBuffer(
          capacity,
          this.observationShape,
          options.prioritized === true ? {} : options.prioritized,
        )
      : new ReplayBuffer(capacity, this.observationShape);
    this.epsilonOf = options.epsilon ?? (() => this.o.epsilonStart);
  }

  private buildNetwork(spec: DQNOptions["network"]): Module {
    if (spec === undefined || Array.isArray(spec)) {
      const hidden = spec ?? [120, 84];
      if (this.observationShape.length !== 1)
        throw new ArgumentError(
          `DQN: observations of shape [${this.observationShape}] need a network (a Module or a factory); hidden sizes build an MLP for flat observations only`,
        );
      const layers: Module[] = [];
      let width = this.observationShape[0];
      for (const h of hidden) {
        layers.push(new Linear(width, h), new ReLU());
        width = h;
      }
      layers.push(new Linear(width, this.numActions));
      return new Sequential(...layers);
    }
    if (typeof spec === "function") return spec(this.observationShape, this.numActions);
    return spec;
  }

  /** Q-values of one observation (a batch-1 forward; its tensors are released at once). */
  qValues(observation: ArrayLike<number>): Float32Array {
    requireSyncReads(
      "DQN.qValues",
      this.online.parameters()[0],
      "picks actions on the host",
      ON_A_HOST_BACKEND,
    );
    return noGrad(() =>
      tidy(() => {
        const x = fromHost(observation, [1, ...this.observationShape], "float32");
        return Float32Array.from(this.online.forward(x).dataSync());
      }),
    );
  }

  /** The greedy action, or with probability `epsilon` a uniformly random one. */
  act(observation: ArrayLike<number>, epsilon = 0): number {
    if (epsilon > 0 && this.generator.uniform() < epsilon) return this.generator.int(0, this.numActions);
    return argmaxOf(this.qValues(observation));
  }

  /** One gradient update on a batch from the replay buffer; returns the loss. */
  update(): number {
    requireSyncReads(
      "DQN.update",
      this.online.parameters()[0],
      "returns the loss and updates priorities on the host",
      ON_A_HOST_BACKEND,
    );
    const batch = this.buffer.sample(this.o.batchSize, this.generator);
    const { loss, tdErrors } = dqnLoss(this.online, this.target, batch, {
      gamma: this.o.gamma,
      doubleDqn: this.o.doubleDqn,
      loss: this.o.loss,
      observationShape: this.observationShape,
    });
    this.optimizer.zeroGrad();
    loss.backward();
    if (this.o.maxGradNorm !== undefined) clipGradNorm(this.online.parameters(), this.o.maxGradNorm);
    this.optimizer.step();
    if (this.buffer instanceof PrioritizedReplayBuffer) {
      this.buffer.step = this.globalStep;
      this.buffer.updatePriorities(batch.indices, tdErrors.dataSync());
    }
    // the TD errors are not part of the loss's graph, so the next step would not release them
    tdErrors.dispose();
    this.updates++;
    this.lastLoss = loss.item();
    return this.lastLoss;
  }

  /** Updates the target network from the online one (copy when τ = 1, Polyak average otherwise). */
  updateTarget(): void {
    if (this.o.tau === 1) hardUpdate(this.target, this.online);
    else softUpdate(this.target, this.online, this.o.tau);
  }

  /**
   * Trains for `totalSteps` environment steps (continuing from `globalStep`). Prints progress every
   * `logInterval` steps when `verbose`, and calls `onProgress` with the same numbers. Yields to the
   * event loop between reports. Returns the returns record.
   */
  async learn(options: {
    totalSteps: number;
    verbose?: boolean;
    logInterval?: number;
    onProgress?: (p: DQNProgress) => void;
  }): Promise<ReturnsRecord> {
    const { totalSteps } = options;
    if (!Number.isInteger(totalSteps) || totalSteps < 1)
      throw new ValueError(`DQN.learn: totalSteps must be a positive integer, got ${totalSteps}`);
    const o = this.o;
    const end = this.globalStep + totalSteps;
    if (!o.epsilon)
      this.epsilonOf = linearSchedule(o.epsilonStart, o.epsilonEnd, o.explorationFraction * end);
    const logInterval = options.logInterval ?? 10000;
    // a later call continues the episode in progress
    let observation = this.current ?? this.env.reset({ seed: this.generator.int(0, 2 ** 31) }).observation;
    let episodeReturn = this.currentReturn;
    let started = performance.now();
    let stepsAtStart = this.globalStep;
    while (this.globalStep < end) {
      const epsilon = this.epsilonOf(this.globalStep);
      const action = this.act(observation, epsilon);
      const r = this.env.step(action);
      // a truncated episode's last observation still bootstraps: only `terminated` ends the return
      this.buffer.add(observation, action, r.reward, r.observation, r.terminated);
      episodeReturn += r.reward;
      observation = r.observation;
      if (r.terminated || r.truncated) {
        this.record.steps.push(this.globalStep + 1);
        this.record.returns.push(episodeReturn);
        episodeReturn = 0;
        observation = this.env.reset().observation;
      }
      this.globalStep++;
      if (this.globalStep > o.learningStarts) {
        if (this.globalStep % o.trainFrequency === 0) this.update();
        if (this.globalStep % o.targetUpdate === 0) this.updateTarget();
      }
      if (this.globalStep % logInterval === 0 || this.globalStep === end) {
        const now = performance.now();
        const recent = this.record.returns.slice(-20);
        const p: DQNProgress = {
          step: this.globalStep,
          episodes: this.record.returns.length,
          meanReturn: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : Number.NaN,
          epsilon,
          loss: this.lastLoss,
          stepsPerSecond: ((this.globalStep - stepsAtStart) * 1000) / Math.max(now - started, 1e-3),
        };
        options.onProgress?.(p);
        if (options.verbose)
          console.log(
            `step ${p.step}  episodes ${p.episodes}  mean return (last 20) ${p.meanReturn.toFixed(1)}  ε ${p.epsilon.toFixed(3)}  loss ${p.loss.toFixed(4)}  ${p.stepsPerSecond.toFixed(0)} steps/s`,
          );
        started = now;
        stepsAtStart = this.globalStep;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    this.current = observation;
    this.currentReturn = episodeReturn;
    return this.record;
  }

  /**
   * Plays `episodes` episodes with the greedy policy (ε = `epsilon`, default 0) and returns their
   * returns, mean and standard deviation. Uses `env` if given, else the training environment.
   */
  evaluate(options: { episodes?: number; env?: Env; seed?: number; epsilon?: number } = {}): {
    mean: number;
    std: number;
    returns: number[];
  } {
    const env = options.env ?? this.env;
    if (env === this.env) {
      // the training episode in progress is abandoned: the next learn() starts a new one
      this.current = null;
      this.currentReturn = 0;
    }
    const episodes = options.episodes ?? 10;
    const returns: number[] = [];
    let seed = options.seed ?? this.generator.int(0, 2 ** 31);
    for (let e = 0; e < episodes; e++) {
      let { observation } = env.reset({ seed: seed++ });
      let total = 0;
      for (;;) {
        const r = env.step(this.act(observation, options.epsilon ?? 0));
        total += r.reward;
        observation = r.observation;
        if (r.terminated || r.truncated) break;
      }
      returns.push(total);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / episodes;
    const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
    return { mean, std, returns };
  }
}
