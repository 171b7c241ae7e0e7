import type { DType } from "../../base/dtype.js";
import type { Storage } from "../backend.js";

/** A tensor's memory inside the wasm heap: a byte address and an element count. */
export class WasmStorage implements Storage {
  released = false;
  constructor(
    readonly dtype: DType,
    readonly size: number,
    readonly ptr: number,
    readonly bytes: number,
  ) {}
}
