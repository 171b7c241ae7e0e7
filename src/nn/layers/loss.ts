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
 * @example
 * const pred = tensor([1, 2]), y = tensor([1, 4]);
 * new nn.MSELoss().forward(pred, y).item(); // 2
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
 * @example
 * const pred = tensor([1, 2]), y = tensor([2, 4]);
 * new nn.L1Loss({ reduction: "sum" }).forward(pred, y).item(); // 3
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
 * @example
 * const pred = tensor([0, 0]), y = tensor([0.2, 2]);
 * new nn.HuberLoss({ delta: 0.5, reduction: "none" }).forward(pred, y).toArray(); // [0.02, 0.875]
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
 * @example
 * const boxes = tensor([[0, 0, 10, 10]]), targets = tensor([[0, 0.5, 10, 13]]);
 * new nn.SmoothL1Loss({ beta: 1, reduction: "sum" }).forward(boxes, targets).item(); // 2.625: 0.125 + 2.5
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
 * @example
 * const logits = randn([8, 5]), labels = randint(0, 5, [8]);
 * new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels).shape; // []
 * new nn.CrossEntropyLoss().forward(tensor([[0, 0]]), tensor([1], { dtype: "int32" })).item(); // 0.6931
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
 * const model = new nn.Sequential(new nn.Linear(784, 10), new nn.LogSoftmax(1));
 * const x = randn([4, 784]), labels = randint(0, 10, [4]);
 * const loss = new nn.NLLLoss().forward(model.forward(x), labels);
 * loss.item() > 0; // true
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
 * @example
 * const model = new nn.Linear(4, 1), x = randn([8, 4]), y = bernoulli(0.5, [8, 1]);
 * new nn.BCELoss().forward(model.forward(x).sigmoid(), y).shape; // []
 * new nn.BCELoss().forward(tensor([0.5]), tensor([0])).item(); // 0.6931
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
 * @example
 * const scores = tensor([0, 0]), labels = tensor([1, 0]);
 * new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) }).forward(scores, labels).item(); // 1.3863: (3 + 1) · log 2 / 2
 * Object.keys(new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) }).stateDict()); // ["pos_weight"]
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
