import { ValueError } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import * as losses from "../ops/losses.js";

export type LossFn = (prediction: Tensor, target: Tensor) => Tensor;

/** A loss given to `compile`: a name, a function, or a loss module (anything with `forward(input, target)`). */
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
