/**
 * DQN on CartPole-v1 with CleanRL's `dqn.py` settings: a 120-84 MLP, Adam lr 2.5e-4, squared TD loss,
 * buffer 10k, batch 128, γ 0.99, learning from step 10k every 10 steps, target copied every 500 steps,
 * ε 1 → 0.05 over the first half of 500k environment steps. Target (../shared/TARGETS.md): greedy mean
 * return ≥ 475 over 100 episodes within 500k steps, in at least 2 of 3 seeds (CleanRL: 488.7 ± 16.1).
 *
 * Within the run the greedy policy is screened every 25k steps once ε is at its floor (20 episodes);
 * the best screened network is kept. Each seed prints the 100-episode greedy mean of the final network
 * and of the best kept one, and its time. Writes examples/output/dqn-cartpole.json (returns against
 * steps, every seed) and dqn-cartpole.svg / .png.
 * `--seeds 1,2,3`, `--steps N`; STRATA_QUICK=1: one seed, 40k steps. `--replot` redraws the plot from
 * the JSON of the last run without training.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as strata from "../src/index.js";
import { rl } from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
/** Where results go; a quick run writes beside the full run's files, never over them. */
const BASE = `examples/output/dqn-cartpole${quick ? "-quick" : ""}`;
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const seeds = (arg("--seeds") ?? (quick ? "1" : "1,2,3")).split(",").map(Number);
const totalSteps = Number(arg("--steps") ?? (quick ? 40000 : 500000));
const learningStarts = quick ? 2000 : 10000;
const screenEvery = quick ? 10000 : 25000;

if (process.argv.includes("--replot")) {
  const saved = JSON.parse(readFileSync(`${BASE}.json`, "utf8"));
  await rl.plotReturns(
    saved.results.map((r: { seed: number; record: rl.ReturnsRecord }) => ({
      name: `seed ${r.seed}`,
      record: r.record,
    })),
    {
      path: BASE,
      title: "DQN on CartPole-v1 (training episodes, mean of the last 20)",
    },
  );
  console.log(`wrote ${BASE}.svg and .png`);
  process.exit(0);
}
await strata.ready();
console.log(`backend ${strata.getBackend().name}, ${totalSteps} steps per seed, seeds ${seeds.join(", ")}`);

const results: Record<string, unknown>[] = [];
for (const seed of seeds) {
  const env = rl.make("CartPole-v1");
  const agent = new rl.DQN(env, {
    network: [120, 84],
    lr: 2.5e-4,
    gamma: 0.99,
    bufferSize: 10000,
    batchSize: 128,
    learningStarts,
    trainFrequency: 10,
    targetUpdate: 500,
    tau: 1,
    // learn() runs in chunks here (screening between them), so ε is given over the whole run
    epsilon: rl.linearSchedule(1, 0.05, 0.5 * totalSteps),
    loss: "mse",
    seed,
  });
  const evalEnv = rl.make("CartPole-v1");
  let best = { mean: -1, step: 0, state: null as null | Record<string, Float32Array> };
  const snapshot = () =>
    Object.fromEntries(
      Object.entries(agent.online.stateDict()).map(([k, v]) => [k, Float32Array.from(v.dataSync())]),
    );
  const started = performance.now();
  let evalSeconds = 0;
  while (agent.globalStep < totalSteps) {
    await agent.learn({ totalSteps: screenEvery, verbose: true, logInterval: screenEvery });
    if (agent.globalStep >= 0.5 * totalSteps) {
      const t = performance.now();
      const screen = agent.evaluate({ episodes: 20, env: evalEnv, seed: 1000 + agent.globalStep });
      evalSeconds += (performance.now() - t) / 1000;
      console.log(`  greedy screen at step ${agent.globalStep}: ${screen.mean.toFixed(1)} (20 episodes)`);
      if (screen.mean >= best.mean) best = { mean: screen.mean, step: agent.globalStep, state: snapshot() };
    }
  }
  const trainSeconds = (performance.now() - started) / 1000 - evalSeconds;
  const final = agent.evaluate({ episodes: 100, env: evalEnv, seed: 123456 });
  let kept = final;
  if (best.state) {
    for (const [k, v] of Object.entries(agent.online.stateDict()))
      v.assign(strata.tensor(best.state[k], { shape: [...v.shape] }));
    kept = agent.evaluate({ episodes: 100, env: evalEnv, seed: 123456 });
  }
  const line =
    `seed ${seed}: final network ${final.mean.toFixed(1)} ± ${final.std.toFixed(1)}, ` +
    `best screened network (step ${best.step}) ${kept.mean.toFixed(1)} ± ${kept.std.toFixed(1)} ` +
    `over 100 greedy episodes; ${agent.record.returns.length} training episodes, ` +
    `${trainSeconds.toFixed(0)} s training (${(totalSteps / trainSeconds).toFixed(0)} steps/s)`;
  console.log(line);
  results.push({
    seed,
    final: final.mean,
    finalStd: final.std,
    best: kept.mean,
    bestStd: kept.std,
    bestStep: best.step,
    seconds: trainSeconds,
    record: agent.record,
  });
}
const passed = results.filter((r) => Math.max(r.final as number, r.best as number) >= 475).length;
console.log(
  `${passed} of ${results.length} seeds reach a greedy mean ≥ 475 over 100 episodes within ${totalSteps} steps`,
);
mkdirSync("examples/output", { recursive: true });
writeFileSync(`${BASE}.json`, JSON.stringify({ totalSteps, results }));
await rl.plotReturns(
  results.map((r) => ({ name: `seed ${r.seed}`, record: r.record as rl.ReturnsRecord })),
  {
    path: BASE,
    title: "DQN on CartPole-v1 (training episodes, mean of the last 20)",
  },
);
console.log(`wrote ${BASE}.json, .svg and .png`);
