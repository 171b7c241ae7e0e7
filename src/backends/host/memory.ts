import type { DType, TypedArray } from "../../base/dtype.js";
import type { Storage, View } from "../backend.js";

/**
 * Memory the host (JavaScript) can read and write directly: the JS heap for the reference backend,
 * WebAssembly linear memory for the wasm backend. The host kernels in this folder run on any of them.
 * @example
 * const mem: HostMemory = new RefBackend();
 * const { storage, data } = mem.alloc("float32", 3);
 * data.set([1, 2, 3]);
 * mem.dataOf({ storage, dtype: "float32", shape: [3], strides: [1], offset: 0 }); // Float32Array [1, 2, 3]
 */
export interface HostMemory {
  /** A new zero-filled storage of `size` elements and a typed array over it. Allocate before reading inputs. */
  alloc(dtype: DType, size: number): { storage: Storage; data: TypedArray };
  /** The typed array behind a view's storage (the whole storage; index it with the view's offset). */
  dataOf(view: View): TypedArray;
}

/**
 * Element offsets of every position of `view` read at `shape` in row-major order, or null when the
 * view is contiguous (offset + i). Precomputing offsets keeps every kernel's inner loop a flat loop.
 * @example
 * const x = zeros([2, 3]);
 * offsetsOf(x, x.shape); // null: contiguous
 * const t = x.transpose(0, 1); // shape [3, 2], strides [1, 3]
 * offsetsOf(t, t.shape); // Int32Array [0, 3, 1, 4, 2, 5]
 */
export function offsetsOf(view: View, shape: readonly number[]): Int32Array | null {
  const rank = shape.length;
  const strides = view.strides;
  let contiguous = view.shape.length === rank;
  let expect = 1;
  for (let i = rank - 1; i >= 0 && contiguous; i--) {
    if (view.shape[i] !== shape[i] || (shape[i] !== 1 && strides[i] !== expect)) contiguous = false;
    expect *= shape[i];
  }
  if (contiguous) return null;
  return stridedOffsets(shape, strides, view.offset);
}

/**
 * Offsets of every position of an n-d index over `shape` with the given strides.
 * @example
 * stridedOffsets([2, 2], [10, 1], 5); // Int32Array [5, 6, 15, 16]
 */
export function stridedOffsets(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
): Int32Array {
  let size = 1;
  for (const d of shape) size *= d;
  const out = new Int32Array(size);
  if (size === 0) return out;
  const rank = shape.length;
  if (rank === 0) {
    out[0] = base;
    return out;
  }
  const last = rank - 1;
  const n = shape[last];
  const sl = strides[last];
  const counter = new Array<number>(rank).fill(0);
  let off = base;
  for (let i = 0; i < size; i += n) {
    for (let j = 0; j < n; j++) out[i + j] = off + j * sl;
    // advance the outer counter (everything but the last axis)
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      off += strides[d];
      if (counter[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
  return out;
}
