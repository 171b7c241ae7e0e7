import type { DType } from "../../base/dtype.js";
import { ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { full, zeros } from "../../ops/creation.js";
import { groupNorm, layerNorm } from "../../ops/normalization.js";
import { Module, expectInput } from "../module.js";
import { parameter } from "../parameter.js";

/**
 * Options of `LayerNorm`.
 * @example
 * const options: LayerNormOptions = { eps: 1e-6, elementwiseAffine: false };
 * new nn.LayerNorm(512, options).parameters().length; // 0
 */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn an elementwise `weight` (ones) and `bias` (zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, also learn the bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

/** The trailing shape a norm layer normalises over, as a list of positive integers. */
function checkNormalizedShape(layer: string, normalizedShape: number | readonly number[]): number[] {
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ValueError(
      `${layer}: normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`,
    );
  }
  return shape;
}

/**
 * Layer normalization, as `torch.nn.LayerNorm`: each sample is normalised over its last axes
 * (`normalizedShape`) and scaled/shifted elementwise. The same in training and evaluation.
 * @example
 * new LayerNorm(64).forward(randn([8, 20, 64])).shape // [8, 20, 64]
 */
export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = checkNormalizedShape("LayerNorm", normalizedShape);
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? "float32";
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? parameter(full(this.normalizedShape, 1, { dtype })) : null;
    this.bias = affine && options.bias !== false ? parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    const s = this.normalizedShape;
    const k = s.length;
    expectInput(
      this.describe(),
      x,
      `(..., ${s.join(", ")})`,
      x.rank >= k && s.every((d, i) => x.shape[x.rank - k + i] === d),
    );
    return layerNorm(x, s, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override describe(): string {
    return `LayerNorm(${fmtShape(this.normalizedShape)}${this.eps !== 1e-5 ? `, eps=${this.eps}` : ""}${this.weight ? "" : ", elementwiseAffine=false"})`;
  }
}

/**
 * Options of `GroupNorm`.
 * @example
 * const options: GroupNormOptions = { eps: 1e-6, affine: true };
 * new nn.GroupNorm(8, 64, options).parameters().length; // 2
 */
export interface GroupNormOptions {
  eps?: number;
  /** Learn a per-channel `weight` (ones) and `bias` (zeros) (default true). */
  affine?: boolean;
  dtype?: DType;
}

/**
 * Group normalization, as `torch.nn.GroupNorm`: the channels of each sample (N, C, ...) are split
 * into `numGroups` groups, each normalised over its channels and positions, then scaled and shifted
 * per channel. Independent of the batch size, so it suits small batches; `numGroups` 1 normalises a
 * whole sample, `numGroups` = C is instance normalization.
 * @example
 * new GroupNorm(8, 32).forward(randn([4, 32, 16, 16])).shape // [4, 32, 16, 16]
 */
export class GroupNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    if (
      !Number.isInteger(numGroups) ||
      numGroups < 1 ||
      !Number.isInteger(numChannels) ||
      numChannels % numGroups
    ) {
      throw new ValueError(
        `GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? "float32";
    const affine = options.affine ?? true;
    this.weight = affine ? parameter(full([numChannels], 1, { dtype })) : null;
    this.bias = affine ? parameter(zeros([numChannels], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    expectInput(
      this.describe(),
      x,
      `(N, ${this.numChannels}, ...)`,
      x.rank >= 2 && x.shape[1] === this.numChannels,
    );
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override describe(): string {
    return `GroupNorm(${this.numGroups}, ${this.numChannels}${this.eps !== 1e-5 ? `, eps=${this.eps}` : ""}${this.weight ? "" : ", affine=false"})`;
  }
}

/**
 * Options of `RMSNorm`.
 * @example
 * const options: RMSNormOptions = { eps: 1e-6, elementwiseAffine: true };
 * Object.keys(new nn.RMSNorm(64, options).stateDict()); // ["weight"]
 */
export interface RMSNormOptions {
  /** Added to the mean square; default (as PyTorch) the dtype's machine epsilon (1.19e-7 for float32). */
  eps?: number;
  /** Learn an elementwise `weight` (ones) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/**
 * Root-mean-square layer normalization (Zhang & Sennrich 2019), as PyTorch 2.4's `torch.nn.RMSNorm`:
 * y = x / √(mean(x²) + eps) · weight over the last axes (`normalizedShape`), with no centring and no
 * bias; cheaper than LayerNorm and what LLaMA-style transformers use.
 * @example
 * const norm = new nn.RMSNorm(4);
 * norm.forward(tensor([[1, 1, 1, 1], [2, -2, 2, -2]])).toArray(); // [[1, 1, 1, 1], [1, -1, 1, -1]]
 */
export class RMSNorm extends Module {
  weight: Tensor | null;
  readonly normalizedShape: number[];
  readonly eps: number | null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormOptions = {}) {
    super();
    this.normalizedShape = checkNormalizedShape("RMSNorm", normalizedShape);
    this.eps = options.eps ?? null;
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine
      ? parameter(full(this.normalizedShape, 1, { dtype: options.dtype ?? "float32" }))
      : null;
  }

  forward(x: Tensor): Tensor {
    const s = this.normalizedShape;
    const k = s.length;
    expectInput(
      this.describe(),
      x,
      `(..., ${s.join(", ")})`,
      x.rank >= k && s.every((d, i) => x.shape[x.rank - k + i] === d),
    );
    const eps = this.eps ?? (x.dtype === "float64" ? 2 ** -52 : 2 ** -23);
    const axes = s.map((_, i) => x.rank - k + i);
    const y = x.mul(x.square().mean(axes, true).add(eps).rsqrt());
    return this.weight ? y.mul(this.weight) : y;
  }

  override describe(): string {
    return `RMSNorm(${fmtShape(this.normalizedShape)}${this.eps !== null ? `, eps=${this.eps}` : ""}${this.weight ? "" : ", elementwiseAffine=false"})`;
  }
}
