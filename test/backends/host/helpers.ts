import type { Storage, View } from "../../../src/backends/backend.js";
import { RefBackend } from "../../../src/backends/ref/index.js";
import { RefStorage } from "../../../src/backends/ref/storage.js";
import { type DType, allocArray } from "../../../src/base/dtype.js";

/** A hand-made view over a fresh reference storage holding `values`. */
export function view(
  values: number[],
  dtype: DType,
  shape: number[],
  strides?: number[],
  offset = 0,
): View & { storage: RefStorage } {
  const data = allocArray(dtype, values.length);
  data.set(values);
  const s = strides ?? rowMajor(shape);
  return { storage: new RefStorage(dtype, data), dtype, shape, strides: s, offset };
}

export function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** The memory the host kernels allocate from in these tests. */
export const mem = new RefBackend();

export const values = (s: Storage) => Array.from((s as RefStorage).data);
