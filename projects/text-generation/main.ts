/**
 * Character-level text generation: a small GPT (a decoder-only transformer, `models.GPT`) learns to
 * continue *The Devil's Dictionary* (Ambrose Bierce, 1911; public domain; the copy in examples/data)
 * one character at a time. Prints the bits per character on held-out text against n-gram baselines,
 * samples definitions at two temperatures, and plots the learning curve.
 *
 * Full mode: npx tsx projects/text-generation/main.ts
 * Quick mode (a slice, for CI): STRATA_QUICK=1 npx tsx projects/text-generation/main.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Generator, type Tensor, fromHost, manualSeed, models, nn, noGrad, optim, plot } from "strata-dl";
import { ngramBits } from "./ngram.js";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1";
// quick: 100 steps on windows of 32 characters, scored on 2,000 held-out characters;
// full: 600 steps on windows of 64, scored on all 38,316 held-out characters
const [steps, context, heldOutLimit] = quick ? [100, 32, 2_000] : [600, 64, Infinity];
const [nLayer, nEmbd, nHead, batch, lr] = [2, 64, 4, 32, 3e-3];
const outDir = new URL(quick ? "./output/quick/" : "./output/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const started = performance.now();

// the text as character ids; the last 10% is held out
const text = readFileSync(new URL("../../examples/data/devils-dictionary.txt", import.meta.url), "utf8");
const chars = [...new Set(text)].sort();
const ids = new Map(chars.map((c, i) => [c, i]));
const encode = (s: string) => [...s].map((c) => ids.get(c) as number);
const decode = (codes: number[]) => codes.map((i) => chars[i]).join("");
const codes = Int32Array.from(encode(text));
const split = Math.floor(codes.length * 0.9);
const trainCodes = codes.subarray(0, split);
const heldOut = codes.subarray(split, Math.min(codes.length, split + heldOutLimit));
console.log(
  `The Devil's Dictionary: ${codes.length} characters, ${chars.length} distinct; ` +
    `${trainCodes.length} to train on, ${heldOut.length} held out`,
);

// baselines: how predictable is the next character from counts alone?
const baselines = [1, 2, 3].map((n) => ({
  name: ["unigram", "bigram", "trigram"][n - 1],
  bits: ngramBits(trainCodes, heldOut, chars.length, n),
}));
for (const b of baselines)
  console.log(`  ${b.name} counts (add-0.1): ${b.bits.toFixed(3)} bits/char on the held-out text`);

/** A batch of random training windows and, for each position, the character that follows. */
function randomWindows(rng: Generator): [Tensor, Tensor] {
  const x = new Int32Array(batch * context);
  const y = new Int32Array(batch * context);
  for (let b = 0; b < batch; b++) {
    const start = rng.int(0, trainCodes.length - context - 1);
    x.set(trainCodes.subarray(start, start + context), b * context);
    y.set(trainCodes.subarray(start + 1, start + context + 1), b * context);
  }
  return [fromHost(x, [batch, context], "int32"), fromHost(y, [batch * context], "int32")];
}

/**
 * Held-out cross-entropy in bits per character, over consecutive windows of `context + 1` characters:
 * each window's characters are predicted from the ones before them in the window.
 */
function heldOutBits(gpt: models.GPT, limit = heldOut.length): number {
  const part = heldOut.subarray(0, limit);
  const windows = Math.floor((part.length - 1) / context);
  let nats = 0;
  gpt.eval();
  for (let w0 = 0; w0 < windows; w0 += 64) {
    const n = Math.min(64, windows - w0);
    const x = new Int32Array(n * context);
    const y = new Int32Array(n * context);
    for (let b = 0; b < n; b++) {
      const start = (w0 + b) * context;
      x.set(part.subarray(start, start + context), b * context);
      y.set(part.subarray(start + 1, start + context + 1), b * context);
    }
    const logits = noGrad(() => gpt.forward(fromHost(x, [n, context], "int32")).reshape([-1, chars.length]));
    const loss = nn.functional.crossEntropy(logits, fromHost(y, [n * context], "int32"), {
      reduction: "sum",
    });
    nats += loss.item();
  }
  gpt.train();
  return nats / (windows * context) / Math.LN2;
}

manualSeed(1);
const gpt = new models.GPT({ vocabSize: chars.length, blockSize: context, nLayer, nHead, nEmbd });
const opt = new optim.AdamW(gpt.parameters(), { lr, weightDecay: 0.01 });
console.log(
  `GPT: ${nLayer} blocks, ${nHead} heads, width ${nEmbd}, context ${context}: ${gpt.numParameters()} parameters; ` +
    `${steps} steps of ${batch} windows, AdamW lr ${lr} decaying linearly to a tenth`,
);

const rng = new Generator(2);
const every = quick ? 50 : 100;
const curveChars = quick ? 1_000 : 2_000; // the curve's held-out points score this many characters
const curve: { step: number; train: number; heldOut: number }[] = [];
let lossSum = 0;
for (let step = 1; step <= steps; step++) {
  for (const g of opt.paramGroups) g.lr = lr * (1 - (0.9 * (step - 1)) / steps);
  const [x, y] = randomWindows(rng);
  opt.zeroGrad();
  const loss = nn.functional.crossEntropy(gpt.forward(x).reshape([-1, chars.length]), y);
  loss.backward();
  optim.clipGradNorm(gpt.parameters(), 1);
  opt.step();
  lossSum += loss.item();
  if (step % every === 0) {
    const point = { step, train: lossSum / every / Math.LN2, heldOut: heldOutBits(gpt, curveChars) };
    curve.push(point);
    lossSum = 0;
    console.log(
      `step ${step}: train ${point.train.toFixed(3)} bits/char, first ${curveChars} held-out characters ` +
        `${point.heldOut.toFixed(3)} bits/char (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
}
const bits = heldOutBits(gpt);
console.log(`\nHeld-out text (${heldOut.length} characters): ${bits.toFixed(3)} bits per character`);

// samples: the start of a definition, continued by the model
for (const [prompt, temperature] of [
  ["LAWYER, n.", 0.6],
  ["POLITICS, n.", 0.6],
  ["HAPPINESS, n.", 0.6],
  ["LOVE, n.", 1.0],
] as const) {
  const out = models.generate(gpt, encode(prompt), { maxNewTokens: quick ? 60 : 240, temperature, seed: 3 });
  console.log(`\n--- temperature ${temperature} ---\n${decode(out)}`);
}

await plot.linePlot(
  {
    title: "Character-level GPT on The Devil's Dictionary",
    xLabel: "training step",
    yLabel: "bits per character",
    series: [
      { name: "training", x: curve.map((p) => p.step), y: curve.map((p) => p.train) },
      { name: `held-out (${curveChars} chars)`, x: curve.map((p) => p.step), y: curve.map((p) => p.heldOut) },
      ...baselines
        .slice(1)
        .map((b) => ({ name: `${b.name} baseline`, x: [every, steps], y: [b.bits, b.bits] })),
    ],
  },
  `${outDir}curve`,
);
console.log(`\nWrote ${outDir}curve.png`);

const seconds = (performance.now() - started) / 1000;
const [unigram, bigram, trigram] = baselines.map((b) => b.bits);
if (!quick) {
  const r3 = (v: number) => Math.round(1000 * v) / 1000;
  const result = {
    project: "Character-level text generation (GPT)",
    command: "npx tsx projects/text-generation/main.ts",
    seconds: Math.round(seconds * 10) / 10,
    machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
    results: { "held-out bits/char": r3(bits), steps, parameters: gpt.numParameters() },
    baseline: {
      name: "trigram counts (add-0.1)",
      "held-out bits/char": r3(trigram),
      "bigram bits/char": r3(bigram),
    },
    date: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(`${outDir}result.json`, `${JSON.stringify(result, null, 2)}\n`);
}
console.log(`Done in ${seconds.toFixed(1)} s`);

// the check: the model must predict better than character frequencies (quick) or bigram counts (full)
const needed = quick ? unigram : bigram;
if (!(bits < needed))
  throw new Error(`held-out ${bits.toFixed(3)} bits/char is not below the baseline's ${needed.toFixed(3)}`);
