import { type DType, type TypedArray, bytesPerElement } from "../../core/dtype.js";
import type { Backend, MemoryInfo, Storage } from "../backend.js";
import { binary, cast, unary, where } from "./elementwise.js";
import { matmul } from "./matmul.js";
import { concat, gather, pad, scatterAdd } from "./movement.js";
import { argReduce, reduce } from "./reduce.js";
import { RefStorage } from "./storage.js";

/**
 * The reference backend: every kernel in plain TypeScript over typed arrays, all dtypes including
 * float64. It is the oracle the faster backends are tested against.
 */
export class RefBackend implements Backend {
  readonly name = "ref";
  private live = 0;
  private bytes = 0;

  supports(_dtype: DType): boolean {
    return true;
  }

  private track(s: RefStorage): RefStorage {
    this.live++;
    this.bytes += s.data.byteLength;
    return s;
  }

  upload(data: TypedArray, dtype: DType): Storage {
    return this.track(new RefStorage(dtype, data));
  }
  readSync(storage: Storage): TypedArray {
    const s = storage as RefStorage;
    if (s.released) throw new Error("reference backend: read of a released storage");
    return s.data.slice();
  }
  async read(storage: Storage): Promise<TypedArray> {
    // async, so a bad read rejects the promise instead of throwing at the call
    return this.readSync(storage);
  }
  release(storage: Storage): void {
    const s = storage as RefStorage;
    if (s.released) return;
    s.released = true;
    this.live--;
    this.bytes -= s.size * bytesPerElement(s.dtype);
  }
  memory(): MemoryInfo {
    return { storages: this.live, bytes: this.bytes };
  }

  unary: Backend["unary"] = (op, x, outDtype) => this.track(unary(op, x, outDtype));
  binary: Backend["binary"] = (op, a, b, s, d) => this.track(binary(op, a, b, s, d));
  where: Backend["where"] = (c, a, b, s, d) => this.track(where(c, a, b, s, d));
  cast: Backend["cast"] = (x, d) => this.track(cast(x, d));
  reduce: Backend["reduce"] = (op, x, axes) => this.track(reduce(op, x, axes));
  argReduce: Backend["argReduce"] = (op, x, axis) => this.track(argReduce(op, x, axis));
  matmul: Backend["matmul"] = (a, b, s) => this.track(matmul(a, b, s));
  pad: Backend["pad"] = (x, pads, v) => this.track(pad(x, pads, v));
  concat: Backend["concat"] = (xs, axis, s) => this.track(concat(xs, axis, s));
  gather: Backend["gather"] = (x, axis, idx) => this.track(gather(x, axis, idx));
  scatterAdd: Backend["scatterAdd"] = (s, d, axis, idx, src) => this.track(scatterAdd(s, d, axis, idx, src));
}
