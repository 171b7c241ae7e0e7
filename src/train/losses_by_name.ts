import { ValueError } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import * as losses from "../ops/losses.js";

/**
 * A loss as a function of the prediction and the target, as `compile` calls it.
 * @example
 * const halfMse: LossFn = (p, t) => nn.functional.mseLoss(p, t).mul(0.5);
 * model.compile({ optimizer: opt, loss: halfMse });
 */
export type LossFn = (prediction: Tensor, target: Tensor) => Tensor;

/**
 * A loss given to `compile`: a name, a function, or a loss module (anything with `forward(input, target)`).
 * @example
 * const specs: LossSpec[] = ["crossEntropy", nn.functional.crossEntropy, new nn.CrossEntropyLoss()];
 * for (const loss of specs) model.compile({ optimizer: opt, loss }); // three ways to say the same
 */
export type LossSpec =
  | "crossEntropy"
  | "nll"
  | "mse"
  | "l1"
  | "mae"
  | "huber"
  | "smoothL1"
  | "bce"
  | "bceWithLogits"
  | LossFn
  | { forward(input: Tensor, target: Tensor): Tensor };

const BY_NAME: Record<string, LossFn> = {
  crossEntropy: (p, t) => losses.crossEntropy(p, t),
  nll: (p, t) => losses.nllLoss(p, t),
  mse: (p, t) => losses.mseLoss(p, t),
  l1: (p, t) => losses.l1Loss(p, t),
  mae: (p, t) => losses.l1Loss(p, t),
  huber: (p, t) => losses.huberLoss(p, t),
  smoothL1: (p, t) => losses.smoothL1Loss(p, t),
  bce: (p, t) => losses.binaryCrossEntropy(p, t),
  bceWithLogits: (p, t) => losses.binaryCrossEntropyWithLogits(p, t),
};

/**
 * The loss function `compile` uses for a name, a function or a loss module.
 * @example
 * const mse = resolveLoss("mse");
 * mse(tensor([1, 2]), tensor([1, 4])).item(); // 2
 * resolveLoss("hinge" as LossSpec); // throws ValueError: compile: unknown loss "hinge"
 */
export function resolveLoss(spec: LossSpec): LossFn {
  if (typeof spec === "function") return spec;
  if (typeof spec === "string") {
    const f = BY_NAME[spec];
    if (!f)
      throw new ValueError(
        `compile: unknown loss "${spec}"; use one of ${Object.keys(BY_NAME).join(", ")}, a function or a loss module`,
      );
    return f;
  }
  return (p, t) => spec.forward(p, t);
}

/**
 * What a loss says about the task, for the metrics `compile` defaults to: "multiclass" (class indices
 * or probabilities over classes: cross-entropy, NLL), "binary" (probabilities: BCE), "binaryLogits"
 * (BCE with logits), or undefined (regression losses, and functions it does not know).
 * @example
 * const config = { optimizer: opt, loss: "bce" as const };
 * const kind: LossKind | undefined = lossKind(config.loss); // "binary": accuracy with threshold 0.5
 * kind; // "binary"
 */
export type LossKind = "multiclass" | "binary" | "binaryLogits";

const KIND_BY_NAME: Record<string, LossKind> = {
  crossEntropy: "multiclass",
  nll: "multiclass",
  bce: "binary",
  bceWithLogits: "binaryLogits",
};

const KIND_BY_FUNCTION = new Map<unknown, LossKind>([
  [losses.crossEntropy, "multiclass"],
  [losses.nllLoss, "multiclass"],
  [losses.binaryCrossEntropy, "binary"],
  [losses.binaryCrossEntropyWithLogits, "binaryLogits"],
]);

/**
 * The kind of a loss given to `compile`: by name, by the `nn.functional` loss itself, or by the loss
 * module's own fields (`nn.CrossEntropyLoss` and `nn.NLLLoss` have `ignoreIndex`, `nn.BCEWithLogitsLoss`
 * `posWeight`, `nn.BCELoss` a `weight` and neither). Read from fields, not imported classes: the loss
 * modules extend `Module`, which imports this file, so importing them here would be a cycle.
 * @example
 * lossKind("crossEntropy"); // "multiclass"
 * lossKind(new nn.BCEWithLogitsLoss()); // "binaryLogits"
 * lossKind("mse"); // undefined
 */
export function lossKind(spec: LossSpec): LossKind | undefined {
  if (typeof spec === "string") return KIND_BY_NAME[spec];
  if (typeof spec === "function") return KIND_BY_FUNCTION.get(spec);
  if (spec === null || typeof spec !== "object" || !("reduction" in spec)) return undefined;
  if ("ignoreIndex" in spec) return "multiclass";
  if ("posWeight" in spec) return "binaryLogits";
  if ("weight" in spec) return "binary";
  return undefined;
}
