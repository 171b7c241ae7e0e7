import { Box, Discrete } from "./spaces.js";
import { TimeLimitEnv } from "./env.js";

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_CART + MASS_POLE;
const HALF_LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
const FORCE = 10.0;
const TAU = 0.02;
const THETA_LIMIT = (12 * 2 * Math.PI) / 360;
const X_LIMIT = 2.4;

/**
 * CartPole-v1 (Barto, Sutton & Anderson 1983), with Gymnasium's dynamics: Euler steps of 0.02 s, push
 * left (0) or right (1) with 10 N, reward +1 per step (also on the step that ends it), terminated when
 * |x| > 2.4 or |θ| > 12°, truncated at 500 steps. The state [x, ẋ, θ, θ̇] is kept in float64 and
 * observed as float32, as in Gymnasium. Start states are uniform in ±0.05, drawn from Strata's generator
 * (not numpy's: the same seed gives other start states than Gymnasium).
 * @example
 * const env = new rl.CartPole();
 * env.reset({ seed: 0 });
 * let steps = 0, done = false;
 * while (!done) { const r = env.step(steps % 2); steps++; done = r.terminated || r.truncated; }
 * steps < 500; // true
 */
export class CartPole extends TimeLimitEnv {
  readonly id = "CartPole-v1";
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box(
    [-X_LIMIT * 2, Number.NEGATIVE_INFINITY, -THETA_LIMIT * 2, Number.NEGATIVE_INFINITY],
    [X_LIMIT * 2, Number.POSITIVE_INFINITY, THETA_LIMIT * 2, Number.POSITIVE_INFINITY],
  );
  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;

  constructor(maxEpisodeSteps = 500) {
    super(maxEpisodeSteps);
  }

  get state(): number[] {
    return [this.x, this.xDot, this.theta, this.thetaDot];
  }

  protected resetState(state: readonly number[] | undefined): void {
    if (state) this.checkState(state, 4);
    const s = state ?? [0, 0, 0, 0].map(() => -0.05 + 0.1 * this.generator.uniform());
    [this.x, this.xDot, this.theta, this.thetaDot] = s;
  }

  protected advance(action: number): { reward: number; terminated: boolean } {
    const force = action === 1 ? FORCE : -FORCE;
    const cos = Math.cos(this.theta);
    const sin = Math.sin(this.theta);
    const temp = (force + POLE_MASS_LENGTH * this.thetaDot * this.thetaDot * sin) / TOTAL_MASS;
    const thetaAcc =
      (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4 / 3 - (MASS_POLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    // explicit Euler, in Gymnasium's order (positions from the old velocities)
    this.x += TAU * this.xDot;
    this.xDot += TAU * xAcc;
    this.theta += TAU * this.thetaDot;
    this.thetaDot += TAU * thetaAcc;
    const terminated =
      this.x < -X_LIMIT || this.x > X_LIMIT || this.theta < -THETA_LIMIT || this.theta > THETA_LIMIT;
    return { reward: 1, terminated };
  }

  protected observe(): Float32Array {
    const o = new Float32Array(4);
    o[0] = this.x;
    o[1] = this.xDot;
    o[2] = this.theta;
    o[3] = this.thetaDot;
    return o;
  }

  /**
   * "ansi": the track as a line of text with the cart `[#]` and the pole's lean; "svg": one frame.
   * @example
   * const env = new rl.CartPole();
   * env.reset({ state: [0, 0, 0.1, 0] });
   * env.render("ansi").includes("[#]"); // true
   */
  render(mode: "ansi" | "svg" = "ansi"): string {
    if (mode === "svg") return this.svg();
    const width = 49;
    const col = Math.round(((this.x + X_LIMIT) / (2 * X_LIMIT)) * (width - 3));
    const track = Array.from({ length: width }, () => "-");
    const c = Math.min(Math.max(col, 0), width - 3);
    track[c] = "[";
    track[c + 1] = "#";
    track[c + 2] = "]";
    const lean = Math.round((this.theta / THETA_LIMIT) * 4);
    const poleRow = Array.from({ length: width }, () => " ");
    const p = Math.min(Math.max(c + 1 + lean, 0), width - 1);
    poleRow[p] = lean < 0 ? "\\" : lean > 0 ? "/" : "|";
    const deg = ((this.theta * 180) / Math.PI).toFixed(1);
    return `${poleRow.join("")}\n${track.join("")}\nx=${this.x.toFixed(3)} θ=${deg}° step ${this.elapsedSteps}`;
  }

  private svg(): string {
    const w = 600;
    const h = 240;
    const scale = w / (2 * X_LIMIT);
    const cx = w / 2 + this.x * scale;
    const cy = 180;
    const poleLen = 2 * HALF_LENGTH * scale;
    const tx = cx + poleLen * Math.sin(this.theta);
    const ty = cy - poleLen * Math.cos(this.theta);
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
      `<rect width="${w}" height="${h}" fill="#fff"/><line x1="0" y1="${cy + 15}" x2="${w}" y2="${cy + 15}" stroke="#000"/>` +
      `<rect x="${(cx - 25).toFixed(1)}" y="${cy - 15}" width="50" height="30" fill="#333"/>` +
      `<line x1="${cx.toFixed(1)}" y1="${cy}" x2="${tx.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#ca9865" stroke-width="10" stroke-linecap="round"/>` +
      `<circle cx="${cx.toFixed(1)}" cy="${cy}" r="5" fill="#81a"/></svg>`
    );
  }
}
