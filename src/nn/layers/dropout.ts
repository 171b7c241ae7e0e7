import { ValueError } from "../../core/errors.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { dropout } from "../functional.js";
import { Module } from "../module.js";

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
