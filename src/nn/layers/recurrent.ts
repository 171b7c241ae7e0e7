import type { DType } from "../../base/dtype.js";
import { ValueError } from "../../base/errors.js";
import { keep } from "../../core/memory.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { concat } from "../../ops/movement.js";
import {
  type RecurrentMode,
  type RecurrentResult,
  type RecurrentWeights,
  gateCount,
  recurrent,
} from "../../ops/rnn.js";
import { uniform } from "../init.js";
import { Module, expectInput } from "../module.js";
import { parameter } from "../parameter.js";

/**
 * Options shared by `RNN`, `LSTM` and `GRU` (PyTorch's, plus Keras's `returnSequences` and `stateful`).
 * @example
 * const options: RecurrentLayerOptions = { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.2 };
 * const lstm = new nn.LSTM(32, 64, options);
 * lstm.forward(randn([4, 7, 32])).shape; // [4, 7, 128]
 */
export interface RecurrentLayerOptions {
  /** Stacked layers (default 1); layer k > 0 reads the outputs of layer k − 1. */
  numLayers?: number;
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** Input and output are [N, T, F] instead of [T, N, F] (states stay [layers·dirs, N, H]). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Also run every layer over the reversed sequence; outputs have 2·hidden features (default false). */
  bidirectional?: boolean;
  /**
   * What `forward` returns (default true): the whole output sequence, or with false only the final
   * hidden state of the top layer, [N, D·H] (for bidirectional: forward and reverse concatenated),
   * taken at each sequence's own last step when lengths are given.
   */
  returnSequences?: boolean;
  /**
   * Carry the final states of one call into the next as its initial states, detached from the graph
   * (truncated backpropagation through time in `fit`, as Keras's `stateful`). `resetStates()` clears
   * them; a batch of another size starts from zeros.
   */
  stateful?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Generator for the initial weights (default: the library-wide one). */
  generator?: Generator;
}

/**
 * Options of a layer's `run` call.
 * @example
 * const lstm = new nn.LSTM(4, 8), x = randn([5, 2, 4]); // the second sequence is padded after 3 steps
 * const options: RunOptions = { lengths: [5, 3] };
 * const [, [h]] = lstm.run(x, null, options);
 * const [, [h3]] = lstm.run(x.slice(0, 0, 3).slice(1, 1, 2), null); // the second alone, unpadded
 * h.select(1, 1).sub(h3.select(1, 0)).abs().max().item() < 1e-6; // true
 */
export interface RunOptions {
  /** Valid length of each sequence ([N] int32 or numbers): padding does not leak into the final states. */
  lengths?: Tensor | readonly number[];
}

/**
 * What RNN, LSTM and GRU share: PyTorch's parameters, named as PyTorch names them
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `..._reverse`), so a state dict
 * exchanges with `torch.nn.LSTM` through safetensors; all initialised U(−1/√hidden, 1/√hidden).
 * @example
 * const lstm = new nn.LSTM(10, 20);
 * Object.keys(lstm.stateDict()) // ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
 */
export abstract class RecurrentBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly returnSequences: boolean;
  readonly stateful: boolean;
  /** Parameter names per layer and direction: [weight_ih, weight_hh, bias_ih?, bias_hh?]. */
  private readonly names: string[][] = [];
  /** The detached final states a stateful layer carries (an object, so it is not taken for a buffer). */
  private carried: { h: Tensor; c: Tensor | null } | null = null;

  protected constructor(
    private readonly kind: string,
    protected readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentLayerOptions,
  ) {
    super();
    for (const [what, v] of [
      ["inputSize", inputSize],
      ["hiddenSize", hiddenSize],
      ["numLayers", options.numLayers ?? 1],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`${kind}: ${what} must be a positive integer, got ${v}`);
    }
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== "number" || !(dropout >= 0 && dropout <= 1)) {
      throw new ValueError(`${kind}: dropout must be in [0, 1], got ${dropout}`);
    }
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = dropout;
    this.bidirectional = options.bidirectional ?? false;
    this.returnSequences = options.returnSequences ?? true;
    this.stateful = options.stateful ?? false;
    const G = gateCount(mode);
    const bound = 1 / Math.sqrt(hiddenSize);
    const init = (shape: number[]) =>
      parameter(
        uniform(shape, { low: -bound, high: bound, dtype: options.dtype, generator: options.generator }),
      );
    const fields = this as unknown as Record<string, Tensor>;
    const dirs = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < dirs; d++) {
        const suffix = `_l${l}${d === 1 ? "_reverse" : ""}`;
        const inSize = l === 0 ? inputSize : dirs * hiddenSize;
        const names = [`weight_ih${suffix}`, `weight_hh${suffix}`];
        fields[names[0]] = init([G * hiddenSize, inSize]);
        fields[names[1]] = init([G * hiddenSize, hiddenSize]);
        if (this.bias) {
          names.push(`bias_ih${suffix}`, `bias_hh${suffix}`);
          fields[names[2]] = init([G * hiddenSize]);
          fields[names[3]] = init([G * hiddenSize]);
        }
        this.names.push(names);
      }
    }
  }

  /** Number of directions: 2 when bidirectional. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * The parameters of one layer and direction (the module's own tensors).
   * @example
   * const lstm = new nn.LSTM(10, 20, { bidirectional: true });
   * lstm.weights(0).weightHh.shape // [80, 20]: [4 · hidden, hidden]
   * lstm.weights(0, true).weightIh === lstm.weight_ih_l0_reverse; // true
   */
  weights(layer: number, reverse = false): RecurrentWeights {
    const k = layer * this.numDirections + (reverse ? 1 : 0);
    const names = this.names[k];
    if (
      !Number.isInteger(layer) ||
      layer < 0 ||
      layer >= this.numLayers ||
      (reverse && !this.bidirectional)
    ) {
      throw new ValueError(`${this.describe()}: no weights for layer ${layer}${reverse ? " (reverse)" : ""}`);
    }
    const fields = this as unknown as Record<string, Tensor>;
    return {
      weightIh: fields[names[0]],
      weightHh: fields[names[1]],
      biasIh: names[2] ? fields[names[2]] : null,
      biasHh: names[3] ? fields[names[3]] : null,
    };
  }

  /** Forgets the states a `stateful` layer carries: the next call starts from zeros. */
  resetStates(): void {
    this.carried?.h.dispose();
    this.carried?.c?.dispose();
    this.carried = null;
  }

  /** Runs the recurrence; with `stateful`, missing initial states come from the previous call. */
  protected runRecurrence(
    x: Tensor,
    h0: Tensor | null,
    c0: Tensor | null,
    options: RunOptions,
  ): RecurrentResult {
    const batch = this.batchFirst ? "batch, seq" : "seq, batch";
    expectInput(
      this.describe(),
      x,
      `(${batch}, ${this.inputSize}) or unbatched (seq, ${this.inputSize})`,
      (x.rank === 3 || x.rank === 2) && x.shape[x.rank - 1] === this.inputSize,
    );
    if (this.stateful && h0 === null && this.carried) {
      const { h, c } = this.carried;
      const batch = x.rank === 3 ? x.shape[this.batchFirst ? 0 : 1] : -1;
      const fits = x.rank === 3 ? h.rank === 3 && h.shape[1] === batch : h.rank === 2;
      if (fits) {
        h0 = h;
        c0 = c;
      }
    }
    const ws: RecurrentWeights[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.numDirections; d++) ws.push(this.weights(l, d === 1));
    }
    const r = recurrent(this.mode, x, ws, h0, c0, {
      bidirectional: this.bidirectional,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      training: this.training,
      lengths: options.lengths,
      name: this.describe(),
    });
    if (this.stateful) {
      const previous = this.carried;
      // detached views outlive the tidy scope of the step that made them
      this.carried = { h: keep(r.h.detach()), c: r.c ? keep(r.c.detach()) : null };
      previous?.h.dispose();
      previous?.c?.dispose();
    }
    return r;
  }

  /** The sequence, or (returnSequences false) the top layer's final hidden state, directions concatenated. */
  protected select(r: RecurrentResult): Tensor {
    if (this.returnSequences) return r.output;
    const top = (this.numLayers - 1) * this.numDirections;
    const last = r.h.select(0, top);
    return this.bidirectional ? concat([last, r.h.select(0, top + 1)], -1) : last;
  }

  override describe(): string {
    const extras: string[] = [];
    if (this.mode === "rnnRelu") extras.push("relu");
    if (this.numLayers > 1) extras.push(`layers=${this.numLayers}`);
    if (this.bidirectional) extras.push("bidirectional");
    if (this.batchFirst) extras.push("batchFirst");
    if (!this.bias) extras.push("bias=false");
    if (this.dropout > 0) extras.push(`dropout=${this.dropout}`);
    if (!this.returnSequences) extras.push("returnSequences=false");
    if (this.stateful) extras.push("stateful");
    return `${this.kind}(${this.inputSize} → ${this.hiddenSize}${extras.map((e) => `, ${e}`).join("")})`;
  }
}

/**
 * Options of `LSTMCell`, `GRUCell` and `RNNCell`.
 * @example
 * const options: CellOptions = { bias: false };
 * Object.keys(new nn.GRUCell(10, 20, options).stateDict()); // ["weight_ih", "weight_hh"]
 */
export interface CellOptions {
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Generator for the initial weights (default: the library-wide one). */
  generator?: Generator;
}

/**
 * What the cells share: `weight_ih` [G·H, in], `weight_hh` [G·H, H], `bias_ih`, `bias_hh` [G·H],
 * PyTorch's names and layout, initialised U(−1/√hidden, 1/√hidden).
 * @example Object.keys(new nn.LSTMCell(10, 20).stateDict()) // ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
 */
export abstract class CellBase extends Module {
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null;
  bias_hh: Tensor | null;

  protected constructor(
    private readonly kind: string,
    mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: CellOptions,
  ) {
    super();
    for (const [what, v] of [
      ["inputSize", inputSize],
      ["hiddenSize", hiddenSize],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`${kind}: ${what} must be a positive integer, got ${v}`);
    }
    const G = gateCount(mode);
    const bound = 1 / Math.sqrt(hiddenSize);
    const init = (shape: number[]) =>
      parameter(
        uniform(shape, { low: -bound, high: bound, dtype: options.dtype, generator: options.generator }),
      );
    this.weight_ih = init([G * hiddenSize, inputSize]);
    this.weight_hh = init([G * hiddenSize, hiddenSize]);
    const bias = options.bias ?? true;
    this.bias_ih = bias ? init([G * hiddenSize]) : null;
    this.bias_hh = bias ? init([G * hiddenSize]) : null;
  }

  /** Checks an input [N, in] or [in] and names the cell when it does not fit. */
  protected checkInput(x: Tensor): void {
    expectInput(
      this.describe(),
      x,
      `(batch, ${this.inputSize}) or (${this.inputSize},)`,
      (x.rank === 1 || x.rank === 2) && x.shape[x.rank - 1] === this.inputSize,
    );
  }

  override describe(): string {
    return `${this.kind}(${this.inputSize} → ${this.hiddenSize}${this.bias_ih ? "" : ", bias=false"})`;
  }
}
