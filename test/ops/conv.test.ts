import { describe, expect, it } from "vitest";
import { ArgumentError, ShapeError, ValueError } from "../../src/base/errors.js";
import { type GradcheckResult, gradcheck } from "../../src/autograd/gradcheck.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { randn, tensor } from "../../src/ops/creation.js";
import {
  type ConvOptions,
  type ConvTransposeOptions,
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
} from "../../src/ops/conv.js";
import { fold, unfold } from "../../src/ops/windows.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

interface ConvCase {
  name: string;
  op: "conv1d" | "conv2d" | "convTranspose1d" | "convTranspose2d";
  options: ConvOptions & ConvTransposeOptions;
  input: FixtureTensor;
  weight: FixtureTensor;
  bias: FixtureTensor | null;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor;
  grad_bias: FixtureTensor | null;
}

const OPS = { conv1d, conv2d, convTranspose1d, convTranspose2d } as const;
/** float32 against float64 references: 1e-4 relative, with an absolute floor for values near zero. */
const TOL = { rtol: 1e-4, atol: 1e-5 };

describeEachBackend("convolutions vs PyTorch (float32)", () => {
  for (const c of loadFixture<ConvCase>("conv").cases) {
    it(`${c.name}: output and gradients of input, weight and bias`, async () => {
      const x = fixtureTensor(c.input).requiresGrad_();
      const w = fixtureTensor(c.weight).requiresGrad_();
      const b = c.bias ? fixtureTensor(c.bias).requiresGrad_() : null;
      const y = (OPS[c.op] as (x: Tensor, w: Tensor, b: Tensor | null, o: object) => Tensor)(
        x,
        w,
        b,
        c.options,
      );
      await expectClose(y, fixtureTensor(c.output), TOL);
      // PyTorch's positional form, F.conv2d(x, w, b, stride, padding, dilation, groups) (transposed:
      // stride, padding, output_padding, groups, dilation), gives the same
      const o = c.options;
      const positional = c.op.startsWith("convTranspose")
        ? [o.stride ?? 1, o.padding ?? 0, o.outputPadding ?? 0, o.groups ?? 1, o.dilation ?? 1]
        : [o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1, o.groups ?? 1];
      const y2 = (OPS[c.op] as (...args: unknown[]) => Tensor)(
        x.detach(),
        w.detach(),
        b?.detach() ?? null,
        ...positional,
      );
      await expectClose(y2, y, { rtol: 0, atol: 0 });
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
      await expectClose(w.grad!, fixtureTensor(c.grad_weight), TOL);
      if (c.grad_bias) await expectClose(b!.grad!, fixtureTensor(c.grad_bias), TOL);
    });
  }
});

describe("convolution gradcheck (float64)", () => {
  const f64 = (shape: number[]) => randn(shape, { dtype: "float64", requiresGrad: true });
  const cases: [string, () => GradcheckResult][] = [
    [
      "conv2d stride 2, padding 1, dilation [2, 1], groups 2",
      () =>
        gradcheck(
          (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1, dilation: [2, 1], groups: 2 }),
          [f64([1, 4, 5, 6]), f64([4, 2, 2, 3]), f64([4])],
        ),
    ],
    [
      "conv1d same padding, even kernel",
      () => gradcheck((x, w) => conv1d(x, w, null, { padding: "same" }), [f64([2, 2, 6]), f64([3, 2, 4])]),
    ],
    [
      "convTranspose2d stride 2, padding 1, outputPadding 1",
      () =>
        gradcheck(
          (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
          [f64([1, 2, 3, 3]), f64([2, 3, 3, 3]), f64([3])],
        ),
    ],
    [
      "convTranspose1d groups 2, dilation 2, stride 2",
      () =>
        gradcheck(
          (x, w) => convTranspose1d(x, w, null, { groups: 2, dilation: 2, stride: 2 }),
          [f64([1, 4, 4]), f64([4, 1, 3])],
        ),
    ],
  ];
  for (const [name, run] of cases) {
    itNeeds("float64")(name, () => {
      const r = run();
      expect(r.ok, r.message).toBe(true);
    });
  }
});

describe("convolution shapes and errors", () => {
  it("computes output sizes as PyTorch, and accepts an unbatched input", () => {
    manualSeed(1);
    expect(conv2d(randn([2, 3, 28, 28]), randn([8, 3, 5, 5]), null, { padding: 2 }).shape).toEqual([
      2, 8, 28, 28,
    ]);
    expect(conv2d(randn([2, 3, 28, 28]), randn([8, 3, 5, 5]), null, { stride: 2 }).shape).toEqual([
      2, 8, 12, 12,
    ]);
    expect(conv2d(randn([3, 10, 9]), randn([8, 3, 3, 3]), null, { padding: "same" }).shape).toEqual([
      8, 10, 9,
    ]);
    expect(conv1d(randn([4, 100]), randn([2, 4, 3]), null, { dilation: 3 }).shape).toEqual([2, 94]);
    expect(
      convTranspose2d(randn([1, 16, 7, 7]), randn([16, 8, 3, 3]), null, {
        stride: 2,
        padding: 1,
        outputPadding: 1,
      }).shape,
    ).toEqual([1, 8, 14, 14]);
  });

  it("names the problem when shapes do not fit", () => {
    const x = randn([2, 1, 28, 28]);
    expect(() => conv2d(x, randn([8, 3, 5, 5]))).toThrow(ShapeError);
    expect(() => conv2d(x, randn([8, 3, 5, 5]))).toThrow(
      "conv2d: input (2, 1, 28, 28) has 1 channels, but weight (8, 3, 5, 5) with groups 1 expects 3",
    );
    expect(() => conv2d(randn([1, 1, 3, 3]), randn([1, 1, 5, 5]))).toThrow(
      "conv2d: kernel 5×5 is larger than the padded input 3×3 (input 3×3, padding 0+0, 0+0)",
    );
    expect(() => conv2d(randn([1, 1, 4, 4]), randn([1, 1, 3, 3]), null, { dilation: 2 })).toThrow(
      "kernel 3×3 (dilated to 5×5) is larger than the padded input 4×4",
    );
    expect(() => conv2d(randn([28, 28]), randn([1, 1, 3, 3]))).toThrow(
      "conv2d: expected input (N, C_in, H, W) or unbatched, got (28, 28)",
    );
    expect(() => conv2d(x, randn([8, 1, 3, 3]), randn([4]))).toThrow("bias must have shape (8,)");
    expect(() => conv2d(randn([1, 4, 5, 5]), randn([6, 2, 3, 3]), null, { groups: 4 })).toThrow(ShapeError);
    expect(() => conv2d(x, randn([8, 1, 3, 3]), null, { stride: 2, padding: "same" })).toThrow(ValueError);
    expect(() => conv2d(x, randn([8, 1, 3, 3]), null, { stride: 0 })).toThrow(
      "conv2d: stride must be a positive integer or a list of 2, got 0",
    );
    expect(() =>
      convTranspose2d(randn([1, 2, 3, 3]), randn([2, 2, 3, 3]), null, { outputPadding: 1 }),
    ).toThrow("outputPadding 1×1 must be smaller than stride or dilation");
  });

  it("never ignores an argument: too many, wrong kinds and unknown options are ArgumentErrors", () => {
    const x = randn([1, 2, 5, 5]);
    const w = randn([3, 2, 3, 3]);
    const any = (f: unknown) => f as (...args: unknown[]) => unknown;
    expect(() => any(conv2d)(x, w, null, 1, 0, 1, 1, "zeros")).toThrow(
      'conv2d takes at most 7 arguments (x, weight, bias, stride, padding, dilation, groups), got 8: the string "zeros" would be ignored',
    );
    expect(() => any(conv2d)(x, w, { padding: 1 })).toThrow(
      "conv2d: bias (argument 3) must be a Tensor or null, got an object with keys {padding}; options go after the bias: conv2d(x, weight, null, { ... })",
    );
    expect(() => any(conv2d)(x, w, null, { pading: 1 })).toThrow(
      'conv2d: unknown option "pading" in options; known: stride, padding, dilation, groups',
    );
    expect(() => any(conv2d)(x, w, null, { padding: 1 }, 2)).toThrow(ArgumentError);
    expect(() => any(conv2d)(x, w, null, randn([2]))).toThrow(
      "conv2d: stride must be a positive integer or a list of 2, got a Tensor of shape (2,)",
    );
    expect(() => any(conv2d)(x, w, null, 1, 0, 1, "2")).toThrow(
      'conv2d: groups must be a number, got the string "2"',
    );
    expect(() => any(conv1d)(randn([1, 2, 5]), { weight: w })).toThrow(
      "conv1d: weight must be a Tensor, got an object with keys {weight}",
    );
    // the options form still works, and positional padding "same" as F.conv2d(x, w, None, 1, "same")
    expect(conv2d(x, w, null, 1, "same").shape).toEqual([1, 3, 5, 5]);
    expect(conv2d(x, w, null, { padding: "same" }).shape).toEqual([1, 3, 5, 5]);
  });

  it("unfold and fold are im2col and col2im (fold ∘ unfold counts window overlaps)", async () => {
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ]);
    const cols = unfold(x, 2);
    expect(cols.shape).toEqual([1, 4, 4]);
    expect(await cols.array()).toEqual([
      [
        [1, 2, 4, 5],
        [2, 3, 5, 6],
        [4, 5, 7, 8],
        [5, 6, 8, 9],
      ],
    ]);
    // each pixel comes back once per window that covers it
    expect(await fold(cols, [3, 3], 2).array()).toEqual([
      [
        [
          [1, 4, 3],
          [8, 20, 12],
          [7, 16, 9],
        ],
      ],
    ]);
    expect(await fold(unfold(x, 1, { padding: 1 }), 3, 1, { padding: 1 }).array()).toEqual(await x.array());
  });
});
