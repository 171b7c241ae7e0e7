import type { Tensor } from "../../core/tensor.js";
import {
  type AdaptiveSize,
  type AvgPoolOptions,
  type MaxPoolOptions,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  avgPool1d,
  avgPool2d,
  globalAvgPool2d,
  globalMaxPool2d,
  maxPool1d,
  maxPool2d,
} from "../../ops/pool.js";
import { type SizeArg, sizes } from "../../ops/windows.js";
import { Module, expectInput } from "../module.js";

function show(v: unknown): string {
  return Array.isArray(v) ? v.map((e) => (e === null ? "null" : e)).join("×") : String(v);
}

/** "(2, stride=1)"-style text: the kernel, then the options that are set. */
function describePool(name: string, kernel: SizeArg, options: object): string {
  const rest = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `, ${k}=${show(v)}`)
    .join("");
  return `${name}(${show(kernel)}${rest})`;
}

function checkSpatial(layer: Module, x: Tensor, nd: number): void {
  const layout = nd === 1 ? "(N, C, L) or (C, L)" : "(N, C, H, W) or (C, H, W)";
  expectInput(layer.describe(), x, layout, x.rank === nd + 2 || x.rank === nd + 1);
}

/**
 * Max pooling over (N, C, L): the largest value of each window (stride defaults to the kernel size).
 * @example new nn.MaxPool1d(2).forward(randn([8, 16, 100])).shape // [8, 16, 50]
 */
export class MaxPool1d extends Module {
  constructor(
    readonly kernelSize: SizeArg,
    readonly options: MaxPoolOptions = {},
  ) {
    super();
    sizes("MaxPool1d", "kernelSize", kernelSize, 1);
  }
  forward(x: Tensor): Tensor {
    checkSpatial(this, x, 1);
    return maxPool1d(x, this.kernelSize, this.options);
  }
  override describe(): string {
    return describePool("MaxPool1d", this.kernelSize, this.options);
  }
}

/**
 * Max pooling over channels-first images (N, C, H, W); the stride defaults to the kernel size, so
 * `new MaxPool2d(2)` halves the height and width. Options: stride, padding (−∞), dilation, ceilMode.
 * @example new nn.MaxPool2d(2).forward(randn([64, 32, 28, 28])).shape // [64, 32, 14, 14]
 */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: SizeArg,
    readonly options: MaxPoolOptions = {},
  ) {
    super();
    sizes("MaxPool2d", "kernelSize", kernelSize, 2);
  }
  forward(x: Tensor): Tensor {
    checkSpatial(this, x, 2);
    return maxPool2d(x, this.kernelSize, this.options);
  }
  override describe(): string {
    return describePool("MaxPool2d", this.kernelSize, this.options);
  }
}

/**
 * Average pooling over (N, C, L).
 * @example new nn.AvgPool1d(4).forward(randn([8, 16, 100])).shape // [8, 16, 25]
 */
export class AvgPool1d extends Module {
  constructor(
    readonly kernelSize: SizeArg,
    readonly options: AvgPoolOptions = {},
  ) {
    super();
    sizes("AvgPool1d", "kernelSize", kernelSize, 1);
  }
  forward(x: Tensor): Tensor {
    checkSpatial(this, x, 1);
    return avgPool1d(x, this.kernelSize, this.options);
  }
  override describe(): string {
    return describePool("AvgPool1d", this.kernelSize, this.options);
  }
}

/**
 * Average pooling over (N, C, H, W); padding zeros count in the divisor unless
 * `countIncludePad: false`, as PyTorch.
 * @example new nn.AvgPool2d(2).forward(randn([1, 3, 32, 32])).shape // [1, 3, 16, 16]
 */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: SizeArg,
    readonly options: AvgPoolOptions = {},
  ) {
    super();
    sizes("AvgPool2d", "kernelSize", kernelSize, 2);
  }
  forward(x: Tensor): Tensor {
    checkSpatial(this, x, 2);
    return avgPool2d(x, this.kernelSize, this.options);
  }
  override describe(): string {
    return describePool("AvgPool2d", this.kernelSize, this.options);
  }
}

/**
 * Average pooling of (N, C, L) to a fixed number of positions, whatever the input length.
 * @example new nn.AdaptiveAvgPool1d(10).forward(randn([2, 8, 100])).shape // [2, 8, 10]
 */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }
  forward(x: Tensor): Tensor {
    checkSpatial(this, x, 1);
    return adaptiveAvgPool1d(x, this.outputSize);
  }
  override describe(): string {
    return `AdaptiveAvgPool1d(${show(this.outputSize)})`;
  }
}

/**
 * Average pooling of (N, C, H, W) to a fixed output size (null keeps an axis), whatever the input
 * size, as `torch.nn.AdaptiveAvgPool2d`; `new AdaptiveAvgPool2d(1)` is global average pooling that
 * keeps the (N, C, 1, 1) shape.
 * @example new nn.AdaptiveAvgPool2d([7, 7]).forward(randn([2, 512, 13, 17])).shape // [2, 512, 7, 7]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }
  forward(x: Tensor): Tensor {
    checkSpatial(this, x, 2);
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override describe(): string {
    return `AdaptiveAvgPool2d(${show(this.outputSize)})`;
  }
}

/**
 * Global average pooling: the mean over all spatial positions, (N, C, H, W) → (N, C), as Keras's
 * GlobalAveragePooling2D (no Flatten needed before a Linear).
 * @example
 * const net = new nn.Sequential(new nn.Conv2d(3, 64, 3), new nn.ReLU(), new nn.GlobalAvgPool2d(), new nn.Linear(64, 10));
 * net.forward(randn([2, 3, 16, 16])).shape; // [2, 10]: any image size
 */
export class GlobalAvgPool2d extends Module {
  forward(x: Tensor): Tensor {
    expectInput(this.describe(), x, "(N, C, H, W)", x.rank === 4);
    return globalAvgPool2d(x);
  }
}

/**
 * Global max pooling: the largest value over all spatial positions, (N, C, H, W) → (N, C).
 * @example new nn.GlobalMaxPool2d().forward(randn([8, 64, 7, 7])).shape // [8, 64]
 */
export class GlobalMaxPool2d extends Module {
  forward(x: Tensor): Tensor {
    expectInput(this.describe(), x, "(N, C, H, W)", x.rank === 4);
    return globalMaxPool2d(x);
  }
}
