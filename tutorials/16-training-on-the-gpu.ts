// Tutorial 16: training on the GPU. The same MLP trained on MNIST with the webgpu backend and with
// the default wasm backend: same code, same numbers, reads made asynchronous.
//   npx tsx tutorials/16-training-on-the-gpu.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/16-training-on-the-gpu.ts  (a quick check)
import {
  BackendError,
  backendInfo,
  data,
  getBackend,
  manualSeed,
  nn,
  optim,
  setBackend,
  tensor,
} from "strata-dl";

const quick = process.env.STRATA_QUICK === "1";
const nTrain = quick ? 1_000 : 10_000;
const epochs = 3;
const nTest = quick ? 1_000 : 5_000;

// Step 1: ask for the GPU. Creating the webgpu backend is asynchronous (a device is requested from
// the driver), so it is awaited. In Node it goes through Dawn (the optional `webgpu` package), in a
// browser through navigator.gpu. Without an adapter (no GPU, no Vulkan/Metal/D3D12 driver) it throws
// a BackendError that says so; here we then continue on wasm, and say so loudly.
let onGpu = true;
try {
  const gpu = await setBackend("webgpu");
  console.log(`backend: webgpu on "${backendInfo(gpu).adapter}"`);
} catch (error) {
  if (!(error instanceof BackendError)) throw error;
  onGpu = false;
  console.log(`!!! ${error.message}`);
  console.log("!!! NOT ON A GPU: this run continues on the wasm backend (CPU) only.");
  setBackend("wasm");
}

// Step 2: reading from the GPU is asynchronous. The GPU works on a queue of its own; asking for a
// value means waiting for the queue to reach it, which JavaScript expresses as a promise.
const x = tensor([
  [1, 2],
  [3, 4],
]);
console.log(`x·x = ${JSON.stringify(await x.matmul(x).array())}, sum = ${await x.sum().itemAsync()}`);
if (onGpu) {
  try {
    x.sum().item(); // the synchronous read cannot wait for the GPU
  } catch (error) {
    console.log(
      `x.sum().item() on webgpu: ${(error as Error).constructor.name}: ${(error as Error).message}`,
    );
  }
}

// Step 3: train. Nothing in the model, compile or fit changes for the GPU. fit never waits for the
// GPU per step: the loss and accuracy are summed on the device and read every 32 batches.
// evaluate would read synchronously, so on the GPU it is evaluateAsync (which works everywhere).
async function train(backend: "webgpu" | "wasm") {
  if (backend === "wasm") setBackend("wasm");
  manualSeed(1); // the same initial weights and batch order on both backends
  // tensors belong to the backend that made them: load the data after choosing it
  const { train: trainSet, test } = await data.mnist({ flatten: true, limitTrain: nTrain, limitTest: nTest });
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }), loss: "crossEntropy" });
  const started = performance.now();
  const history = await model.fit(trainSet, { epochs, batchSize: 64, verbose: 0 });
  const result = await model.evaluateAsync(test);
  const seconds = (performance.now() - started) / 1000;
  const losses = history.history.loss.map((l) => l.toFixed(4)).join(", ");
  console.log(
    `${getBackend().name}: epoch losses ${losses}; test accuracy ${(100 * result.accuracy).toFixed(2)}% (${seconds.toFixed(1)} s)`,
  );
  return { losses: history.history.loss, accuracy: result.accuracy };
}
console.log(
  `\nMLP 784-128-10 on ${nTrain} MNIST images, ${epochs} epochs, Adam, batch 64; ${nTest} test images`,
);
const results = onGpu ? [await train("webgpu"), await train("wasm")] : [await train("wasm")];

// Step 4: the check. It must learn; and the GPU must compute what the CPU computes (float32 sums in
// another order differ in the last digits, so the losses agree to about 1e-3, not exactly).
for (const r of results) {
  if (!(r.accuracy > 0.75)) throw new Error(`test accuracy ${r.accuracy} is too low: training did not work`);
}
if (onGpu) {
  const [gpuRun, cpuRun] = results;
  const gap = Math.max(...gpuRun.losses.map((l, i) => Math.abs(l - cpuRun.losses[i])));
  console.log(`largest difference between the epoch losses of webgpu and wasm: ${gap.toExponential(2)}`);
  if (!(gap < 1e-3)) throw new Error(`webgpu and wasm disagree by ${gap}`);
}
console.log(onGpu ? "check passed (webgpu and wasm)" : "check passed (wasm only: no GPU adapter here)");
