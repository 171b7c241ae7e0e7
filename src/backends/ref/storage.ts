import type { DType, TypedArray } from "../../base/dtype.js";
import { DisposedError } from "../../base/errors.js";
import type { Storage, View } from "../backend.js";

/** Reference storage: a plain typed array in the JavaScript heap. */
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

export function arrayOf(view: View): TypedArray {
  const s = view.storage as RefStorage;
  if (s.released) throw new DisposedError("reference backend: storage used after release");
  return s.data;
}
