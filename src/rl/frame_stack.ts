import { Box, type Discrete } from "./spaces.js";
import type { Env, ResetOptions, ResetResult, StepResult } from "./env.js";

/**
 * Stacks the last `k` observations into one, shape [k, ...observation shape] (oldest first), so that a
 * network sees motion in pixel observations (Mnih et al. stacked 4 Atari frames). At reset the first
 * frame fills every slot.
 * @example
 * const env = new rl.FrameStack(new rl.Catch(), 2);
 * env.observationSpace.shape; // [2, 10, 5]
 * env.reset({ seed: 0 }).observation.length; // 100
 */
export class FrameStack implements Env {
  readonly actionSpace: Discrete;
  readonly observationSpace: Box;
  readonly id: string;
  private frames: Float32Array[] = [];
  private readonly frameSize: number;

  constructor(
    readonly env: Env,
    readonly k: number,
  ) {
    this.actionSpace = env.actionSpace;
    const inner = env.observationSpace as Box;
    this.frameSize = inner.shape.reduce((a, b) => a * b, 1);
    const tile = (a: Float64Array) => Array.from({ length: k }, () => Array.from(a)).flat();
    this.observationSpace = new Box(tile(inner.low), tile(inner.high), [k, ...inner.shape]);
    this.id = `FrameStack(${env.id ?? "env"}, ${k})`;
  }

  private stacked(): Float32Array {
    const out = new Float32Array(this.k * this.frameSize);
    for (let i = 0; i < this.k; i++) out.set(this.frames[i], i * this.frameSize);
    return out;
  }

  reset(options?: ResetOptions): ResetResult {
    const r = this.env.reset(options);
    this.frames = Array.from({ length: this.k }, () => r.observation);
    return { observation: this.stacked(), info: r.info };
  }

  step(action: number): StepResult {
    const r = this.env.step(action);
    this.frames.shift();
    this.frames.push(r.observation);
    return { ...r, observation: this.stacked() };
  }

  render(mode: "ansi" | "svg"): string {
    return this.env.render?.(mode) ?? "";
  }
}
