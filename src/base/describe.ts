/**
 * Words for what a caller passed, for error messages on every floor (the ground floor cannot know the
 * Tensor class, so a tensor is recognised by its shape, strides and dtype).
 */
import { fmtShape } from "./errors.js";

function looksLikeTensor(v: unknown): v is { shape: readonly number[]; dtype: string } {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as { shape?: unknown }).shape) &&
    Array.isArray((v as { strides?: unknown }).strides) &&
    typeof (v as { dtype?: unknown }).dtype === "string"
  );
}

/**
 * Whether `v` looks like a Dataset: a numeric `length` and a `get(i)` method (not an array).
 * @example
 * isDataset(new data.TensorDataset(zeros([4, 2]))); // true
 * isDataset([1, 2, 3]); // false
 */
export function isDataset(v: unknown): boolean {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !ArrayBuffer.isView(v) &&
    typeof (v as { length?: unknown }).length === "number" &&
    typeof (v as { get?: unknown }).get === "function"
  );
}

/**
 * Whether `v` is a plain options object (`{ ... }` or `Object.create(null)`): not a tensor, array,
 * typed array, Dataset or instance of another class.
 * @example
 * isOptionsObject({ stride: 2 }); // true
 * isOptionsObject(zeros([2])); // false
 */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function className(v: object): string {
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "object";
}

function article(word: string): string {
  // "an Int32Array", "a Uint8Array" (said "you-int")
  return /^[aeiouAEIOU]/.test(word) && !/^U(int|ni|s)/.test(word) ? `an ${word}` : `a ${word}`;
}

/**
 * Words for what a caller passed, for error messages.
 * @example
 * describeValue(new Float32Array(3)) // "a Float32Array of length 3"
 * describeValue(zeros([2, 3]))       // "a Tensor of shape (2, 3) and dtype float32"
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (looksLikeTensor(v)) return `a Tensor of shape ${fmtShape(v.shape)} and dtype ${v.dtype}`;
  switch (typeof v) {
    case "number":
      return `the number ${v}`;
    case "string":
      return `the string ${JSON.stringify(v)}`;
    case "boolean":
      return String(v);
    case "bigint":
      return `the bigint ${v}n`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
  }
  const obj = v as object;
  if (isDataset(obj)) {
    const name = className(obj);
    const n = (obj as { length: number }).length;
    const hint = "iterate it with a DataLoader for batches of tensors, or take one example with .get(i)";
    return name === "Object" || name === "object"
      ? `a Dataset of ${n} examples (${hint})`
      : `${article(name)} (a Dataset of ${n} examples: ${hint})`;
  }
  if (Array.isArray(v)) {
    const text = JSON.stringify(v);
    return text !== undefined && text.length <= 40 ? `the array ${text}` : `an array of length ${v.length}`;
  }
  if (ArrayBuffer.isView(v)) {
    const n = (v as unknown as { length?: number }).length;
    return `${article(className(obj))}${n === undefined ? "" : ` of length ${n}`}`;
  }
  if (isOptionsObject(v)) {
    const keys = Object.keys(v);
    return keys.length === 0 ? "an empty object {}" : `an object with keys {${keys.join(", ")}}`;
  }
  return article(className(obj));
}
