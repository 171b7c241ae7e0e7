import type { DType } from "../../base/dtype.js";
import { contiguousStrides as stridesOf, sizeOf } from "../../base/shape.js";
import { IndexError, fmtShape } from "../../base/errors.js";
import type { Storage, View } from "../backend.js";
import { type HostMemory, offsetsOf, stridedOffsets } from "./memory.js";

/** Copies every element of `x` to `out` at the positions that `outStrides` + `base` give. */
function scatterCopy(
  mem: HostMemory,
  x: View,
  out: ArrayLike<number> & { [i: number]: number },
  outStrides: number[],
  base: number,
) {
  const X = mem.dataOf(x);
  const io = stridedOffsets(x.shape, outStrides, base);
  const ix = offsetsOf(x, x.shape);
  for (let i = 0; i < io.length; i++) out[io[i]] = X[ix === null ? x.offset + i : ix[i]];
}

/**
 * Pads each axis with `pads[i] = [before, after]` elements of `value`.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * mem.readSync(pad(mem, tensor([1, 2]), [[1, 2]], 0)); // Float32Array [0, 1, 2, 0, 0]
 */
export function pad(
  mem: HostMemory,
  x: View,
  pads: readonly (readonly [number, number])[],
  value: number,
): Storage {
  const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const { storage, data: out } = mem.alloc(x.dtype, sizeOf(outShape));
  if (value !== 0) out.fill(value);
  const os = stridesOf(outShape);
  const base = pads.reduce((acc, p, i) => acc + p[0] * os[i], 0);
  scatterCopy(mem, x, out, os, base);
  return storage;
}

/**
 * Joins views along `axis` into a storage of `outShape`.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const a = tensor([[1], [2]]), b = tensor([[3], [4]]);
 * mem.readSync(concat(mem, [a, b], 1, [2, 2])); // Float32Array [1, 3, 2, 4]
 */
export function concat(
  mem: HostMemory,
  xs: readonly View[],
  axis: number,
  outShape: readonly number[],
): Storage {
  const { storage, data: out } = mem.alloc(xs[0].dtype, sizeOf(outShape));
  const os = stridesOf(outShape);
  let at = 0;
  for (const x of xs) {
    scatterCopy(mem, x, out, os, at * os[axis]);
    at += x.shape[axis];
  }
  return storage;
}

function indexOffsets(
  mem: HostMemory,
  op: string,
  index: View,
  xShape: readonly number[],
  xStrides: readonly number[],
  base: number,
  axis: number,
) {
  const I = mem.dataOf(index);
  const ii = offsetsOf(index, index.shape);
  const partial = stridedOffsets(
    index.shape,
    xStrides.map((s, d) => (d === axis ? 0 : s)),
    base,
  );
  const len = xShape[axis];
  for (let i = 0; i < partial.length; i++) {
    const idx = I[ii === null ? index.offset + i : ii[i]];
    if (idx < 0 || idx >= len) {
      throw new IndexError(
        `${op}: index ${idx} is out of range for axis ${axis} of size ${len} (tensor shape ${fmtShape(xShape)})`,
      );
    }
    partial[i] += idx * xStrides[axis];
  }
  return partial;
}

/**
 * `out[i][j] = x[i][index[i][j]]` along `axis` (torch.gather); the output has the index's shape.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const x = tensor([[1, 2], [3, 4]]), index = tensor([[1, 1], [0, 1]], { dtype: "int32" });
 * mem.readSync(gather(mem, x, 1, index)); // Float32Array [2, 2, 3, 4]
 */
export function gather(mem: HostMemory, x: View, axis: number, index: View): Storage {
  const offs = indexOffsets(mem, "gather", index, x.shape, x.strides, x.offset, axis);
  const { storage, data: out } = mem.alloc(x.dtype, offs.length);
  const X = mem.dataOf(x);
  for (let i = 0; i < offs.length; i++) out[i] = X[offs[i]];
  return storage;
}

/**
 * `zeros(outShape).scatter_add(axis, index, src)`: the adjoint of `gather`.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const index = tensor([0, 2, 0], { dtype: "int32" }), src = tensor([1, 2, 3]);
 * mem.readSync(scatterAdd(mem, [3], "float32", 0, index, src)); // Float32Array [4, 0, 2]
 */
export function scatterAdd(
  mem: HostMemory,
  outShape: readonly number[],
  dtype: DType,
  axis: number,
  index: View,
  src: View,
): Storage {
  // indices are checked before allocating, so an out-of-range index leaks no storage
  const offs = indexOffsets(mem, "scatterAdd", index, outShape, stridesOf(outShape), 0, axis);
  const { storage, data: out } = mem.alloc(dtype, sizeOf(outShape));
  const S = mem.dataOf(src);
  const is = offsetsOf(src, index.shape);
  for (let i = 0; i < offs.length; i++) out[offs[i]] += S[is === null ? src.offset + i : is[i]];
  return storage;
}
