import { OutOfMemoryError, ValueError, fmtBytes } from "./errors.js";

/**
 * Element types a tensor can hold. `float64` is for gradient checks on the reference backend.
 * @example
 * const dtype: DType = "int32";
 * zeros([2], { dtype }).dtype; // "int32"
 */
export type DType = "float32" | "float64" | "int32" | "bool";

/**
 * The host arrays tensors are read into and made from (bool is a `Uint8Array` of 0 and 1).
 * @example
 * const data: TypedArray = tensor([1, 2]).dataSync();
 * data; // Float32Array [1, 2]
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * The typed array each dtype is stored in (bool is one byte per element, 0 or 1).
 * @example
 * new ARRAY_TYPES.int32(3); // Int32Array [0, 0, 0]
 */
export const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/**
 * Every dtype, from the narrowest kind to the widest.
 * @example
 * ALL_DTYPES.filter(isFloat); // ["float32", "float64"]
 */
export const ALL_DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

/**
 * Whether a dtype holds floating-point numbers.
 * @example
 * isFloat("float64"); // true
 * isFloat("int32"); // false
 */
export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/**
 * Bytes one element of the dtype takes.
 * @example
 * bytesPerElement("float32"); // 4
 * bytesPerElement("bool"); // 1
 */
export function bytesPerElement(dtype: DType): number {
  return ARRAY_TYPES[dtype].BYTES_PER_ELEMENT;
}

/**
 * A zeroed host array; the engine's RangeError (no memory, length over its limit) becomes a StrataError.
 * @example
 * allocArray("float64", 3); // Float64Array [0, 0, 0]
 * allocArray("float32", -1); // throws ValueError: not a valid length
 */
export function allocArray(dtype: DType, size: number): TypedArray {
  try {
    return new ARRAY_TYPES[dtype](size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    if (!(Number.isInteger(size) && size >= 0)) {
      throw new ValueError(`cannot make a ${dtype} array of ${size} elements: not a valid length`);
    }
    const bytes = size * bytesPerElement(dtype);
    throw new OutOfMemoryError(
      `cannot allocate a host array of ${size.toLocaleString("en-US")} ${dtype} elements ` +
        `(${fmtBytes(bytes)}): ${e.message}`,
    );
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * Result type of combining two dtypes, as PyTorch promotes (bool < int32 < float32 < float64).
 * @example
 * promoteTypes("int32", "float32"); // "float32"
 * promoteTypes("bool", "int32"); // "int32"
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The float type an op with a float result gives for this input (ints and bools become float32).
 * @example
 * toFloat("int32"); // "float32"
 * toFloat("float64"); // "float64"
 */
export function toFloat(dtype: DType): DType {
  return isFloat(dtype) ? dtype : "float32";
}

/**
 * The dtype a typed array holds (a `Uint8Array` is bool).
 * @example
 * dtypeOfArray(new Int32Array(2)); // "int32"
 */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}
