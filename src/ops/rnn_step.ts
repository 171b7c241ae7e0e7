/**
 * One step of an LSTM, GRU or RNN: the joined weights and the gate arithmetic, shared by the sequence
 * functions (`rnn.ts`) and the cells (`rnn_cell.ts`).
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { concat } from "./movement.js";

/**
 * The recurrences Strata runs: LSTM, GRU and the Elman RNN with tanh or ReLU.
 * @example
 * const mode: RecurrentMode = rnnMode("rnn", "relu"); // "rnnRelu"
 * const weights = [{ weightIh: randn([6, 4]), weightHh: randn([6, 6]) }];
 * nn.functional.recurrent(mode, randn([5, 2, 4]), weights, null, null).output.shape; // [5, 2, 6]
 */
export type RecurrentMode = "lstm" | "gru" | "rnnTanh" | "rnnRelu";

/**
 * Gate blocks stacked in each weight: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n), 1 for an RNN.
 * @example gateCount("gru") // 3: weight_ih is [3·hidden, in]
 */
export function gateCount(mode: RecurrentMode): number {
  return mode === "lstm" ? 4 : mode === "gru" ? 3 : 1;
}

/**
 * The weights of one direction of one layer, in PyTorch's layout.
 * @example
 * const w: RecurrentWeights = { weightIh: randn([4 * 20, 10]), weightHh: randn([4 * 20, 20]) };
 * const [out] = nn.functional.lstm(randn([5, 3, 10]), [w]); // no biases: they are optional
 * out.shape; // [5, 3, 20]
 */
export interface RecurrentWeights {
  /** [G·H, in]: input-to-hidden weights of the G gates. */
  weightIh: Tensor;
  /** [G·H, H]: hidden-to-hidden weights. */
  weightHh: Tensor;
  /** [G·H] or null: input-side bias. */
  biasIh?: Tensor | null;
  /** [G·H] or null: hidden-side bias (for GRU's n gate it sits inside r ⊙ (W_hn h + b_hn)). */
  biasHh?: Tensor | null;
}

/**
 * One direction's weights joined for the steps: W = [W_ih | W_hh | b] ([rows, in + H (+ 1)]), so a step
 * is one matmul of [x_t | h | 1] by Wᵀ. GRU's n gate needs its input and hidden parts apart, so its W
 * has 4 blocks: r and z (both sides summed), n's input side [W_in | 0 | b_in] and n's hidden side
 * [0 | W_hn | b_hn].
 */
interface Joined {
  wT: Tensor;
  bias: boolean;
}

/** The gates of one step (the joined matmul's output) and the previous state to the new state. */
type Step = (gates: Tensor, h: Tensor, c: Tensor | null, hidden: number) => [Tensor, Tensor | null];

function column(b: Tensor | null, other: Tensor | null): Tensor | null {
  const sum = b && other ? b.add(other) : (b ?? other);
  return sum ? sum.unsqueeze(1) : null;
}

/**
 * One direction's weights joined into the single matrix a step multiplies [x | h | 1] by.
 * @example
 * const w = { weightIh: randn([8, 3]), weightHh: randn([8, 2]), biasIh: zeros([8]) }; // LSTM, hidden 2
 * join("lstm", w, 2).wT.shape; // [6, 8]: rows for x, h and 1, a column per gate unit
 */
export function join(mode: RecurrentMode, w: RecurrentWeights, H: number): Joined {
  const bIh = w.biasIh ?? null;
  const bHh = w.biasHh ?? null;
  const bias = bIh !== null || bHh !== null;
  const parts = (...ts: (Tensor | null)[]) =>
    concat(
      ts.filter((t): t is Tensor => t !== null),
      1,
    );
  if (mode !== "gru") return { wT: parts(w.weightIh, w.weightHh, column(bIh, bHh)).T, bias };
  const inSize = w.weightIh.shape[1];
  const rows = (t: Tensor | null, a: number, b: number) => (t ? t.slice(0, a * H, b * H) : null);
  const rz = parts(rows(w.weightIh, 0, 2), rows(w.weightHh, 0, 2), column(rows(bIh, 0, 2), rows(bHh, 0, 2)));
  const nx = parts(
    rows(w.weightIh, 2, 3)!.pad([
      [0, 0],
      [0, H],
    ]),
    column(rows(bIh, 2, 3), null),
  );
  const nh = parts(
    rows(w.weightHh, 2, 3)!.pad([
      [0, 0],
      [inSize, 0],
    ]),
    column(rows(bHh, 2, 3), null),
  );
  const fill = (t: Tensor) =>
    bias && t.shape[1] === inSize + H
      ? t.pad([
          [0, 0],
          [0, 1],
        ])
      : t;
  return { wT: concat([fill(rz), fill(nx), fill(nh)], 0).T, bias };
}

/**
 * i, f, g, o = split([x | h | 1] Wᵀ); c' = σ(f) c + σ(i) tanh(g); h' = σ(o) tanh(c'). One sigmoid
 * over all four blocks keeps the kernel on contiguous memory (g's sigmoid is unused).
 */
const lstmStep: Step = (gates, _h, c, H) => {
  const s = gates.sigmoid();
  const i = s.slice(1, 0, H);
  const f = s.slice(1, H, 2 * H);
  const o = s.slice(1, 3 * H, 4 * H);
  const g = gates
    .slice(1, 2 * H, 3 * H)
    .contiguous()
    .tanh();
  const c2 = f.mul(c!).add(i.mul(g));
  return [o.mul(c2.tanh()), c2];
};

/**
 * r, z = σ(x W_i{r,z}ᵀ + h W_h{r,z}ᵀ + b); n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn));
 * h' = (1 − z) n + z h, computed as n + z (h − n).
 */
const gruStep: Step = (g, h, _c, H) => {
  const rz = g
    .slice(1, 0, 2 * H)
    .contiguous()
    .sigmoid();
  const r = rz.slice(1, 0, H);
  const z = rz.slice(1, H, 2 * H);
  const n = g
    .slice(1, 2 * H, 3 * H)
    .add(r.mul(g.slice(1, 3 * H, 4 * H)))
    .tanh();
  return [n.add(z.mul(h.sub(n))), null];
};

/** h' = tanh([x | h | 1] Wᵀ) (or ReLU). */
function rnnStep(relu: boolean): Step {
  return (a) => [relu ? a.relu() : a.tanh(), null];
}

const STEPS: Record<RecurrentMode, Step> = {
  lstm: lstmStep,
  gru: gruStep,
  rnnTanh: rnnStep(false),
  rnnRelu: rnnStep(true),
};

/**
 * One step: the joined matmul of [inputs | h | 1], then the cell's gates.
 * @example
 * const w = join("rnnTanh", { weightIh: randn([4, 3]), weightHh: randn([4, 4]) }, 4);
 * const [h1] = runStep("rnnTanh", [randn([2, 3])], zeros([2, 4]), null, w, null, 4);
 * h1.shape; // [2, 4]
 */
export function runStep(
  mode: RecurrentMode,
  inputs: readonly Tensor[],
  h: Tensor,
  c: Tensor | null,
  w: Joined,
  ones: Tensor | null,
  H: number,
): [Tensor, Tensor | null] {
  const xh = concat(ones ? [...inputs, h, ones] : [...inputs, h], 1);
  return STEPS[mode](xh.matmul(w.wT), h, c, H);
}

/**
 * Refuses an initial state whose shape is not `expected`, naming the layer and the state.
 * @example
 * checkState("LSTM", "h0", zeros([1, 3, 20]), [1, 3, 20]); // fine
 * checkState("LSTM", "h0", zeros([3, 20]), [1, 3, 20]); // throws ShapeError: LSTM: expected h0 (1, 3, 20), got (3, 20)
 */
export function checkState(name: string, what: string, s: Tensor | null, expected: number[]): void {
  if (s && (s.rank !== expected.length || s.shape.some((d, i) => d !== expected[i]))) {
    throw new ShapeError(`${name}: expected ${what} ${fmtShape(expected)}, got ${fmtShape(s.shape)}`);
  }
}

/**
 * "rnnTanh" or "rnnRelu" for a nonlinearity name (default tanh).
 * @example
 * rnnMode("rnn", "relu") // "rnnRelu"
 * rnnMode("rnn", undefined); // "rnnTanh"
 * rnnMode("RNN", "gelu"); // throws ValueError: RNN: nonlinearity must be "tanh" or "relu"
 */
export function rnnMode(name: string, nonlinearity: string | undefined): RecurrentMode {
  if (nonlinearity === undefined || nonlinearity === "tanh") return "rnnTanh";
  if (nonlinearity === "relu") return "rnnRelu";
  throw new ValueError(`${name}: nonlinearity must be "tanh" or "relu", got "${nonlinearity}"`);
}
