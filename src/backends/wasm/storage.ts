import type { DType } from "../../base/dtype.js";
import type { Storage } from "../backend.js";

/**
 * A tensor's memory inside the wasm heap: a byte address and an element count.
 * @example
 * const wasm = new WasmBackend({ threads: 1 });
 * const s = wasm.upload(new Int32Array([1, 2, 3]), "int32") as WasmStorage;
 * [s.size, s.bytes, s.ptr % 64]; // [3, 12, 0]
 */
export class WasmStorage implements Storage {
  released = false;
  constructor(
    readonly dtype: DType,
    readonly size: number,
    readonly ptr: number,
    readonly bytes: number,
  ) {}
}
