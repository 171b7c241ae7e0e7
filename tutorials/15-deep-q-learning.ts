// Tutorial 15: deep Q-learning. A DQN agent learns to balance a pole on a cart (CartPole-v1) by trial
// and error, from rewards alone.
//   npx tsx tutorials/15-deep-q-learning.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/15-deep-q-learning.ts  (a quick check)
import { Generator, type Tensor, rl } from "strata-dl";

const quick = process.env.STRATA_QUICK === "1";
const totalSteps = quick ? 12_000 : 60_000; // environment steps of training
const outDir = quick ? "tutorials/output/quick" : "tutorials/output";

// Step 1: the environment. Gymnasium's CartPole: the observation is 4 numbers (cart position and
// velocity, pole angle and angular velocity), the actions are 0 (push left) and 1 (push right), and
// every step the pole stays up earns a reward of 1, up to 500 steps per episode.
const env = rl.make("CartPole-v1");
let { observation } = env.reset({ seed: 0 });
console.log(
  `CartPole-v1: observation ${JSON.stringify(Array.from(observation).map((v) => +v.toFixed(3)))}, 2 actions`,
);

// Step 2: a baseline. Pushing at random keeps the pole up for about 20 steps.
const coin = new Generator(0);
const randomReturns: number[] = [];
for (let episode = 0; episode < 100; episode++) {
  let total = 0;
  for (let done = false; !done; ) {
    const r = env.step(coin.int(0, 2));
    total += r.reward;
    done = r.terminated || r.truncated;
  }
  randomReturns.push(total);
  observation = env.reset().observation;
}
const randomMean = randomReturns.reduce((a, b) => a + b, 0) / randomReturns.length;
console.log(`random actions: mean return ${randomMean.toFixed(1)} over 100 episodes`);

// Step 3: the agent. A small MLP (4 → 64 → 64 → 2) estimates Q(s, a): the total future reward of
// taking action a in state s and playing well afterwards. The agent mostly takes the action with the
// highest Q, but with probability ε a random one (exploration); ε falls from 1 to 0.05 over the first
// part of training. Every step goes into a replay buffer, and every few steps the network learns from a
// random batch of old steps, towards reward + γ · max Q(next state) computed by a target network, a
// copy refreshed every 500 steps so that the target does not move with every update.
const agent = new rl.DQN(rl.make("CartPole-v1"), {
  network: [64, 64],
  lr: 1e-3,
  gamma: 0.99,
  bufferSize: 20_000,
  batchSize: 64,
  learningStarts: 1_000,
  trainFrequency: 2,
  targetUpdate: 500,
  epsilon: rl.linearSchedule(1, 0.05, totalSteps / 2),
  doubleDqn: true,
  seed: 1,
});

// Step 4: learn, in chunks. DQN's returns do not rise steadily: a network that balanced well can
// forget it a few thousand steps later. So after each chunk the greedy agent (ε = 0) plays 10 test
// episodes, and the weights of the best test so far are kept: `stateDict({ clone: true })` is a
// snapshot, PyTorch's `copy.deepcopy(model.state_dict())`, that later training does not change.
const chunk = quick ? 3_000 : 5_000;
const screenEnv = rl.make("CartPole-v1");
let best = { mean: -1, step: 0, weights: {} as Record<string, Tensor> };
while (agent.globalStep < totalSteps) {
  await agent.learn({ totalSteps: chunk });
  const recent = agent.record.returns.slice(-20);
  const trainingMean = recent.reduce((a, b) => a + b, 0) / recent.length;
  const screen = agent.evaluate({ episodes: 10, env: screenEnv, seed: agent.globalStep });
  console.log(
    `step ${agent.globalStep}: training episodes ${trainingMean.toFixed(1)} (mean of the last 20), greedy test ${screen.mean.toFixed(1)} (10 episodes)`,
  );
  if (screen.mean >= best.mean) {
    for (const t of Object.values(best.weights)) t.dispose(); // the snapshot this one replaces
    best = { mean: screen.mean, step: agent.globalStep, weights: agent.online.stateDict({ clone: true }) };
  }
}
await rl.plotReturns([{ name: "DQN", record: agent.record }], {
  path: `${outDir}/15-deep-q-learning-returns`,
  title: "DQN on CartPole-v1 (training episodes, mean of the last 20)",
});

// Step 5: put the best weights back and test them on 20 new episodes (other seeds than the tests').
agent.online.loadStateDict(best.weights);
const result = agent.evaluate({ episodes: 20, env: rl.make("CartPole-v1"), seed: 1_000_000 });
console.log(
  `best network (step ${best.step}): mean return ${result.mean.toFixed(1)} ± ${result.std.toFixed(1)} over 20 new episodes (random: ${randomMean.toFixed(1)})`,
);

// Step 6: the check: far above random play (3 times in quick mode, a mean of 150 in full mode).
const required = quick ? 3 * randomMean : 150;
if (!(result.mean >= required))
  throw new Error(`mean return ${result.mean.toFixed(1)} is below ${required.toFixed(1)}`);
console.log("check passed");
