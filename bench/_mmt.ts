import { rand, getBackend } from "../src/index.js";
const b = getBackend() as any;
console.log("threads after start:", await b.threadsReady(), "relaxed", b.relaxedSimd);
for (const n of [256, 512, 1024, 2048]) {
  const a = rand([n, n]), c = rand([n, n]);
  a.matmul(c).dispose();
  const reps = n <= 512 ? 10 : 3; const t0 = performance.now();
  for (let i = 0; i < reps; i++) a.matmul(c).dispose();
  const dt = (performance.now() - t0) / reps / 1000;
  console.log(n, (2 * n ** 3 / dt / 1e9).toFixed(1), "GFLOP/s");
}
