/**
 * What the headless-browser check runs in a page: pick the fastest backend with `ready()`, train a
 * small classifier with `fit`, and write the outcome as JSON into <pre id="result">.
 */
import {
  type Tensor,
  type WasmBackend,
  data,
  getBackend,
  manualSeed,
  nn,
  optim,
  randn,
  ready,
} from "../../src/index.js";

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
    handLoop: handWrittenLoop(x, y),
    accuracy: model.evaluate([x, y]).accuracy,
  };
}

/**
 * The README's loop shape by hand (plain for over a DataLoader, no memory code): live tensors after
 * the last block must not exceed those after the first (the step release holds in pages too).
 */
function handWrittenLoop(x: Tensor, y: Tensor): { first: number; last: number } {
  const model = new nn.Sequential(new nn.Linear(2, 32), new nn.ReLU(), new nn.Linear(32, 2));
  const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const counts: number[] = [];
  for (let epoch = 0; epoch < 30; epoch++) {
    for (const [xb, yb] of new data.DataLoader(new data.TensorDataset(x, y), {
      batchSize: 32,
      shuffle: true,
    })) {
      opt.zeroGrad();
      nn.functional.crossEntropy(model.forward(xb), yb).backward();
      opt.step();
    }
    counts.push(getBackend().memory().storages);
  }
  return { first: counts[0], last: counts[counts.length - 1] };
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
