import { type DType, type TypedArray, allocArray, bytesPerElement } from "../../base/dtype.js";
import { DisposedError } from "../../base/errors.js";
import type { Backend, Kernels, MemoryInfo, Storage, View } from "../backend.js";
import { hostKernels } from "../host/kernels.js";
import type { HostMemory } from "../host/memory.js";
import { RefStorage, arrayOf } from "./storage.js";

/**
 * The reference backend: every kernel in plain TypeScript over typed arrays in the JavaScript heap,
 * all dtypes including float64. It is the oracle the faster backends are tested against.
 * @example
 * const ref = new RefBackend();
 * const s = ref.upload(new Float64Array([1, 4, 9]), "float64");
 * const root = ref.unary("sqrt", { storage: s, dtype: "float64", shape: [3], strides: [1], offset: 0 }, "float64");
 * ref.readSync(root); // Float64Array [1, 2, 3]
 * setBackend("ref"); // or make it the backend of every new tensor
 */
export class RefBackend implements Backend, HostMemory {
  readonly name = "ref";
  private live = 0;
  private bytes = 0;
  private readonly kernels: Kernels = hostKernels(this);

  supports(_dtype: DType): boolean {
    return true;
  }

  /** The host kernels address elements with int32 offsets (and Node 20 caps a typed array at 2^32). */
  maxElements(_dtype: DType): number {
    return 2 ** 31 - 1;
  }

  alloc(dtype: DType, size: number): { storage: Storage; data: TypedArray } {
    const data = allocArray(dtype, size);
    return { storage: this.track(new RefStorage(dtype, data)), data };
  }

  dataOf(view: View): TypedArray {
    return arrayOf(view);
  }

  private track(s: RefStorage): RefStorage {
    this.live++;
    this.bytes += s.data.byteLength;
    return s;
  }

  fill(dtype: DType, size: number, value: number): Storage {
    const data = allocArray(dtype, size);
    if (value !== 0) data.fill(value);
    return this.track(new RefStorage(dtype, data));
  }

  upload(data: TypedArray, dtype: DType): Storage {
    return this.track(new RefStorage(dtype, data));
  }
  readSync(storage: Storage): TypedArray {
    const s = storage as RefStorage;
    if (s.released) throw new DisposedError("reference backend: read of a released storage");
    return s.data.slice();
  }
  read(storage: Storage): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(storage));
    } catch (e) {
      return Promise.reject(e);
    }
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

  unary: Backend["unary"] = (...args) => this.kernels.unary(...args);
  binary: Backend["binary"] = (...args) => this.kernels.binary(...args);
  where: Backend["where"] = (...args) => this.kernels.where(...args);
  cast: Backend["cast"] = (...args) => this.kernels.cast(...args);
  reduce: Backend["reduce"] = (...args) => this.kernels.reduce(...args);
  argReduce: Backend["argReduce"] = (...args) => this.kernels.argReduce(...args);
  matmul: Backend["matmul"] = (...args) => this.kernels.matmul(...args);
  pad: Backend["pad"] = (...args) => this.kernels.pad(...args);
  concat: Backend["concat"] = (...args) => this.kernels.concat(...args);
  gather: Backend["gather"] = (...args) => this.kernels.gather(...args);
  scatterAdd: Backend["scatterAdd"] = (...args) => this.kernels.scatterAdd(...args);
}
