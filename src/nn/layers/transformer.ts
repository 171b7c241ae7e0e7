import type { DType } from "../../base/dtype.js";
import { ArgumentError, ValueError } from "../../base/errors.js";
import { checkOptions } from "../../core/args.js";
import { noGrad } from "../../core/grad_mode.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { gelu, relu } from "../../ops/activation.js";
import { fromHost } from "../../ops/creation.js";
import { xavierUniform } from "../init.js";
import { Module } from "../module.js";
import { MultiheadAttention } from "./attention.js";
import { Dropout } from "./dropout.js";
import { Linear } from "./linear.js";
import { LayerNorm } from "./norm.js";

/**
 * Options of the transformer layers (PyTorch's keyword arguments and defaults, camelCase).
 * @example
 * const options: TransformerLayerOptions = { dimFeedforward: 64, dropout: 0, activation: "gelu", normFirst: true, batchFirst: true };
 * new nn.TransformerEncoderLayer(16, 4, options).forward(randn([2, 7, 16])).shape; // [2, 7, 16]
 */
export interface TransformerLayerOptions {
  /** Width of the feed-forward network (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward network, and on attention weights (default 0.1). */
  dropout?: number;
  /** The feed-forward activation: "relu" (default), "gelu" (exact, erf) or a function. */
  activation?: "relu" | "gelu" | ((x: Tensor) => Tensor);
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and outputs (N, L, E) instead of (L, N, E) (default false, as PyTorch). */
  batchFirst?: boolean;
  /** Pre-norm (x + f(norm(x))) instead of post-norm (norm(x + f(x))) (default false, as PyTorch). */
  normFirst?: boolean;
  /** Biases in the linear layers, attention and norms (default true). */
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

const LAYER_KEYS = [
  "dimFeedforward",
  "dropout",
  "activation",
  "layerNormEps",
  "batchFirst",
  "normFirst",
  "bias",
  "dtype",
  "generator",
] as const;

/** The checked layer options with defaults filled in. */
function layerOptions(op: string, dModel: number, nhead: number, options: TransformerLayerOptions) {
  const o = checkOptions(op, "options", options, LAYER_KEYS) as TransformerLayerOptions;
  for (const [name, v] of [
    ["dModel", dModel],
    ["nhead", nhead],
    ["dimFeedforward", o.dimFeedforward ?? 2048],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ValueError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
  const activation = o.activation ?? "relu";
  if (activation !== "relu" && activation !== "gelu" && typeof activation !== "function") {
    throw new ArgumentError(
      `${op}: activation must be "relu", "gelu" or a function, got ${String(activation)}`,
    );
  }
  return {
    dimFeedforward: o.dimFeedforward ?? 2048,
    dropout: o.dropout ?? 0.1,
    activation,
    layerNormEps: o.layerNormEps ?? 1e-5,
    batchFirst: o.batchFirst ?? false,
    normFirst: o.normFirst ?? false,
    bias: o.bias ?? true,
    dtype: o.dtype,
    generator: o.generator,
  };
}

type LayerConfig = ReturnType<typeof layerOptions>;

function activate(config: LayerConfig, x: Tensor): Tensor {
  const a = config.activation;
  return a === "relu" ? relu(x) : a === "gelu" ? gelu(x) : a(x);
}

/**
 * One encoder block (Vaswani et al. 2017), as `torch.nn.TransformerEncoderLayer`: self-attention and
 * a feed-forward network, each with dropout, a residual connection and layer norm (after, or before
 * with `normFirst`). Submodules carry PyTorch's names (`self_attn`, `linear1`, `dropout`, `linear2`,
 * `norm1`, `norm2`, `dropout1`, `dropout2`), so a PyTorch state dict loads strictly.
 * `forward(src, srcMask?, srcKeyPaddingMask?)`: masks as `MultiheadAttention`'s (bool true = blocked).
 * @example
 * const layer = new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64 });
 * const src = randn([10, 2, 32]); // (L, N, E)
 * layer.forward(src, nn.Transformer.generateSquareSubsequentMask(10)).shape; // [10, 2, 32]
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly config: LayerConfig;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    const c = layerOptions("TransformerEncoderLayer", dModel, nhead, options);
    this.config = c;
    const { bias, dtype, generator } = c;
    this.self_attn = new MultiheadAttention(dModel, nhead, {
      dropout: c.dropout,
      bias,
      batchFirst: true,
      dtype,
      generator,
    });
    this.linear1 = new Linear(dModel, c.dimFeedforward, { bias, dtype, generator });
    this.dropout = new Dropout(c.dropout, { generator });
    this.linear2 = new Linear(c.dimFeedforward, dModel, { bias, dtype, generator });
    this.norm1 = new LayerNorm(dModel, { eps: c.layerNormEps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: c.layerNormEps, bias, dtype });
    this.dropout1 = new Dropout(c.dropout, { generator });
    this.dropout2 = new Dropout(c.dropout, { generator });
  }

  /** Runs batch first (N, L, E) inside. */
  encode(x: Tensor, srcMask: Tensor | null, srcKeyPaddingMask: Tensor | null): Tensor {
    const sa = (h: Tensor) =>
      this.dropout1.forward(
        this.self_attn.run(h, h, h, {
          attnMask: srcMask,
          keyPaddingMask: srcKeyPaddingMask,
          needWeights: false,
        })[0],
      );
    const ff = (h: Tensor) =>
      this.dropout2.forward(
        this.linear2.forward(this.dropout.forward(activate(this.config, this.linear1.forward(h)))),
      );
    if (this.config.normFirst) {
      const y = x.add(sa(this.norm1.forward(x)));
      return y.add(ff(this.norm2.forward(y)));
    }
    const y = this.norm1.forward(x.add(sa(x)));
    return this.norm2.forward(y.add(ff(y)));
  }

  forward(src: Tensor, srcMask: Tensor | null = null, srcKeyPaddingMask: Tensor | null = null): Tensor {
    const swap = !this.config.batchFirst && src.rank === 3;
    const y = this.encode(swap ? src.transpose(0, 1) : src, srcMask, srcKeyPaddingMask);
    return swap ? y.transpose(0, 1) : y;
  }

  override describe(): string {
    return `TransformerEncoderLayer(${this.dModel}, nhead=${this.nhead}, ff=${this.config.dimFeedforward}${this.config.normFirst ? ", normFirst" : ""})`;
  }
}

/**
 * One decoder block, as `torch.nn.TransformerDecoderLayer`: masked self-attention, attention over the
 * encoder's output (`memory`) and a feed-forward network, each with dropout, a residual connection
 * and layer norm. Submodules `self_attn`, `multihead_attn`, `linear1`, `dropout`, `linear2`,
 * `norm1`–`norm3`, `dropout1`–`dropout3`.
 * @example
 * const layer = new nn.TransformerDecoderLayer(16, 2, { dimFeedforward: 32, batchFirst: true });
 * const tgt = randn([2, 5, 16]), memory = randn([2, 7, 16]);
 * layer.forward(tgt, memory, nn.Transformer.generateSquareSubsequentMask(5)).shape; // [2, 5, 16]
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly config: LayerConfig;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    const c = layerOptions("TransformerDecoderLayer", dModel, nhead, options);
    this.config = c;
    const { bias, dtype, generator } = c;
    const attn = () =>
      new MultiheadAttention(dModel, nhead, { dropout: c.dropout, bias, batchFirst: true, dtype, generator });
    this.self_attn = attn();
    this.multihead_attn = attn();
    this.linear1 = new Linear(dModel, c.dimFeedforward, { bias, dtype, generator });
    this.dropout = new Dropout(c.dropout, { generator });
    this.linear2 = new Linear(c.dimFeedforward, dModel, { bias, dtype, generator });
    const norm = () => new LayerNorm(dModel, { eps: c.layerNormEps, bias, dtype });
    this.norm1 = norm();
    this.norm2 = norm();
    this.norm3 = norm();
    this.dropout1 = new Dropout(c.dropout, { generator });
    this.dropout2 = new Dropout(c.dropout, { generator });
    this.dropout3 = new Dropout(c.dropout, { generator });
  }

  /** Runs batch first (N, L, E) inside. */
  decode(x: Tensor, memory: Tensor, masks: DecoderMasks): Tensor {
    const sa = (h: Tensor) =>
      this.dropout1.forward(
        this.self_attn.run(h, h, h, {
          attnMask: masks.tgtMask,
          keyPaddingMask: masks.tgtKeyPaddingMask,
          needWeights: false,
        })[0],
      );
    const mha = (h: Tensor) =>
      this.dropout2.forward(
        this.multihead_attn.run(h, memory, memory, {
          attnMask: masks.memoryMask,
          keyPaddingMask: masks.memoryKeyPaddingMask,
          needWeights: false,
        })[0],
      );
    const ff = (h: Tensor) =>
      this.dropout3.forward(
        this.linear2.forward(this.dropout.forward(activate(this.config, this.linear1.forward(h)))),
      );
    if (this.config.normFirst) {
      let y = x.add(sa(this.norm1.forward(x)));
      y = y.add(mha(this.norm2.forward(y)));
      return y.add(ff(this.norm3.forward(y)));
    }
    let y = this.norm1.forward(x.add(sa(x)));
    y = this.norm2.forward(y.add(mha(y)));
    return this.norm3.forward(y.add(ff(y)));
  }

  forward(
    tgt: Tensor,
    memory: Tensor,
    tgtMask: Tensor | null = null,
    memoryMask: Tensor | null = null,
    tgtKeyPaddingMask: Tensor | null = null,
    memoryKeyPaddingMask: Tensor | null = null,
  ): Tensor {
    const swap = !this.config.batchFirst && tgt.rank === 3;
    const t = (x: Tensor) => (swap ? x.transpose(0, 1) : x);
    return t(
      this.decode(t(tgt), t(memory), { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask }),
    );
  }

  override describe(): string {
    return `TransformerDecoderLayer(${this.dModel}, nhead=${this.nhead}, ff=${this.config.dimFeedforward}${this.config.normFirst ? ", normFirst" : ""})`;
  }
}

interface DecoderMasks {
  tgtMask: Tensor | null;
  memoryMask: Tensor | null;
  tgtKeyPaddingMask: Tensor | null;
  memoryKeyPaddingMask: Tensor | null;
}

/** numLayers copies of `layer` (the first is `layer` itself), with its weights, as PyTorch's deepcopy. */
function clones<T extends TransformerEncoderLayer | TransformerDecoderLayer>(
  op: string,
  layer: T,
  numLayers: number,
  make: (dModel: number, nhead: number, options: TransformerLayerOptions) => T,
): T[] {
  if (!Number.isInteger(numLayers) || numLayers <= 0) {
    throw new ValueError(`${op}: numLayers must be a positive integer, got ${numLayers}`);
  }
  const out = [layer];
  const state = layer.stateDict();
  for (let i = 1; i < numLayers; i++) {
    const copy = make(layer.dModel, layer.nhead, { ...layer.config, dtype: layer.linear1.weight.dtype });
    copy.loadStateDict(state);
    copy.train(layer.training);
    out.push(copy);
  }
  return out;
}

/**
 * A stack of `numLayers` encoder layers, as `torch.nn.TransformerEncoder(encoder_layer, num_layers,
 * norm)`: the layer is copied (same initial weights, as PyTorch's deepcopy) into `layers.0`, `layers.1`,
 * ..., and an optional final `norm` is applied.
 * @example
 * const layer = new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 32, batchFirst: true });
 * const encoder = new nn.TransformerEncoder(layer, 3, new nn.LayerNorm(16));
 * encoder.forward(randn([2, 6, 16])).shape; // [2, 6, 16]
 * Object.keys(encoder.stateDict())[0]; // "layers.0.self_attn.in_proj_weight"
 */
export class TransformerEncoder extends Module {
  layers: TransformerEncoderLayer[];
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, norm: Module | null = null) {
    super();
    this.layers = clones(
      "TransformerEncoder",
      encoderLayer,
      numLayers,
      (d, h, o) => new TransformerEncoderLayer(d, h, o),
    );
    this.norm = norm;
  }

  forward(src: Tensor, mask: Tensor | null = null, srcKeyPaddingMask: Tensor | null = null): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, mask, srcKeyPaddingMask);
    return this.norm ? this.norm.forward(x) : x;
  }

  override describe(): string {
    return `TransformerEncoder(${this.layers.length} layers)`;
  }
}

/**
 * A stack of `numLayers` decoder layers, as `torch.nn.TransformerDecoder(decoder_layer, num_layers,
 * norm)`; `forward(tgt, memory, tgtMask?, memoryMask?, tgtKeyPaddingMask?, memoryKeyPaddingMask?)`.
 * @example
 * const layer = new nn.TransformerDecoderLayer(16, 2, { dimFeedforward: 32 });
 * const decoder = new nn.TransformerDecoder(layer, 2);
 * decoder.forward(randn([5, 3, 16]), randn([8, 3, 16])).shape; // [5, 3, 16]
 */
export class TransformerDecoder extends Module {
  layers: TransformerDecoderLayer[];
  norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, norm: Module | null = null) {
    super();
    this.layers = clones(
      "TransformerDecoder",
      decoderLayer,
      numLayers,
      (d, h, o) => new TransformerDecoderLayer(d, h, o),
    );
    this.norm = norm;
  }

  forward(
    tgt: Tensor,
    memory: Tensor,
    tgtMask: Tensor | null = null,
    memoryMask: Tensor | null = null,
    tgtKeyPaddingMask: Tensor | null = null,
    memoryKeyPaddingMask: Tensor | null = null,
  ): Tensor {
    let x = tgt;
    for (const layer of this.layers) {
      x = layer.forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    }
    return this.norm ? this.norm.forward(x) : x;
  }

  override describe(): string {
    return `TransformerDecoder(${this.layers.length} layers)`;
  }
}

/**
 * Options of `Transformer`: PyTorch's defaults (dModel 512, nhead 8, 6 + 6 layers, ...).
 * @example
 * const options: TransformerOptions = { dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 };
 * new nn.Transformer(options).numParameters(); // 5632
 */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Features of every position (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
}

/**
 * The encoder–decoder transformer, as `torch.nn.Transformer`: `encoder` (with a final LayerNorm) and
 * `decoder` (likewise), every weight matrix re-initialised Xavier-uniform as PyTorch does.
 * `forward(src, tgt, srcMask?, tgtMask?, memoryMask?, srcKeyPaddingMask?, tgtKeyPaddingMask?,
 * memoryKeyPaddingMask?)`.
 * @example
 * const model = new nn.Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, batchFirst: true });
 * const src = randn([2, 9, 16]), tgt = randn([2, 4, 16]);
 * model.forward(src, tgt, null, nn.Transformer.generateSquareSubsequentMask(4)).shape; // [2, 4, 16]
 */
export class Transformer extends Module {
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options: TransformerOptions = {}) {
    super();
    const {
      dModel = 512,
      nhead = 8,
      numEncoderLayers = 6,
      numDecoderLayers = 6,
      ...layer
    } = checkOptions("Transformer", "options", options, [
      ...LAYER_KEYS,
      "dModel",
      "nhead",
      "numEncoderLayers",
      "numDecoderLayers",
    ]) as TransformerOptions;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layer.batchFirst ?? false;
    const norm = () =>
      new LayerNorm(dModel, { eps: layer.layerNormEps ?? 1e-5, bias: layer.bias, dtype: layer.dtype });
    this.encoder = new TransformerEncoder(
      new TransformerEncoderLayer(dModel, nhead, layer),
      numEncoderLayers,
      norm(),
    );
    this.decoder = new TransformerDecoder(
      new TransformerDecoderLayer(dModel, nhead, layer),
      numDecoderLayers,
      norm(),
    );
    noGrad(() => {
      for (const p of this.parameters()) {
        if (p.rank > 1) p.assign(xavierUniform(p.shape, { dtype: p.dtype, generator: layer.generator }));
      }
    });
  }

  forward(
    src: Tensor,
    tgt: Tensor,
    srcMask: Tensor | null = null,
    tgtMask: Tensor | null = null,
    memoryMask: Tensor | null = null,
    srcKeyPaddingMask: Tensor | null = null,
    tgtKeyPaddingMask: Tensor | null = null,
    memoryKeyPaddingMask: Tensor | null = null,
  ): Tensor {
    const memory = this.encoder.forward(src, srcMask, srcKeyPaddingMask);
    return this.decoder.forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
  }

  /**
   * PyTorch's float causal mask (n, n): 0 on and below the diagonal, −Infinity above, to add to the
   * scores (`causalMask` in `nn.functional` gives the bool form).
   * @example
   * nn.Transformer.generateSquareSubsequentMask(3).toArray(); // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
   */
  static generateSquareSubsequentMask(n: number, options: { dtype?: DType } = {}): Tensor {
    if (!Number.isInteger(n) || n < 0) {
      throw new ValueError(`Transformer.generateSquareSubsequentMask: n must be an integer ≥ 0, got ${n}`);
    }
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) data[i * n + j] = Number.NEGATIVE_INFINITY;
    return fromHost(data, [n, n], options.dtype ?? "float32");
  }

  override describe(): string {
    return `Transformer(${this.dModel}, nhead=${this.nhead})`;
  }
}
