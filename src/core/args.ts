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
 * @example const input = checkTensor("conv2d", "x", x);
 */
export function checkTensor(op: string, name: string, value: unknown): Tensor {
  if (isTensor(value)) return value;
  throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${describeValue(value)}`);
}

/** A tensor, or null for `null` / `undefined` (an optional weight or bias). */
export function checkOptionalTensor(op: string, name: string, value: unknown): Tensor | null {
  return value === undefined || value === null ? null : checkTensor(op, name, value);
}

/**
 * A number (with `integer`, an integer), `fallback` when `value` is undefined (or null with
 * `nullable`), or an `ArgumentError`.
 * @example const eps = checkNumber("layerNorm", "eps", rest[2], { fallback: 1e-5 });
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

/** A boolean, `fallback` when undefined, or an `ArgumentError`. */
export function checkBoolean(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new ArgumentError(`${op}: ${name} must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Refuses more arguments than `params` names (JavaScript would drop them silently).
 * @example checkArity("linear", args, ["x", "weight", "bias"]);
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
 * @example checkOptionKeys("conv2d", options, ["stride", "padding", "dilation", "groups"]);
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
 * @example const o = checkOptions("mseLoss", "options", rest[0], ["reduction"]);
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
 * const o = positionalOrOptions("conv2d", ["x", "weight", "bias"], rest, ["stride", "padding", "dilation", "groups"]);
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
 * @example const idx = indexArg("indexSelect", "index", [2, 0], fromHost);
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
