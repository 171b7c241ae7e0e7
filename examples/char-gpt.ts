/**
 * A character-level GPT (a decoder-only transformer, `models.GPT`) on the text of examples/char-rnn.ts,
 * *The Devil's Dictionary* by Ambrose Bierce (1911; public domain, see examples/data/README.md), with
 * the same split (the last 10% held out) and the same time budget (7 minutes of training), so the two
 * can be compared. Training reads random windows of `context` characters (the model learns to
 * predict every next character of each window at once); AdamW (weight decay 0.1 on matrices) with a short warm-up and the
 * learning rate decaying linearly to a tenth over the budget; gradients clipped to norm 1.
 *
 * It prints bits per character on the held-out text, scored with sliding windows (every character
 * after the first window sees at least context/2 earlier characters), beside the LSTM's from a run of
 * examples/char-rnn.ts made right after it in the same invocation (same machine, same budget; pass
 * --no-lstm to skip it), samples text, and measures generation speed with and without the key/value
 * cache (`models.generate`), checking that both give the same characters.
 *
 * Options: --minutes M (7), --layers N (3), --width N (64), --heads N (4), --context N (64),
 * --batch N (32), --lr X (0.003), --seed N (1), --no-lstm, --replot (redraw examples/output/char-gpt.svg
 * and .png from the JSON a run saved). Learning curves (GPT and LSTM) are drawn with `plot.linePlot`. STRATA_QUICK=1: 20 s of training of a
 * smaller model (2 layers, context 32), 4,000 held-out characters, no LSTM run.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  Generator,
  type Tensor,
  fromHost,
  manualSeed,
  models,
  nn,
  noGrad,
  optim,
  plot,
  ready,
  tidy,
} from "../src/index.js";

const quick = process.env.STRATA_QUICK === "1";
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg("minutes", quick ? 1 / 3 : 7);
const nLayer = arg("layers", quick ? 2 : 3);
const nEmbd = arg("width", 64);
const nHead = arg("heads", 4);
const context = arg("context", quick ? 32 : 64);
const batch = arg("batch", 32);
const lr = arg("lr", 3e-3);
const seed = arg("seed", 1);
const withLstm = !quick && !process.argv.includes("--no-lstm");

const text = readFileSync(new URL("./data/devils-dictionary.txt", import.meta.url), "utf8");
const chars = [...new Set(text)].sort();
const V = chars.length;
const index = new Map(chars.map((c, i) => [c, i]));
const codes = Int32Array.from(text, (c) => index.get(c)!);
const split = Math.floor(codes.length * 0.9);
const trainCodes = codes.subarray(0, split);
const heldOut = quick ? codes.subarray(split, split + 4000) : codes.subarray(split);

/** A batch of random training windows: ids [batch, context] and next-character targets [batch·context]. */
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
 * Held-out cross-entropy in bits per character. Windows of `context` characters overlap by half; the
 * first window scores all its predictions, every later one only its second half, so each character
 * is predicted once, from at least context/2 characters before it (except the first context/2).
 */
function heldOutBits(gpt: models.GPT, limit = heldOut.length): number {
  const text = heldOut.subarray(0, limit);
  gpt.eval();
  const half = context / 2;
  const starts: number[] = [];
  for (let s = 0; s + context + 1 <= text.length; s += half) starts.push(s);
  let nats = 0;
  let count = 0;
  for (let i = 0; i < starts.length; i += 32) {
    const group = starts.slice(i, i + 32);
    nats += tidy(() =>
      noGrad(() => {
        const x = new Int32Array(group.length * context);
        for (const [b, s] of group.entries()) x.set(text.subarray(s, s + context), b * context);
        const logp = gpt.forward(fromHost(x, [group.length, context], "int32")).logSoftmax(-1);
        const lp = logp.dataSync();
        let sum = 0;
        group.forEach((s, b) => {
          for (let t = s === 0 ? 0 : half; t < context; t++) {
            sum -= lp[(b * context + t) * V + text[s + t + 1]];
            count++;
          }
        });
        return sum;
      }),
    );
  }
  gpt.train();
  return nats / count / Math.LN2;
}

interface Point {
  seconds: number;
  trainBits: number;
  heldOutBits?: number;
}

interface Result {
  config: Record<string, number>;
  steps: number;
  trainedSeconds: number;
  heldOutBits: number;
  lstmHeldOutBits: number | null;
  lstmCurve: Point[];
  generation: { characters: number; cachedPerSecond: number; uncachedPerSecond: number; identical: boolean };
  curve: Point[];
}

/** Bits per character against seconds of training: the GPT's curve, and the LSTM's from its run. */
async function drawCurves(r: Result, path: string) {
  const series = [
    { name: "GPT: training", x: r.curve.map((p) => p.seconds), y: r.curve.map((p) => p.trainBits) },
  ];
  const held = r.curve.filter((p) => p.heldOutBits !== undefined);
  if (held.length) {
    series.push({
      name: "GPT: held-out (6k chars)",
      x: held.map((p) => p.seconds),
      y: held.map((p) => p.heldOutBits!),
    });
  }
  series.push({ name: "GPT: held-out (all)", x: [Math.round(r.trainedSeconds)], y: [r.heldOutBits] });
  if (r.lstmCurve?.length) {
    series.push({
      name: "LSTM: held-out",
      x: r.lstmCurve.map((p) => p.seconds),
      y: r.lstmCurve.map((p) => p.heldOutBits!),
    });
  }
  await plot.linePlot(
    {
      title: "Character-level GPT vs LSTM on The Devil's Dictionary",
      xLabel: "seconds of training",
      yLabel: "bits per character",
      series,
    },
    path,
  );
  console.log(`Learning curves: ${path}.svg and .png`);
}

async function main() {
  const outDir = fileURLToPath(new URL("./output/", import.meta.url));
  if (process.argv.includes("--replot")) {
    const saved = JSON.parse(readFileSync(`${outDir}char-gpt.json`, "utf8")) as Result;
    await drawCurves(saved, `${outDir}char-gpt`);
    return;
  }
  await ready();
  manualSeed(seed);
  const gpt = new models.GPT({ vocabSize: V, blockSize: context, nLayer, nHead, nEmbd });
  const decay = gpt.parameters().filter((p) => p.rank === 2);
  const other = gpt.parameters().filter((p) => p.rank !== 2);
  const opt = new optim.AdamW(
    [
      { params: decay, weightDecay: 0.1 },
      { params: other, weightDecay: 0 },
    ],
    { lr, betas: [0.9, 0.99] },
  );
  console.log(
    `The Devil's Dictionary: ${codes.length.toLocaleString("en-US")} characters (${V} distinct), ` +
      `${trainCodes.length.toLocaleString("en-US")} to train on, ${heldOut.length.toLocaleString("en-US")} held out`,
  );
  console.log(
    `GPT: ${nLayer} pre-norm blocks, ${nHead} heads, width ${nEmbd}, context ${context}; ` +
      `${gpt.numParameters().toLocaleString("en-US")} parameters; batches of ${batch} windows; ` +
      `AdamW lr ${lr} (warm-up 20 steps, decaying to ${+(lr / 10).toPrecision(3)}), clip norm 1, ${minutes.toFixed(2)} min` +
      (quick ? " (STRATA_QUICK)" : ""),
  );
  const rng = new Generator(seed + 1);
  const curve: { seconds: number; trainBits: number; heldOutBits?: number }[] = [];
  const started = performance.now();
  let step = 0;
  let lossSum = 0;
  let lossCount = 0;
  let lastReport = started;
  const elapsed = () => (performance.now() - started) / 1000;
  while (elapsed() < minutes * 60) {
    const progress = elapsed() / (minutes * 60);
    const rate = lr * Math.min(1, (step + 1) / 20) * (1 - 0.9 * Math.min(1, progress));
    for (const g of opt.paramGroups) g.lr = rate;
    const [x, y] = randomWindows(rng);
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(gpt.forward(x).reshape([-1, V]), y);
    loss.backward();
    optim.clipGradNorm(gpt.parameters(), 1);
    opt.step();
    lossSum += loss.item();
    lossCount++;
    step++;
    const reportEvery = quick ? 5_000 : 60_000;
    if (performance.now() - lastReport > reportEvery) {
      lastReport = performance.now();
      const trainBits = lossSum / lossCount / Math.LN2;
      const point = {
        seconds: Math.round(elapsed()),
        trainBits,
        heldOutBits: quick ? undefined : heldOutBits(gpt, 6000),
      };
      curve.push(point);
      console.log(
        `step ${step}: train ${trainBits.toFixed(3)} bits/char` +
          (point.heldOutBits === undefined
            ? ""
            : `, first 6,000 held-out characters ${point.heldOutBits.toFixed(3)} bits/char`) +
          ` (${point.seconds} s)`,
      );
      lossSum = 0;
      lossCount = 0;
    }
  }
  const trained = elapsed();
  const bits = heldOutBits(gpt);
  console.log(
    `\nHeld-out text: ${bits.toFixed(3)} bits per character after ${trained.toFixed(0)} s of training (${step} steps, ` +
      `${((step * batch * context) / trained).toFixed(0)} characters/s)`,
  );

  const decode = (ids: number[]) => ids.map((i) => chars[i]).join("");
  const encode = (s: string) => [...s].map((c) => index.get(c)!);
  for (const prompt of ["LAWYER, n.", "WOMAN, n.", "PHILOSOPHY, n."]) {
    const out = models.generate(gpt, encode(prompt), {
      maxNewTokens: quick ? 80 : 300,
      temperature: 0.7,
      seed,
    });
    console.log(`\n--- sample (temperature 0.7, key/value cache) ---\n${decode(out)}`);
  }

  // generation speed: the same characters with and without the cache, within the model's context
  const prompt = encode("\n");
  const n = context - prompt.length;
  const speed = (useCache: boolean) => {
    const t0 = performance.now();
    const out = models.generate(gpt, prompt, { maxNewTokens: n, temperature: 0.7, seed: 5, useCache });
    return { out, perSecond: n / ((performance.now() - t0) / 1000) };
  };
  speed(true); // warm-up
  const cached = speed(true);
  const uncached = speed(false);
  const same = cached.out.join() === uncached.out.join();
  console.log(
    `\nGeneration of ${n} characters (one sequence, context ${context}): ${cached.perSecond.toFixed(0)} characters/s ` +
      `with the key/value cache, ${uncached.perSecond.toFixed(0)} without (${(cached.perSecond / uncached.perSecond).toFixed(1)}×); ` +
      `identical characters: ${same}`,
  );

  let lstmBits: number | null = null;
  const lstmCurve: Point[] = [];
  if (withLstm) {
    console.log(`\nNow examples/char-rnn.ts with the same budget (${minutes} min), for the comparison...`);
    const script = fileURLToPath(new URL("./char-rnn.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", script, "--minutes", String(minutes)], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    const out = run.stdout ?? "";
    for (const line of out.matchAll(/train ([\d.]+) bits\/char, held-out ([\d.]+) bits\/char \((\d+) s\)/g)) {
      lstmCurve.push({ seconds: Number(line[3]), trainBits: Number(line[1]), heldOutBits: Number(line[2]) });
    }
    const m = /Held-out text: ([\d.]+) bits per character after (\d+) s/.exec(out);
    if (m) {
      lstmBits = Number(m[1]);
      lstmCurve.push({ seconds: Number(m[2]), trainBits: Number.NaN, heldOutBits: lstmBits });
      console.log(`char-rnn (LSTM 256): ${m[1]} bits per character after ${m[2]} s of training`);
    } else {
      console.log(`char-rnn did not report a result (exit ${run.status}): ${(run.stderr ?? "").slice(-500)}`);
    }
  }
  console.log(
    `\n| model | held-out bits/char | training |\n|---|---|---|\n` +
      `| GPT (${nLayer}×${nEmbd}, context ${context}) | ${bits.toFixed(3)} | ${trained.toFixed(0)} s, ${step} steps |\n` +
      (lstmBits === null
        ? `| LSTM (char-rnn) | not run here${quick ? " (STRATA_QUICK)" : " (--no-lstm)"} | |`
        : `| LSTM 256 (char-rnn, same invocation) | ${lstmBits.toFixed(3)} | ${minutes} min |`),
  );
  mkdirSync(outDir, { recursive: true });
  const result: Result = {
    config: { nLayer, nHead, nEmbd, context, batch, lr, minutes, seed, parameters: gpt.numParameters() },
    steps: step,
    trainedSeconds: trained,
    heldOutBits: bits,
    lstmHeldOutBits: lstmBits,
    lstmCurve,
    generation: {
      characters: n,
      cachedPerSecond: cached.perSecond,
      uncachedPerSecond: uncached.perSecond,
      identical: same,
    },
    curve,
  };
  const name = `${outDir}char-gpt${quick ? "-quick" : ""}`;
  writeFileSync(`${name}.json`, JSON.stringify(result, null, 2));
  await drawCurves(result, name);
}

main();
