/**
 * What the headless-browser check runs in a page: pick the fastest backend with `ready()`, train a
 * small classifier with `fit`, and write the outcome as JSON into <pre id="result">.
 */
import { type WasmBackend, manualSeed, nn, optim, randn, ready } from "../../src/index.js";

async function main() {
  const backend = await ready();
  const threads = "threadsReady" in backend ? await (backend as WasmBackend).threadsReady() : 1;
  manualSeed(0);
  const x = randn([256, 2]);
  const y = x.sum(1).gt(0).int();
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
  model.compile({
    optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
    loss: "crossEntropy",
    metrics: ["accuracy"],
  });
  await model.fit([x, y], { epochs: 10, batchSize: 32, verbose: 0 });
  const wasm = backend as Partial<WasmBackend>;
  return {
    ok: true,
    backend: backend.name,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false,
    sharedMemory: wasm.sharedMemory ?? false,
    relaxedSimd: wasm.relaxedSimd ?? false,
    threads,
    matmulError: threadedMatmulError(),
    accuracy: model.evaluate([x, y]).accuracy,
  };
}

/**
 * Largest error of a 256³ matmul (big enough to be split across threads) against a plain JS dot
 * product at a few entries: threads and SIMD must agree with arithmetic.
 */
function threadedMatmulError(): number {
  const a = randn([256, 256]);
  const b = randn([256, 256]);
  const c = a.matmul(b).dataSync();
  const av = a.dataSync();
  const bv = b.dataSync();
  let worst = 0;
  for (const [i, j] of [
    [0, 0],
    [17, 200],
    [128, 5],
    [255, 255],
    [99, 131],
  ]) {
    let s = 0;
    for (let k = 0; k < 256; k++) s += av[i * 256 + k] * bv[k * 256 + j];
    worst = Math.max(worst, Math.abs(s - c[i * 256 + j]));
  }
  return worst;
}

main().then(
  (r) => {
    document.getElementById("result")!.textContent = JSON.stringify(r);
  },
  (e: Error) => {
    document.getElementById("result")!.textContent = JSON.stringify({
      ok: false,
      error: String(e?.stack ?? e),
    });
  },
);
