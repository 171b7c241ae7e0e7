import type { View } from "../../../src/backends/backend.js";
import { RefStorage } from "../../../src/backends/ref/storage.js";
import { type DType, allocArray } from "../../../src/core/dtype.js";

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

export const values = (s: RefStorage) => Array.from(s.data);
