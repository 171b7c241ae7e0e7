import { isFloat, toFloat } from "../base/dtype.js";
import { ArgumentError, DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { checkOptions, checkTensor } from "../core/args.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { bernoulli, fromHost } from "./creation.js";
import { asFloat, exp, isFinite, where } from "./elementwise.js";
import { max, sum } from "./reduce.js";

/**
 * Options of `scaledDotProductAttention` (PyTorch 2's keyword arguments, camelCase).
 * @example
 * const options: AttentionOptions = { isCausal: true, scale: 0.5 };
 * scaledDotProductAttention(randn([2, 5, 8]), randn([2, 5, 8]), randn([2, 5, 8]), options).shape; // [2, 5, 8]
 */
export interface AttentionOptions {
  /**
   * Broadcastable to (..., L, S). A bool mask says which keys each query **may attend to** (true =
   * attend, PyTorch 2's SDPA convention); a float mask is added to the scores (−Infinity blocks).
   */
  attnMask?: Tensor | null;
  /** Each query i attends only to keys j ≤ i (top-left aligned, as PyTorch); not with `attnMask`. */
  isCausal?: boolean;
  /** Dropout probability on the attention weights (default 0; applied whenever it is > 0, as PyTorch). */
  dropoutP?: number;
  /** Multiplies q·kᵀ (default 1/√E, E the last axis of q). */
  scale?: number;
  /** Generator for the dropout mask (default: the library-wide one). */
  generator?: Generator;
}

/**
 * A bool (L, S) mask, true where query i may attend to key j: j ≤ i + offset. The default offset 0
 * is PyTorch's `is_causal` (top-left aligned, the lower triangle); with a key/value cache the L
 * queries are the last L of S positions, so decoding uses offset S − L (bottom-right aligned).
 * @example
 * causalMask(3).toArray(); // [[true, false, false], [true, true, false], [true, true, true]]
 * causalMask(1, 3, 2).toArray(); // [[true, true, true]]: one new query sees the whole cache
 */
export function causalMask(L: number, S: number = L, offset = 0): Tensor {
  for (const [name, v, low] of [
    ["L", L, 0],
    ["S", S, 0],
    ["offset", offset, Number.NEGATIVE_INFINITY],
  ] as const) {
    if (!Number.isInteger(v) || v < low)
      throw new ValueError(`causalMask: ${name} must be an integer${low === 0 ? " ≥ 0" : ""}, got ${v}`);
  }
  const data = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) for (let j = 0; j <= Math.min(S - 1, i + offset); j++) data[i * S + j] = 1;
  return fromHost(data, [L, S], "bool");
}

/**
 * Softmax over the last axis whose fully masked rows (every score −Infinity) give zeros instead of
 * 0/0 = NaN, as PyTorch ≥ 2.5's SDPA math path does (`_safe_softmax`).
 */
function safeSoftmax(scores: Tensor): Tensor {
  const a = scores.rank - 1;
  const m = max(scores, a, true).detach();
  const shift = where(isFinite(m), m, 0);
  const e = exp(scores.sub(shift));
  const s = sum(e, a, true);
  // s is 0 on a fully masked row and ≥ 1 elsewhere (the row's maximum contributes e⁰)
  return e.div(where(s.gt(0), s, 1));
}

/**
 * What `attention` computes: the output and the attention weights (after dropout).
 * @example
 * const r: AttentionResult = attentionWithWeights(randn([4, 8]), randn([6, 8]), randn([6, 3]));
 * [r.output.shape, r.weights.shape]; // [[4, 3], [4, 6]]
 */
export interface AttentionResult {
  output: Tensor;
  weights: Tensor;
}

/**
 * `scaledDotProductAttention` that also returns the attention weights softmax(q·kᵀ·scale + mask)
 * (after dropout), which `MultiheadAttention` reports.
 * @example
 * const { weights } = attentionWithWeights(randn([2, 3, 4]), randn([2, 5, 4]), randn([2, 5, 4]));
 * weights.sum(-1).toArray(); // [[1, 1, 1], [1, 1, 1]]
 */
export function attentionWithWeights(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): AttentionResult {
  const op = "scaledDotProductAttention";
  checkTensor(op, "query", q);
  checkTensor(op, "key", k);
  checkTensor(op, "value", v);
  const o = checkOptions(op, "options", options, ["attnMask", "isCausal", "dropoutP", "scale", "generator"]);
  for (const [name, t] of [
    ["query", q],
    ["key", k],
    ["value", v],
  ] as const) {
    if (t.rank < 2)
      throw new ShapeError(`${op}: ${name} must be (..., length, features), got ${fmtShape(t.shape)}`);
  }
  const E = q.shape[q.rank - 1];
  const L = q.shape[q.rank - 2];
  const S = k.shape[k.rank - 2];
  if (k.shape[k.rank - 1] !== E || v.shape[v.rank - 2] !== S) {
    throw new ShapeError(
      `${op}: query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)} do not fit: expected query (..., L, E), key (..., S, E), value (..., S, Ev)`,
    );
  }
  const mask = (o.attnMask ?? null) as Tensor | null;
  const isCausal = (o.isCausal ?? false) as boolean;
  const dropoutP = (o.dropoutP ?? 0) as number;
  if (typeof dropoutP !== "number" || !(dropoutP >= 0 && dropoutP <= 1)) {
    throw new ValueError(`${op}: dropoutP must be in [0, 1], got ${dropoutP}`);
  }
  if (mask && isCausal) {
    throw new ArgumentError(`${op}: give attnMask or isCausal, not both (as PyTorch)`);
  }
  const scale = (o.scale ?? 1 / Math.sqrt(E)) as number;
  if (typeof scale !== "number" || !Number.isFinite(scale)) {
    throw new ValueError(`${op}: scale must be a finite number, got ${String(o.scale)}`);
  }
  // scaling q (..., L, E) costs less than scaling the scores (..., L, S) whenever E < S
  const qf = asFloat(q);
  let scores =
    E < S
      ? qf.mul(scale).matmul(asFloat(k).transpose(-2, -1))
      : qf.matmul(asFloat(k).transpose(-2, -1)).mul(scale);
  const m = isCausal ? causalMask(L, S) : mask;
  if (m) {
    checkTensor(op, "attnMask", m);
    const before = scores.shape;
    const mismatch = () =>
      new ShapeError(
        `${op}: attnMask ${fmtShape(m.shape)} does not broadcast to the scores ${fmtShape(before)} (..., L=${L}, S=${S})`,
      );
    if (
      m.rank > before.length ||
      m.shape.some((d, i) => d !== 1 && d !== before[before.length - m.rank + i])
    ) {
      throw mismatch();
    }
    if (m.dtype === "bool") scores = where(m, scores, Number.NEGATIVE_INFINITY);
    else if (isFloat(m.dtype)) scores = scores.add(m);
    else throw new DTypeError(`${op}: attnMask must be bool or float, got ${m.dtype}`);
  }
  let weights = safeSoftmax(scores);
  if (dropoutP > 0) {
    const keep = bernoulli(1 - dropoutP, weights.shape, {
      dtype: toFloat(weights.dtype),
      generator: o.generator as Generator | undefined,
    });
    weights = dropoutP === 1 ? weights.mul(0) : weights.mul(keep.mul(1 / (1 - dropoutP)));
  }
  return { output: weights.matmul(asFloat(v)), weights };
}

/**
 * Attention as PyTorch 2's `F.scaled_dot_product_attention`: softmax(q·kᵀ·scale + mask) · v for
 * q (..., L, E), k (..., S, E), v (..., S, Ev), any leading batch/head axes (broadcast), giving
 * (..., L, Ev). A bool `attnMask` is true where a query **may attend** (PyTorch 2's SDPA convention;
 * `MultiheadAttention` keeps its own, opposite, convention), a float one is added; `isCausal` masks
 * keys after the query. The softmax is shifted by the row maximum, so large scores do not overflow.
 *
 * A fully masked row (a query that may attend to nothing) gives **zeros**, for the weights and the
 * output, with zero gradients: what PyTorch ≥ 2.5's SDPA gives. PyTorch 1.13's `MultiheadAttention`
 * and PyTorch 2.0–2.4's SDPA give NaN there instead; a NaN would then spread through the next layer
 * and the loss, so zeros are the safer answer and the one PyTorch settled on.
 * @example
 * const q = randn([2, 4, 6, 16]), k = randn([2, 4, 9, 16]), v = randn([2, 4, 9, 8]);
 * scaledDotProductAttention(q, k, v).shape; // [2, 4, 6, 8]
 * const mask = tensor([[true, false], [false, false]]);
 * scaledDotProductAttention(ones([2, 1]), ones([2, 1]), tensor([[3], [5]]), { attnMask: mask }).toArray(); // [[3], [0]]
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
  ...extra: never[]
): Tensor {
  if (extra.length) {
    throw new ArgumentError(
      `scaledDotProductAttention: takes (query, key, value, options), got ${4 + extra.length} arguments`,
    );
  }
  return attentionWithWeights(q, k, v, options).output;
}
