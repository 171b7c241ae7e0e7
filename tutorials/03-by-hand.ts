/**
 * Tutorial 03: the network of tutorial 02, trained by hand, PyTorch style: a Module subclass, a
 * DataLoader, an optimizer and the training loop written out.
 * Run: npx tsx tutorials/03-by-hand.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Tensor, data, manualSeed, nn, noGrad, optim, plot } from "strata-dl";

// STRATA_QUICK=1: 6,000 training images and 2 epochs instead of all 60,000 and 5 epochs
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
manualSeed(1);

// 1. The model as a class: layers are fields, forward() says how data flows through them
class MLP extends nn.Module {
  hidden = new nn.Linear(784, 128);
  output = new nn.Linear(128, 10);

  forward(x: Tensor): Tensor {
    const h = this.hidden.forward(x.flatten(1)).relu(); // [batch, 1, 28, 28] → [batch, 784] → [batch, 128]
    return this.output.forward(h); // [batch, 10]: one score (logit) per digit
  }
}
const model = new MLP();
for (const [name, p] of model.namedParameters()) console.log(`parameter ${name}: [${p.shape}]`);

// 2. The data, and DataLoaders that cut it into shuffled batches
const { train, test } = await data.mnist(quick ? { limitTrain: 6000, limitTest: 2000 } : {});
const trainLoader = new data.DataLoader(train, { batchSize: 64, shuffle: true });
const testLoader = new data.DataLoader(test, { batchSize: 1000 });

// 3. The optimizer gets the parameters it will update
const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });

function testAccuracy(): number {
  model.eval(); // evaluation mode (matters for dropout and batch norm; a habit worth keeping)
  let correct = 0;
  noGrad(() => {
    for (const [x, y] of testLoader) correct += model.forward(x).argmax(1).eq(y).sum().item();
  });
  model.train();
  return correct / test.length;
}

// 4. The training loop
const epochs = quick ? 2 : 5;
const logEvery = 50; // steps between points of the loss curve
const curve: { step: number; loss: number }[] = [];
let step = 0;
let sum = 0;
model.train();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const started = performance.now();
  for (const [x, y] of trainLoader) {
    optimizer.zeroGrad(); // forget the previous step's gradients
    const logits = model.forward(x);
    const loss = nn.functional.crossEntropy(logits, y);
    loss.backward(); // gradients of the loss for every parameter
    optimizer.step(); // Adam moves each parameter using its gradient
    sum += loss.item();
    if (++step % logEvery === 0) {
      curve.push({ step, loss: sum / logEvery });
      sum = 0;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const last = curve[curve.length - 1].loss;
  console.log(
    `epoch ${epoch}: training loss ${last.toFixed(4)} (last ${logEvery} steps), ` +
      `test accuracy ${(100 * testAccuracy()).toFixed(2)}% (${seconds.toFixed(1)} s)`,
  );
}

const svg = await plot.linePlot({
  title: "Training loss, mean of every 50 steps",
  xLabel: "step (batch of 64)",
  yLabel: "loss (cross-entropy)",
  series: [{ name: "training", x: curve.map((p) => p.step), y: curve.map((p) => p.loss) }],
});
writeFileSync(`${outDir}03-by-hand-loss.png`, await plot.svgToPng(svg));

// The check of learning: chance is 10%; the quick run must reach 80%, the full run 95%
const accuracy = testAccuracy();
if (!(accuracy > (quick ? 0.8 : 0.95) && curve[curve.length - 1].loss < curve[0].loss)) {
  throw new Error(`the network did not learn: test accuracy ${accuracy}`);
}
