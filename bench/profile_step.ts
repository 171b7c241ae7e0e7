/**
 * Where the time of one training step goes: runs the bench MLP (784-512-512-10, batch 128, SGD) for a
 * while. Use: node --cpu-prof --cpu-prof-dir=prof --import tsx bench/profile_step.ts 400, then
 * node bench/profile_summary.cjs prof (self time grouped by kernel, JavaScript and the rest).
 */
import { mlpTrainingStep } from "./strata_bench.js";

const step = mlpTrainingStep([784, 512, 512, 10], 128);
const steps = Number(process.argv[2] ?? 200);
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
console.log(`${ms.toFixed(2)} ms/step, ${((128 / ms) * 1000).toFixed(0)} samples/s`);
