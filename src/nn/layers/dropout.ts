import { ValueError } from "../../base/errors.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { dropout, dropout2d } from "../functional.js";
import { Module, expectInput } from "../module.js";

/**
 * Inverted dropout: while training, zeroes each element with probability `p` and scales the others by
 * 1/(1 − p); in evaluation mode (`model.eval()`) it passes the input through unchanged.
 * @example
 * const model = new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.2), new Linear(256, 10));
 */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly options: { generator?: Generator } = {},
  ) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new ValueError(`Dropout: probability p must be in [0, 1], got ${p}`);
    }
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.options);
  }

  override describe(): string {
    return `Dropout(p=${this.p})`;
  }
}

/**
 * Channel dropout (`torch.nn.Dropout2d`): while training, zeroes entire channels of (N, C, H, W)
 * feature maps with probability `p` and scales the others by 1/(1 − p); identity in evaluation mode.
 * @example
 * const features = new Sequential(new Conv2d(1, 32, 5), new ReLU(), new Dropout2d(0.1), new MaxPool2d(2));
 */
export class Dropout2d extends Module {
  constructor(
    readonly p = 0.5,
    readonly options: { generator?: Generator } = {},
  ) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new ValueError(`Dropout2d: probability p must be in [0, 1], got ${p}`);
    }
  }

  forward(x: Tensor): Tensor {
    expectInput(this.describe(), x, "(N, C, H, W) or (C, H, W)", x.rank === 3 || x.rank === 4);
    return dropout2d(x, this.p, this.training, this.options);
  }

  override describe(): string {
    return `Dropout2d(p=${this.p})`;
  }
}
