import type { DType } from "../../base/dtype.js";
import { ValueError } from "../../base/errors.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { linear } from "../functional.js";
import { relu } from "../../ops/activation.js";
import { fusedLinear } from "../../ops/fused_linear.js";
import { fanInOut, kaimingUniform, uniform } from "../init.js";
import { Module, expectInput } from "../module.js";
import { parameter } from "../parameter.js";

/**
 * Options of `Linear`.
 * @example
 * const fc = new nn.Linear(10, 1, { bias: false, dtype: "float64" });
 * Object.keys(fc.stateDict()); // ["weight"]
 */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Generator for the initial weights (default: the library-wide one). */
  generator?: Generator;
}

/**
 * A fully connected layer: y = x Wᵀ + b, with `weight` of shape [out, in] and `bias` [out], applied
 * over the last axis of an input (..., in). Initialised as PyTorch: weight and bias uniform in
 * (−1/√in, 1/√in) (Kaiming uniform with a = √5).
 * @example
 * const fc = new nn.Linear(784, 128);
 * fc.forward(randn([32, 784])).shape // [32, 128]
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    for (const [name, v] of [
      ["inFeatures", inFeatures],
      ["outFeatures", outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new ValueError(`Linear: ${name} must be a positive integer, got ${v}`);
      }
    }
    const { dtype, generator } = options;
    this.weight = parameter(kaimingUniform([outFeatures, inFeatures], { a: Math.sqrt(5), dtype, generator }));
    const bound = 1 / Math.sqrt(fanInOut(this.weight).fanIn);
    this.bias =
      options.bias === false
        ? null
        : parameter(uniform([outFeatures], { low: -bound, high: bound, dtype, generator }));
  }

  forward(x: Tensor): Tensor {
    expectInput(
      this.describe(),
      x,
      `(..., ${this.inFeatures})`,
      x.rank >= 1 && x.shape[x.rank - 1] === this.inFeatures,
    );
    return linear(x, this.weight, this.bias);
  }

  /**
   * @internal relu(forward(x)) as one fused op where the backend has it (the same values, see
   * `fusedLinear`); `Sequential` runs a `Linear` followed by a `ReLU` this way.
   */
  _forwardRelu(x: Tensor): Tensor {
    if (x.rank === 2 && x.shape[1] === this.inFeatures) {
      const fused = fusedLinear(x, this.weight, this.bias, true);
      if (fused !== null) return fused;
    }
    return relu(this.forward(x));
  }

  override describe(): string {
    return `Linear(${this.inFeatures} → ${this.outFeatures}${this.bias ? "" : ", bias=false"})`;
  }
}
