import type { Tensor } from "../../core/tensor.js";
import { gruCell } from "../../ops/rnn.js";
import {
  CellBase,
  type CellOptions,
  type RecurrentLayerOptions,
  RecurrentBase,
  type RunOptions,
} from "./recurrent.js";

/**
 * Gated recurrent unit (Cho et al. 2014), as `torch.nn.GRU`: r, z = σ(x W_iᵀ + b_i + h W_hᵀ + b_h);
 * n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)); h' = (1 − z) n + z h. Gates stacked r, z, n in
 * PyTorch's parameters (`weight_ih_l0` [3H, in], `weight_hh_l0` [3H, H], `bias_ih_l0`, `bias_hh_l0`,
 * `_reverse`), so weights load from PyTorch by name.
 *
 * `run(x, h0?, { lengths })` returns `[output, hN]`; `forward(x)` returns the output sequence (or the
 * final hidden state with `returnSequences: false`). Shapes as `LSTM`.
 * @example
 * const gru = new nn.GRU(10, 20, { bidirectional: true });
 * const [out, h] = gru.run(randn([5, 3, 10])); // out (5, 3, 40), h (2, 3, 20)
 * out.shape; // [5, 3, 40]
 */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super("GRU", "gru", inputSize, hiddenSize, options);
  }

  /**
   * Runs the sequence from `h0` (zeros when null); returns the outputs and the final hidden states.
   * @example
   * const gru = new nn.GRU(4, 8);
   * const x = randn([6, 2, 4]), h0 = zeros([1, 2, 8]), lengths = [6, 3];
   * const [out, h] = gru.run(x, h0, { lengths }); // h: each sequence's state at its own last step
   * out.slice(0, 3).select(1, 1).abs().sum().item(); // 0: steps past a sequence's length give zeros
   */
  run(x: Tensor, h0: Tensor | null = null, options: RunOptions = {}): [Tensor, Tensor] {
    const r = this.runRecurrence(x, h0, null, options);
    return [r.output, r.h];
  }

  /**
   * The output sequence, or the final hidden state with `returnSequences: false`.
   * @example
   * const x = randn([10, 4, 8]); // (T, N, F)
   * const features = new nn.GRU(8, 16, { returnSequences: false }).forward(x);
   * features.shape; // [4, 16]
   */
  forward(x: Tensor, lengths?: Tensor): Tensor {
    return this.select(this.runRecurrence(x, null, null, { lengths }));
  }
}

/**
 * One GRU step for hand-written loops, as `torch.nn.GRUCell` (`weight_ih` [3H, in], `weight_hh`
 * [3H, H], `bias_ih`, `bias_hh`).
 * @example
 * const cell = new nn.GRUCell(10, 20);
 * const xs = [randn([3, 10]), randn([3, 10]), randn([3, 10])]; // three steps of a batch of 3
 * let h = cell.forward(xs[0]);
 * for (const x of xs.slice(1)) h = cell.forward(x, h);
 * h.shape; // [3, 20]
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super("GRUCell", "gru", inputSize, hiddenSize, options);
  }

  /** x [N, in] (or [in]) and h (zeros when omitted) to h'. */
  forward(x: Tensor, h?: Tensor): Tensor {
    this.checkInput(x);
    return gruCell(x, h ?? null, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
  }
}
