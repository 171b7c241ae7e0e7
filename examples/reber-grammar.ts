/**
 * The embedded Reber grammar (Hochreiter & Schmidhuber 1997, experiment 1; see ../shared/TARGETS.md):
 * strings `B (T|P) <Reber string> (T|P) E` over the 7 symbols B T P S X V E, where the two outer
 * letters match. After each symbol the network predicts the set of symbols that may come next, and,
 * as in the paper, a prediction counts as correct when the thresholded outputs (σ > 0.5) are exactly
 * that set. The hard step is the second-to-last one: which outer letter closes the string depends on
 * the one seen at the start, across the whole inner Reber string.
 *
 * A test set of distinct strings is held out: training strings are drawn from the grammar but never
 * one of the test strings. Batches mix strings of different lengths, so the LSTM runs with `lengths`
 * and the loss is masked to the real steps. Training stops when every prediction (outer letter
 * included) is correct on every held-out string. The local transitions are learned within a few
 * thousand strings; the outer letter, which must be remembered across the whole inner string, takes
 * longer (a plateau at about half of the strings right, then a sudden jump). Options: --hidden N
 * (default 24), --batch N (16), --lr X (0.01), --seed N (1), --max N (training strings, default 200000).
 */
import { Generator, type Tensor, fromHost, manualSeed, nn, noGrad, optim, tidy } from "../src/index.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const hidden = arg("hidden", 24);
const lr = arg("lr", 0.01);
const seed = arg("seed", 1);
const maxStrings = arg("max", 200_000);
const batch = arg("batch", 16);
const testSize = 256;
const testEvery = 1_024;

const SYMBOLS = ["B", "T", "P", "S", "X", "V", "E"] as const;
const V = SYMBOLS.length;
const id = (s: string) => SYMBOLS.indexOf(s as (typeof SYMBOLS)[number]);

/** Reber's automaton: from each state, two (symbol, next state) choices taken with probability 1/2. */
const REBER: [string, number][][] = [
  [
    ["T", 1],
    ["P", 2],
  ],
  [
    ["S", 1],
    ["X", 3],
  ],
  [
    ["T", 2],
    ["V", 4],
  ],
  [
    ["X", 2],
    ["S", 5],
  ],
  [
    ["P", 3],
    ["V", 5],
  ],
];

/** A string of the embedded grammar with, after each symbol, the set of symbols that may follow. */
function embeddedReber(rng: Generator): { text: string; next: number[][] } {
  const text: string[] = ["B"];
  const next: number[][] = [[id("T"), id("P")]];
  const outer = rng.uniform() < 0.5 ? "T" : "P";
  text.push(outer);
  next.push([id("B")]);
  // the inner Reber string
  text.push("B");
  next.push([id("T"), id("P")]);
  let state = 0;
  while (state !== 5) {
    const [symbol, to] = REBER[state][rng.uniform() < 0.5 ? 0 : 1];
    text.push(symbol);
    state = to;
    next.push(state === 5 ? [id("E")] : REBER[state].map(([s]) => id(s)));
  }
  text.push("E");
  next.push([id(outer)]); // the long-range prediction
  text.push(outer);
  next.push([id("E")]);
  text.push("E");
  next.push([]); // nothing follows: not scored
  return { text: text.join(""), next };
}

/** One-hot inputs [N, L, 7], multi-hot targets [N, L, 7], a mask of scored steps [N, L, 1], lengths. */
function encode(strings: { text: string; next: number[][] }[]) {
  const L = Math.max(...strings.map((s) => s.text.length));
  const n = strings.length;
  const x = new Float32Array(n * L * V);
  const y = new Float32Array(n * L * V);
  const m = new Float32Array(n * L);
  strings.forEach((s, i) => {
    for (let t = 0; t < s.text.length; t++) {
      x[(i * L + t) * V + id(s.text[t])] = 1;
      for (const k of s.next[t]) y[(i * L + t) * V + k] = 1;
      if (t < s.text.length - 1) m[i * L + t] = 1;
    }
  });
  return {
    x: fromHost(x, [n, L, V], "float32"),
    y: fromHost(y, [n, L, V], "float32"),
    mask: fromHost(m, [n, L, 1], "float32"),
    lengths: strings.map((s) => s.text.length),
  };
}

class Predictor extends nn.Module {
  lstm = new nn.LSTM(V, hidden, { batchFirst: true });
  head = new nn.Linear(hidden, V);
  forward(x: Tensor, lengths?: Tensor): Tensor {
    return this.head.forward(this.lstm.forward(x, lengths));
  }

  /** Logits [N, L, 7] for a batch whose strings have the given lengths. */
  logits(x: Tensor, lengths: number[]): Tensor {
    return this.head.forward(this.lstm.run(x, null, { lengths })[0]);
  }
}

manualSeed(seed);
const rng = new Generator(seed);
// held-out test strings: distinct, and never used for training
const testStrings = new Map<string, { text: string; next: number[][] }>();
const testRng = new Generator(seed + 1000);
while (testStrings.size < testSize) {
  const s = embeddedReber(testRng);
  testStrings.set(s.text, s);
}
const test = encode([...testStrings.values()]);
const model = new Predictor();
const opt = new optim.Adam(model.parameters(), { lr });

/** Strings whose every scored prediction (thresholded at σ > 0.5, i.e. logit > 0) is exactly right. */
function allCorrect(): { strings: number; outer: number } {
  return tidy(() => {
    const logits = noGrad(() => model.logits(test.x, test.lengths));
    const wrong = logits.gt(0).float().sub(test.y).abs().sum(-1, true).mul(test.mask); // [N, L, 1]
    const perString = wrong.sum([1, 2]).eq(0).float().sum().item();
    // the outer-letter step alone: position length − 3 of each string
    const w = wrong.dataSync();
    const L = test.x.shape[1];
    let outer = 0;
    test.lengths.forEach((len, i) => {
      if (w[i * L + len - 3] === 0) outer++;
    });
    return { strings: perString, outer };
  });
}

console.log(
  `Embedded Reber grammar: LSTM(7 → ${hidden}) + Linear(→ 7), BCE on the next-symbol sets, Adam lr ${lr}, ` +
    `batch ${batch}; ${testSize} distinct held-out test strings (lengths ${Math.min(...test.lengths)}–${Math.max(...test.lengths)})`,
);
const started = performance.now();
let seen = 0;
let solvedAt: number | null = null;
let lossSum = 0;
let lossCount = 0;
while (seen < maxStrings) {
  const strings: { text: string; next: number[][] }[] = [];
  while (strings.length < batch) {
    const s = embeddedReber(rng);
    if (!testStrings.has(s.text)) strings.push(s);
  }
  const loss = tidy(() => {
    const b = encode(strings);
    opt.zeroGrad();
    const logits = model.logits(b.x, b.lengths);
    const perStep = nn.functional.binaryCrossEntropyWithLogits(logits, b.y, { reduction: "none" });
    const l = perStep.mul(b.mask).sum().div(b.mask.sum().mul(V));
    l.backward();
    opt.step();
    return l.item();
  });
  seen += batch;
  lossSum += loss;
  lossCount++;
  if (seen % testEvery === 0) {
    const { strings: ok, outer } = allCorrect();
    const secs = (performance.now() - started) / 1000;
    console.log(
      `${String(seen).padStart(6)} strings  loss ${(lossSum / lossCount).toFixed(4)}  ` +
        `held-out strings all correct ${ok}/${testSize}, outer letter ${outer}/${testSize}  (${secs.toFixed(0)} s)`,
    );
    lossSum = 0;
    lossCount = 0;
    if (ok === testSize) {
      solvedAt = seen;
      break;
    }
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);
if (solvedAt !== null) {
  console.log(
    `Solved: every next-symbol prediction correct, outer letter included, on all ${testSize} held-out strings ` +
      `after ${solvedAt.toLocaleString("en-US")} training strings (${seconds} s)`,
  );
} else {
  console.log(`Not solved within ${maxStrings.toLocaleString("en-US")} training strings (${seconds} s)`);
  process.exitCode = 1;
}
