/** The cells: one step of an LSTM, GRU or RNN, as `torch.lstm_cell` and its siblings. */
import { isFloat } from "../base/dtype.js";
import { DTypeError, ShapeError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { full, zeros } from "./creation.js";
import {
  type RecurrentMode,
  type RecurrentWeights,
  checkState,
  gateCount,
  join,
  rnnMode,
  runStep,
} from "./rnn_step.js";

/** One step of a cell on x [N, in] (or [in]) and h [N, H] (or [H]); null states are zeros. */
function cellStep(
  name: string,
  mode: RecurrentMode,
  x: Tensor,
  h: Tensor | null,
  c: Tensor | null,
  w: RecurrentWeights,
): [Tensor, Tensor | null] {
  const G = gateCount(mode);
  const H = w.weightHh.rank === 2 ? w.weightHh.shape[1] : -1;
  if (
    w.weightIh.rank !== 2 ||
    w.weightHh.rank !== 2 ||
    w.weightIh.shape[0] !== G * H ||
    w.weightHh.shape[0] !== G * H
  ) {
    throw new ShapeError(
      `${name}: weights must be (${G}·hidden, in) and (${G}·hidden, hidden), got ${fmtShape(w.weightIh.shape)} and ${fmtShape(w.weightHh.shape)}`,
    );
  }
  const inSize = w.weightIh.shape[1];
  if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== inSize) {
    throw new ShapeError(
      `${name}: expected input (batch, ${inSize}) or (${inSize},), got ${fmtShape(x.shape)}`,
    );
  }
  if (!isFloat(x.dtype)) throw new DTypeError(`${name}: input must be float32 or float64, got ${x.dtype}`);
  const expected = x.rank === 2 ? [x.shape[0], H] : [H];
  checkState(name, "hidden state", h, expected);
  checkState(name, "cell state", c, expected);
  if (x.rank === 1) {
    const [h2, c2] = cellStep(
      name,
      mode,
      x.unsqueeze(0),
      h?.unsqueeze(0) ?? null,
      c?.unsqueeze(0) ?? null,
      w,
    );
    return [h2.squeeze(0), c2?.squeeze(0) ?? null];
  }
  const zero = h && c ? null : zeros(expected, { dtype: x.dtype });
  const joined = join(mode, w, H);
  const ones = joined.bias ? full([x.shape[0], 1], 1, { dtype: x.dtype }) : null;
  return runStep(mode, [x], h ?? zero!, mode === "lstm" ? (c ?? zero!) : null, joined, ones, H);
}

/**
 * One LSTM step, as `torch.lstm_cell`: returns `[h', c']`. `state` null means zeros.
 * @example
 * const [h, c] = lstmCell(randn([3, 10]), null, randn([80, 10]), randn([80, 20]));
 * h.shape; // [3, 20]
 */
export function lstmCell(
  x: Tensor,
  state: readonly [Tensor, Tensor] | null,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
): [Tensor, Tensor] {
  const [h, c] = cellStep("lstmCell", "lstm", x, state?.[0] ?? null, state?.[1] ?? null, {
    weightIh,
    weightHh,
    biasIh,
    biasHh,
  });
  return [h, c!];
}

/**
 * One GRU step, as `torch.gru_cell`: returns h'. `h` null means zeros.
 * @example
 * const h = gruCell(randn([3, 10]), null, randn([60, 10]), randn([60, 20]));
 * h.shape; // [3, 20]
 */
export function gruCell(
  x: Tensor,
  h: Tensor | null,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
): Tensor {
  return cellStep("gruCell", "gru", x, h, null, { weightIh, weightHh, biasIh, biasHh })[0];
}

/**
 * One Elman RNN step, h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU). `h` null means zeros.
 * @example
 * const h = rnnCell(randn([3, 10]), null, randn([20, 10]), randn([20, 20]));
 * h.abs().max().item() <= 1; // true: tanh
 */
export function rnnCell(
  x: Tensor,
  h: Tensor | null,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
  nonlinearity: "tanh" | "relu" = "tanh",
): Tensor {
  const mode = rnnMode("rnnCell", nonlinearity);
  return cellStep("rnnCell", mode, x, h, null, { weightIh, weightHh, biasIh, biasHh })[0];
}
