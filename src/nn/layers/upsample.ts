import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { type InterpolateOptions, interpolate } from "../../ops/upsample.js";
import { Module, expectInput } from "../module.js";

/**
 * Nearest-neighbour upsampling of (N, C, L), (N, C, H, W) or (N, C, D, H, W), as
 * `torch.nn.Upsample(mode="nearest")`: give `scaleFactor` (output = floor(input · factor)) or `size`.
 * @example
 * new Upsample({ scaleFactor: 2 }).forward(randn([1, 8, 7, 7])).shape // [1, 8, 14, 14]
 */
export class Upsample extends Module {
  constructor(readonly options: InterpolateOptions) {
    super();
    // fail where the layer is built, not at its first forward
    if ((options.size == null) === (options.scaleFactor == null)) {
      throw new ValueError("Upsample: give exactly one of size and scaleFactor");
    }
    if ((options.mode ?? "nearest") !== "nearest") {
      throw new ValueError(`Upsample: mode must be "nearest", got "${options.mode}"`);
    }
  }

  forward(x: Tensor): Tensor {
    expectInput(
      this.describe(),
      x,
      "(N, C, ...spatial) with 1 to 3 spatial axes",
      x.rank >= 3 && x.rank <= 5,
    );
    return interpolate(x, this.options);
  }

  override describe(): string {
    const { size, scaleFactor } = this.options;
    const show = (v: number | readonly number[]) => (typeof v === "number" ? String(v) : v.join("×"));
    return size != null ? `Upsample(size=${show(size)})` : `Upsample(scaleFactor=${show(scaleFactor!)})`;
  }
}
