/**
 * Tutorial 01: tensors and autograd. Make tensors, compute with them, let autograd find gradients,
 * then use those gradients to fit a straight line by gradient descent, the loop every later tutorial
 * builds on. Run: npx tsx tutorials/01-tensors-and-autograd.ts
 */
import { manualSeed, noGrad, randn, tensor, zeros } from "strata-dl";

// STRATA_QUICK=1 runs a shorter version (fewer descent steps) that still has to learn the line
const quick = process.env.STRATA_QUICK === "1";

// 1. Tensors: n-dimensional arrays of numbers with a shape and a dtype
const a = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
console.log("a =", a.toString());
console.log("shape", a.shape, "dtype", a.dtype);
manualSeed(0); // the same random numbers every run
const noise = randn([2, 3]);
console.log("randn([2, 3]) =", noise.toString());

// 2. Operations make new tensors; numbers and smaller shapes broadcast
console.log("a * 10 + 1 =", a.mul(10).add(1).toString());
console.log("a + [100, 200, 300] =", a.add(tensor([100, 200, 300])).toString());
console.log("a @ aᵀ =", a.matmul(a.transpose(0, 1)).toString());
console.log("sum of each row:", a.sum(1).toArray(), " mean of all:", a.mean().item());

// 3. Autograd: mark a tensor with requiresGrad, compute a number from it, call backward()
const x = tensor([1, 2, 3], { requiresGrad: true });
const y = x.mul(x).sum(); // y = x₁² + x₂² + x₃²
y.backward(); // fills x.grad with dy/dx = 2x
console.log(`y = ${y.item()}, dy/dx =`, x.grad!.toArray());

// 4. Gradient descent: find w and b so that w·x + b fits noisy points of the line 3x + 2
const xs = randn([100, 1]);
const ys = xs
  .mul(3)
  .add(2)
  .add(randn([100, 1]).mul(0.1));
const w = zeros([1], { requiresGrad: true });
const b = zeros([1], { requiresGrad: true });
const lr = 0.1;
const steps = quick ? 40 : 100;
let firstLoss = 0;
let loss = 0;
for (let step = 0; step < steps; step++) {
  const prediction = xs.mul(w).add(b);
  const mse = prediction.sub(ys).square().mean(); // mean squared error
  mse.backward(); // w.grad and b.grad: how the loss changes as w and b change
  noGrad(() => {
    // step downhill; noGrad so that the update itself is not recorded for autograd
    w.assign(w.sub(w.grad!.mul(lr)));
    b.assign(b.sub(b.grad!.mul(lr)));
  });
  w.grad = null; // gradients add up across backward() calls: clear them before the next one
  b.grad = null;
  loss = mse.item();
  if (step === 0) firstLoss = loss;
  if (step % (steps / 5) === 0 || step === steps - 1) {
    console.log(
      `step ${String(step).padStart(3)}: loss ${loss.toFixed(4)}, w ${w.item().toFixed(3)}, b ${b.item().toFixed(3)}`,
    );
  }
}

// The check of learning: the loss fell and w, b are close to the 3 and 2 the data was made with
console.log(`learned w = ${w.item().toFixed(3)} (true 3), b = ${b.item().toFixed(3)} (true 2)`);
if (!(loss < firstLoss / 10 && Math.abs(w.item() - 3) < 0.1 && Math.abs(b.item() - 2) < 0.1)) {
  throw new Error(`gradient descent did not fit the line: loss ${firstLoss} → ${loss}`);
}
