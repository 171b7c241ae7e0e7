import type { View } from "../backend.js";
/**
 * Merges adjacent axes that every operand walks contiguously (and drops size-1 axes), so an n-d
 * strided walk becomes one over as few axes as possible. Strides are per operand, in elements.
 * @example
 * // a contiguous [2, 3, 4] tensor plus a [4] bias broadcast over it
 * collapse([2, 3, 4], [[12, 4, 1], [0, 0, 1]]); // { dims: [6, 4], strides: [[4, 1], [0, 1]] }
 */
export function collapse(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const keep = shape.map((d) => d !== 1);
  let dims = shape.filter((_, i) => keep[i]);
  let st = strides.map((s) => s.filter((_, i) => keep[i]));
  for (let i = dims.length - 2; i >= 0; i--) {
    if (st.every((s) => s[i] === s[i + 1] * dims[i + 1])) {
      dims = [...dims.slice(0, i), dims[i] * dims[i + 1], ...dims.slice(i + 2)];
      st = st.map((s) => [...s.slice(0, i), s[i + 1], ...s.slice(i + 2)]);
    }
  }
  return { dims, strides: st };
}

/**
 * The same merge, when it leaves at most two axes: an elementwise op over views then runs as one
 * rows × cols block that a SIMD kernel can walk. Returns null when more than two axes remain.
 * @example
 * collapse2d([2, 3, 4], [[12, 4, 1], [0, 0, 1]]); // { rows: 6, cols: 4, strides: [[4, 1], [0, 1]] }
 * collapse2d([2, 3, 4], [[1, 2, 6]]); // null: a full transpose keeps three axes
 */
export function collapse2d(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { rows: number; cols: number; strides: [number, number][] } | null {
  let { dims, strides: st } = collapse(shape, strides);
  if (dims.length > 2) return null;
  while (dims.length < 2) {
    dims = [1, ...dims];
    st = st.map((s) => [0, ...s]);
  }
  return { rows: dims[0], cols: dims[1], strides: st.map((s) => [s[0], s[1]] as [number, number]) };
}

/**
 * A strided 2-D copy: `rows` × `cols` source elements at strides `s0`, `s1`; destination rows `pitch` apart.
 * @example
 * const plan: CopyPlan = { rows: 2, cols: 3, s0: 1, s1: 2, pitch: 3 };
 * plan.rows * plan.cols; // 6
 */
export interface CopyPlan {
  rows: number;
  cols: number;
  s0: number;
  s1: number;
  pitch: number;
}

/**
 * How to copy view `x` into memory laid out with `dstStrides` (a window of a larger output for pad
 * and concat) as one strided 2-D copy: both walks collapse to at most two axes, the destination's
 * inner one unit-stride. Null when they do not.
 * @example
 * // a transposed [3, 2] matrix copied into a contiguous [2, 3] one
 * const view = { storage: { dtype: "float32", size: 6 }, dtype: "float32", shape: [2, 3], strides: [1, 2], offset: 0 } as const;
 * copyPlan(view, [3, 1]); // { rows: 2, cols: 3, s0: 1, s1: 2, pitch: 3 }
 */
export function copyPlan(x: View, dstStrides: readonly number[]): CopyPlan | null {
  const { dims, strides } = collapse(x.shape, [x.strides, dstStrides]);
  if (dims.length > 2 || (dims.length > 0 && strides[1][dims.length - 1] !== 1)) return null;
  if (dims.length === 2) {
    return { rows: dims[0], cols: dims[1], s0: strides[0][0], s1: strides[0][1], pitch: strides[1][0] };
  }
  const cols = dims[0] ?? 1;
  return { rows: 1, cols, s0: 0, s1: strides[0][0] ?? 1, pitch: cols };
}
