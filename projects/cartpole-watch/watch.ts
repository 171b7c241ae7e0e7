/** Watching an agent in the terminal: CartPole's ASCII rendering, animated or as a few still frames. */
import type { rl } from "strata-dl";

type Policy = (observation: Float32Array) => number;

/**
 * Plays one episode and draws every step in place (ANSI "clear screen"), 50 frames a second, when
 * stdout is a terminal; otherwise (a pipe, a log) prints every 50th frame. Returns the episode length.
 */
export async function watchInTerminal(env: rl.Env, policy: Policy, seed: number): Promise<number> {
  const live = process.stdout.isTTY === true;
  let { observation } = env.reset({ seed });
  for (let step = 0; ; step++) {
    if (live) {
      process.stdout.write(`\x1b[2J\x1b[H${env.render?.("ansi")}\n`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } else if (step % 50 === 0) {
      console.log(`${env.render?.("ansi")}\n`);
    }
    const r = env.step(policy(observation));
    observation = r.observation;
    if (r.terminated || r.truncated) {
      if (live) process.stdout.write(`\x1b[2J\x1b[H${env.render?.("ansi")}\n`);
      return step + 1;
    }
  }
}

/** The ASCII frames at the given steps of one episode (those the episode reaches), as one string. */
export function asciiEpisode(env: rl.Env, policy: Policy, seed: number, atSteps: number[]): string {
  const frames: string[] = [];
  let { observation } = env.reset({ seed });
  for (let step = 0; ; step++) {
    if (atSteps.includes(step)) frames.push(env.render?.("ansi") ?? "");
    const r = env.step(policy(observation));
    observation = r.observation;
    if (r.terminated || r.truncated) {
      if (!atSteps.includes(step + 1)) frames.push(env.render?.("ansi") ?? "");
      return frames.join("\n\n");
    }
  }
}
