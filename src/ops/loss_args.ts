/**
 * The argument forms of the losses: `(input, target, options)` for all of them, and for the losses
 * with a class or element weight also PyTorch's `(input, target, weight, options)`. PyTorch's other
 * positional arguments (`size_average`, `reduce`, then `reduction`...) are deprecated there, so
 * Strata takes them by name in the options object only.
 */
import {
  checkArity,
  checkNumber,
  checkOptionKeys,
  checkOptionalTensor,
  checkTensor,
  describeValue,
  isOptionsObject,
  isTensor,
} from "../core/args.js";
import { ArgumentError } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";

/** Option names each loss knows, with the type each must have. */
const KINDS: Record<string, "tensor" | "number" | "integer" | "string"> = {
  reduction: "string",
  weight: "tensor",
  posWeight: "tensor",
  ignoreIndex: "integer",
  labelSmoothing: "number",
  delta: "number",
  beta: "number",
};

/**
 * Checks a loss call's arguments and returns its options (with a positional weight merged in).
 * @example
 * const logp = tensor([[-0.1, -2.3]]), target = tensor([0], { dtype: "int32" }), w = tensor([1, 2]);
 * // nllLoss(logp, target, w, { reduction: "sum" }) hands its trailing arguments over as `rest`
 * const o = lossArgs("nllLoss", logp, target, [w, { reduction: "sum" }], ["reduction", "weight", "ignoreIndex"]);
 * o.reduction; // "sum"
 * o.weight === w; // true
 */
export function lossArgs(
  op: string,
  input: unknown,
  target: unknown,
  rest: readonly unknown[],
  known: readonly string[],
): Record<string, unknown> {
  const weighted = known.includes("weight");
  const params = weighted ? ["input", "target", "weight", "options"] : ["input", "target", "options"];
  checkArity(op, [input, target, ...rest], params);
  checkTensor(op, "input", input);
  checkTensor(op, "target", target);
  let options: unknown = rest[0];
  let weight: Tensor | null | undefined;
  if (weighted && (isTensor(rest[0]) || rest[0] === null)) {
    weight = rest[0] as Tensor | null;
    options = rest[1];
  } else if (rest.length > 1) {
    throw new ArgumentError(
      `${op}: argument 3 must be ${weighted ? "a weight Tensor (or null) when a fourth follows" : "an options object"}, got ${describeValue(rest[0])}`,
    );
  }
  if (options !== undefined && !isOptionsObject(options)) {
    const want =
      weighted && weight === undefined
        ? "a weight Tensor (or null) or an options object"
        : "an options object";
    throw new ArgumentError(
      `${op}: argument ${weight === undefined ? 3 : 4} must be ${want} {${known.join(", ")}}, got ${describeValue(options)}` +
        (typeof options === "string" ? `; pass { reduction: ${JSON.stringify(options)} }` : ""),
    );
  }
  const o: Record<string, unknown> = { ...(options ?? {}) };
  checkOptionKeys(op, o, known);
  if (weight !== undefined) {
    if (o.weight !== undefined) {
      throw new ArgumentError(`${op}: weight given twice, as argument 3 and in the options`);
    }
    o.weight = weight;
  }
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const kind = KINDS[k];
    if (kind === "tensor") o[k] = checkOptionalTensor(op, k, v) ?? undefined;
    else if (kind === "number" || kind === "integer") checkNumber(op, k, v, { integer: kind === "integer" });
    else if (kind === "string" && typeof v !== "string") {
      throw new ArgumentError(`${op}: ${k} must be a string, got ${describeValue(v)}`);
    }
  }
  return o;
}
