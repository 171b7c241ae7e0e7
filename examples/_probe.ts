import { fromHost, models, nn, optim, ready, randn, noGrad, tidy } from "../src/index.js";
async function main() {
  await ready();
  const [L, E, H, T, N] = process.argv.slice(2).map(Number);
  const gpt = new models.GPT({ vocabSize: 84, blockSize: T, nLayer: L, nHead: H, nEmbd: E });
  const opt = new optim.Adam(gpt.parameters(), { lr: 1e-3 });
  const x = fromHost(
    Array.from({ length: N * T }, (_, i) => i % 84),
    [N, T],
    "int32",
  );
  const y = fromHost(
    Array.from({ length: N * T }, (_, i) => (i + 1) % 84),
    [N * T],
    "int32",
  );
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    opt.zeroGrad();
    const logits = gpt.forward(x);
    const loss = nn.functional.crossEntropy(logits.reshape([-1, 84]), y);
    loss.item();
    const t1 = performance.now();
    loss.backward();
    const t2 = performance.now();
    opt.step();
    const t3 = performance.now();
    console.log(
      `step ${i}: fwd ${(t1 - t0).toFixed(0)} bwd ${(t2 - t1).toFixed(0)} opt ${(t3 - t2).toFixed(0)} ms`,
    );
  }
  const q = randn([N, H, T, E / H]);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    tidy(() =>
      noGrad(() => nn.functional.scaledDotProductAttention(q, q, q, { isCausal: true }).sum().item()),
    );
    const t1 = performance.now();
    tidy(() => noGrad(() => q.matmul(q.transpose(-2, -1)).sum().item()));
    const t2 = performance.now();
    const xx = randn([N * T, E]);
    const w = randn([4 * E, E]);
    tidy(() => noGrad(() => xx.matmul(w.T).sum().item()));
    const t3 = performance.now();
    console.log(
      `sdpa ${(t1 - t0).toFixed(0)} ms, qk matmul ${(t2 - t1).toFixed(0)} ms, mlp matmul ${(t3 - t2).toFixed(0)} ms`,
    );
  }
}
main();
