import type { DType } from "../base/dtype.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { checkOptions } from "../core/args.js";
import { noGrad } from "../core/grad_mode.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { gelu } from "../ops/activation.js";
import { causalMask, scaledDotProductAttention } from "../ops/attention.js";
import { zeros } from "../ops/creation.js";
import { concat } from "../ops/movement.js";
import { Dropout } from "../nn/layers/dropout.js";
import { Embedding } from "../nn/layers/embedding.js";
import { LayerNorm } from "../nn/layers/norm.js";
import { Linear } from "../nn/layers/linear.js";
import { normal } from "../nn/init.js";
import { Module } from "../nn/module.js";

/**
 * Options of `GPT`.
 * @example
 * const options: GPTOptions = { vocabSize: 65, blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 32 };
 * new models.GPT(options).numParameters(); // 31680
 */
export interface GPTOptions {
  /** Number of distinct tokens. */
  vocabSize: number;
  /** Longest context, in tokens: the rows of the position embedding `wpe`. */
  blockSize: number;
  /** Transformer blocks (default 4). */
  nLayer?: number;
  /** Attention heads per block (default 4). */
  nHead?: number;
  /** Width of the residual stream (default 128). */
  nEmbd?: number;
  /** Dropout on embeddings, attention weights and residual branches while training (default 0). */
  dropout?: number;
  /** Biases in the linear layers and layer norms (default true). */
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Keys and values of every block for the positions seen so far, so that generating the next token
 * costs one position's work instead of re-encoding the whole context. Made by `GPT.step`.
 * @example
 * const gpt = new models.GPT({ vocabSize: 10, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 8 });
 * const { cache } = gpt.step(tensor([[1, 2, 3]], { dtype: "int32" }), null);
 * [cache.length, cache.layers[0].k.shape]; // [3, [1, 2, 3, 4]]
 */
export interface KVCache {
  /** Per block: keys and values (N, heads, length, headDim). */
  layers: { k: Tensor; v: Tensor }[];
  /** Positions cached. */
  length: number;
}

/** GPT-2's causal self-attention: one `c_attn` projection to q, k, v, then `c_proj`. */
class CausalSelfAttention extends Module {
  c_attn: Linear;
  c_proj: Linear;
  resid_dropout: Dropout;

  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
    readonly dropout: number,
    options: { bias: boolean; dtype?: DType; generator?: Generator },
  ) {
    super();
    this.c_attn = new Linear(nEmbd, 3 * nEmbd, options);
    this.c_proj = new Linear(nEmbd, nEmbd, options);
    this.resid_dropout = new Dropout(dropout, { generator: options.generator });
  }

  /** x (N, T, E) after `past` cached positions: the output and the keys/values including these. */
  attend(x: Tensor, past: { k: Tensor; v: Tensor } | null): [Tensor, { k: Tensor; v: Tensor }] {
    const [N, T, E] = x.shape;
    const H = this.nHead;
    const heads = (t: Tensor) => t.reshape([N, T, H, E / H]).transpose(1, 2);
    const [q, k0, v0] = this.c_attn.forward(x).split(E, -1).map(heads);
    const k = past ? concat([past.k, k0], 2) : k0;
    const v = past ? concat([past.v, v0], 2) : v0;
    const S = k.shape[2];
    const y = scaledDotProductAttention(q, k, v, {
      // the T new queries are the last T of S positions
      attnMask: T === 1 ? null : causalMask(T, S, S - T),
      dropoutP: this.training ? this.dropout : 0,
    });
    return [this.resid_dropout.forward(this.c_proj.forward(y.transpose(1, 2).reshape([N, T, E]))), { k, v }];
  }

  forward(x: Tensor): Tensor {
    return this.attend(x, null)[0];
  }
}

/** GPT-2's feed-forward network: `c_fc` (E → 4E), GELU (tanh form), `c_proj` (4E → E), dropout. */
class MLP extends Module {
  c_fc: Linear;
  c_proj: Linear;
  dropout: Dropout;

  constructor(
    nEmbd: number,
    dropout: number,
    options: { bias: boolean; dtype?: DType; generator?: Generator },
  ) {
    super();
    this.c_fc = new Linear(nEmbd, 4 * nEmbd, options);
    this.c_proj = new Linear(4 * nEmbd, nEmbd, options);
    this.dropout = new Dropout(dropout, { generator: options.generator });
  }

  forward(x: Tensor): Tensor {
    // GPT-2's GELU is the tanh approximation (and tanh has a SIMD kernel, erf does not)
    return this.dropout.forward(this.c_proj.forward(gelu(this.c_fc.forward(x), "tanh")));
  }
}

/** A pre-norm block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
class Block extends Module {
  ln_1: LayerNorm;
  attn: CausalSelfAttention;
  ln_2: LayerNorm;
  mlp: MLP;

  constructor(
    nEmbd: number,
    nHead: number,
    dropout: number,
    options: { bias: boolean; dtype?: DType; generator?: Generator },
  ) {
    super();
    this.ln_1 = new LayerNorm(nEmbd, { bias: options.bias, dtype: options.dtype });
    this.attn = new CausalSelfAttention(nEmbd, nHead, dropout, options);
    this.ln_2 = new LayerNorm(nEmbd, { bias: options.bias, dtype: options.dtype });
    this.mlp = new MLP(nEmbd, dropout, options);
  }

  step(x: Tensor, past: { k: Tensor; v: Tensor } | null): [Tensor, { k: Tensor; v: Tensor }] {
    const [a, kv] = this.attn.attend(this.ln_1.forward(x), past);
    const y = x.add(a);
    return [y.add(this.mlp.forward(this.ln_2.forward(y))), kv];
  }

  forward(x: Tensor): Tensor {
    return this.step(x, null)[0];
  }
}

/**
 * A decoder-only transformer language model in GPT-2's layout (Radford et al. 2019): token embedding
 * `wte` plus learned position embedding `wpe`, `nLayer` pre-norm blocks (`h.0`, `h.1`, ...: `ln_1`,
 * causal self-attention `attn.c_attn`/`attn.c_proj`, `ln_2`, GELU (tanh form, as GPT-2) MLP `mlp.c_fc`/`mlp.c_proj`), a
 * final `ln_f` and an unbiased `lm_head`; the names are nanoGPT's (PyTorch `nn.Linear` layout).
 * Initialised as GPT-2: weights N(0, 0.02²), residual projections N(0, (0.02/√(2·nLayer))²), zero
 * biases. `forward(ids (N, T) int32)` gives logits (N, T, vocabSize) for training; `step(ids, cache)`
 * runs new tokens after a `KVCache` for generation (see `generate`).
 * @example
 * const gpt = new models.GPT({ vocabSize: 50, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16 });
 * const ids = randint(0, 50, [4, 10]).int();
 * const logits = gpt.forward(ids); // (4, 10, 50)
 * const loss = nn.functional.crossEntropy(logits.slice(1, 0, 9).reshape([-1, 50]), ids.slice(1, 1, 10).reshape([-1]));
 * loss.backward();
 */
export class GPT extends Module {
  wte: Embedding;
  wpe: Embedding;
  drop: Dropout;
  h: Block[];
  ln_f: LayerNorm;
  lm_head: Linear;
  readonly vocabSize: number;
  readonly blockSize: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly nEmbd: number;

  constructor(options: GPTOptions) {
    super();
    const o = checkOptions("GPT", "options", options, [
      "vocabSize",
      "blockSize",
      "nLayer",
      "nHead",
      "nEmbd",
      "dropout",
      "bias",
      "dtype",
      "generator",
    ]) as unknown as GPTOptions;
    this.vocabSize = o.vocabSize;
    this.blockSize = o.blockSize;
    this.nLayer = o.nLayer ?? 4;
    this.nHead = o.nHead ?? 4;
    this.nEmbd = o.nEmbd ?? 128;
    for (const [name, v] of [
      ["vocabSize", this.vocabSize],
      ["blockSize", this.blockSize],
      ["nLayer", this.nLayer],
      ["nHead", this.nHead],
      ["nEmbd", this.nEmbd],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`GPT: ${name} must be a positive integer, got ${v}`);
    }
    if (this.nEmbd % this.nHead) {
      throw new ValueError(`GPT: nEmbd ${this.nEmbd} must be divisible by nHead ${this.nHead}`);
    }
    const dropout = o.dropout ?? 0;
    const { dtype, generator } = o;
    const lin = { bias: o.bias ?? true, dtype, generator };
    this.wte = new Embedding(this.vocabSize, this.nEmbd, { dtype, generator });
    this.wpe = new Embedding(this.blockSize, this.nEmbd, { dtype, generator });
    this.drop = new Dropout(dropout, { generator });
    this.h = Array.from({ length: this.nLayer }, () => new Block(this.nEmbd, this.nHead, dropout, lin));
    this.ln_f = new LayerNorm(this.nEmbd, { bias: lin.bias, dtype });
    this.lm_head = new Linear(this.nEmbd, this.vocabSize, { bias: false, dtype, generator });
    noGrad(() => {
      for (const [name, p] of this.namedParameters()) {
        if (name.startsWith("ln") || name.includes(".ln_")) continue;
        const std = name.endsWith("c_proj.weight") ? 0.02 / Math.sqrt(2 * this.nLayer) : 0.02;
        p.assign(
          name.endsWith("bias")
            ? zeros(p.shape, { dtype: p.dtype })
            : normal(p.shape, { std, dtype: p.dtype, generator }),
        );
      }
    });
  }

  /**
   * Logits for `ids` (N, T) that follow the `cache` (null: a fresh start), and the cache extended by
   * them. Positions continue from the cache, so `step` over a prompt and then one token at a time
   * computes what `forward` over the whole sequence computes.
   * @example
   * const gpt = new models.GPT({ vocabSize: 10, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 8 }).eval();
   * const ids = tensor([[1, 2, 3, 4]], { dtype: "int32" });
   * const first = gpt.step(ids.slice(1, 0, 3), null);
   * const next = gpt.step(ids.slice(1, 3, 4), first.cache);
   * next.logits.sub(gpt.forward(ids).slice(1, 3, 4)).abs().max().item() < 1e-5; // true
   */
  step(ids: Tensor, cache: KVCache | null): { logits: Tensor; cache: KVCache } {
    if (ids.rank !== 2 || ids.dtype !== "int32") {
      throw new ShapeError(`GPT: ids must be int32 (N, T), got ${ids.dtype} ${fmtShape(ids.shape)}`);
    }
    const T = ids.shape[1];
    const past = cache?.length ?? 0;
    if (past + T > this.blockSize) {
      throw new ValueError(
        `GPT: ${past} cached + ${T} new positions exceed blockSize ${this.blockSize}; crop the context (generate does)`,
      );
    }
    const pos = this.wpe.weight.slice(0, past, past + T);
    let x = this.drop.forward(this.wte.forward(ids).add(pos));
    const layers: { k: Tensor; v: Tensor }[] = [];
    for (let i = 0; i < this.h.length; i++) {
      const [y, kv] = this.h[i].step(x, cache?.layers[i] ?? null);
      x = y;
      layers.push(kv);
    }
    return { logits: this.lm_head.forward(this.ln_f.forward(x)), cache: { layers, length: past + T } };
  }

  forward(ids: Tensor): Tensor {
    return this.step(ids, null).logits;
  }

  override describe(): string {
    return `GPT(${this.nLayer} layers, ${this.nHead} heads, ${this.nEmbd} wide, context ${this.blockSize})`;
  }
}
