import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../core/tensor.js";
import {
  type BCEWithLogitsOptions,
  type BinaryLossOptions,
  type ClassLossOptions,
  type CrossEntropyOptions,
  type LossOptions,
  type Reduction,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from "../../ops/losses.js";
import { Module } from "../module.js";
import { buffer } from "../parameter.js";

/** The shared shape of loss modules: options fixed at construction, `forward(input, target)`. */
abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(options: LossOptions) {
    super();
    this.reduction = options.reduction ?? "mean";
    if (!["mean", "sum", "none"].includes(this.reduction)) {
      throw new ValueError(
        `${new.target.name}: reduction must be "mean", "sum" or "none", got "${String(this.reduction)}"`,
      );
    }
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
  override describe(): string {
    return this.reduction === "mean"
      ? this.constructor.name
      : `${this.constructor.name}(reduction=${this.reduction})`;
  }
}

/**
 * Mean squared error, as a module.
 * @example new MSELoss().forward(pred, y)
 */
export class MSELoss extends Loss {
  constructor(options: LossOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error, as a module.
 * @example new L1Loss({ reduction: "sum" }).forward(pred, y)
 */
export class L1Loss extends Loss {
  constructor(options: LossOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Huber loss (quadratic within `delta`, linear beyond), as a module.
 * @example new HuberLoss({ delta: 0.5 }).forward(pred, y)
 */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Smooth L1 loss (Huber loss divided by `beta`), as a module.
 * @example new SmoothL1Loss({ beta: 1 }).forward(boxes, targets)
 */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * Cross-entropy of logits against int32 class indices or float class probabilities, as a module.
 * A class `weight` is kept as a buffer (it appears in `stateDict()`, as in PyTorch).
 * @example new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels)
 */
export class CrossEntropyLoss extends Loss {
  weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    this.weight = options.weight ? buffer(options.weight) : null;
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      reduction: this.reduction,
      weight: this.weight ?? undefined,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/**
 * Negative log-likelihood of log-probabilities at int32 class indices, as a module.
 * @example
 * const model = new Sequential(new Linear(784, 10), new LogSoftmax(1));
 * const loss = new NLLLoss().forward(model.forward(x), labels);
 */
export class NLLLoss extends Loss {
  weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(options: ClassLossOptions = {}) {
    super(options);
    this.weight = options.weight ? buffer(options.weight) : null;
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, {
      reduction: this.reduction,
      weight: this.weight ?? undefined,
      ignoreIndex: this.ignoreIndex,
    });
  }
}

/**
 * Binary cross-entropy of probabilities, as a module.
 * @example new BCELoss().forward(model.forward(x).sigmoid(), y)
 */
export class BCELoss extends Loss {
  weight: Tensor | null;
  constructor(options: BinaryLossOptions = {}) {
    super(options);
    this.weight = options.weight ? buffer(options.weight) : null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight ?? undefined });
  }
}

/**
 * Binary cross-entropy of logits (stable), as a module; `weight` and `pos_weight` (PyTorch's buffer
 * name; also readable as `posWeight`) are kept as buffers.
 * @example new BCEWithLogitsLoss({ posWeight: tensor([3]) }).forward(scores, labels)
 */
export class BCEWithLogitsLoss extends Loss {
  weight: Tensor | null;
  pos_weight: Tensor | null;
  constructor(options: BCEWithLogitsOptions = {}) {
    super(options);
    this.weight = options.weight ? buffer(options.weight) : null;
    this.pos_weight = options.posWeight ? buffer(options.posWeight) : null;
  }
  /** `pos_weight` under its camelCase name (the same tensor). */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      reduction: this.reduction,
      weight: this.weight ?? undefined,
      posWeight: this.pos_weight ?? undefined,
    });
  }
}
