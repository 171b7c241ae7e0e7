import { describeValue } from "./describe.js";
import { ArgumentError, ShapeError, fmtShape } from "./errors.js";

/**
 * A tensor's sizes, outermost first.
 * @example
 * const s: Shape = zeros([2, 3]).shape; // [2, 3]
 */
export type Shape = readonly number[];

/**
 * The number of elements of a shape (1 for a scalar's `[]`).
 * @example
 * sizeOf([2, 3, 4]); // 24
 * sizeOf([]); // 1
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Row-major strides of a contiguous tensor of this shape.
 * @example
 * contiguousStrides([2, 3, 4]); // [12, 4, 1]
 */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Whether strides walk a shape in row-major order with no gaps (axes of size 1 may have any stride).
 * @example
 * isContiguous([2, 3], [3, 1]); // true
 * isContiguous([3, 2], [1, 3]); // false: a transpose
 */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

/**
 * Whether two shapes are equal.
 * @example
 * sameShape([2, 3], [2, 3]); // true
 */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * numpy broadcasting: align from the right; each pair of sizes must be equal or one of them 1.
 * @example
 * broadcastShapes("add", [8, 1, 3], [4, 1]); // [8, 4, 3]
 * broadcastShapes("add", [2], [3]); // throws ShapeError
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together ` +
          `(dimension ${i - n} has sizes ${da} and ${db}; each pair must be equal or one of them 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a tensor of `shape`/`strides` as if it had the (broadcast) shape `target`.
 * @example
 * broadcastStrides([3], [1], [2, 3]); // [0, 1]: every row reads the same 3 elements
 */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/**
 * Turns a possibly negative axis into 0..rank-1, or throws naming the op.
 * @example
 * normAxis("sum", -1, 3); // 2
 * normAxis("sum", 3, 3); // throws ShapeError: axis 3 is out of range for a tensor of rank 3
 */
export function normAxis(op: string, axis: number, rank: number): number {
  if (typeof axis !== "number") {
    throw new ArgumentError(`${op}: axis must be an integer, got ${describeValue(axis)}`);
  }
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/**
 * Normalises an axis list (undefined means all axes); sorted, without duplicates.
 * @example
 * normAxes("mean", [-1, 0], 3); // [0, 2]
 * normAxes("mean", undefined, 2); // [0, 1]
 */
export function normAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== "number" && !Array.isArray(axes)) {
    throw new ArgumentError(
      `${op}: axes must be an integer or a list of integers, got ${describeValue(axes)}`,
    );
  }
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normAxis(op, a, rank)))].sort((x, y) => x - y);
  if (out.length !== list.length) throw new ShapeError(`${op}: repeated axis in [${list.join(", ")}]`);
  return out;
}

/**
 * A copy of a shape, or a ShapeError naming the op if a size is not a non-negative integer.
 * @example
 * checkShape("zeros", [2, 3]); // [2, 3]
 * checkShape("zeros", [2, 1.5]); // throws ShapeError
 */
export function checkShape(op: string, shape: Shape): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid shape ${fmtShape(shape)}; sizes must be non-negative integers`);
    }
  }
  return [...shape];
}
