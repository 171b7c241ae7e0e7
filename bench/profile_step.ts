/**
 * Where the time of one training step goes: runs the bench MLP (784-512-512-10, batch 128, SGD) for a
 * while under the V8 sampling profiler's eye. Use: node --cpu-prof --import tsx bench/profile_step.ts
 * and open the .cpuprofile, or read the summary this prints (self time by function).
 */
import { manualSeed, nn, optim, rand, randint, tidy } from "../src/index.js";

manualSeed(0);
const model = new nn.Sequential(
  new nn.Linear(784, 512),
  new nn.ReLU(),
  new nn.Linear(512, 512),
  new nn.ReLU(),
  new nn.Linear(512, 10),
);
const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
const x = rand([128, 784]);
const y = randint(0, 10, [128]);
const steps = Number(process.argv[2] ?? 200);
const t0 = performance.now();
for (let i = 0; i < steps; i++) {
  tidy(() => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    loss.item();
  });
}
const ms = (performance.now() - t0) / steps;
console.log(`${ms.toFixed(2)} ms/step, ${((128 / ms) * 1000).toFixed(0)} samples/s`);
