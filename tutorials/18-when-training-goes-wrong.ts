// Tutorial 18: when training goes wrong. What Strata does, and what you do, when the loss becomes NaN,
// when a tensor is read after it was released, when memory runs out, and when a gradient is wrong.
// Each problem is caused on purpose, and the script checks that the error is the one described.
//   npx tsx tutorials/18-when-training-goes-wrong.ts                 (full mode; the same as quick)
//   STRATA_QUICK=1 npx tsx tutorials/18-when-training-goes-wrong.ts  (a quick check)
import {
  DisposedError,
  OutOfMemoryError,
  type Tensor,
  TrainingDivergedError,
  autograd,
  fromHost,
  gradcheck,
  keep,
  manualSeed,
  nn,
  optim,
  randn,
  zeros,
} from "strata-dl";

// Nothing here trains for long, so the quick and full modes are the same.
manualSeed(1);
const failures: string[] = [];
function expect(condition: boolean, what: string) {
  console.log(`  ${condition ? "ok" : "FAILED"}: ${what}`);
  if (!condition) failures.push(what);
}
const allFinite = (model: nn.Module) => model.parameters().every((p) => p.isFinite().all().item());
const regressor = () => new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 1));
const x = randn([256, 4]);
const y = x.sum(1, true);

// 1. A learning rate far too large. Each update overshoots, the weights grow, and within a few
// steps the loss is Infinity or NaN. fit checks the loss and the gradients of every batch and stops
// with a TrainingDivergedError before that batch's update is applied.
console.log("1. learning rate 1e6");
const model = regressor();
model.compile({ optimizer: new optim.SGD(model.parameters(), { lr: 1e6 }), loss: "mse" });
const error = await model.fit([x, y], { epochs: 5, batchSize: 32, verbose: 0 }).catch((e: unknown) => e);
console.log(`  ${(error as Error).constructor.name}: ${(error as Error).message}`);
expect(error instanceof TrainingDivergedError, "fit throws TrainingDivergedError");
expect(allFinite(model), "the weights are left finite: the bad update was not applied");

// The same with onNonFiniteLoss: "stop": fit returns normally and the history says why it stopped.
const stopped = regressor();
stopped.compile({ optimizer: new optim.SGD(stopped.parameters(), { lr: 1e6 }), loss: "mse" });
const history = await stopped.fit([x, y], { epochs: 5, batchSize: 32, verbose: 0, onNonFiniteLoss: "stop" });
console.log(`  with onNonFiniteLoss "stop": stopReason = ${history.stopReason}`);
expect(history.stopReason !== null, "the history records why training stopped");

// 2. A NaN in the data. One bad value (a failed parse, a division by zero in preprocessing) is enough:
// the loss of the batch holding it is NaN. The message says the batch itself holds the NaN (so the
// learning rate is not to blame) and which batch it was, which leads to the row.
console.log("2. one NaN in the inputs");
const raw = Float32Array.from(x.dataSync());
raw[100 * 4 + 2] = Number.NaN; // row 100, feature 2
const xBad = fromHost(raw, [256, 4], "float32");
const victim = regressor();
victim.compile({ optimizer: new optim.Adam(victim.parameters()), loss: "mse" });
// shuffle: false so that batch k holds rows 32(k−1) .. 32k−1: row 100 is in batch 4
const nanError = await victim
  .fit([xBad, y], { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 })
  .catch((e: unknown) => e);
console.log(`  ${(nanError as Error).constructor.name}: ${(nanError as Error).message}`);
expect(
  nanError instanceof TrainingDivergedError && /batch 4\b/.test((nanError as Error).message),
  "the error names batch 4",
);
expect(
  /holds 1 NaN or infinite value \(1 in the inputs\)/.test((nanError as Error).message),
  "the error blames the data, not the learning rate",
);
// finding the row: which inputs are not finite?
const rowFinite = xBad.isFinite().all(1).dataSync(); // one true/false per row
const badRows = [...rowFinite.keys()].filter((row) => !rowFinite[row]);
console.log(`  rows with a non-finite value: ${badRows.join(", ")}`);
expect(badRows.length === 1 && badRows[0] === 100, "the NaN is found in row 100");

// 3. Reading a tensor after its step was released. In a loop you write, the tensors of a step (the
// activations, the output, the loss) are released when the next backward() of the same model begins.
// Keeping one of them past that point and reading it later is an error that says what happened.
console.log("3. reading last step's loss after the next backward()");
const net = regressor();
const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
let firstLoss: Tensor | null = null;
let firstValue = 0;
for (let step = 0; step < 2; step++) {
  opt.zeroGrad();
  const loss = nn.functional.mseLoss(net.forward(x), y);
  loss.backward();
  opt.step();
  if (step === 0) {
    firstLoss = loss; // kept as a tensor: released by the next step's backward()
    firstValue = loss.item(); // kept as a number: always fine
  }
}
const readError = (() => {
  try {
    firstLoss!.item();
  } catch (e) {
    return e;
  }
})();
console.log(`  ${(readError as Error)?.constructor.name}: ${(readError as Error)?.message}`);
expect(readError instanceof DisposedError, "reading it throws DisposedError");
console.log(`  the number taken with .item() at the time: ${firstValue.toFixed(4)}`);
// To keep a tensor across steps on purpose: keep() it (or detach().clone() it) before the next step.
opt.zeroGrad();
const kept = keep(nn.functional.mseLoss(net.forward(x), y));
kept.backward();
opt.step();
opt.zeroGrad();
nn.functional.mseLoss(net.forward(x), y).backward();
opt.step();
expect(Number.isFinite(kept.item()), "a keep()-ed loss can still be read two steps later");
kept.dispose(); // kept tensors are yours to release

// 4. Out of memory. Asking for more than the backend can hold fails at once with the sizes involved.
// A loop that keeps references to every step's tensors runs out more slowly; the error then says how
// much is live and what to do (dispose, tidy, a smaller batch).
console.log("4. a tensor too large for the wasm backend");
const oom = (() => {
  try {
    zeros([50_000, 50_000]); // 2.5 billion floats: 9.3 GiB
  } catch (e) {
    return e;
  }
})();
console.log(`  ${(oom as Error)?.constructor.name}: ${(oom as Error)?.message}`);
expect(oom instanceof OutOfMemoryError, "it throws OutOfMemoryError");

// 5. A wrong gradient. When you write a backward yourself (autograd.defineFunction, PyTorch's
// autograd.Function), gradcheck compares it with finite differences. Here the derivative of x³ is
// written 3x instead of 3x²: training would run, just badly. gradcheck says where it is wrong.
console.log("5. checking a hand-written gradient");
const cubeWrong = autograd.defineFunction({
  name: "cubeWrong",
  forward(ctx, t: Tensor) {
    ctx.saveForBackward(t);
    return t.pow(3);
  },
  backward(ctx, g: Tensor) {
    const [t] = ctx.savedTensors;
    return g.mul(t).mul(3); // wrong: should be 3·t²
  },
});
const cube = autograd.defineFunction({
  name: "cube",
  forward(ctx, t: Tensor) {
    ctx.saveForBackward(t);
    return t.pow(3);
  },
  backward(ctx, g: Tensor) {
    const [t] = ctx.savedTensors;
    return g.mul(t.square()).mul(3);
  },
});
// float64 inputs: finite differences in float32 are too noisy to judge a gradient
const input = randn([5], { dtype: "float64", requiresGrad: true });
const wrong = gradcheck((t) => cubeWrong(t) as Tensor, [input]);
const right = gradcheck((t) => cube(t) as Tensor, [input]);
console.log(
  `  cubeWrong: ok ${wrong.ok}, largest error ${wrong.maxAbsError.toExponential(2)}; ${wrong.message}`,
);
console.log(`  cube:      ok ${right.ok}, largest error ${right.maxAbsError.toExponential(2)}`);
expect(!wrong.ok && right.ok, "gradcheck rejects the wrong backward and accepts the right one");

// The check: every error above was raised as described.
if (failures.length > 0) throw new Error(`not as described: ${failures.join("; ")}`);
console.log("\nall checks passed");
