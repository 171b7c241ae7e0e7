/**
 * Recurrent networks composed from primitives (matmul, sigmoid, tanh, slices, where, stack), so
 * autograd and every backend work without kernels of their own. Weights use PyTorch's layout: for
 * each layer and direction `weightIh` [G·H, in], `weightHh` [G·H, H], `biasIh` and `biasHh` [G·H],
 * with the G gate blocks stacked in PyTorch's order (LSTM i, f, g, o; GRU r, z, n).
 *
 * How a sequence runs: the weights of a direction are joined once into W = [W_ih | W_hh | b], and
 * each step is one matmul of [x_t | h | 1] by Wᵀ for all gates, split into the gates: a step records a
 * fixed handful of graph nodes whatever the number of gates. (Projecting the whole input at once and
 * slicing out each step would be one big matmul, but a slice's gradient is padded to the size of what
 * it was sliced from, so T steps would cost O(T²) in backward; the joined matmul has the same FLOPs.)
 */
import { isFloat } from "../base/dtype.js";
import { isGradEnabled } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { bernoulli, fromHost, full, zeros } from "./creation.js";
import { where } from "./elementwise.js";
import { concat, stack } from "./movement.js";
import {
  type RecurrentMode,
  type RecurrentWeights,
  checkState,
  gateCount,
  join,
  rnnMode,
  runStep,
} from "./rnn_step.js";

export { type RecurrentMode, type RecurrentWeights, gateCount, rnnMode } from "./rnn_step.js";
export { gruCell, lstmCell, rnnCell } from "./rnn_cell.js";

/**
 * Options of the sequence functions `lstm`, `gru` and `rnn`.
 * @example
 * const x = randn([5, 3, 10]); // (T, N, F)
 * const dir = () => ({ weightIh: randn([4 * 8, 10]), weightHh: randn([4 * 8, 8]) });
 * const weights = [dir(), dir()]; // one layer: forward, then reverse
 * const [out, [h]] = lstm(x, weights, null, { bidirectional: true, lengths: [5, 3, 2] });
 * out.shape; // [5, 3, 16]
 * h.shape; // [2, 3, 8]
 */
export interface RecurrentOptions {
  /** Run a second set of layers over the reversed sequence and concatenate (weights come in pairs). */
  bidirectional?: boolean;
  /** Input and output are [N, T, F] instead of [T, N, F] (states stay [layers·dirs, N, H]). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, while `training`. */
  dropout?: number;
  /** Whether dropout is active (default true, as in the functional dropout). */
  training?: boolean;
  /**
   * Valid length of each sequence of the batch (int32 tensor or numbers, [N], each in [0, T]). Steps
   * past a sequence's length leave its state unchanged and give zero outputs, so the final state is
   * the one at its own last step and the reverse direction starts at its own end.
   */
  lengths?: Tensor | readonly number[];
  /** Generator for the dropout masks (default: the library-wide one). */
  generator?: Generator;
  /** Name used in error messages (a layer passes its description). */
  name?: string;
}

/**
 * What a sequence function returns: the top layer's outputs and the final states of every layer.
 * @example
 * const weights = [{ weightIh: randn([4 * 8, 10]), weightHh: randn([4 * 8, 8]) }];
 * const { output, h, c }: RecurrentResult = recurrent("lstm", randn([5, 3, 10]), weights, null, null);
 * [output.shape, h.shape, c!.shape]; // [[5, 3, 8], [1, 3, 8], [1, 3, 8]]
 */
export interface RecurrentResult {
  /** [T, N, D·H] (or [N, T, D·H] batch-first; [T, D·H] for an unbatched input). */
  output: Tensor;
  /** [layers·D, N, H] final hidden states (layer 0 forward, layer 0 reverse, layer 1 forward, ...). */
  h: Tensor;
  /** LSTM's final cell states, same layout as `h`; null for GRU and RNN. */
  c: Tensor | null;
}

/**
 * The steps of `x` along `axis` as separate tensors. A slice's gradient is padded to the full input,
 * so slicing T steps one by one costs O(T²) in backward; halving recursively costs O(T log T).
 */
function unstack(x: Tensor, axis: number): Tensor[] {
  const n = x.shape[axis];
  if (!x.requiresGrad) return Array.from({ length: n }, (_, t) => x.select(axis, t));
  const out: Tensor[] = [];
  const split = (part: Tensor, size: number) => {
    if (size === 1) {
      out.push(part.squeeze(axis));
      return;
    }
    const half = size >> 1;
    split(part.slice(axis, 0, half), half);
    split(part.slice(axis, half, size), size - half);
  };
  split(x, n);
  return out;
}

function dropoutRaw(x: Tensor, p: number, generator?: Generator): Tensor {
  if (p === 1) return x.mul(0);
  const keep = bernoulli(1 - p, x.shape, { dtype: x.dtype, generator });
  return x.mul(keep.mul(1 / (1 - p)));
}

/** Host copy of the lengths, checked against the batch and sequence sizes. */
function readLengths(name: string, lengths: Tensor | readonly number[], n: number, t: number): number[] {
  let values: number[];
  if (Array.isArray(lengths)) values = [...(lengths as readonly number[])];
  else {
    const l = lengths as Tensor;
    if (l.dtype !== "int32") throw new DTypeError(`${name}: lengths must be int32, got ${l.dtype}`);
    if (l.rank !== 1) throw new ShapeError(`${name}: lengths must be 1-D (N,), got ${fmtShape(l.shape)}`);
    values = Array.from(l.dataSync());
  }
  if (values.length !== n) {
    throw new ShapeError(`${name}: got ${values.length} lengths for a batch of ${n} sequences`);
  }
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v > t) {
      throw new ValueError(
        `${name}: every length must be an integer in [0, ${t}] (the sequence size), got ${v}`,
      );
    }
  }
  return values;
}

/**
 * Runs a (multi-layer, optionally bidirectional) LSTM, GRU or RNN over a sequence: the engine behind
 * `lstm`, `gru`, `rnn` and the layers. `weights` lists each layer's forward then reverse direction.
 * `h0`/`c0` are [layers·D, N, H] (null: zeros). An unbatched input [T, in] gives unbatched results.
 * @example
 * const { output, h } = recurrent("gru", randn([7, 3, 10]), [{ weightIh: randn([60, 10]), weightHh: randn([60, 20]) }], null, null);
 * output.shape // [7, 3, 20]
 */
export function recurrent(
  mode: RecurrentMode,
  x: Tensor,
  weights: readonly RecurrentWeights[],
  h0: Tensor | null,
  c0: Tensor | null,
  options: RecurrentOptions = {},
): RecurrentResult {
  const name = options.name ?? (mode === "lstm" ? "lstm" : mode === "gru" ? "gru" : "rnn");
  const dirs = options.bidirectional ? 2 : 1;
  if (weights.length === 0 || weights.length % dirs !== 0) {
    throw new ValueError(
      `${name}: expected weights for layers × ${dirs} direction(s), got ${weights.length} sets`,
    );
  }
  const layers = weights.length / dirs;
  const G = gateCount(mode);
  const H = weights[0].weightHh.shape[1];
  if (!isFloat(x.dtype)) throw new DTypeError(`${name}: input must be float32 or float64, got ${x.dtype}`);
  const batchFirst = options.batchFirst === true;
  const layout = batchFirst ? "(batch, seq, features)" : "(seq, batch, features)";
  if (x.rank !== 2 && x.rank !== 3) {
    throw new ShapeError(
      `${name}: expected input ${layout} or unbatched (seq, features), got ${fmtShape(x.shape)}`,
    );
  }
  if (x.rank === 2) {
    // unbatched: a batch of one, time-major, with states of (layers·D, H)
    if (options.lengths !== undefined) {
      throw new ValueError(`${name}: lengths need a batched input (${layout}), got ${fmtShape(x.shape)}`);
    }
    const expected = [layers * dirs, H];
    checkState(name, "initial hidden state", h0, expected);
    checkState(name, "initial cell state", c0, expected);
    const r = recurrent(mode, x.unsqueeze(1), weights, h0?.unsqueeze(1) ?? null, c0?.unsqueeze(1) ?? null, {
      ...options,
      batchFirst: false,
    });
    return { output: r.output.squeeze(1), h: r.h.squeeze(1), c: r.c?.squeeze(1) ?? null };
  }
  const timeAxis = batchFirst ? 1 : 0;
  const T = x.shape[timeAxis];
  const N = x.shape[1 - timeAxis];
  if (T === 0) throw new ShapeError(`${name}: the sequence is empty (input ${fmtShape(x.shape)})`);
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k];
    const inSize = k < dirs ? x.shape[2] : dirs * H;
    const ok =
      w.weightIh.rank === 2 &&
      w.weightIh.shape[0] === G * H &&
      w.weightHh.rank === 2 &&
      w.weightHh.shape[0] === G * H &&
      w.weightHh.shape[1] === H;
    if (!ok) {
      throw new ShapeError(
        `${name}: weights of layer ${Math.floor(k / dirs)} must be (${G * H}, in) and (${G * H}, ${H}), ` +
          `got ${fmtShape(w.weightIh.shape)} and ${fmtShape(w.weightHh.shape)}`,
      );
    }
    if (w.weightIh.shape[1] !== inSize) {
      throw new ShapeError(
        k < dirs
          ? `${name}: expected input ${layout} with ${w.weightIh.shape[1]} features, got ${fmtShape(x.shape)}`
          : `${name}: layer ${Math.floor(k / dirs)} input weights ${fmtShape(w.weightIh.shape)} do not fit the ${inSize} features of the layer below`,
      );
    }
  }
  const stateShape = [layers * dirs, N, H];
  checkState(name, "initial hidden state", h0, stateShape);
  checkState(name, "initial cell state", c0, stateShape);
  if (mode === "lstm" && (h0 === null) !== (c0 === null)) {
    throw new ValueError(`${name}: give both initial states (h0, c0) or neither`);
  }

  // masks[t] is [N, 1]: which sequences are still running at step t
  let masks: Tensor | null = null;
  let steps = T;
  if (options.lengths !== undefined) {
    const lens = readLengths(name, options.lengths, N, T);
    steps = Math.max(...lens);
    if (lens.some((l) => l !== T)) {
      const m = new Uint8Array(T * N);
      for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) m[t * N + n] = t < lens[n] ? 1 : 0;
      masks = fromHost(m, [T, N, 1], "bool");
    }
  }
  const dropout = options.dropout ?? 0;
  if (!(dropout >= 0 && dropout <= 1))
    throw new ValueError(`${name}: dropout must be in [0, 1], got ${dropout}`);
  const dtype = x.dtype;
  // made only when needed: an unused library temporary would be left for the collector
  let zeroState: Tensor | null = null;
  const zero = () => {
    zeroState ??= zeros([N, H], { dtype });
    return zeroState;
  };
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  // steps[t] lists the tensors that make up the input at step t (the directions of the layer below)
  let inputs: Tensor[][] = unstack(x, timeAxis).map((xt) => [xt]);
  let top: Tensor[][] = [];
  for (let l = 0; l < layers; l++) {
    const outs: Tensor[][] = [];
    for (let d = 0; d < dirs; d++) {
      const k = l * dirs + d;
      const w = join(mode, weights[k], H);
      const ones = w.bias ? full([N, 1], 1, { dtype }) : null;
      let h = h0 ? h0.select(0, k) : zero();
      let c = mode === "lstm" ? (c0 ? c0.select(0, k) : zero()) : null;
      const outputs = new Array<Tensor>(T);
      for (let j = 0; j < T; j++) {
        const t = d === 1 ? T - 1 - j : j;
        if (t >= steps) {
          // every sequence has ended: zero output, state unchanged
          outputs[t] = zero();
          continue;
        }
        const advance = (): [Tensor, Tensor, Tensor | null] => {
          const [hNew, cNew] = runStep(mode, inputs[t], h, c, w, ones, H);
          if (!masks) return [hNew, hNew, cNew];
          const m = masks.select(0, t);
          return [where(m, hNew, 0), where(m, hNew, h), cNew && c ? where(m, cNew, c) : null];
        };
        // without a graph to keep, each step's intermediates are released as soon as it is done
        [outputs[t], h, c] = isGradEnabled() ? advance() : tidy(advance);
      }
      outs.push(outputs);
      hs.push(h);
      if (c) cs.push(c);
    }
    if (l === layers - 1) {
      top = outs;
    } else {
      const drop = dropout > 0 && options.training !== false;
      inputs = Array.from({ length: T }, (_, t) =>
        outs.map((o) => (drop ? dropoutRaw(o[t], dropout, options.generator) : o[t])),
      );
    }
  }
  // joined on first use: a layer that returns only the sequence (or only the state) never makes the
  // other, which would otherwise be left for the collector
  let output: Tensor | null = null;
  let h: Tensor | null = null;
  let c: Tensor | null = null;
  return {
    get output() {
      output ??=
        dirs === 2
          ? concat(
              top.map((o) => stack(o, timeAxis)),
              2,
            )
          : stack(top[0], timeAxis);
      return output;
    },
    get h() {
      h ??= stack(hs, 0);
      return h;
    },
    get c() {
      if (mode !== "lstm") return null;
      c ??= stack(cs, 0);
      return c;
    },
  };
}

/**
 * A multi-layer LSTM over a sequence, as `torch.nn.functional`'s view of `nn.LSTM`: returns the
 * top layer's outputs and the final `[h, c]` of every layer and direction.
 * @example
 * const H = 20, w = [{ weightIh: randn([4 * H, 10]), weightHh: randn([4 * H, H]) }];
 * const [out, [h, c]] = lstm(randn([5, 3, 10]), w); // out (5, 3, 20), h and c (1, 3, 20)
 * out.shape; // [5, 3, 20]
 */
export function lstm(
  x: Tensor,
  weights: readonly RecurrentWeights[],
  state: readonly [Tensor, Tensor] | null = null,
  options: RecurrentOptions = {},
): [Tensor, [Tensor, Tensor]] {
  const r = recurrent("lstm", x, weights, state?.[0] ?? null, state?.[1] ?? null, options);
  return [r.output, [r.h, r.c!]];
}

/**
 * A multi-layer GRU over a sequence: returns the outputs and the final hidden states.
 * @example
 * const H = 20, w = [{ weightIh: randn([3 * H, 10]), weightHh: randn([3 * H, H]) }];
 * const [out, h] = gru(randn([5, 3, 10]), w); // out (5, 3, 20), h (1, 3, 20)
 * h.shape; // [1, 3, 20]
 */
export function gru(
  x: Tensor,
  weights: readonly RecurrentWeights[],
  h0: Tensor | null = null,
  options: RecurrentOptions = {},
): [Tensor, Tensor] {
  const r = recurrent("gru", x, weights, h0, null, options);
  return [r.output, r.h];
}

/**
 * A multi-layer Elman RNN, h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU).
 * @example
 * const [out, h] = rnn(randn([5, 3, 10]), [{ weightIh: randn([20, 10]), weightHh: randn([20, 20]) }], null, { nonlinearity: "relu" });
 * out.min().item() >= 0; // true: ReLU states
 */
export function rnn(
  x: Tensor,
  weights: readonly RecurrentWeights[],
  h0: Tensor | null = null,
  options: RecurrentOptions & { nonlinearity?: "tanh" | "relu" } = {},
): [Tensor, Tensor] {
  const mode = rnnMode(options.name ?? "rnn", options.nonlinearity);
  const r = recurrent(mode, x, weights, h0, null, options);
  return [r.output, r.h];
}
