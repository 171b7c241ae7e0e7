/**
 * A CartPole agent you can watch: train a DQN, save its Q-network, then watch the greedy policy
 * balance the pole, in the terminal (ASCII) and as an HTML page of frames.
 *
 *   npx tsx projects/cartpole-watch/main.ts            # train (full mode), save, evaluate, write pictures
 *   npx tsx projects/cartpole-watch/main.ts --watch    # load the saved network and watch one episode
 *   STRATA_QUICK=1 npx tsx projects/cartpole-watch/main.ts   # a short training run, writes output/quick/
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { io, plot, ready, rl, tensor } from "strata-dl";
import { asciiEpisode, watchInTerminal } from "./watch.js";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1"; // CI's quick mode: a short run that still learns
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
const policyPath = `${outDir}cartpole-dqn.safetensors`;
const shownDir = `projects/cartpole-watch/output${quick ? "/quick" : ""}`; // for messages
await ready();

// CleanRL's dqn.py settings for CartPole (as examples/dqn-cartpole.ts), with fewer steps;
// the quick run learns sooner and more often so that a few seconds of training show an effect
const totalSteps = quick ? 8_000 : 150_000;
const network = [120, 84];
const settings = {
  network,
  lr: quick ? 1e-3 : 2.5e-4,
  gamma: 0.99,
  bufferSize: 10_000,
  batchSize: quick ? 64 : 128,
  learningStarts: quick ? 1_000 : 10_000,
  trainFrequency: quick ? 4 : 10,
  targetUpdate: 500,
  loss: "mse" as const,
  seed: 1,
};
// ε falls from 1 to 0.05 over the first half of the run, then stays there (a schedule of the global
// step, because learn() is called in chunks below)
const epsilon = rl.linearSchedule(1, 0.05, 0.5 * totalSteps);
const makeAgent = () => new rl.DQN(rl.make("CartPole-v1"), { ...settings, epsilon });

if (process.argv.includes("--watch")) {
  // watch mode: no training, the saved network plays one episode
  if (!existsSync(policyPath))
    throw new Error(`no saved network at ${policyPath}: run npx tsx projects/cartpole-watch/main.ts first`);
  const agent = makeAgent();
  await io.loadModel(agent.online, policyPath);
  const seed = Number(process.argv[process.argv.indexOf("--watch") + 1]) || 7;
  const steps = await watchInTerminal(rl.make("CartPole-v1"), (o) => agent.act(o), seed);
  console.log(`episode (seed ${seed}) lasted ${steps} steps (500 is the most CartPole-v1 allows)`);
  process.exit(0);
}

const started = performance.now();
mkdirSync(outDir, { recursive: true });
const agent = makeAgent();
const random = agent.evaluate({ episodes: 20, seed: 99, epsilon: 1 });
console.log(`a random policy balances for ${random.mean.toFixed(1)} steps on average (20 episodes)`);
console.log(`training DQN ${network.join("-")} for ${totalSteps} steps (seed ${settings.seed})`);

// Train in chunks and screen the greedy policy after each chunk once exploration has settled, keeping
// the best network seen: DQN's greedy return swings between neighbouring checkpoints
const chunk = totalSteps / (quick ? 4 : 10);
const screenEnv = rl.make("CartPole-v1");
let best = { mean: -1, step: 0, weights: new Map<string, Float32Array>() };
while (agent.globalStep < totalSteps) {
  await agent.learn({ totalSteps: chunk, verbose: true, logInterval: chunk });
  if (agent.globalStep < 0.5 * totalSteps) continue;
  const screen = agent.evaluate({ episodes: 10, env: screenEnv, seed: 1000 + agent.globalStep });
  console.log(`  greedy screen at step ${agent.globalStep}: ${screen.mean.toFixed(1)} (10 episodes)`);
  if (screen.mean >= best.mean) {
    const weights = new Map<string, Float32Array>();
    for (const [k, v] of Object.entries(agent.online.stateDict()))
      weights.set(k, Float32Array.from(v.dataSync()));
    best = { mean: screen.mean, step: agent.globalStep, weights };
  }
}
const trainSeconds = (performance.now() - started) / 1000;
for (const [k, v] of Object.entries(agent.online.stateDict()))
  v.assign(tensor(best.weights.get(k)!, { shape: [...v.shape] }));
console.log(`kept the network of step ${best.step} (screened ${best.mean.toFixed(1)})`);

// Save the Q-network (weights only, ~45 kB; rl.saveCheckpoint would save the whole agent to resume training)
await io.saveModel(agent.online, policyPath, { network: network, steps: best.step });
console.log(`saved ${shownDir}/cartpole-dqn.safetensors`);

// Evaluate the saved network on fresh start states, as --watch will run it
const watcher = makeAgent();
await io.loadModel(watcher.online, policyPath);
const greedy = watcher.evaluate({ episodes: quick ? 20 : 100, seed: 123_456 });
console.log(
  `greedy mean return of the saved network: ${greedy.mean.toFixed(1)} ± ${greedy.std.toFixed(1)} ` +
    `over ${greedy.returns.length} episodes (random play ${random.mean.toFixed(1)})`,
);

// What watching looks like: a few frames of one episode in ASCII, and the whole episode as an HTML page
const policy = (o: Float32Array) => watcher.act(o);
console.log(asciiEpisode(rl.make("CartPole-v1"), policy, 7, [0, 100, 200, 300, 400]));
const frames = rl.recordEpisode(rl.make("CartPole-v1"), policy, { seed: 7 });
writeFileSync(
  `${outDir}episode.html`,
  rl.framesToHtml(frames, { title: "DQN on CartPole-v1 (greedy)", fps: 50 }),
);
writeFileSync(`${outDir}frame.png`, await plot.svgToPng(frames[Math.min(250, frames.length - 1)])); // one still
await rl.plotReturns([{ name: `seed ${settings.seed}`, record: agent.record }], {
  path: `${outDir}returns`,
  title: "DQN on CartPole-v1: training episodes (mean of the last 20)",
});
console.log(`wrote ${shownDir}/episode.html (${frames.length} frames), frame.png and returns.png`);

const seconds = (performance.now() - started) / 1000;
console.log(`${seconds.toFixed(1)} s (${trainSeconds.toFixed(1)} s training)`);
if (!quick) {
  writeFileSync(
    `${outDir}result.json`,
    `${JSON.stringify(
      {
        project: "CartPole agent you can watch",
        command: "npx tsx projects/cartpole-watch/main.ts",
        seconds: Math.round(seconds * 10) / 10,
        machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
        results: {
          "greedy mean return (100 episodes)": Math.round(greedy.mean * 10) / 10,
          "greedy return std": Math.round(greedy.std * 10) / 10,
          "training steps": totalSteps,
        },
        baseline: { name: "random policy", "mean return (20 episodes)": Math.round(random.mean * 10) / 10 },
        date: new Date().toISOString().slice(0, 10),
      },
      null,
      2,
    )}\n`,
  );
}

// The check of learning: the saved greedy policy balances far longer than random play
if (!(greedy.mean > 3 * random.mean))
  throw new Error(`greedy mean return ${greedy.mean} is not above 3× random play (${random.mean})`);
