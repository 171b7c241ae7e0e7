import type { Tensor } from "../../core/tensor.js";
import { Module, expectInput } from "../module.js";

/**
 * Merges axes `startAxis`..`endAxis` into one; by default everything but the batch axis, so a batch of
 * images (N, 1, 28, 28) becomes (N, 784).
 * @example new nn.Flatten().forward(zeros([32, 1, 28, 28])).shape // [32, 784]
 */
export class Flatten extends Module {
  constructor(
    readonly startAxis = 1,
    readonly endAxis = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    // an axis a ≥ 0 needs rank > a; an axis a < 0 needs rank ≥ −a
    const need = Math.max(...[this.startAxis, this.endAxis].map((a) => (a < 0 ? -a : a + 1)));
    expectInput(this.describe(), x, `with at least ${need} dimensions`, x.rank >= need);
    const s = this.startAxis < 0 ? this.startAxis + x.rank : this.startAxis;
    const e = this.endAxis < 0 ? this.endAxis + x.rank : this.endAxis;
    expectInput(this.describe(), x, `where startAxis comes before endAxis (axes ${s} and ${e})`, s <= e);
    return x.flatten(s, e);
  }

  override describe(): string {
    const defaults = this.startAxis === 1 && this.endAxis === -1;
    return defaults ? "Flatten" : `Flatten(startAxis=${this.startAxis}, endAxis=${this.endAxis})`;
  }
}
