/**
 * A character-level LSTM language model (after Karpathy's char-rnn) on *The Devil's Dictionary* by
 * Ambrose Bierce (1911; public domain, copyright expired — source and licence in
 * examples/data/README.md). It trains with truncated backpropagation through time in a hand-written
 * loop: the text is cut into `batch` parallel streams, each step reads the next `chunk` characters of
 * every stream, and the LSTM's final states are carried into the next step *detached*, so gradients
 * flow back at most `chunk` steps while the state remembers the whole stream. Adam, with the
 * learning rate decaying linearly to a tenth over the time budget; gradients clipped to norm 5.
 *
 * The last 10% of the text is held out: the example reports its bits per character (cross-entropy in
 * base 2; a uniform guess over the 84 characters is log2 84 ≈ 6.4) and samples text from the model.
 * Options: --minutes M (training time, default 7), --hidden N (256), --lr X (0.005), --seed N (1).
 */
import { readFileSync } from "node:fs";
import { Generator, type Tensor, fromHost, manualSeed, nn, noGrad, optim, tidy } from "../src/index.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg("minutes", 7);
const hidden = arg("hidden", 256);
const seed = arg("seed", 1);
const lr = arg("lr", 5e-3);
const batch = 32;
const chunk = 64;
const embed = 48;

const text = readFileSync(new URL("./data/devils-dictionary.txt", import.meta.url), "utf8");
const chars = [...new Set(text)].sort();
const V = chars.length;
const index = new Map(chars.map((c, i) => [c, i]));
const codes = Int32Array.from(text, (c) => index.get(c)!);
const split = Math.floor(codes.length * 0.9);
const trainCodes = codes.subarray(0, split);
const heldOut = codes.subarray(split);

class CharModel extends nn.Module {
  embedding = new nn.Embedding(V, embed);
  lstm = new nn.LSTM(embed, hidden, { batchFirst: true });
  head = new nn.Linear(hidden, V);

  forward(ids: Tensor): Tensor {
    return this.run(ids, null)[0];
  }

  /** Logits [N, L, V] for ids [N, L], from and to the LSTM state [h, c]. */
  run(ids: Tensor, state: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [out, next] = this.lstm.run(this.embedding.forward(ids), state);
    return [this.head.forward(out), next];
  }
}

/** `n` parallel streams over `data`: step k gives ids [n, len] and next-character targets [n·len]. */
function streams(data: Int32Array, n: number, len: number) {
  const per = Math.floor((data.length - 1) / n);
  const steps = Math.floor(per / len);
  const at = (k: number): [Tensor, Tensor] => {
    const x = new Int32Array(n * len);
    const y = new Int32Array(n * len);
    for (let s = 0; s < n; s++) {
      const start = s * per + k * len;
      x.set(data.subarray(start, start + len), s * len);
      y.set(data.subarray(start + 1, start + len + 1), s * len);
    }
    return [fromHost(x, [n, len], "int32"), fromHost(y, [n * len], "int32")];
  };
  return { steps, at };
}

/** Cross-entropy on the held-out text in bits per character, reading it as 16 streams with carried state. */
function heldOutBits(model: CharModel): number {
  model.eval();
  const s = streams(heldOut, 16, 100);
  let state: [Tensor, Tensor] | null = null;
  let nats = 0;
  for (let k = 0; k < s.steps; k++) {
    const [loss, next] = tidy(() => {
      const [x, y] = s.at(k);
      const [logits, st] = noGrad(() => model.run(x, state));
      const l = nn.functional.crossEntropy(logits.reshape([-1, V]), y).item();
      return [l, st] as const;
    });
    state?.[0].dispose();
    state?.[1].dispose();
    state = next;
    nats += loss;
  }
  model.train();
  return nats / s.steps / Math.LN2;
}

/** `length` characters sampled after `prompt`, at the given temperature. */
function sample(
  model: CharModel,
  prompt: string,
  length: number,
  temperature: number,
  rng: Generator,
): string {
  model.eval();
  let out = prompt;
  let state: [Tensor, Tensor] | null = null;
  let ids = [...prompt].map((c) => index.get(c)!);
  for (let i = 0; i < length; i++) {
    const [probs, next] = tidy(() => {
      const [logits, st] = noGrad(() => model.run(fromHost(ids, [1, ids.length], "int32"), state));
      const last = logits
        .select(1, ids.length - 1)
        .div(temperature)
        .softmax(-1);
      return [Array.from(last.dataSync()), st] as const;
    });
    state?.[0].dispose();
    state?.[1].dispose();
    state = next;
    let u = rng.uniform();
    let pick = probs.length - 1;
    for (let k = 0; k < probs.length; k++) {
      u -= probs[k];
      if (u <= 0) {
        pick = k;
        break;
      }
    }
    out += chars[pick];
    ids = [pick];
  }
  model.train();
  return out;
}

manualSeed(seed);
const model = new CharModel();
const opt = new optim.Adam(model.parameters(), { lr });
const train = streams(trainCodes, batch, chunk);
console.log(
  `The Devil's Dictionary: ${codes.length.toLocaleString("en-US")} characters (${V} distinct), ` +
    `${trainCodes.length.toLocaleString("en-US")} to train on, ${heldOut.length.toLocaleString("en-US")} held out`,
);
console.log(
  `Embedding(${V}, ${embed}) → LSTM(${embed} → ${hidden}) → Linear(→ ${V}); ${batch} streams × ${chunk} steps ` +
    `of truncated BPTT, Adam lr ${lr} decaying to ${lr / 10}, clip norm 5, ${minutes} min`,
);
const started = performance.now();
let state: [Tensor, Tensor] | null = null;
let k = 0;
let epoch = 1;
let lossSum = 0;
let lossCount = 0;
let lastReport = started;
while ((performance.now() - started) / 60_000 < minutes) {
  if (k === train.steps) {
    // a new pass over the text starts every stream from zeros
    k = 0;
    epoch++;
    state?.[0].dispose();
    state?.[1].dispose();
    state = null;
  }
  // the learning rate decays linearly to a tenth over the time budget
  const progress = (performance.now() - started) / 60_000 / minutes;
  for (const g of opt.paramGroups) g.lr = lr * (1 - 0.9 * Math.min(1, progress));
  const [loss, next] = tidy(() => {
    const [x, y] = train.at(k);
    opt.zeroGrad();
    const [logits, st] = model.run(x, state);
    const l = nn.functional.crossEntropy(logits.reshape([-1, V]), y);
    l.backward();
    optim.clipGradNorm(model.parameters(), 5);
    opt.step();
    // truncated BPTT: the next chunk starts from these states, cut from this chunk's graph
    return [l.item(), [st[0].detach(), st[1].detach()] as [Tensor, Tensor]] as const;
  });
  state?.[0].dispose();
  state?.[1].dispose();
  state = next;
  k++;
  lossSum += loss;
  lossCount++;
  if (performance.now() - lastReport > 60_000) {
    lastReport = performance.now();
    const secs = ((lastReport - started) / 1000).toFixed(0);
    console.log(
      `epoch ${epoch}, step ${k}/${train.steps}: train ${(lossSum / lossCount / Math.LN2).toFixed(3)} bits/char, ` +
        `held-out ${heldOutBits(model).toFixed(3)} bits/char (${secs} s)`,
    );
    lossSum = 0;
    lossCount = 0;
  }
}
const trained = ((performance.now() - started) / 1000).toFixed(0);
const bits = heldOutBits(model);
console.log(`\nHeld-out text: ${bits.toFixed(3)} bits per character after ${trained} s of training`);
const rng = new Generator(seed + 7);
for (const prompt of ["LAWYER, n.", "WOMAN, n.", "PHILOSOPHY, n."]) {
  console.log(`\n--- sample (temperature 0.7) ---\n${sample(model, prompt, 300, 0.7, rng)}`);
}
