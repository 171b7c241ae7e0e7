import type { DType } from "../../base/dtype.js";
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { noGrad } from "../../core/grad_mode.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { fromHost } from "../../ops/creation.js";
import { embedding, paddingRow } from "../../ops/embedding.js";
import { normal } from "../init.js";
import { Module, expectInput } from "../module.js";
import { parameter } from "../parameter.js";

/**
 * Options of `Embedding`.
 * @example
 * const emb = new nn.Embedding(1000, 64, { paddingIdx: 0, maxNorm: 1 });
 * emb.forward(tensor([0, 5], { dtype: "int32" })).norm(2, 1).toArray(); // [0, 1]: the padding row is zero, row 5 rescaled to norm 1
 */
export interface EmbeddingLayerOptions {
  /** This row starts at zero and never gets a gradient: use it for padding (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up with a larger norm are rescaled to norm `maxNorm` in place, as PyTorch. */
  maxNorm?: number | null;
  /** The p of the p-norm for `maxNorm` (default 2). */
  normType?: number;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Generator for the initial weights (default: the library-wide one). */
  generator?: Generator;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, as `torch.nn.Embedding`: int32
 * indices of any shape [...] give [..., embeddingDim]. `weight` [V, D] is initialised N(0, 1), with
 * the `paddingIdx` row zeroed.
 * @example
 * const emb = new nn.Embedding(128, 16, { paddingIdx: 0 });
 * emb.forward(tensor([[5, 7, 0]], { dtype: "int32" })).shape // [1, 3, 16]
 */
export class Embedding extends Module {
  weight: Tensor;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingLayerOptions = {},
  ) {
    super();
    for (const [what, v] of [
      ["numEmbeddings", numEmbeddings],
      ["embeddingDim", embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`Embedding: ${what} must be a positive integer, got ${v}`);
    }
    this.paddingIdx = paddingRow("Embedding", options.paddingIdx, numEmbeddings);
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    let w = normal([numEmbeddings, embeddingDim], { dtype: options.dtype, generator: options.generator });
    if (this.paddingIdx !== null && w.backend.asyncReads) {
      // no synchronous read on a GPU: zero the padding row with a mask instead
      const mask = new Float32Array(numEmbeddings * embeddingDim).fill(1);
      mask.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
      const zeroed = w.mul(fromHost(mask, w.shape, w.dtype));
      w.dispose();
      w = zeroed;
    } else if (this.paddingIdx !== null) {
      const values = w.dataSync();
      values.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
      const zeroed = fromHost(values, w.shape, w.dtype);
      w.dispose();
      w = zeroed;
    }
    this.weight = parameter(w);
  }

  /**
   * An embedding holding the rows of `weights` [V, D]; frozen (no gradient) unless `freeze` is false.
   * @example
   * const vectors = tensor([[0, 0], [1, 2], [3, 4]]); // e.g. word vectors trained elsewhere
   * const emb = nn.Embedding.fromPretrained(vectors, { freeze: true });
   * emb.forward(tensor([2], { dtype: "int32" })).toArray(); // [[3, 4]]
   * emb.weight.requiresGrad; // false: frozen
   */
  static fromPretrained(
    weights: Tensor,
    options: Omit<EmbeddingLayerOptions, "dtype" | "generator"> & { freeze?: boolean } = {},
  ): Embedding {
    if (weights.rank !== 2) {
      throw new ShapeError(
        `Embedding.fromPretrained: weights must be 2-D (V, D), got ${fmtShape(weights.shape)}`,
      );
    }
    const emb = new Embedding(weights.shape[0], weights.shape[1], { ...options, dtype: weights.dtype });
    emb.weight.assign(noGrad(() => weights.contiguous().clone()));
    if (options.freeze ?? true) emb.weight.requiresGrad_(false);
    return emb;
  }

  forward(indices: Tensor): Tensor {
    expectInput(this.describe(), indices, "of int32 indices", indices.dtype === "int32");
    return embedding(indices, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      name: this.describe(),
    });
  }

  override describe(): string {
    const extras: string[] = [];
    if (this.paddingIdx !== null) extras.push(`paddingIdx=${this.paddingIdx}`);
    if (this.maxNorm !== null) extras.push(`maxNorm=${this.maxNorm}`);
    return `Embedding(${this.numEmbeddings}, ${this.embeddingDim}${extras.map((e) => `, ${e}`).join("")})`;
  }
}
