import type { DType } from "../../base/dtype.js";
import { ValueError } from "../../base/errors.js";
import type { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import {
  type ConvOptions,
  type ConvTransposeOptions,
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
} from "../../ops/conv.js";
import { type SizeArg, sizes } from "../../ops/windows.js";
import { fanInOut, kaimingUniform, uniform } from "../init.js";
import { Module, expectInput } from "../module.js";
import { parameter } from "../parameter.js";

/**
 * Options of `Conv1d` / `Conv2d`.
 * @example
 * const conv = new nn.Conv2d(3, 16, 3, { padding: "same", bias: false });
 * conv.parameters().length; // 1: the weight only
 */
export interface ConvLayerOptions extends ConvOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Generator for the initial weights (default: the library-wide one). */
  generator?: Generator;
}

/**
 * Options of `ConvTranspose1d` / `ConvTranspose2d`.
 * @example
 * const up = new nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 });
 * up.forward(randn([1, 16, 5, 5])).shape; // [1, 8, 10, 10]
 */
export interface ConvTransposeLayerOptions extends ConvTransposeOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** The functional options among a layer's (without bias, dtype, generator). */
function convOptions({ stride, padding, dilation, groups }: ConvOptions): ConvOptions {
  return { stride, padding, dilation, groups };
}

function convTransposeOptions(o: ConvTransposeOptions): ConvTransposeOptions {
  return {
    stride: o.stride,
    padding: o.padding,
    outputPadding: o.outputPadding,
    dilation: o.dilation,
    groups: o.groups,
  };
}

/** "stride=2, padding=1"-style text of the options that differ from their defaults. */
function optionText(entries: [string, unknown, unknown][]): string {
  const show = (v: unknown) =>
    Array.isArray(v) ? v.join("×") : typeof v === "string" ? `"${v}"` : String(v);
  return entries
    .filter(([, v, d]) => v !== undefined && show(v) !== show(d))
    .map(([k, v]) => `, ${k}=${show(v)}`)
    .join("");
}

/** Shared state of every convolution layer: sizes, weight and bias initialised as PyTorch. */
abstract class ConvBase extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: number[];
  readonly groups: number;

  constructor(
    protected readonly kind: string,
    protected readonly nd: number,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: SizeArg,
    options: { groups?: number; bias?: boolean; dtype?: DType; generator?: Generator },
    transposed: boolean,
  ) {
    super();
    for (const [name, v] of [
      ["inChannels", inChannels],
      ["outChannels", outChannels],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`${kind}: ${name} must be a positive integer, got ${v}`);
    }
    this.groups = options.groups ?? 1;
    if (
      !Number.isInteger(this.groups) ||
      this.groups < 1 ||
      inChannels % this.groups ||
      outChannels % this.groups
    ) {
      throw new ValueError(
        `${kind}: groups ${options.groups} must divide both inChannels ${inChannels} and outChannels ${outChannels}`,
      );
    }
    this.kernelSize = sizes(kind, "kernelSize", kernelSize, nd);
    const shape = transposed
      ? [inChannels, outChannels / this.groups, ...this.kernelSize]
      : [outChannels, inChannels / this.groups, ...this.kernelSize];
    const { dtype, generator } = options;
    // PyTorch's reset_parameters: kaiming uniform with a = √5 (bound 1/√fanIn), bias U(±1/√fanIn)
    this.weight = parameter(kaimingUniform(shape, { a: Math.sqrt(5), dtype, generator }));
    const bound = 1 / Math.sqrt(fanInOut(shape).fanIn);
    this.bias =
      options.bias === false
        ? null
        : parameter(uniform([outChannels], { low: -bound, high: bound, dtype, generator }));
  }

  /** The layer's own options (stride, padding, ...), as its subclass keeps them. */
  abstract readonly options: ConvLayerOptions | ConvTransposeLayerOptions;

  /** PyTorch-like summary text: the options that differ from their defaults. */
  override describe(): string {
    const o = this.options;
    return `${this.head()}${optionText([
      ["stride", o.stride, 1],
      ["padding", o.padding, 0],
      ["outputPadding", "outputPadding" in o ? o.outputPadding : undefined, 0],
      ["dilation", o.dilation, 1],
      ["groups", o.groups, 1],
    ])}${this.bias ? "" : ", bias=false"})`;
  }

  protected checkInput(x: Tensor): void {
    const spatial = this.nd === 1 ? "L" : "H, W";
    expectInput(
      this.describe(),
      x,
      `(N, ${this.inChannels}, ${spatial}) or (${this.inChannels}, ${spatial})`,
      (x.rank === this.nd + 2 || x.rank === this.nd + 1) && x.shape[x.rank - this.nd - 1] === this.inChannels,
    );
  }

  protected head(): string {
    return `${this.kind}(${this.inChannels} → ${this.outChannels}, ${this.kernelSize.join("×")}`;
  }
}

/**
 * A 1-D convolution layer over (N, C_in, L) inputs: `weight` (C_out, C_in / groups, kL) and `bias`
 * (C_out), initialised as PyTorch.
 * @example
 * const conv = new nn.Conv1d(4, 16, 3, { padding: "same" });
 * conv.forward(randn([8, 4, 100])).shape // [8, 16, 100]
 */
export class Conv1d extends ConvBase {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    readonly options: ConvLayerOptions = {},
  ) {
    super("Conv1d", 1, inChannels, outChannels, kernelSize, options, false);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return conv1d(x, this.weight, this.bias, convOptions(this.options));
  }
}

/**
 * A 2-D convolution layer over channels-first images (N, C_in, H, W): `weight`
 * (C_out, C_in / groups, kH, kW) and `bias` (C_out), initialised as PyTorch (Kaiming uniform with
 * a = √5, bias uniform in ±1/√fanIn), so weights exchange with `torch.nn.Conv2d`. Padding may be a
 * number, one per axis, "valid" or "same"; `groups` = C_in = C_out makes it depthwise.
 * @example
 * const conv = new nn.Conv2d(1, 32, 5, { padding: 2 });
 * conv.forward(randn([64, 1, 28, 28])).shape // [64, 32, 28, 28]
 */
export class Conv2d extends ConvBase {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    readonly options: ConvLayerOptions = {},
  ) {
    super("Conv2d", 2, inChannels, outChannels, kernelSize, options, false);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return conv2d(x, this.weight, this.bias, convOptions(this.options));
  }
}

/**
 * A 1-D transposed convolution layer: `weight` (C_in, C_out / groups, kL), the adjoint of `Conv1d`.
 * @example
 * new nn.ConvTranspose1d(8, 4, 4, { stride: 2, padding: 1 }).forward(randn([2, 8, 10])).shape // [2, 4, 20]
 */
export class ConvTranspose1d extends ConvBase {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    readonly options: ConvTransposeLayerOptions = {},
  ) {
    super("ConvTranspose1d", 1, inChannels, outChannels, kernelSize, options, true);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return convTranspose1d(x, this.weight, this.bias, convTransposeOptions(this.options));
  }
}

/**
 * A 2-D transposed convolution layer ("deconvolution"), as `torch.nn.ConvTranspose2d`: `weight`
 * (C_in, C_out / groups, kH, kW) and `bias` (C_out); output size
 * (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1. Upsamples in decoders and GANs.
 * @example
 * const up = new nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 });
 * up.forward(randn([1, 16, 7, 7])).shape // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends ConvBase {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    readonly options: ConvTransposeLayerOptions = {},
  ) {
    super("ConvTranspose2d", 2, inChannels, outChannels, kernelSize, options, true);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return convTranspose2d(x, this.weight, this.bias, convTransposeOptions(this.options));
  }
}
