import { Box, Discrete } from "./spaces.js";
import { TimeLimitEnv } from "./env.js";

/**
 * bsuite's Catch (Osband et al. 2020): a 10 × 5 board of pixels, a ball starting in a random column of
 * the top row falls one row per step, and the paddle on the bottom row moves left (0), stays (1) or
 * moves right (2). When the ball reaches the bottom row the episode ends with reward +1 if the paddle is
 * under it, −1 if not (9 steps; 0 reward before). Observations are the board, shape [10, 5], 1 where the
 * ball or the paddle is. State [ballColumn, ballRow, paddleColumn].
 * @example
 * const env = new rl.Catch();
 * env.reset({ state: [2, 0, 2] });
 * let r = 0;
 * for (let i = 0; i < 9; i++) r = env.step(1).reward;
 * r; // 1
 */
export class Catch extends TimeLimitEnv {
  readonly id = "Catch";
  readonly actionSpace = new Discrete(3);
  readonly observationSpace: Box;
  private ballX = 0;
  private ballY = 0;
  private paddleX = 0;

  constructor(
    readonly rows = 10,
    readonly columns = 5,
  ) {
    super(Number.POSITIVE_INFINITY);
    this.observationSpace = new Box(0, 1, [rows, columns]);
  }

  get state(): number[] {
    return [this.ballX, this.ballY, this.paddleX];
  }

  protected resetState(state: readonly number[] | undefined): void {
    if (state) this.checkState(state, 3);
    [this.ballX, this.ballY, this.paddleX] = state ?? [
      this.generator.int(0, this.columns),
      0,
      Math.floor(this.columns / 2),
    ];
  }

  protected advance(action: number): { reward: number; terminated: boolean } {
    this.paddleX = Math.min(Math.max(this.paddleX + action - 1, 0), this.columns - 1);
    this.ballY++;
    if (this.ballY >= this.rows - 1)
      return { reward: this.ballX === this.paddleX ? 1 : -1, terminated: true };
    return { reward: 0, terminated: false };
  }

  protected observe(): Float32Array {
    const board = new Float32Array(this.rows * this.columns);
    board[Math.min(this.ballY, this.rows - 1) * this.columns + this.ballX] = 1;
    board[(this.rows - 1) * this.columns + this.paddleX] = 1;
    return board;
  }

  /**
   * "ansi": the board as text (`o` ball, `=` paddle, `.` empty); "svg": one frame.
   * @example
   * const env = new rl.Catch();
   * env.reset({ state: [0, 0, 2] });
   * env.render("ansi").split("\n")[0]; // "o...."
   */
  render(mode: "ansi" | "svg" = "ansi"): string {
    const cell = (r: number, c: number) =>
      r === this.ballY && c === this.ballX ? "o" : r === this.rows - 1 && c === this.paddleX ? "=" : ".";
    if (mode === "ansi") {
      const lines: string[] = [];
      for (let r = 0; r < this.rows; r++)
        lines.push(Array.from({ length: this.columns }, (_, c) => cell(r, c)).join(""));
      return lines.join("\n");
    }
    const s = 24;
    let body = `<rect width="${this.columns * s}" height="${this.rows * s}" fill="#111"/>`;
    body += `<circle cx="${this.ballX * s + s / 2}" cy="${this.ballY * s + s / 2}" r="${s / 2 - 2}" fill="#fc3"/>`;
    body += `<rect x="${this.paddleX * s + 1}" y="${(this.rows - 1) * s + s / 3}" width="${s - 2}" height="${s / 3}" fill="#3cf"/>`;
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${this.columns * s}" height="${this.rows * s}">${body}</svg>`;
  }
}
