import { ValueError } from "../core/errors.js";

/**
 * @internal Throws a `ValueError` naming the optimizer, the option and what was expected, unless `ok`.
 * @example
 * checkOption(lr >= 0, "SGD", "defaults", "lr", lr, "a number >= 0");
 */
export function checkOption(
  ok: boolean,
  optimizer: string,
  where: string,
  option: string,
  value: unknown,
  expected: string,
): void {
  if (!ok) {
    const shown = Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
    throw new ValueError(`${optimizer}: invalid ${option} ${shown} in ${where}; expected ${expected}`);
  }
}

/**
 * @internal A finite number >= 0.
 * @example
 * nonNegative(0.1); // true
 */
export function nonNegative(x: unknown): boolean {
  return typeof x === "number" && Number.isFinite(x) && x >= 0;
}

/**
 * @internal A number in [0, 1).
 * @example
 * unitInterval(0.999); // true
 */
export function unitInterval(x: unknown): boolean {
  return typeof x === "number" && x >= 0 && x < 1;
}

/**
 * @internal A boolean.
 * @example
 * isBool(false); // true
 */
export function isBool(x: unknown): boolean {
  return typeof x === "boolean";
}
