import type { DType } from "../../base/dtype.js";
import { ValueError } from "../../base/errors.js";
import { keep } from "../../core/memory.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { fromHost } from "../../ops/creation.js";
import { normal } from "../init.js";
import { Module, expectInput } from "../module.js";
import { parameter } from "../parameter.js";
import { Dropout } from "./dropout.js";

/**
 * Options of the positional encodings.
 * @example
 * const options: PositionalOptions = { batchFirst: true, dropout: 0.1 };
 * new nn.SinusoidalPositionalEncoding(16, options).forward(zeros([2, 5, 16])).shape; // [2, 5, 16]
 */
export interface PositionalOptions {
  /** Inputs are (N, L, E) instead of (L, N, E) (default false, as the transformer layers). */
  batchFirst?: boolean;
  /** Dropout after adding the positions, in training (default 0). */
  dropout?: number;
  dtype?: DType;
  generator?: Generator;
}

function checkDims(op: string, dModel: number, maxLen: number): void {
  for (const [name, v] of [
    ["dModel", dModel],
    ["maxLen", maxLen],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ValueError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
}

/**
 * The fixed sinusoidal position encoding of "Attention Is All You Need" added to the input:
 * PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(t / 10000^(2i/d)), then dropout. Nothing is
 * learned and nothing enters the state dict (PyTorch's tutorial keeps it as a buffer `pe`; here it
 * is computed on first use and kept, so state dicts stay those of the learnable layers).
 * @example
 * const pos = new nn.SinusoidalPositionalEncoding(4);
 * pos.encoding(2).toArray(); // [[0, 1, 0, 1], [0.8415, 0.5403, 0.0100, 0.9999]]
 * pos.forward(zeros([3, 2, 4])).shape; // [3, 2, 4]: (L, N, E)
 */
export class SinusoidalPositionalEncoding extends Module {
  drop: Dropout;
  readonly batchFirst: boolean;
  private readonly cache: { table: Tensor | null } = { table: null };
  private readonly dtype: DType;

  constructor(
    readonly dModel: number,
    options: PositionalOptions & { maxLen?: number } = {},
  ) {
    super();
    checkDims("SinusoidalPositionalEncoding", dModel, options.maxLen ?? 1);
    this.batchFirst = options.batchFirst ?? false;
    this.drop = new Dropout(options.dropout ?? 0, { generator: options.generator });
    this.dtype = options.dtype ?? "float32";
  }

  /** The (length, dModel) table for positions offset … offset + length − 1. */
  encoding(length: number, offset = 0): Tensor {
    const need = offset + length;
    if (!this.cache.table || this.cache.table.shape[0] < need) {
      const rows = Math.max(need, 2 * (this.cache.table?.shape[0] ?? 0), 64);
      const d = this.dModel;
      const data = new Float64Array(rows * d);
      for (let t = 0; t < rows; t++) {
        for (let i = 0; i < d; i += 2) {
          const angle = t / 10000 ** (i / d);
          data[t * d + i] = Math.sin(angle);
          if (i + 1 < d) data[t * d + i + 1] = Math.cos(angle);
        }
      }
      this.cache.table?.dispose();
      this.cache.table = keep(fromHost(data, [rows, d], this.dtype));
    }
    return this.cache.table.slice(0, offset, need);
  }

  forward(x: Tensor): Tensor {
    expectInput(
      this.describe(),
      x,
      `(L, N, ${this.dModel}) or (N, L, ${this.dModel}) with batchFirst`,
      x.rank === 3 && x.shape[2] === this.dModel,
    );
    const L = x.shape[this.batchFirst ? 1 : 0];
    const pe = this.encoding(L);
    return this.drop.forward(x.add(this.batchFirst ? pe : pe.unsqueeze(1)));
  }

  override describe(): string {
    return `SinusoidalPositionalEncoding(${this.dModel})`;
  }
}

/**
 * A learned absolute position embedding (GPT-2's `wpe`): a `weight` (maxLen, dModel), initialised
 * N(0, 0.02²) as GPT-2, whose first L rows are added to an input of L positions.
 * @example
 * const pos = new nn.LearnedPositionalEmbedding(128, 16, { batchFirst: true });
 * pos.forward(zeros([2, 10, 16])).shape; // [2, 10, 16]
 * Object.keys(pos.stateDict()); // ["weight"]
 */
export class LearnedPositionalEmbedding extends Module {
  weight: Tensor;
  drop: Dropout;
  readonly batchFirst: boolean;

  constructor(
    readonly maxLen: number,
    readonly dModel: number,
    options: PositionalOptions = {},
  ) {
    super();
    checkDims("LearnedPositionalEmbedding", dModel, maxLen);
    this.weight = parameter(
      normal([maxLen, dModel], { std: 0.02, dtype: options.dtype, generator: options.generator }),
    );
    this.batchFirst = options.batchFirst ?? false;
    this.drop = new Dropout(options.dropout ?? 0, { generator: options.generator });
  }

  /** The (length, dModel) embeddings of positions offset … offset + length − 1. */
  encoding(length: number, offset = 0): Tensor {
    if (offset + length > this.maxLen) {
      throw new ValueError(
        `LearnedPositionalEmbedding: positions up to ${offset + length} exceed maxLen ${this.maxLen}`,
      );
    }
    return this.weight.slice(0, offset, offset + length);
  }

  forward(x: Tensor): Tensor {
    expectInput(
      this.describe(),
      x,
      `(L, N, ${this.dModel}) or (N, L, ${this.dModel}) with batchFirst`,
      x.rank === 3 && x.shape[2] === this.dModel,
    );
    const pe = this.encoding(x.shape[this.batchFirst ? 1 : 0]);
    return this.drop.forward(x.add(this.batchFirst ? pe : pe.unsqueeze(1)));
  }

  override describe(): string {
    return `LearnedPositionalEmbedding(${this.maxLen}, ${this.dModel})`;
  }
}
