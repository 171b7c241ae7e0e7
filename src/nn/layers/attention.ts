import type { DType } from "../../base/dtype.js";
import { isFloat } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { checkOptions } from "../../core/args.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { attentionWithWeights, causalMask } from "../../ops/attention.js";
import { scalar, zeros } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { concat } from "../../ops/movement.js";
import { linear } from "../functional.js";
import { xavierNormal, xavierUniform } from "../init.js";
import { Module, expectInput } from "../module.js";
import { parameter } from "../parameter.js";
import { Linear } from "./linear.js";

/**
 * Options of `MultiheadAttention` (PyTorch's keyword arguments, camelCase).
 * @example
 * const options: MultiheadAttentionOptions = { kdim: 6, vdim: 4, batchFirst: true };
 * Object.keys(new nn.MultiheadAttention(8, 2, options).stateDict()).slice(0, 3); // ["q_proj_weight", "k_proj_weight", "v_proj_weight"]
 */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Learn `in_proj_bias` and `out_proj.bias` (default true). */
  bias?: boolean;
  /** Learn `bias_k` and `bias_v`, appended to the keys and values as one extra position (default false). */
  addBiasKV?: boolean;
  /** Features of the key (default embedDim); differing ones give separate q/k/v projection weights. */
  kdim?: number;
  /** Features of the value (default embedDim). */
  vdim?: number;
  /** Inputs and output are (N, L, E) instead of (L, N, E) (default false, as PyTorch). */
  batchFirst?: boolean;
  dtype?: DType;
  /** Generator for the initial weights and the dropout masks (default: the library-wide one). */
  generator?: Generator;
}

/**
 * Options of `MultiheadAttention.run`, PyTorch's forward keywords. Masks keep PyTorch
 * `MultiheadAttention`'s convention: a bool **true means masked out** (the opposite of
 * `scaledDotProductAttention`'s bool masks); a float mask is added to the scores.
 * @example
 * const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
 * const x = randn([2, 5, 8]);
 * const options: MultiheadAttentionRunOptions = { keyPaddingMask: tensor([[false, false, false, true, true], [false, false, false, false, false]]) };
 * const [out, weights] = mha.run(x, x, x, options);
 * weights!.select(0, 0).select(0, 0).toArray().slice(3); // [0, 0]: padded keys get no weight
 */
export interface MultiheadAttentionRunOptions {
  /** (N, S) (or (S) unbatched): true (or −Infinity) marks a padded key that no query may attend to. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); false returns null in their place. */
  needWeights?: boolean;
  /** (L, S) or (N·numHeads, L, S): true (or −Infinity) blocks query i from key j. */
  attnMask?: Tensor | null;
  /** Average the weights over the heads, (N, L, S), instead of (N, numHeads, L, S) (default true). */
  averageAttnWeights?: boolean;
  /** Without `attnMask`, mask the future (query i sees keys j ≤ i); with it, a hint, as PyTorch. */
  isCausal?: boolean;
}

/** A bool "true = masked" or float mask as a float mask to add to the scores. */
function additive(op: string, name: string, m: Tensor, dtype: DType): Tensor {
  if (m.dtype === "bool") return where(m, scalar(Number.NEGATIVE_INFINITY, { dtype }), scalar(0, { dtype }));
  if (!isFloat(m.dtype)) throw new DTypeError(`${op}: ${name} must be bool or float, got ${m.dtype}`);
  return m;
}

/**
 * Multi-head attention (Vaswani et al. 2017), as `torch.nn.MultiheadAttention`: the query, key and
 * value are projected, split into `numHeads` heads of embedDim/numHeads features, attended with
 * `scaledDotProductAttention`, joined and projected by `out_proj`. PyTorch's parameter names
 * (`in_proj_weight` [3E, E], `in_proj_bias` [3E], `out_proj.weight`, `out_proj.bias`; with kdim/vdim
 * other than E, `q_proj_weight`, `k_proj_weight`, `v_proj_weight` instead of `in_proj_weight`;
 * `bias_k`, `bias_v` with `addBiasKV`) and initialisation (Xavier-uniform projections, zero biases),
 * so a PyTorch state dict loads strictly.
 *
 * `run(query, key, value, options)` returns PyTorch's `[output, weights | null]`; `forward(query,
 * key = query, value = key)` returns the output alone (a Module's `forward` returns one tensor).
 * Inputs (L, N, E), or (N, L, E) with `batchFirst`, or unbatched (L, E). A query whose keys are all
 * masked gets zero weights and a zero attention output (PyTorch 1.13 gives NaN; see
 * `scaledDotProductAttention`).
 * @example
 * const mha = new nn.MultiheadAttention(16, 4);
 * const x = randn([10, 2, 16]); // (L, N, E)
 * const [out, weights] = mha.run(x, x, x);
 * [out.shape, weights!.shape]; // [[10, 2, 16], [2, 10, 10]]
 * mha.forward(x).shape; // [10, 2, 16]: self-attention
 */
export class MultiheadAttention extends Module {
  in_proj_weight: Tensor | null = null;
  q_proj_weight: Tensor | null = null;
  k_proj_weight: Tensor | null = null;
  v_proj_weight: Tensor | null = null;
  in_proj_bias: Tensor | null = null;
  bias_k: Tensor | null = null;
  bias_v: Tensor | null = null;
  out_proj: Linear;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  private readonly generator: { generator?: Generator };

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    const o = checkOptions("MultiheadAttention", "options", options, [
      "dropout",
      "bias",
      "addBiasKV",
      "kdim",
      "vdim",
      "batchFirst",
      "dtype",
      "generator",
    ]) as MultiheadAttentionOptions;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    for (const [name, v] of [
      ["embedDim", embedDim],
      ["numHeads", numHeads],
      ["kdim", this.kdim],
      ["vdim", this.vdim],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new ValueError(`MultiheadAttention: ${name} must be a positive integer, got ${v}`);
      }
    }
    if (embedDim % numHeads) {
      throw new ValueError(
        `MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`,
      );
    }
    this.dropout = o.dropout ?? 0;
    if (typeof this.dropout !== "number" || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new ValueError(`MultiheadAttention: dropout must be in [0, 1], got ${o.dropout}`);
    }
    this.headDim = embedDim / numHeads;
    this.batchFirst = o.batchFirst ?? false;
    this.generator = { generator: o.generator };
    const { dtype, generator } = o;
    const E = embedDim;
    if (this.kdim === E && this.vdim === E) {
      this.in_proj_weight = parameter(xavierUniform([3 * E, E], { dtype, generator }));
    } else {
      this.q_proj_weight = parameter(xavierUniform([E, E], { dtype, generator }));
      this.k_proj_weight = parameter(xavierUniform([E, this.kdim], { dtype, generator }));
      this.v_proj_weight = parameter(xavierUniform([E, this.vdim], { dtype, generator }));
    }
    const bias = o.bias ?? true;
    if (bias) this.in_proj_bias = parameter(zeros([3 * E], { dtype }));
    if (o.addBiasKV) {
      this.bias_k = parameter(xavierNormal([1, 1, E], { dtype, generator }));
      this.bias_v = parameter(xavierNormal([1, 1, E], { dtype, generator }));
    }
    this.out_proj = new Linear(E, E, { bias, dtype, generator });
    if (this.out_proj.bias) this.out_proj.bias.assign(zeros([E], { dtype }));
  }

  /** The query, key and value projections, batch first: (N, L, E), (N, S, E), (N, S, E). */
  private project(q: Tensor, k: Tensor, v: Tensor): [Tensor, Tensor, Tensor] {
    // slices are made only where used: a tensor the loss does not reach is not released by the step
    const E = this.embedDim;
    const b = this.in_proj_bias;
    const bias = (i: number) => b?.slice(0, i * E, (i + 1) * E) ?? null;
    const w = this.in_proj_weight;
    if (!w) {
      return [
        linear(q, this.q_proj_weight!, bias(0)),
        linear(k, this.k_proj_weight!, bias(1)),
        linear(v, this.v_proj_weight!, bias(2)),
      ];
    }
    if (q === k && k === v) {
      // self-attention: one matmul for the three projections
      const [pq, pk, pv] = linear(q, w, b).split(E, -1);
      return [pq, pk, pv];
    }
    return [
      linear(q, w.slice(0, 0, E), bias(0)),
      linear(k, w.slice(0, E, 2 * E), bias(1)),
      linear(v, w.slice(0, 2 * E, 3 * E), bias(2)),
    ];
  }

  /**
   * PyTorch's forward: `[output, weights]`, the weights (N, L, S) averaged over heads (or
   * (N, numHeads, L, S)), or null with `needWeights: false`.
   * @example
   * const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
   * const tgt = randn([3, 4, 8]), memory = randn([3, 6, 8]);
   * const [out, w] = mha.run(tgt, memory, memory, { averageAttnWeights: false });
   * [out.shape, w!.shape]; // [[3, 4, 8], [3, 2, 4, 6]]
   */
  run(
    query: Tensor,
    key: Tensor = query,
    value: Tensor = key,
    options: MultiheadAttentionRunOptions = {},
  ): [Tensor, Tensor | null] {
    const op = "MultiheadAttention";
    const o = checkOptions(op, "options", options, [
      "keyPaddingMask",
      "needWeights",
      "attnMask",
      "averageAttnWeights",
      "isCausal",
    ]) as MultiheadAttentionRunOptions;
    const E = this.embedDim;
    const batched = query.rank === 3;
    const d = this.describe();
    expectInput(
      d,
      query,
      `query (L, N, ${E}), (N, L, ${E}) with batchFirst, or (L, ${E})`,
      (query.rank === 3 || query.rank === 2) && query.shape[query.rank - 1] === E,
    );
    expectInput(
      d,
      key,
      `key with ${this.kdim} features and the query's rank`,
      key.rank === query.rank && key.shape[key.rank - 1] === this.kdim,
    );
    expectInput(
      d,
      value,
      `value with ${this.vdim} features and the key's shape but the last`,
      value.rank === key.rank &&
        value.shape[value.rank - 1] === this.vdim &&
        value.shape.slice(0, -1).every((s, i) => s === key.shape[i]),
    );
    // batch first internally: (N, L, E)
    const bf = (t: Tensor) => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const same = query === key && key === value;
    const xq = bf(query);
    const [xk, xv] = same ? [xq, xq] : [bf(key), bf(value)];
    const N = xq.shape[0];
    const L = xq.shape[1];
    if (xk.shape[0] !== N) {
      throw new ShapeError(
        `${op}: query ${fmtShape(query.shape)} and key ${fmtShape(key.shape)} have different batch sizes`,
      );
    }
    let [q, k, v] = this.project(xq, xk, xv);
    const dtype = q.dtype;
    let attnMask = o.attnMask ?? null;
    let padMask = o.keyPaddingMask ?? null;
    if (this.bias_k && this.bias_v) {
      k = concat([k, this.bias_k.expand([N, 1, E])], 1);
      v = concat([v, this.bias_v.expand([N, 1, E])], 1);
      // the extra key position is never masked
      const padLast = (m: Tensor) => m.pad(m.shape.map((_, i) => (i === m.rank - 1 ? [0, 1] : [0, 0])));
      if (attnMask) attnMask = padLast(attnMask);
      if (padMask) padMask = padLast(padMask);
    }
    const S = k.shape[1];
    const H = this.numHeads;
    const heads = (t: Tensor, len: number) => t.reshape([N, len, H, this.headDim]).transpose(1, 2);
    let mask: Tensor | null = null;
    if (attnMask) {
      const ok =
        (attnMask.rank === 2 && attnMask.shape[0] === L && attnMask.shape[1] === S) ||
        (attnMask.rank === 3 &&
          attnMask.shape[0] === N * H &&
          attnMask.shape[1] === L &&
          attnMask.shape[2] === S);
      if (!ok) {
        throw new ShapeError(
          `${op}: attnMask must be (${L}, ${S}) or (${N * H}, ${L}, ${S}) (L, S or N·numHeads, L, S), got ${fmtShape(attnMask.shape)}`,
        );
      }
      mask = additive(op, "attnMask", attnMask, dtype);
      if (mask.rank === 3) mask = mask.reshape([N, H, L, S]);
    } else if (o.isCausal) {
      mask = additive(op, "causal mask", causalMask(L, S).logicalNot(), dtype);
    }
    if (padMask) {
      const want = batched ? [N, S] : [S];
      if (padMask.rank !== want.length || padMask.shape.some((s, i) => s !== want[i])) {
        throw new ShapeError(
          `${op}: keyPaddingMask must be (${want.join(", ")}), got ${fmtShape(padMask.shape)}`,
        );
      }
      const pad = additive(op, "keyPaddingMask", padMask, dtype).reshape([N, 1, 1, S]);
      mask = mask ? mask.add(pad) : pad;
    }
    const r = attentionWithWeights(heads(q, L), heads(k, S), heads(v, S), {
      attnMask: mask,
      dropoutP: this.training ? this.dropout : 0,
      generator: this.generator.generator,
    });
    let out = this.out_proj.forward(r.output.transpose(1, 2).reshape([N, L, E]));
    out = !batched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    if (o.needWeights === false) return [out, null];
    let w = o.averageAttnWeights === false ? r.weights : r.weights.mean(1);
    if (!batched) w = w.squeeze(0);
    return [out, w];
  }

  /**
   * The attention output alone; self-attention when only the query is given.
   * @example
   * const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
   * mha.forward(randn([2, 5, 8])).shape; // [2, 5, 8]
   */
  forward(query: Tensor, key: Tensor = query, value: Tensor = key): Tensor {
    return this.run(query, key, value, { needWeights: false })[0];
  }

  override describe(): string {
    const extra = [
      this.kdim !== this.embedDim ? `kdim=${this.kdim}` : "",
      this.vdim !== this.embedDim ? `vdim=${this.vdim}` : "",
      this.batchFirst ? "batchFirst" : "",
    ].filter(Boolean);
    return `MultiheadAttention(${this.embedDim}, heads=${this.numHeads}${extra.length ? `, ${extra.join(", ")}` : ""})`;
  }
}
