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
