/**
 * Argument checks for the public entry points. TypeScript checks a caller's types, but plain
 * JavaScript (and `any`) lets anything through: a Dataset where a tensor is expected, a typed array
 * for an index, an extra positional argument that would be ignored. These helpers turn each of those
 * into an `ArgumentError` that names the function, the parameter and what was given.
 */
import { ArgumentError, DTypeError, ValueError } from "../base/errors.js";
import { describeValue, isDataset, isOptionsObject } from "../base/describe.js";
import { Tensor } from "./tensor.js";

export { describeValue, isDataset, isOptionsObject };

/** Whether `v` is a Strata tensor. @example isTensor(zeros([2])) // true */
export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

/**
 * `value` as a Tensor, or an `ArgumentError` naming the function and the parameter.
 * @example
 * const input = checkTensor("conv2d", "x", zeros([1, 3, 8, 8]));
 * checkTensor("conv2d", "x", [1, 2]); // throws ArgumentError: conv2d: x must be a Tensor, got the array [1,2]
 */
export function checkTensor(op: string, name: string, value: unknown): Tensor {
  if (isTensor(value)) return value;
  throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${describeValue(value)}`);
}

/**
 * A tensor, or null for `null` / `undefined` (an optional weight or bias).
 * @example
 * checkOptionalTensor("linear", "bias", undefined); // null
 */
export function checkOptionalTensor(op: string, name: string, value: unknown): Tensor | null {
  return value === undefined || value === null ? null : checkTensor(op, name, value);
}

/**
 * A number (with `integer`, an integer), `fallback` when `value` is undefined (or null with
 * `nullable`), or an `ArgumentError`.
 * @example
 * checkNumber("layerNorm", "eps", undefined, { fallback: 1e-5 }); // 0.00001
 * checkNumber("maxPool2d", "stride", "2", { integer: true }); // throws ArgumentError: stride must be a number
 * checkNumber("maxPool2d", "stride", 1.5, { integer: true }); // throws ValueError: stride must be an integer
 */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  options: { fallback?: number; integer?: boolean; nullable?: boolean } = {},
): number {
  if ((value === undefined || (options.nullable && value === null)) && options.fallback !== undefined) {
    return options.fallback;
  }
  if (typeof value !== "number") {
    throw new ArgumentError(
      `${op}: ${name} must be ${options.integer ? "an integer" : "a number"}, got ${describeValue(value)}`,
    );
  }
  if (options.integer && !Number.isInteger(value)) {
    throw new ValueError(`${op}: ${name} must be an integer, got ${value}`);
  }
  return value;
}

/**
 * A boolean, `fallback` when undefined, or an `ArgumentError`.
 * @example
 * checkBoolean("maxPool2d", "ceilMode", undefined, false); // false
 * checkBoolean("maxPool2d", "ceilMode", 1, false); // throws ArgumentError: ceilMode must be true or false
 */
export function checkBoolean(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new ArgumentError(`${op}: ${name} must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Refuses more arguments than `params` names (JavaScript would drop them silently).
 * @example
 * checkArity("linear", [zeros([2, 3]), zeros([4, 3])], ["x", "weight", "bias"]); // fine: bias is optional
 * checkArity("linear", [1, 2, 3, 4], ["x", "weight", "bias"]); // throws ArgumentError: linear takes at most 3 arguments
 */
export function checkArity(op: string, args: readonly unknown[], params: readonly string[]): void {
  if (args.length > params.length) {
    const extra = args.slice(params.length).map(describeValue).join(", ");
    throw new ArgumentError(
      `${op} takes at most ${params.length} arguments (${params.join(", ")}), got ${args.length}: ` +
        `${extra} would be ignored`,
    );
  }
}

/**
 * Refuses option names the function does not know (a misspelt option would otherwise be ignored).
 * @example
 * checkOptionKeys("conv2d", { stride: 2 }, ["stride", "padding", "dilation", "groups"]);
 * checkOptionKeys("conv2d", { strides: 2 }, ["stride", "padding"]); // throws ArgumentError: unknown option strides
 */
export function checkOptionKeys(
  op: string,
  options: Record<string, unknown>,
  known: readonly string[],
  what = "options",
): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ArgumentError(
      `${op}: unknown ${unknown.length > 1 ? "options" : "option"} ${unknown.map((k) => JSON.stringify(k)).join(", ")} ` +
        `in ${what}; known: ${known.join(", ")}`,
    );
  }
}

/**
 * An options object (or `{}` for undefined), with only `known` keys, or an `ArgumentError`.
 * @example
 * checkOptions("mseLoss", "options", { reduction: "sum" }, ["reduction"]); // { reduction: "sum" }
 * checkOptions("mseLoss", "options", undefined, ["reduction"]); // {}
 */
export function checkOptions(
  op: string,
  name: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isOptionsObject(value)) {
    throw new ArgumentError(
      `${op}: ${name} must be an options object {${known.join(", ")}}, got ${describeValue(value)}`,
    );
  }
  checkOptionKeys(op, value, known, name);
  return value;
}

/**
 * The trailing arguments of a function that takes them either positionally, in PyTorch's order, or
 * as one options object in the first of those positions. `leading` names the arguments before them
 * (for messages); the result maps each name in `names` to what was given (undefined when not).
 * @example
 * // conv2d(x, weight, bias, stride, padding, dilation, groups) or conv2d(x, weight, bias, { stride, ... })
 * const names = ["stride", "padding", "dilation", "groups"];
 * positionalOrOptions("conv2d", ["x", "weight", "bias"], [2, 1], names).padding; // 1
 * positionalOrOptions("conv2d", ["x", "weight", "bias"], [{ padding: 1 }], names).padding; // 1
 */
export function positionalOrOptions<K extends string>(
  op: string,
  leading: readonly string[],
  rest: readonly unknown[],
  names: readonly K[],
): Partial<Record<K, unknown>> {
  const at = leading.length + 1;
  if (rest.length > 0 && isOptionsObject(rest[0])) {
    if (rest.length > 1) {
      throw new ArgumentError(
        `${op}: an options object as argument ${at} holds every option, but ${rest.length - 1} more ` +
          `argument${rest.length > 2 ? "s" : ""} followed it (${rest.slice(1).map(describeValue).join(", ")})`,
      );
    }
    checkOptionKeys(op, rest[0], names);
    return rest[0] as Partial<Record<K, unknown>>;
  }
  checkArity(op, [...leading, ...rest], [...leading, ...names]);
  const out: Partial<Record<K, unknown>> = {};
  names.forEach((n, i) => {
    if (i < rest.length) out[n] = rest[i];
  });
  return out;
}

/**
 * An index argument as an int32 tensor: an int32 Tensor as it is, an `Int32Array` or an array of
 * integers as a new 1-D int32 tensor (made by `make`, so this file needs no creation op).
 * @example
 * const idx = indexArg("indexSelect", "index", [2, 0], fromHost);
 * idx.dtype; // "int32"
 */
export function indexArg(
  op: string,
  name: string,
  value: unknown,
  make: (values: ArrayLike<number>, shape: number[], dtype: "int32") => Tensor,
): Tensor {
  const expected = "an int32 tensor, an Int32Array or an array of integers";
  if (isTensor(value)) {
    if (value.dtype !== "int32") {
      throw new DTypeError(
        `${op}: ${name} must be ${expected}, got a Tensor of dtype ${value.dtype}; convert it with .int()`,
      );
    }
    return value;
  }
  if (value instanceof Int32Array) return make(value, [value.length], "int32");
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31);
    if (bad >= 0) {
      throw new ValueError(
        `${op}: ${name} must be ${expected}, got ${describeValue(value[bad])} at position ${bad}`,
      );
    }
    return make(value, [value.length], "int32");
  }
  throw new ArgumentError(`${op}: ${name} must be ${expected}, got ${describeValue(value)}`);
}
