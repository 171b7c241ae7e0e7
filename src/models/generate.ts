import { ArgumentError, BackendError, ValueError } from "../base/errors.js";
import { checkOptions } from "../core/args.js";
import { noGrad } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import { Generator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import type { GPT, KVCache } from "./gpt.js";

/**
 * Options of `generate`.
 * @example
 * const options: GenerateOptions = { maxNewTokens: 20, temperature: 0.8, topK: 10, seed: 1 };
 * const gpt = new models.GPT({ vocabSize: 30, blockSize: 32, nLayer: 1, nHead: 2, nEmbd: 8 });
 * models.generate(gpt, [1, 2, 3], options).length; // 23
 */
export interface GenerateOptions {
  /** Tokens to add after the prompt. */
  maxNewTokens: number;
  /** Divides the logits before the softmax (default 1); 0 takes the most likely token (greedy). */
  temperature?: number;
  /** Sample only among the k most likely tokens (default: all). */
  topK?: number;
  /** The random source (default: a `Generator(seed)` when `seed` is given, else the library-wide one). */
  generator?: Generator;
  seed?: number;
  /**
   * Keep keys and values of earlier positions (default true): each new token costs one position's
   * work while the sequence fits the model's `blockSize`; past it, every step re-encodes the last
   * `blockSize` tokens, as uncached generation does, so the two give the same tokens.
   */
  useCache?: boolean;
}

/** Index sampled from softmax(logits / temperature) restricted to the top k, on the host. */
function sampleRow(logits: ArrayLike<number>, temperature: number, topK: number, rng: Generator): number {
  const V = logits.length;
  let best = 0;
  for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0 || topK === 1) return best;
  let floor = Number.NEGATIVE_INFINITY;
  if (topK < V) floor = Array.from(logits).sort((a, b) => b - a)[topK - 1];
  const p = new Float64Array(V);
  let total = 0;
  for (let i = 0; i < V; i++) {
    p[i] = logits[i] >= floor ? Math.exp((logits[i] - logits[best]) / temperature) : 0;
    total += p[i];
  }
  let u = rng.uniform() * total;
  for (let i = 0; i < V; i++) {
    u -= p[i];
    if (u < 0 && p[i] > 0) return i;
  }
  return best;
}

/**
 * Continues `prompt` (token ids, or a batch of equal-length prompts) by sampling from `model`
 * `maxNewTokens` times, with temperature and top-k, and returns the prompt followed by the new
 * tokens. With the key/value cache (the default) the prompt is encoded once and each further token
 * costs one position's work, O(n) forward steps instead of O(n²) recomputation; for the same seed
 * the tokens are exactly those of uncached generation (a test checks it). Runs in evaluation mode
 * under `noGrad` and releases its tensors as it goes.
 * @example
 * const gpt = new models.GPT({ vocabSize: 20, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 8 });
 * const cached = models.generate(gpt, [3, 1, 4], { maxNewTokens: 30, seed: 7 });
 * const uncached = models.generate(gpt, [3, 1, 4], { maxNewTokens: 30, seed: 7, useCache: false });
 * cached.join() === uncached.join(); // true
 * models.generate(gpt, [[1, 2], [3, 4]], { maxNewTokens: 2, temperature: 0 }).map((s) => s.length); // [4, 4]
 */
export function generate(model: GPT, prompt: readonly number[], options: GenerateOptions): number[];
export function generate(
  model: GPT,
  prompt: readonly (readonly number[])[],
  options: GenerateOptions,
): number[][];
export function generate(
  model: GPT,
  prompt: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): number[] | number[][] {
  // the arguments are checked first (the first `next`), then whether the logits can be read here
  const steps = generation("generate", model, prompt, options);
  let next = steps.next();
  while (!next.done) {
    const { backend } = next.value;
    if (backend.asyncReads) {
      steps.return([]);
      throw new BackendError(
        "generate: samples each token on the host, which needs the logits read synchronously; the " +
          `${backend.name} backend cannot, so use \`await models.generateAsync(...)\` (same arguments, same tokens)`,
      );
    }
    next = steps.next(next.value.dataSync());
  }
  return next.value;
}

/**
 * `generate` on every backend, a GPU included: each step's last-position logits are read with one
 * `await`. Same arguments and, for the same seed, the same tokens as `generate`.
 * @example
 * const gpt = new models.GPT({ vocabSize: 20, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 8 });
 * const tokens = await models.generateAsync(gpt, [3, 1, 4], { maxNewTokens: 5, seed: 7 });
 * tokens.join() === models.generate(gpt, [3, 1, 4], { maxNewTokens: 5, seed: 7 }).join(); // true
 */
export function generateAsync(
  model: GPT,
  prompt: readonly number[],
  options: GenerateOptions,
): Promise<number[]>;
export function generateAsync(
  model: GPT,
  prompt: readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<number[][]>;
export async function generateAsync(
  model: GPT,
  prompt: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<number[] | number[][]> {
  const steps = generation("generateAsync", model, prompt, options);
  let next = steps.next();
  while (!next.done) {
    const logits = next.value;
    let rows: Float32Array | Float64Array | Int32Array | Uint8Array;
    try {
      rows = await logits.data();
    } catch (e) {
      steps.return([]);
      throw e;
    }
    next = steps.next(rows);
  }
  return next.value;
}

type Rows = ArrayLike<number> & { subarray(begin: number, end: number): ArrayLike<number> };

/**
 * The sampling loop, suspended at each read: yields the kept last-position logits (N, V), takes back
 * their values, and releases them. `generate` answers with `dataSync`, `generateAsync` with `await data()`.
 */
function* generation(
  op: string,
  model: GPT,
  prompt: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): globalThis.Generator<Tensor, number[] | number[][], Rows> {
  const o = checkOptions(op, "options", options, [
    "maxNewTokens",
    "temperature",
    "topK",
    "generator",
    "seed",
    "useCache",
  ]) as unknown as GenerateOptions;
  const batched = Array.isArray(prompt[0]);
  const seqs = (batched ? (prompt as number[][]) : [prompt as number[]]).map((s) => [...s]);
  if (seqs.length === 0 || seqs[0].length === 0 || seqs.some((s) => s.length !== seqs[0].length)) {
    throw new ArgumentError(
      `${op}: prompt must be a non-empty list of token ids, or equal-length non-empty lists`,
    );
  }
  if (seqs.some((s) => s.some((t) => !Number.isInteger(t) || t < 0 || t >= model.vocabSize))) {
    throw new ValueError(`${op}: prompt tokens must be integers in [0, ${model.vocabSize})`);
  }
  const { maxNewTokens, temperature = 1, topK = model.vocabSize, useCache = true } = o;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    throw new ValueError(`${op}: maxNewTokens must be an integer ≥ 0, got ${maxNewTokens}`);
  }
  if (!(temperature >= 0)) throw new ValueError(`${op}: temperature must be ≥ 0, got ${temperature}`);
  if (!Number.isInteger(topK) || topK < 1)
    throw new ValueError(`${op}: topK must be a positive integer, got ${topK}`);
  const rng = o.generator ?? (o.seed !== undefined ? new Generator(o.seed) : defaultGenerator);
  const N = seqs.length;
  const B = model.blockSize;
  const wasTraining = model.training;
  model.eval();
  let cache: KVCache | null = null;
  const release = (c: KVCache | null) => {
    for (const l of c?.layers ?? []) {
      l.k.dispose();
      l.v.dispose();
    }
  };
  try {
    for (let i = 0; i < maxNewTokens; i++) {
      const len = seqs[0].length;
      const fresh: boolean = !useCache || cache === null || cache.length + 1 > B;
      const ctx: number[][] = fresh ? seqs.map((s) => s.slice(-B)) : seqs.map((s) => [s[len - 1]]);
      const T: number = ctx[0].length;
      const ids = fromHost(ctx.flat(), [N, T], "int32");
      // under noGrad and tidy only while computing: a yield must not leave either open
      const [last, next]: readonly [Tensor, KVCache | null] = noGrad(() =>
        tidy((): readonly [Tensor, KVCache | null] => {
          const r = model.step(ids, fresh ? null : cache);
          return [r.logits.select(1, T - 1), useCache ? r.cache : null] as const;
        }),
      );
      ids.dispose();
      release(cache);
      cache = next;
      let rows: Rows;
      try {
        rows = yield last;
      } finally {
        last.dispose();
      }
      const V = model.vocabSize;
      for (let n = 0; n < N; n++) {
        seqs[n].push(sampleRow(rows.subarray(n * V, (n + 1) * V), temperature, Math.min(topK, V), rng));
      }
    }
  } finally {
    release(cache);
    model.train(wasTraining);
  }
  return batched ? seqs : seqs[0];
}
