import { type DType, allocArray } from "../../core/dtype.js";
import { ValueError, fmtShape } from "../../core/errors.js";
import type { View } from "../backend.js";
import { RefStorage, arrayOf, offsetsOf, stridedOffsets } from "./storage.js";

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Copies every element of `x` to `out` at the positions that `outStrides` + `base` give. */
function scatterCopy(
  x: View,
  out: ArrayLike<number> & { [i: number]: number },
  outStrides: number[],
  base: number,
) {
  const X = arrayOf(x);
  const io = stridedOffsets(x.shape, outStrides, base);
  const ix = offsetsOf(x, x.shape);
  for (let i = 0; i < io.length; i++) out[io[i]] = X[ix === null ? x.offset + i : ix[i]];
}

export function pad(x: View, pads: readonly (readonly [number, number])[], value: number): RefStorage {
  const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const out = allocArray(x.dtype, sizeOf(outShape));
  if (value !== 0) out.fill(value);
  const os = stridesOf(outShape);
  const base = pads.reduce((acc, p, i) => acc + p[0] * os[i], 0);
  scatterCopy(x, out, os, base);
  return new RefStorage(x.dtype, out);
}

export function concat(xs: readonly View[], axis: number, outShape: readonly number[]): RefStorage {
  const out = allocArray(xs[0].dtype, sizeOf(outShape));
  const os = stridesOf(outShape);
  let at = 0;
  for (const x of xs) {
    scatterCopy(x, out, os, at * os[axis]);
    at += x.shape[axis];
  }
  return new RefStorage(xs[0].dtype, out);
}

function indexOffsets(
  op: string,
  index: View,
  xShape: readonly number[],
  xStrides: readonly number[],
  base: number,
  axis: number,
) {
  const I = arrayOf(index);
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
      throw new ValueError(
        `${op}: index ${idx} is out of range for axis ${axis} of size ${len} (tensor shape ${fmtShape(xShape)})`,
      );
    }
    partial[i] += idx * xStrides[axis];
  }
  return partial;
}

export function gather(x: View, axis: number, index: View): RefStorage {
  const X = arrayOf(x);
  const offs = indexOffsets("gather", index, x.shape, x.strides, x.offset, axis);
  const out = allocArray(x.dtype, offs.length);
  for (let i = 0; i < offs.length; i++) out[i] = X[offs[i]];
  return new RefStorage(x.dtype, out);
}

export function scatterAdd(
  outShape: readonly number[],
  dtype: DType,
  axis: number,
  index: View,
  src: View,
): RefStorage {
  const out = allocArray(dtype, sizeOf(outShape));
  const offs = indexOffsets("scatterAdd", index, outShape, stridesOf(outShape), 0, axis);
  const S = arrayOf(src);
  const is = offsetsOf(src, index.shape);
  for (let i = 0; i < offs.length; i++) out[offs[i]] += S[is === null ? src.offset + i : is[i]];
  return new RefStorage(dtype, out);
}
