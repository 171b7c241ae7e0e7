import { ValueError } from "../../base/errors.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { dropout, dropout2d } from "../functional.js";
import { Module, expectInput } from "../module.js";

/**
 * Inverted dropout: while training, zeroes each element with probability `p` and scales the others by
 * 1/(1 − p); in evaluation mode (`model.eval()`) it passes the input through unchanged.
 * @example
 * const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(256, 10));
 * const drop = new nn.Dropout(0.5);
 * drop.forward(ones([1000])).max().item(); // 2: while training
 * drop.eval().forward(ones([3])).toArray(); // [1, 1, 1]
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
 * const features = new nn.Sequential(new nn.Conv2d(1, 32, 5), new nn.ReLU(), new nn.Dropout2d(0.1), new nn.MaxPool2d(2));
 * features.forward(randn([4, 1, 28, 28])).shape; // [4, 32, 12, 12]
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
