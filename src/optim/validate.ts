import { ValueError } from "../base/errors.js";

/**
 * @internal Throws a `ValueError` naming the optimizer, the option and what was expected, unless `ok`.
 * @example
 * const lr = -1;
 * checkOption(lr >= 0, "SGD", "defaults", "lr", lr, "a number >= 0"); // throws ValueError: SGD: invalid lr -1 in defaults
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
 * @internal What an option must be: a test of its value, and the words the error gives for it.
 * @example
 * const rule: OptionRule = { ok: (x) => x === 1, expected: "1" };
 * checkOptions("MyOptimizer", "defaults", { power: 2 }, { power: rule }); // throws ValueError: invalid power 2 in defaults; expected 1
 */
export interface OptionRule {
  ok: (value: unknown) => boolean;
  expected: string;
}

/**
 * @internal Checks options against a table of rules, in the table's order, with `checkOption`: the first
 * option that breaks its rule throws.
 * @example
 * const o = { lr: 0.1, nesterov: "yes" };
 * checkOptions("SGD", "defaults", o, { lr: nonNegative, nesterov: isBool }); // throws ValueError: invalid nesterov yes
 */
export function checkOptions<T extends object>(
  optimizer: string,
  where: string,
  options: T,
  rules: { [K in keyof T]?: OptionRule },
): void {
  for (const [option, rule] of Object.entries(rules) as [keyof T & string, OptionRule][]) {
    const value = options[option];
    checkOption(rule.ok(value), optimizer, where, option, value, rule.expected);
  }
}

/**
 * @internal A finite number >= 0.
 * @example
 * nonNegative.ok(0.1); // true
 * nonNegative.ok(Infinity); // false
 */
export const nonNegative: OptionRule = {
  ok: (x) => typeof x === "number" && Number.isFinite(x) && x >= 0,
  expected: "a finite number >= 0",
};

/**
 * @internal A finite number.
 * @example
 * finite.ok(-0.5); // true
 * finite.ok(NaN); // false
 */
export const finite: OptionRule = {
  ok: (x) => typeof x === "number" && Number.isFinite(x),
  expected: "a finite number",
};

/**
 * @internal A number in [0, 1).
 * @example
 * unitInterval.ok(0.999); // true
 * unitInterval.ok(1); // false
 */
export const unitInterval: OptionRule = {
  ok: (x) => typeof x === "number" && x >= 0 && x < 1,
  expected: "a number in [0, 1)",
};

/**
 * @internal A boolean.
 * @example
 * isBool.ok(false); // true
 * isBool.ok(0); // false
 */
export const isBool: OptionRule = { ok: (x) => typeof x === "boolean", expected: "a boolean" };
