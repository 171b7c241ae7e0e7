import { Box, Discrete } from "./spaces.js";
import { TimeLimitEnv } from "./env.js";

const DT = 0.2;
const L1 = 1.0;
const M1 = 1.0;
const M2 = 1.0;
const LC1 = 0.5;
const LC2 = 0.5;
const I1 = 1.0;
const I2 = 1.0;
const G = 9.8;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const TORQUES = [-1, 0, 1];

/** Time derivative of [θ1, θ2, θ̇1, θ̇2] under torque `a` (Sutton & Barto's book equations). */
function derivs(s: readonly number[], a: number): number[] {
  const [t1, t2, d1t, d2t] = s;
  const d1 = M1 * LC1 * LC1 + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * Math.cos(t2)) + I1 + I2;
  const d2 = M2 * (LC2 * LC2 + L1 * LC2 * Math.cos(t2)) + I2;
  const phi2 = M2 * LC2 * G * Math.cos(t1 + t2 - Math.PI / 2);
  const phi1 =
    -M2 * L1 * LC2 * d2t * d2t * Math.sin(t2) -
    2 * M2 * L1 * LC2 * d2t * d1t * Math.sin(t2) +
    (M1 * LC1 + M2 * L1) * G * Math.cos(t1 - Math.PI / 2) +
    phi2;
  const dd2 =
    (a + (d2 / d1) * phi1 - M2 * L1 * LC2 * d1t * d1t * Math.sin(t2) - phi2) /
    (M2 * LC2 * LC2 + I2 - (d2 * d2) / d1);
  const dd1 = -(d2 * dd2 + phi1) / d1;
  return [d1t, d2t, dd1, dd2];
}

/** One classical Runge–Kutta step of length `dt` (Gymnasium's `rk4` over the times [0, dt]). */
function rk4(s: readonly number[], a: number, dt: number): number[] {
  const k1 = derivs(s, a);
  const k2 = derivs(
    s.map((v, i) => v + (dt / 2) * k1[i]),
    a,
  );
  const k3 = derivs(
    s.map((v, i) => v + (dt / 2) * k2[i]),
    a,
  );
  const k4 = derivs(
    s.map((v, i) => v + dt * k3[i]),
    a,
  );
  return s.map((v, i) => v + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

function wrap(x: number, lo: number, hi: number): number {
  const span = hi - lo;
  while (x > hi) x -= span;
  while (x < lo) x += span;
  return x;
}

const clip = (x: number, m: number) => Math.min(Math.max(x, -m), m);

/**
 * Acrobot-v1 (Sutton 1996), with Gymnasium's dynamics: torque −1, 0 or +1 (actions 0, 1, 2) on the
 * joint between two links, one RK4 step of 0.2 s with the book's equations, angles wrapped to [−π, π],
 * velocities clipped to ±4π and ±9π; reward −1 per step and 0 on the step that reaches the line
 * (−cos θ1 − cos(θ1 + θ2) > 1); truncated at 500 steps. State [θ1, θ2, θ̇1, θ̇2], observed as
 * [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]; start state uniform in ±0.1 from Strata's generator.
 * @example
 * const env = new rl.Acrobot();
 * env.reset({ seed: 0 }).observation.length; // 6
 * env.step(2).reward; // -1
 */
export class Acrobot extends TimeLimitEnv {
  readonly id = "Acrobot-v1";
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box(
    [-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2],
    [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2],
  );
  private s = [0, 0, 0, 0];

  constructor(maxEpisodeSteps = 500) {
    super(maxEpisodeSteps);
  }

  get state(): number[] {
    return [...this.s];
  }

  protected resetState(state: readonly number[] | undefined): void {
    if (state) this.checkState(state, 4);
    this.s = state ? [...state] : [0, 0, 0, 0].map(() => -0.1 + 0.2 * this.generator.uniform());
  }

  protected advance(action: number): { reward: number; terminated: boolean } {
    const ns = rk4(this.s, TORQUES[action], DT);
    ns[0] = wrap(ns[0], -Math.PI, Math.PI);
    ns[1] = wrap(ns[1], -Math.PI, Math.PI);
    ns[2] = clip(ns[2], MAX_VEL_1);
    ns[3] = clip(ns[3], MAX_VEL_2);
    this.s = ns;
    const terminated = -Math.cos(ns[0]) - Math.cos(ns[1] + ns[0]) > 1;
    return { reward: terminated ? 0 : -1, terminated };
  }

  protected observe(): Float32Array {
    const [t1, t2, d1, d2] = this.s;
    return new Float32Array([Math.cos(t1), Math.sin(t1), Math.cos(t2), Math.sin(t2), d1, d2]);
  }
}
