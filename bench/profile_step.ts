/**
 * Where the time of one training step goes. Use:
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx bench/profile_step.ts [steps] [mlp|dqn|act]
 * then node bench/profile_summary.cjs prof (self time grouped by kernel, JavaScript and the rest).
 * `mlp` (default) runs the bench MLP (784-512-512-10, batch 128, SGD); `dqn` the DQN training step
 * of bench/dqn_bench.ts (4-120-84-2, batch 32, Adam); `act` its greedy action (batch-1 forward).
 */
import { dqnGreedyAction, dqnTrainingStep } from "./dqn_bench.js";
import { mlpTrainingStep } from "./strata_bench.js";

const steps = Number(process.argv[2] ?? 200);
const what = process.argv[3] ?? "mlp";
const step =
  what === "dqn"
    ? dqnTrainingStep()
    : what === "act"
      ? dqnGreedyAction()
      : mlpTrainingStep([784, 512, 512, 10], 128);
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
console.log(
  what === "mlp"
    ? `${ms.toFixed(2)} ms/step, ${((128 / ms) * 1000).toFixed(0)} samples/s`
    : `${ms.toFixed(3)} ms/${what === "act" ? "action" : "step"}, ${(1000 / ms).toFixed(0)}/s`,
);
