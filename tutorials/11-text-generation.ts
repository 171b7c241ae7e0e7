// Tutorial 11: text generation, one character at a time. A small LSTM reads The Devil's Dictionary
// (Ambrose Bierce, 1911, public domain) and learns to predict the next character; then it writes.
//   npx tsx tutorials/11-text-generation.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/11-text-generation.ts  (a quick check)
import { readFileSync } from "node:fs";
import { Generator, type Tensor, fromHost, manualSeed, nn, noGrad, optim, plot } from "strata-dl";

const quick = process.env.STRATA_QUICK === "1";
const steps = quick ? 100 : 600; // training steps
const hidden = quick ? 64 : 128;
const outDir = quick ? "tutorials/output/quick" : "tutorials/output";

// Step 1: text to numbers. Every distinct character gets an id; the text becomes an array of ids.
const text = readFileSync("examples/data/devils-dictionary.txt", "utf8");
const chars = [...new Set(text)].sort();
const V = chars.length;
const idOf = new Map(chars.map((c, i) => [c, i]));
const ids = Int32Array.from(text, (c) => idOf.get(c)!);
const split = Math.floor(ids.length * 0.9); // the last 10% is held out to measure the model on
const trainIds = ids.subarray(0, split);
const heldOutIds = ids.subarray(split);
console.log(
  `${ids.length} characters, ${V} distinct; ${trainIds.length} to train on, ${heldOutIds.length} held out`,
);

// A baseline that ignores context: how surprised is a model that only knows how common each character is?
// Measured in bits per character: log2(1/p) of the right character, averaged. Lower is better.
const counts = new Float64Array(V).fill(1);
for (const c of trainIds) counts[c]++;
const total = counts.reduce((a, b) => a + b, 0);
let unigramBits = 0;
for (const c of heldOutIds) unigramBits -= Math.log2(counts[c] / total);
unigramBits /= heldOutIds.length;
console.log(`character frequencies alone: ${unigramBits.toFixed(3)} bits per character on the held-out text`);

// Step 2: the model. An embedding turns each id into a vector, the LSTM reads the vectors in order,
// and a linear layer turns its state at every position into V scores (logits) for the next character.
class CharModel extends nn.Module {
  embed = new nn.Embedding(V, 32);
  lstm = new nn.LSTM(32, hidden, { batchFirst: true });
  head = new nn.Linear(hidden, V);
  forward(x: Tensor): Tensor {
    return this.run(x, null)[0];
  }
  /** Logits [N, L, V] for ids [N, L], starting from an LSTM state (or zeros) and returning the new one. */
  run(x: Tensor, state: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [out, next] = this.lstm.run(this.embed.forward(x), state);
    return [this.head.forward(out), next];
  }
}

// Step 3: batches. Each example is a window of 65 characters: the first 64 are the input, and the
// target at each position is the character that follows it.
const L = 64;
const rng = new Generator(1);
function batch(source: Int32Array, n: number, starts?: number[]): [Tensor, Tensor] {
  const x = new Int32Array(n * L);
  const y = new Int32Array(n * L);
  for (let i = 0; i < n; i++) {
    const s = starts ? starts[i] : rng.int(0, source.length - L - 1);
    x.set(source.subarray(s, s + L), i * L);
    y.set(source.subarray(s + 1, s + L + 1), i * L);
  }
  return [fromHost(x, [n, L], "int32"), fromHost(y, [n * L], "int32")];
}
// the same held-out windows every time, so the numbers are comparable
const heldOutStarts = Array.from({ length: 64 }, (_, i) =>
  Math.floor((i * (heldOutIds.length - L - 1)) / 64),
);
const [xHeld, yHeld] = batch(heldOutIds, 64, heldOutStarts);
const heldOutBits = () =>
  noGrad(() => nn.functional.crossEntropy(model.forward(xHeld).reshape([-1, V]), yHeld).item()) / Math.LN2;

// Step 4: train, in a loop of our own. The loss is cross-entropy between the scores and the next characters.
manualSeed(1);
const model = new CharModel();
const opt = new optim.Adam(model.parameters(), { lr: 0.005 });
const curve: { x: number[]; y: number[] } = { x: [], y: [] };
const reportEvery = quick ? 50 : 100;
const started = performance.now();
for (let step = 1; step <= steps; step++) {
  const [x, y] = batch(trainIds, 32);
  opt.zeroGrad();
  const loss = nn.functional.crossEntropy(model.forward(x).reshape([-1, V]), y);
  loss.backward();
  optim.clipGradNorm(model.parameters(), 5);
  opt.step();
  if (step % reportEvery === 0) {
    model.eval();
    const bits = heldOutBits();
    model.train();
    curve.x.push(step);
    curve.y.push(bits);
    const secs = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `step ${step}: train ${(loss.item() / Math.LN2).toFixed(3)}, held-out ${bits.toFixed(3)} bits/char (${secs} s)`,
    );
  }
}
await plot.linePlot(
  {
    title: "Character LSTM on The Devil's Dictionary",
    xLabel: "training step",
    yLabel: "held-out bits per character",
    series: [
      { name: "LSTM", x: curve.x, y: curve.y },
      { name: "frequencies alone", x: curve.x, y: curve.x.map(() => unigramBits) },
    ],
  },
  `${outDir}/11-text-generation-loss`,
);

// Step 5: generate. Feed a prompt, turn the scores for the next character into probabilities
// (softmax, sharpened by a temperature below 1), draw one, feed it back, repeat. The LSTM state is
// carried along, so each step reads one new character.
function sample(prompt: string, length: number, temperature: number): string {
  model.eval();
  let state: [Tensor, Tensor] | null = null;
  let input = [...prompt].map((c) => idOf.get(c)!);
  let out = prompt;
  for (let i = 0; i < length; i++) {
    const [logits, next] = noGrad(() => model.run(fromHost(input, [1, input.length], "int32"), state));
    state = next;
    const probs = logits
      .select(1, input.length - 1)
      .div(temperature)
      .softmax(-1)
      .dataSync();
    let u = rng.uniform();
    let pick = V - 1;
    for (let k = 0; k < V; k++) {
      u -= probs[k];
      if (u <= 0) {
        pick = k;
        break;
      }
    }
    out += chars[pick];
    input = [pick];
  }
  return out;
}
for (const prompt of ["LAWYER, n.", "CAT, n."]) {
  console.log(`\n--- temperature 0.7 ---\n${sample(prompt, quick ? 120 : 300, 0.7)}`);
}

// Step 6: the check. Context must help: the model must beat character frequencies by at least half a bit.
const finalBits = curve.y[curve.y.length - 1];
if (!(finalBits < unigramBits - 0.5)) {
  throw new Error(
    `held-out ${finalBits.toFixed(3)} bits/char is not half a bit below the frequencies' ${unigramBits.toFixed(3)}`,
  );
}
console.log(
  `\nHeld-out ${finalBits.toFixed(3)} bits/char against ${unigramBits.toFixed(3)} from frequencies alone: check passed.`,
);
