/** GFLOP/s of the matmul shapes one MLP training step runs (784-512 layer, batch 128), on the current backend. */
import { type WasmBackend, getBackend, rand } from "../src/index.js";
import { median, timeRuns } from "./stats.js";

const backend = getBackend() as WasmBackend;
if ("threadsReady" in backend) await backend.threadsReady();
const x = rand([128, 784]);
const w = rand([512, 784]);
const g = rand([128, 512]);
const cases: [string, () => void, number][] = [
  ["forward x·Wᵀ (128×784 · 784×512, B transposed view)", () => x.matmul(w.T).dispose(), 128 * 784 * 512],
  ["input grad g·W (128×512 · 512×784)", () => g.matmul(w).dispose(), 128 * 512 * 784],
  ["weight grad xᵀ·g (784×128 · 128×512, A transposed view)", () => x.T.matmul(g).dispose(), 784 * 128 * 512],
];
for (const [name, f, macs] of cases) {
  const t = median(await timeRuns(f, { runs: 7, reps: 20, warmup: 5 }));
  console.log(
    `${((2 * macs) / t / 1e9).toFixed(1).padStart(6)} GFLOP/s  ${(t * 1e3).toFixed(3)} ms  ${name}`,
  );
}
process.exit(0);
