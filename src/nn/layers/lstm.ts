import type { Tensor } from "../../core/tensor.js";
import { lstmCell } from "../../ops/rnn.js";
import {
  CellBase,
  type CellOptions,
  type RecurrentLayerOptions,
  RecurrentBase,
  type RunOptions,
} from "./recurrent.js";

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate), as `torch.nn.LSTM`:
 * i, f, g, o = σ, σ, tanh, σ of x W_ihᵀ + b_ih + h W_hhᵀ + b_hh; c' = f c + i g; h' = o tanh(c').
 * Parameters are PyTorch's (`weight_ih_l0` [4H, in], `weight_hh_l0` [4H, H], `bias_ih_l0`,
 * `bias_hh_l0`, `_reverse` for the second direction), so weights load from PyTorch by name.
 *
 * `run(x, [h0, c0]?, { lengths })` returns `[output, [hN, cN]]` as PyTorch does; `forward(x)` returns
 * the output sequence (or, with `returnSequences: false`, the final hidden state), for `Sequential`.
 * Input [T, N, in] ([N, T, in] with `batchFirst`, or unbatched [T, in]); states [layers·D, N, H].
 * @example
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const x = randn([3, 5, 10]); // (N, T, F): batch first
 * const [out, [h, c]] = lstm.run(x); // out (3, 5, 20), h and c (2, 3, 20)
 * [out.shape, h.shape]; // [[3, 5, 20], [2, 3, 20]]
 * const [, [hLast]] = lstm.run(x, null, { lengths: [5, 2, 4] }); // states at each one's own end
 */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super("LSTM", "lstm", inputSize, hiddenSize, options);
  }

  /**
   * Runs the sequence from `state` = [h0, c0] (zeros when null) and returns the top layer's outputs
   * with the final [hN, cN] of every layer and direction.
   * @example
   * const lstm = new nn.LSTM(4, 8);
   * const x = randn([6, 2, 4]), h0 = zeros([1, 2, 8]), c0 = zeros([1, 2, 8]);
   * const [out, [h, c]] = lstm.run(x, [h0, c0]);
   * const [next] = lstm.run(randn([6, 2, 4]), [h, c]); // carry the state to the next chunk
   */
  run(
    x: Tensor,
    state: readonly [Tensor, Tensor] | null = null,
    options: RunOptions = {},
  ): [Tensor, [Tensor, Tensor]] {
    const r = this.runRecurrence(x, state?.[0] ?? null, state?.[1] ?? null, options);
    return [r.output, [r.h, r.c!]];
  }

  /**
   * The output sequence, or the final hidden state with `returnSequences: false`; `lengths` as in `run`.
   * @example
   * const model = new nn.Sequential(new nn.LSTM(8, 16, { batchFirst: true, returnSequences: false }), new nn.Linear(16, 1));
   * model.forward(randn([4, 10, 8])).shape; // [4, 1]: one value per sequence
   */
  forward(x: Tensor, lengths?: Tensor): Tensor {
    return this.select(this.runRecurrence(x, null, null, { lengths }));
  }
}

/**
 * One LSTM step for hand-written loops, as `torch.nn.LSTMCell`: parameters `weight_ih` [4H, in],
 * `weight_hh` [4H, H], `bias_ih`, `bias_hh` [4H].
 * @example
 * const cell = new nn.LSTMCell(10, 20);
 * const xs = [randn([3, 10]), randn([3, 10]), randn([3, 10])];
 * let state = cell.run(xs[0]); // [h, c], starting from zeros
 * for (const x of xs.slice(1)) state = cell.run(x, state);
 * state[0].shape; // [3, 20]
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super("LSTMCell", "lstm", inputSize, hiddenSize, options);
  }

  /**
   * One step: x [N, in] (or [in]) and the state [h, c] (zeros when null) to the new [h', c'].
   * @example
   * const cell = new nn.LSTMCell(4, 8);
   * let [h, c] = cell.run(randn([2, 4]));
   * [h, c] = cell.run(randn([2, 4]), [h, c]);
   */
  run(x: Tensor, state: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    this.checkInput(x);
    return lstmCell(x, state, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
  }

  /**
   * The new hidden state h' only (use `run` to keep the cell state too).
   * @example
   * const cell = new nn.LSTMCell(4, 8);
   * const x = randn([2, 4]), h0 = zeros([2, 8]), c0 = zeros([2, 8]);
   * const h1 = cell.forward(x, h0, c0); // h' only: run() gives c' too
   * h1.shape; // [2, 8]
   */
  forward(x: Tensor, h?: Tensor, c?: Tensor): Tensor {
    return this.run(x, h && c ? [h, c] : null)[0];
  }
}
