import type { Tensor } from "../../core/tensor.js";
import { rnnCell, rnnMode } from "../../ops/rnn.js";
import {
  CellBase,
  type CellOptions,
  type RecurrentLayerOptions,
  RecurrentBase,
  type RunOptions,
} from "./recurrent.js";

/**
 * Options of `RNN` and `RNNCell`: the nonlinearity, "tanh" (default) or "relu".
 * @example
 * const options: RNNOptions = { nonlinearity: "relu" };
 * new nn.RNN(10, 20, options).forward(randn([5, 2, 10])).min().item() >= 0; // true
 */
export interface RNNOptions {
  nonlinearity?: "tanh" | "relu";
}

/**
 * The Elman RNN, as `torch.nn.RNN`: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU), with
 * PyTorch's parameter names (`weight_ih_l0` [H, in], `weight_hh_l0` [H, H], `bias_ih_l0`, ...).
 * `run(x, h0?, { lengths })` returns `[output, hN]`; `forward(x)` the output sequence. Shapes as `LSTM`.
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2, nonlinearity: "relu" });
 * const [out, h] = rnn.run(randn([5, 3, 10])); // out (5, 3, 20), h (2, 3, 20)
 * h.shape; // [2, 3, 20]
 */
export class RNN extends RecurrentBase {
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions & RNNOptions = {}) {
    super("RNN", rnnMode("RNN", options.nonlinearity), inputSize, hiddenSize, options);
    this.nonlinearity = this.mode === "rnnRelu" ? "relu" : "tanh";
  }

  /**
   * Runs the sequence from `h0` (zeros when null); returns the outputs and the final hidden states.
   * @example
   * const rnn = new nn.RNN(4, 8);
   * const x = randn([6, 2, 4]), h0 = zeros([1, 2, 8]);
   * const [out, h] = rnn.run(x, h0);
   * out.select(0, 5).sub(h.select(0, 0)).abs().max().item(); // 0: the last output is the final state
   */
  run(x: Tensor, h0: Tensor | null = null, options: RunOptions = {}): [Tensor, Tensor] {
    const r = this.runRecurrence(x, h0, null, options);
    return [r.output, r.h];
  }

  /**
   * The output sequence, or the final hidden state with `returnSequences: false`.
   * @example new nn.RNN(4, 8).forward(randn([6, 2, 4])).shape // [6, 2, 8]
   */
  forward(x: Tensor, lengths?: Tensor): Tensor {
    return this.select(this.runRecurrence(x, null, null, { lengths }));
  }
}

/**
 * One Elman RNN step, as `torch.nn.RNNCell` (`weight_ih` [H, in], `weight_hh` [H, H], `bias_ih`,
 * `bias_hh`).
 * @example
 * const cell = new nn.RNNCell(10, 20, { nonlinearity: "relu" });
 * const x0 = randn([3, 10]), x1 = randn([3, 10]);
 * const h1 = cell.forward(x0), h2 = cell.forward(x1, h1);
 * h2.shape; // [3, 20]
 */
export class RNNCell extends CellBase {
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, options: CellOptions & RNNOptions = {}) {
    super("RNNCell", rnnMode("RNNCell", options.nonlinearity), inputSize, hiddenSize, options);
    this.nonlinearity = options.nonlinearity ?? "tanh";
  }

  /** x [N, in] (or [in]) and h (zeros when omitted) to h'. */
  forward(x: Tensor, h?: Tensor): Tensor {
    this.checkInput(x);
    return rnnCell(
      x,
      h ?? null,
      this.weight_ih,
      this.weight_hh,
      this.bias_ih,
      this.bias_hh,
      this.nonlinearity,
    );
  }

  override describe(): string {
    const base = super.describe();
    return this.nonlinearity === "relu" ? `${base.slice(0, -1)}, relu)` : base;
  }
}
