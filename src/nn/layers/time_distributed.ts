import { ShapeError } from "../../base/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { Module, expectInput } from "../module.js";

/**
 * Applies a layer to every time step of a sequence, as Keras's `TimeDistributed`: the first two axes
 * ([N, T] batch-first, or [T, N] time-major: it does not matter which) are merged into one batch axis
 * for the wrapped layer and split again afterwards. The layer's parameters are shared by all steps
 * and named `layer.…` in the state dict.
 * @example
 * const head = new nn.TimeDistributed(new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 10)));
 * head.forward(randn([8, 20, 64])).shape // [8, 20, 10]
 */
export class TimeDistributed extends Module {
  constructor(readonly layer: Module) {
    super();
  }

  forward(x: Tensor): Tensor {
    expectInput(this.describe(), x, "with at least 3 dimensions (batch, time, ...)", x.rank >= 3);
    const [a, b] = x.shape;
    const y = this.layer.forward(x.reshape([a * b, ...x.shape.slice(2)]));
    if (y.rank === 0 || y.shape[0] !== a * b) {
      throw new ShapeError(
        `${this.describe()}: the wrapped layer must keep the merged batch axis of size ${a * b}, got (${y.shape.join(", ")})`,
      );
    }
    return y.reshape([a, b, ...y.shape.slice(1)]);
  }

  override describe(): string {
    return `TimeDistributed(${this.layer.describe()})`;
  }
}
