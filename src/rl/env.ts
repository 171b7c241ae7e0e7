import { ValueError } from "../base/errors.js";
import { Generator } from "../core/random.js";
import type { Discrete, Space } from "./spaces.js";

/**
 * Options of `reset`. `seed` reseeds the environment's own generator (Strata's `Generator`, so start
 * states differ from Gymnasium's numpy ones for the same seed); `state` sets the internal state
 * exactly (the hook the reference-trajectory tests use; see each environment for its layout).
 * @example
 * const env = rl.make("CartPole-v1");
 * env.reset({ state: [0, 0, 0.01, 0] }).observation[2]; // 0.009999999776482582
 */
export interface ResetOptions {
  seed?: number;
  state?: readonly number[];
}

/**
 * What `reset` returns.
 * @example
 * const { observation, info }: rl.ResetResult = rl.make("CartPole-v1").reset({ seed: 1 });
 * observation.length; // 4
 */
export interface ResetResult<O = Float32Array> {
  observation: O;
  info: Record<string, unknown>;
}

/**
 * What `step` returns: `terminated` when the task ended (pole fell, goal reached: do not bootstrap
 * from the next state), `truncated` when a time limit cut the episode (do bootstrap).
 * @example
 * const env = rl.make("CartPole-v1");
 * env.reset({ seed: 0 });
 * const { reward, terminated, truncated }: rl.StepResult = env.step(1);
 * [reward, terminated, truncated]; // [1, false, false]
 */
export interface StepResult<O = Float32Array> {
  observation: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
}

/**
 * The environment interface (Gymnasium's `Env`), for discrete actions. Implement it (or extend
 * `TimeLimitEnv`) to train `rl.DQN` on your own task, and `rl.register` it to `make` it by name.
 * Observations are Float32Arrays in row-major order (`observationSpace.shape` gives the layout):
 * a fresh array per step is cheap, and a batch of them is copied into one tensor by the agent.
 * @example
 * class Coin implements rl.Env {
 *   actionSpace = new rl.Discrete(2);
 *   observationSpace = new rl.Box(0, 1, [1]);
 *   private side = 0;
 *   private g = new Generator(0);
 *   reset(o: rl.ResetOptions = {}) {
 *     if (o.seed !== undefined) this.g.seed(o.seed);
 *     this.side = this.g.int(0, 2);
 *     return { observation: new Float32Array([this.side]), info: {} };
 *   }
 *   step(action: number) {
 *     const reward = action === this.side ? 1 : 0;
 *     return { observation: new Float32Array([this.side]), reward, terminated: true, truncated: false, info: {} };
 *   }
 * }
 * const coin = new Coin();
 * coin.reset({ seed: 3 });
 * coin.step(0).terminated; // true
 */
export interface Env<O = Float32Array> {
  readonly actionSpace: Discrete;
  readonly observationSpace: Space<O>;
  reset(options?: ResetOptions): ResetResult<O>;
  step(action: number): StepResult<O>;
  /** "ansi": a string for the terminal; "svg": one frame as an SVG document. */
  render?(mode: "ansi" | "svg"): string;
  /** A name for messages (`CartPole-v1`). */
  readonly id?: string;
}

/**
 * Base class of the built-in environments: it checks actions, refuses `step` before `reset` or after
 * the episode ended, counts steps and truncates at `maxEpisodeSteps` (Gymnasium's `TimeLimit`).
 * Subclasses implement `resetState`, `advance` and `observe`.
 * @example
 * const env = rl.make("MountainCar-v0");
 * env instanceof rl.TimeLimitEnv; // true
 * env.maxEpisodeSteps; // 200
 */
export abstract class TimeLimitEnv implements Env<Float32Array> {
  abstract readonly id: string;
  abstract readonly actionSpace: Discrete;
  abstract readonly observationSpace: Space<Float32Array>;
  /** Steps since the last reset. */
  elapsedSteps = 0;
  protected generator = new Generator(Date.now());
  private done = true;
  private started = false;

  constructor(readonly maxEpisodeSteps: number) {}

  /** Sets the start state: drawn from the generator, or `state` when given. */
  protected abstract resetState(state: readonly number[] | undefined): void;
  /** Advances the internal state by one action; returns the reward and whether the task ended. */
  protected abstract advance(action: number): { reward: number; terminated: boolean };
  /** The observation of the current state. */
  protected abstract observe(): Float32Array;
  /** A copy of the internal state (the layout `reset({ state })` takes). */
  abstract get state(): number[];

  reset(options: ResetOptions = {}): ResetResult {
    if (options.seed !== undefined) this.generator.seed(options.seed);
    this.resetState(options.state);
    this.elapsedSteps = 0;
    this.done = false;
    this.started = true;
    return { observation: this.observe(), info: {} };
  }

  step(action: number): StepResult {
    if (!this.actionSpace.contains(action))
      throw new ValueError(
        `${this.id}.step: action ${String(action)} is not in the action space ${this.actionSpace} (an integer 0..${this.actionSpace.n - 1})`,
      );
    if (this.done)
      throw new ValueError(
        this.started
          ? `${this.id}.step: the episode has ended (terminated or truncated); call reset() before stepping again`
          : `${this.id}.step: call reset() before the first step`,
      );
    const { reward, terminated } = this.advance(action);
    this.elapsedSteps++;
    // as Gymnasium's TimeLimit: at the limit an episode is truncated even if it also terminated
    const truncated = this.elapsedSteps >= this.maxEpisodeSteps;
    this.done = terminated || truncated;
    return { observation: this.observe(), reward, terminated, truncated, info: {} };
  }

  protected checkState(state: readonly number[], n: number): void {
    if (state.length !== n || !state.every(Number.isFinite))
      throw new ValueError(`${this.id}.reset: state must be ${n} finite numbers, got [${state.join(", ")}]`);
  }
}
