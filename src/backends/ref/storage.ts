import type { DType, TypedArray } from "../../base/dtype.js";
import { DisposedError } from "../../base/errors.js";
import type { Storage, View } from "../backend.js";

/**
 * Reference storage: a plain typed array in the JavaScript heap.
 * @example
 * const s = new RefStorage("int32", new Int32Array([1, 2]));
 * s.size; // 2
 */
export class RefStorage implements Storage {
  released = false;
  constructor(
    readonly dtype: DType,
    readonly data: TypedArray,
  ) {}
  get size(): number {
    return this.data.length;
  }
}

/**
 * The typed array behind a view of reference storage (the whole storage; index it with the offset).
 * @example
 * const storage = new RefStorage("float32", new Float32Array([1, 2, 3]));
 * arrayOf({ storage, dtype: "float32", shape: [2], strides: [1], offset: 1 }); // Float32Array [1, 2, 3]
 */
export function arrayOf(view: View): TypedArray {
  const s = view.storage as RefStorage;
  if (s.released) throw new DisposedError("reference backend: storage used after release");
  return s.data;
}
