/**
 * DQN on bsuite's Catch, from pixels: the 10 × 5 board goes through a small CNN (conv 3×3 × 16, ReLU,
 * a 64-unit layer, one Q-value per action). Adam lr 1e-3, Huber loss, buffer 10k, batch 32, γ 0.99,
 * an update every step from step 500, target copied every 100 steps, ε 1 → 0.05 over the first 5k steps.
 * Target (../shared/TARGETS.md): greedy mean return ≥ 0.9 (random play ≈ −0.6). Also writes
 * examples/output/dqn-catch.json (returns against steps), dqn-catch.html (a greedy episode to watch)
 * and dqn-catch.png. `--steps N`; STRATA_QUICK=1: 4k steps; `--replot` redraws the plot from the JSON.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as strata from "../src/index.js";
import { nn, rl } from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
/** Where results go; a quick run writes beside the full run's files, never over them. */
const BASE = `examples/output/dqn-catch${quick ? "-quick" : ""}`;
const i = process.argv.indexOf("--steps");
const totalSteps = i > 0 ? Number(process.argv[i + 1]) : quick ? 4000 : 20000;

/** The training returns as examples/output/dqn-catch.svg / .png (mean of the last 100 episodes). */
function plotCatch(record: rl.ReturnsRecord) {
  return rl.plotReturns([{ name: "DQN", record }], {
    path: BASE,
    title: "DQN on Catch from pixels (training episodes, mean of the last 100)",
    window: 100,
    yLabel: "return",
  });
}
if (process.argv.includes("--replot")) {
  await plotCatch(JSON.parse(readFileSync(`${BASE}.json`, "utf8")).record);
  console.log(`wrote ${BASE}.svg and .png`);
  process.exit(0);
}
await strata.ready();
// one frame suffices (the ball falls straight down); FrameStack(·, 1) gives the channel axis [1, 10, 5]
const env = new rl.FrameStack(new rl.Catch(), 1);
const randomPlay = (() => {
  const g = new strata.Generator(0);
  let total = 0;
  for (let e = 0; e < 1000; e++) {
    env.reset({ seed: e });
    for (;;) {
      const r = env.step(g.int(0, 3));
      if (r.terminated) {
        total += r.reward;
        break;
      }
    }
  }
  return total / 1000;
})();
console.log(`random play: mean return ${randomPlay.toFixed(2)} over 1000 episodes`);

const agent = new rl.DQN(env, {
  network: (shape, actions) =>
    new nn.Sequential(
      new nn.Conv2d(shape[0], 16, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.Flatten(),
      new nn.Linear(16 * shape[1] * shape[2], 64),
      new nn.ReLU(),
      new nn.Linear(64, actions),
    ),
  lr: 1e-3,
  gamma: 0.99,
  bufferSize: 10000,
  batchSize: 32,
  learningStarts: 500,
  trainFrequency: 1,
  targetUpdate: 100,
  epsilon: rl.linearSchedule(1, 0.05, Math.min(5000, totalSteps / 2)),
  loss: "huber",
  seed: 0,
});
const started = performance.now();
await agent.learn({ totalSteps, verbose: true, logInterval: 1000 });
const seconds = (performance.now() - started) / 1000;
const result = agent.evaluate({ episodes: 1000, env: new rl.FrameStack(new rl.Catch(), 1), seed: 99 });
console.log(
  `greedy mean return ${result.mean.toFixed(3)} over 1000 episodes (random play ${randomPlay.toFixed(2)}), ` +
    `${totalSteps} steps (${agent.record.returns.length} episodes) in ${seconds.toFixed(0)} s`,
);
mkdirSync("examples/output", { recursive: true });
writeFileSync(
  `${BASE}.json`,
  JSON.stringify({ totalSteps, greedy: result.mean, randomPlay, record: agent.record }),
);
const frames = rl.recordEpisode(new rl.FrameStack(new rl.Catch(), 1), (o) => agent.act(o), { seed: 5 });
writeFileSync(`${BASE}.html`, rl.framesToHtml(frames, { title: "DQN plays Catch", fps: 3 }));
await plotCatch(agent.record);
console.log(`wrote ${BASE}.json, .html, .svg and .png`);
