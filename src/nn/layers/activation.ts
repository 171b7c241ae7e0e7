import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../core/tensor.js";
import {
  elu,
  gelu,
  hardtanh,
  leakyRelu,
  logSoftmax,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from "../../ops/activation.js";
import { Module, expectInput } from "../module.js";

/**
 * max(x, 0).
 * @example
 * const hidden = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU());
 * new nn.ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * x for x > 0, negativeSlope · x otherwise.
 * @example
 * new nn.LeakyReLU(0.2).forward(tensor([-1, 2])).toArray(); // [-0.2, 2]
 */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override describe(): string {
    return `LeakyReLU(negativeSlope=${this.negativeSlope})`;
  }
}

/**
 * x for x > 0, alpha · (eˣ − 1) otherwise.
 * @example
 * new nn.ELU(1).forward(tensor([-1, 2])).toArray(); // [-0.6321, 2]
 */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override describe(): string {
    return `ELU(alpha=${this.alpha})`;
  }
}

/**
 * x · Φ(x), the Gaussian error linear unit; `approximate: "tanh"` uses PyTorch's tanh approximation.
 * @example
 * new nn.GELU("tanh").forward(tensor([1])).toArray(); // [0.8412]
 */
export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
    if (approximate !== "none" && approximate !== "tanh") {
      throw new ValueError(`GELU: approximate must be "none" or "tanh", got "${approximate}"`);
    }
  }
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
  override describe(): string {
    return this.approximate === "none" ? "GELU" : `GELU(approximate=${this.approximate})`;
  }
}

/**
 * x · sigmoid(x), also called swish.
 * @example
 * new nn.SiLU().forward(tensor([1])).toArray(); // [0.7311]
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/**
 * 1 / (1 + e⁻ˣ).
 * @example
 * const scorer = new nn.Sequential(new nn.Linear(16, 1), new nn.Sigmoid()); // a probability per row
 * new nn.Sigmoid().forward(tensor([0])).toArray(); // [0.5]
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/**
 * The hyperbolic tangent.
 * @example
 * new nn.Tanh().forward(tensor([0, 100])).toArray(); // [0, 1]
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * log(1 + e^(β·x)) / β, linear above `threshold` (in units of β·x) for stability.
 * @example
 * new nn.Softplus(2).forward(tensor([0])).toArray(); // [0.3466]: log(2) / 2
 */
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
  override describe(): string {
    return `Softplus(beta=${this.beta}, threshold=${this.threshold})`;
  }
}

/**
 * Clamps to [minVal, maxVal].
 * @example
 * new nn.Hardtanh(-2, 2).forward(tensor([-5, 1, 5])).toArray(); // [-2, 1, 2]
 */
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
  override describe(): string {
    return `Hardtanh(minVal=${this.minVal}, maxVal=${this.maxVal})`;
  }
}

function checkAxis(layer: Module, x: Tensor, axis: number): void {
  const need = axis < 0 ? -axis : axis + 1;
  expectInput(layer.describe(), x, `with at least ${need} dimension${need === 1 ? "" : "s"}`, x.rank >= need);
}

/**
 * exp(x) / Σ exp(x) along `axis` (the last by default): probabilities that sum to 1.
 * @example new nn.Softmax(-1).forward(tensor([[1, 2, 3]])) // [[0.0900, 0.2447, 0.6652]]
 */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    checkAxis(this, x, this.axis);
    return softmax(x, this.axis);
  }
  override describe(): string {
    return `Softmax(axis=${this.axis})`;
  }
}

/**
 * log(softmax(x)) along `axis`, computed stably; pair it with `NLLLoss`.
 * @example
 * const classifier = new nn.Sequential(new nn.Linear(16, 3), new nn.LogSoftmax(1)); // for NLLLoss
 * new nn.LogSoftmax(1).forward(tensor([[0, 0]])).toArray(); // [[-0.6931, -0.6931]]
 */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    checkAxis(this, x, this.axis);
    return logSoftmax(x, this.axis);
  }
  override describe(): string {
    return `LogSoftmax(axis=${this.axis})`;
  }
}
