import { Box, Discrete } from "./spaces.js";
import { TimeLimitEnv } from "./env.js";

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/**
 * MountainCar-v0 (Moore 1990), with Gymnasium's dynamics: push left (0), none (1) or right (2); velocity
 * += (a − 1)·0.001 − 0.0025·cos(3·position), clipped to ±0.07; position clipped to [−1.2, 0.6] (velocity
 * zeroed at the left wall); reward −1 per step; terminated at position ≥ 0.5; truncated at 200 steps.
 * State [position, velocity]; start position uniform in [−0.6, −0.4] from Strata's generator.
 * @example
 * const env = new rl.MountainCar();
 * env.reset({ state: [-0.5, 0] });
 * env.step(2).observation[1] > 0; // true
 */
export class MountainCar extends TimeLimitEnv {
  readonly id = "MountainCar-v0";
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  private position = 0;
  private velocity = 0;

  constructor(maxEpisodeSteps = 200) {
    super(maxEpisodeSteps);
  }

  get state(): number[] {
    return [this.position, this.velocity];
  }

  protected resetState(state: readonly number[] | undefined): void {
    if (state) this.checkState(state, 2);
    [this.position, this.velocity] = state ?? [-0.6 + 0.2 * this.generator.uniform(), 0];
  }

  protected advance(action: number): { reward: number; terminated: boolean } {
    let v = this.velocity + (action - 1) * FORCE + Math.cos(3 * this.position) * -GRAVITY;
    v = Math.min(Math.max(v, -MAX_SPEED), MAX_SPEED);
    let p = this.position + v;
    p = Math.min(Math.max(p, MIN_POSITION), MAX_POSITION);
    if (p === MIN_POSITION && v < 0) v = 0;
    this.position = p;
    this.velocity = v;
    return { reward: -1, terminated: p >= GOAL_POSITION && v >= 0 };
  }

  protected observe(): Float32Array {
    return new Float32Array([this.position, this.velocity]);
  }
}
