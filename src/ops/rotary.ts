import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { checkOptions, checkTensor } from "../core/args.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "./creation.js";
import { asFloat } from "./elementwise.js";
import { concat } from "./movement.js";

/**
 * Options of `applyRotaryEmbedding`.
 * @example
 * const options: RotaryOptions = { offset: 4, base: 10000 };
 * applyRotaryEmbedding(randn([1, 2, 8]), options).shape; // [1, 2, 8]
 */
export interface RotaryOptions {
  /** Position of the first row (default 0): the number of earlier positions, e.g. in a key/value cache. */
  offset?: number;
  /** θ_i = base^(−2i/D) (default 10000, as RoFormer and LLaMA). */
  base?: number;
}

/**
 * Rotary position embedding (RoPE, Su et al. 2021) of x (..., T, D), D even: feature pairs
 * (i, i + D/2) of row t are rotated by the angle (offset + t)·θ_i, the "rotate half" layout of
 * GPT-NeoX and LLaMA in Hugging Face. Applied to queries and keys before attention, it makes
 * q_m·k_n depend on the positions only through m − n. Composed from slices and elementwise ops, so it
 * differentiates and runs on every backend.
 * @example
 * const q = randn([2, 4, 6, 16]); // (N, heads, T, headDim)
 * applyRotaryEmbedding(q).shape; // [2, 4, 6, 16]
 * applyRotaryEmbedding(tensor([[1, 0]]), { offset: 1, base: 1 }).toArray(); // [[0.5403, 0.8415]]: rotated by 1 radian
 */
export function applyRotaryEmbedding(x: Tensor, options: RotaryOptions = {}): Tensor {
  const op = "applyRotaryEmbedding";
  checkTensor(op, "x", x);
  const o = checkOptions(op, "options", options, ["offset", "base"]) as RotaryOptions;
  const offset = o.offset ?? 0;
  const base = o.base ?? 10000;
  if (!Number.isInteger(offset) || offset < 0)
    throw new ValueError(`${op}: offset must be an integer ≥ 0, got ${offset}`);
  if (!(base > 0)) throw new ValueError(`${op}: base must be positive, got ${base}`);
  if (x.rank < 2 || x.shape[x.rank - 1] % 2) {
    throw new ShapeError(`${op}: x must be (..., T, D) with D even, got ${fmtShape(x.shape)}`);
  }
  const T = x.shape[x.rank - 2];
  const D = x.shape[x.rank - 1];
  const half = D / 2;
  const cos = new Float64Array(T * D);
  const sin = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const angle = (offset + t) * base ** ((-2 * i) / D);
      for (const j of [i, i + half]) {
        cos[t * D + j] = Math.cos(angle);
        sin[t * D + j] = Math.sin(angle);
      }
    }
  }
  const xf = asFloat(x);
  const c = fromHost(cos, [T, D], xf.dtype);
  const s = fromHost(sin, [T, D], xf.dtype);
  const x1 = xf.slice(-1, 0, half);
  const x2 = xf.slice(-1, half, D);
  const rotated = concat([x2.neg(), x1], x.rank - 1);
  return xf.mul(c).add(rotated.mul(s));
}
