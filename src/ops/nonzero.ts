/**
 * `nonzero`: the indices of the non-zero elements. Its output's length depends on the values, so it is
 * computed on the host from one read of the input: synchronously on ref and wasm, and by
 * `nonzeroAsync` on every backend (a GPU's memory is read asynchronously).
 */

import type { TypedArray } from "../base/dtype.js";
import { BackendError } from "../base/errors.js";
import { checkTensor } from "../core/args.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "./creation.js";

/**
 * Options of {@link nonzero}.
 * @example
 * const options: NonzeroOptions = { asTuple: true }; // one index tensor per axis, as numpy's nonzero
 * nonzero(tensor([[0, 3], [4, 0]]), options).map((t) => t.toArray()); // [[0, 1], [1, 0]]
 */
export interface NonzeroOptions {
  /**
   * False (default): one `[count, rank]` int32 tensor, a row of indices per non-zero element (PyTorch's
   * `torch.nonzero(x)`). True: `rank` int32 tensors of length `count`, one per axis, which index `x`
   * (PyTorch's `as_tuple=True`).
   */
  asTuple?: boolean;
}

/** Row-major indices of the elements of `values` that are not 0 (NaN counts as non-zero, as in PyTorch). */
function indicesOf(values: TypedArray, shape: readonly number[]): { count: number; rows: Int32Array } {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
  const rank = shape.length;
  const rows = new Int32Array(count * rank);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    let rest = i;
    for (let a = rank - 1; a >= 0; a--) {
      rows[k * rank + a] = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
    }
    k++;
  }
  return { count, rows };
}

function build(x: Tensor, values: TypedArray, asTuple: boolean): Tensor | Tensor[] {
  const { count, rows } = indicesOf(values, x.shape);
  const rank = x.rank;
  if (!asTuple) return fromHost(rows, [count, rank], "int32");
  // a 0-d input is treated as 1-d, as PyTorch does: one index tensor, [0] when the value is non-zero
  if (rank === 0) return [fromHost(new Int32Array(count), [count], "int32")];
  return Array.from({ length: rank }, (_, a) => {
    const column = new Int32Array(count);
    for (let k = 0; k < count; k++) column[k] = rows[k * rank + a];
    return fromHost(column, [count], "int32");
  });
}

/**
 * The indices of the non-zero (for bool: true) elements of `x`, in row-major order, as PyTorch's
 * `torch.nonzero`: a `[count, rank]` int32 tensor, or with `{ asTuple: true }` one int32 tensor per
 * axis. `argwhere` is the same. The output's shape depends on the values, so the input is read on the
 * host: on webgpu (asynchronous reads) this throws a `BackendError`; use `await nonzeroAsync(x)` there.
 * No gradient flows (the output is integer).
 * @example
 * const x = tensor([[0, 3], [4, 0], [0, 5]]);
 * nonzero(x).toArray(); // [[0, 1], [1, 0], [2, 1]]
 * const [rows, cols] = nonzero(x, { asTuple: true });
 * rows.toArray(); // [0, 1, 2]
 * cols.toArray(); // [1, 0, 1]
 * nonzero(tensor([0, 0])).shape; // [0, 1]: no non-zero elements
 * tensor([1, -2, 3]).gt(0).nonzero().toArray(); // [[0], [2]]
 */
export function nonzero(x: Tensor, options?: NonzeroOptions & { asTuple?: false }): Tensor;
export function nonzero(x: Tensor, options: NonzeroOptions & { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[];
export function nonzero(x: Tensor, options: NonzeroOptions = {}): Tensor | Tensor[] {
  checkTensor("nonzero", "x", x);
  if (x.backend.asyncReads) {
    throw new BackendError(
      `nonzero: the output's shape depends on the values of x (shape [${x.shape.join(", ")}], ${x.dtype}), ` +
        `which the ${x.backend.name} backend can only read asynchronously; use \`await nonzeroAsync(x)\``,
    );
  }
  return build(x, x.dataSync(), options.asTuple === true);
}

/**
 * {@link nonzero} for every backend, webgpu included: the input is read with `await x.data()`.
 * @example
 * const idx = await nonzeroAsync(tensor([0, 7, 0, 9]));
 * idx.toArray(); // [[1], [3]]
 * (await nonzeroAsync(tensor([[1, 0], [0, 1]]), { asTuple: true })).length; // 2
 */
export async function nonzeroAsync(
  x: Tensor,
  options?: NonzeroOptions & { asTuple?: false },
): Promise<Tensor>;
export async function nonzeroAsync(x: Tensor, options: NonzeroOptions & { asTuple: true }): Promise<Tensor[]>;
export async function nonzeroAsync(x: Tensor, options: NonzeroOptions = {}): Promise<Tensor | Tensor[]> {
  checkTensor("nonzeroAsync", "x", x);
  return build(x, await x.data(), options.asTuple === true);
}

/**
 * The indices of the non-zero elements as a `[count, rank]` int32 tensor: `torch.argwhere` and numpy's
 * `argwhere`, the same as {@link nonzero} without `asTuple`.
 * @example
 * argwhere(tensor([[true, false], [false, true]])).toArray(); // [[0, 0], [1, 1]]
 */
export function argwhere(x: Tensor): Tensor {
  return nonzero(x);
}
