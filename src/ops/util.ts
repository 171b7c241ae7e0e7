import type { TypedArray } from "../core/dtype.js";
import { ShapeError, StrataError, ValueError, fmtShape } from "../core/errors.js";
import { contiguousStrides } from "../core/shape.js";
import type { NestedArray, Tensor } from "../core/tensor.js";

export const contiguousStridesOf = contiguousStrides;

/** Row-major flat values to nested arrays of `shape`. */
export function nest(values: TypedArray, shape: readonly number[], asBool: boolean): NestedArray {
  const conv = (v: number): number | boolean => (asBool ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0]) as NestedArray;
  const build = (depth: number, offset: number, stride: number): NestedArray[] => {
    const n = shape[depth];
    const inner = stride / (n || 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        depth === shape.length - 1
          ? (conv(values[offset + i]) as NestedArray)
          : build(depth + 1, offset + i * inner, inner),
      );
    }
    return out;
  };
  const total = shape.reduce((a, b) => a * b, 1);
  return build(0, 0, total);
}

export function item(t: Tensor): number {
  if (t.size !== 1)
    throw new ValueError(`item: only one-element tensors have an item, got shape ${fmtShape(t.shape)}`);
  return t.dataSync()[0];
}

export function checkAssign(target: Tensor, value: Tensor): void {
  if (target.shape.length !== value.shape.length || target.shape.some((d, i) => d !== value.shape[i])) {
    throw new ShapeError(
      `assign: value of shape ${fmtShape(value.shape)} does not match target ${fmtShape(target.shape)}`,
    );
  }
  if (target.dtype !== value.dtype) {
    throw new ShapeError(`assign: value dtype ${value.dtype} does not match target dtype ${target.dtype}`);
  }
  if (target.backend !== value.backend) throw new StrataError("assign: value lives on another backend");
}

export function checkRequiresGrad(t: Tensor, flag: boolean): void {
  if (flag && t.dtype !== "float32" && t.dtype !== "float64") {
    throw new StrataError(`requiresGrad: only float tensors can require gradients, got ${t.dtype}`);
  }
  if (!t.isLeaf) throw new StrataError("requiresGrad: can only be set on leaf tensors; use detach() first");
}
