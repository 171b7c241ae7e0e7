import type { ReduceOp, Storage, View } from "../backend.js";
import { type HostMemory, offsetsOf, stridedOffsets } from "./memory.js";

const INIT: Record<ReduceOp, number> = {
  sum: 0,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/**
 * Sum, max or min over `axes` (sorted, unique); the output drops those axes.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const x = tensor([[1, 5], [3, 2]]);
 * mem.readSync(reduce(mem, "max", x, [0])); // Float32Array [3, 5]
 * mem.readSync(reduce(mem, "sum", x, [0, 1])); // Float32Array [11]
 */
export function reduce(mem: HostMemory, op: ReduceOp, x: View, axes: readonly number[]): Storage {
  const shape = x.shape;
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  const outShape = shape.filter((_, i) => !reduced[i]);
  let outSize = 1;
  for (const d of outShape) outSize *= d;
  let inSize = 1;
  for (const d of shape) inSize *= d;
  // sums accumulate in float64 whatever the dtype, then round once
  const acc = new Float64Array(outSize).fill(INIT[op]);
  const X = mem.dataOf(x);
  const ix = offsetsOf(x, shape);
  const trailing = axes.every((a, i) => a === rank - axes.length + i);
  if (ix === null && trailing) {
    const inner = outSize === 0 ? 0 : inSize / outSize;
    for (let o = 0; o < outSize; o++) {
      let v = acc[o];
      const base = x.offset + o * inner;
      if (op === "sum") for (let j = 0; j < inner; j++) v += X[base + j];
      else for (let j = 0; j < inner; j++) v = combine(op, v, X[base + j]);
      acc[o] = v;
    }
  } else {
    // the output position of every input position, walking the input in row-major order
    const outStrides = new Array<number>(rank).fill(0);
    let s = 1;
    for (let i = rank - 1; i >= 0; i--) {
      if (!reduced[i]) {
        outStrides[i] = s;
        s *= shape[i];
      }
    }
    const io = stridedOffsets(shape, outStrides, 0);
    for (let i = 0; i < inSize; i++) {
      const v = X[ix === null ? x.offset + i : ix[i]];
      acc[io[i]] = op === "sum" ? acc[io[i]] + v : combine(op, acc[io[i]], v);
    }
  }
  const { storage, data: out } = mem.alloc(x.dtype === "bool" && op === "sum" ? "int32" : x.dtype, outSize);
  out.set(acc);
  return storage;
}

function combine(op: ReduceOp, a: number, b: number): number {
  switch (op) {
    case "sum":
      return a + b;
    case "max":
      return Math.max(a, b);
    case "min":
      return Math.min(a, b);
  }
}

/**
 * The index (int32) of the first max or min along `axis`.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * mem.readSync(argReduce(mem, "argmax", tensor([[1, 5], [3, 2]]), 1)); // Int32Array [1, 0]
 */
export function argReduce(mem: HostMemory, op: "argmax" | "argmin", x: View, axis: number): Storage {
  const outShape = x.shape.filter((_, i) => i !== axis);
  const outStrides = x.strides.filter((_, i) => i !== axis);
  const base = stridedOffsets(outShape, outStrides, x.offset);
  const len = x.shape[axis];
  const step = x.strides[axis];
  const { storage, data: out } = mem.alloc("int32", base.length);
  const X = mem.dataOf(x);
  const better = op === "argmax" ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  for (let o = 0; o < base.length; o++) {
    let best = X[base[o]];
    let bi = 0;
    // NaN counts as the extreme, as in PyTorch
    for (let j = 1; j < len && !Number.isNaN(best); j++) {
      const v = X[base[o] + j * step];
      if (Number.isNaN(v) || better(v, best)) {
        best = v;
        bi = j;
      }
    }
    out[o] = bi;
  }
  return storage;
}
