// Tutorial 12: attention and transformers. First attention by hand on three tokens, then
// nn.MultiheadAttention, then a small GPT (models.GPT) that learns to sort a list of digits.
//   npx tsx tutorials/12-attention-and-transformers.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/12-attention-and-transformers.ts  (a quick check)
import {
  Generator,
  type Tensor,
  fromHost,
  manualSeed,
  models,
  nn,
  optim,
  plot,
  randn,
  tensor,
} from "strata-dl";

const quick = process.env.STRATA_QUICK === "1";
const steps = quick ? 150 : 1_000;
const outDir = quick ? "tutorials/output/quick" : "tutorials/output";
manualSeed(1);

// Step 1: attention by hand. Each token has a query, a key and a value. A token's output is an
// average of all values, weighted by how well its query matches each key: softmax(q·kᵀ / √d).
const q = tensor([
  [1, 0],
  [0, 1],
  [1, 1],
]); // 3 tokens, d = 2
const k = tensor([
  [1, 0],
  [0, 1],
  [-1, 0],
]);
const v = tensor([
  [10, 0],
  [0, 10],
  [5, 5],
]);
const weights = q.matmul(k.transpose(0, 1)).div(Math.sqrt(2)).softmax(-1);
console.log("attention weights (row i: how much token i takes from each token):");
console.log(weights.toString());
const byHand = weights.matmul(v);
const library = nn.functional.scaledDotProductAttention(q, k, v);
console.log(`by hand equals scaledDotProductAttention: ${byHand.sub(library).abs().max().item() < 1e-6}`);

// A causal mask lets token i look only at tokens 0..i, which is what a model that predicts the
// next token needs: it must not peek at the answer.
const causal = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
console.log("causal output (token 0 can only see itself, so it gets its own value):");
console.log(causal.toString());

// Step 2: multi-head attention, the layer. It learns the projections that make queries, keys and
// values out of its input, and runs several attentions ("heads") side by side.
const mha = new nn.MultiheadAttention(16, 4, { batchFirst: true });
const x = randn([2, 5, 16]); // 2 sequences of 5 tokens, 16 features each
const [out, attn] = mha.run(x, x, x); // self-attention: the sequence attends to itself
console.log(
  `MultiheadAttention(16, 4 heads): output ${JSON.stringify(out.shape)}, weights ${JSON.stringify(attn!.shape)}`,
);
console.log(`each row of weights sums to 1: ${attn!.sum(-1).sub(1).abs().max().item() < 1e-5}`);

// Step 3: a task for a transformer. The input is 6 digits and a separator; the model must then
// write the digits in sorted order: "3 1 4 1 5 9 | 1 1 3 4 5 9". To write each output digit it has
// to find, among the inputs, the smallest one it has not written yet: a job for attention. A GPT
// predicts every next token, and we score only its predictions after the separator.
const N_DIGITS = 6;
const SEP = 10; // tokens 0..9 are digits, 10 is the separator
const SEQ = 2 * N_DIGITS + 1;
const rng = new Generator(1);
const randomDigits = () => Array.from({ length: N_DIGITS }, () => rng.int(0, 10));
const sorted = (d: number[]) => [...d].sort((a, b) => a - b);
const example = (d: number[]) => [...d, SEP, ...sorted(d)];
function batch(n: number): [Tensor, Tensor] {
  const x = new Int32Array(n * (SEQ - 1));
  const y = new Int32Array(n * (SEQ - 1));
  for (let i = 0; i < n; i++) {
    const s = example(randomDigits());
    for (let t = 0; t < SEQ - 1; t++) {
      x[i * (SEQ - 1) + t] = s[t];
      // the target is the next token, but only after the separator; -100 is ignored by the loss
      y[i * (SEQ - 1) + t] = t >= N_DIGITS ? s[t + 1] : -100;
    }
  }
  return [fromHost(x, [n, SEQ - 1], "int32"), fromHost(y, [n * (SEQ - 1)], "int32")];
}

// Step 4: the model: token and position embeddings, 2 transformer blocks (causal self-attention and
// a small MLP each), and a linear layer that scores the 11 possible next tokens.
const gpt = new models.GPT({ vocabSize: 11, blockSize: SEQ, nLayer: 2, nHead: 4, nEmbd: 48 });
console.log(`\nGPT: 2 blocks, 4 heads, width 48, ${gpt.numParameters()} parameters`);
const opt = new optim.AdamW(gpt.parameters(), { lr: 3e-3, weightDecay: 0.01 });
const curve: { x: number[]; y: number[] } = { x: [], y: [] };
for (let step = 1; step <= steps; step++) {
  const [xb, yb] = batch(64);
  opt.zeroGrad();
  const loss = nn.functional.crossEntropy(gpt.forward(xb).reshape([-1, 11]), yb, { ignoreIndex: -100 });
  loss.backward();
  optim.clipGradNorm(gpt.parameters(), 1);
  opt.step();
  if (step % 50 === 0) {
    curve.x.push(step);
    curve.y.push(loss.item());
    if (step % (quick ? 100 : 250) === 0) console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
  }
}
await plot.linePlot(
  {
    title: "GPT learning to sort digits",
    xLabel: "training step",
    yLabel: "cross-entropy (nats)",
    yScale: "log",
    series: [{ name: "training loss", x: curve.x, y: curve.y }],
  },
  `${outDir}/12-attention-and-transformers-loss`,
);

// Step 5: use it. models.generate feeds the prompt, picks the next token, appends it, and repeats;
// temperature 0 always takes the most likely token. Count lists sorted exactly right.
const tests = quick ? 50 : 500;
let correct = 0;
for (let i = 0; i < tests; i++) {
  const digits = randomDigits();
  const written = models.generate(gpt, [...digits, SEP], { maxNewTokens: N_DIGITS, temperature: 0 });
  const answer = written.slice(N_DIGITS + 1);
  const ok = answer.join() === sorted(digits).join();
  if (ok) correct++;
  if (i < 3) console.log(`${digits.join(" ")} | → ${answer.join(" ")} ${ok ? "(right)" : "(wrong)"}`);
}
const accuracy = correct / tests;
console.log(`${correct}/${tests} new lists sorted exactly`);

// Step 6: the check.
const required = quick ? 0.5 : 0.95;
if (!(accuracy >= required))
  throw new Error(`only ${(100 * accuracy).toFixed(0)}% sorted right, expected ≥ ${100 * required}%`);
console.log("check passed");
