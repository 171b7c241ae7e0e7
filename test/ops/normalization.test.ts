import { describe, expect, it } from "vitest";
import { ArgumentError, ShapeError, ValueError } from "../../src/base/errors.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { ones, randn, tensor, zeros } from "../../src/ops/creation.js";
import { batchNorm, groupNorm, layerNorm } from "../../src/ops/normalization.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

interface NormCase {
  name: string;
  op: "layerNorm" | "groupNorm" | "batchNorm";
  options: Record<string, any>;
  input: FixtureTensor;
  weight: FixtureTensor | null;
  bias: FixtureTensor | null;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor | null;
  grad_bias: FixtureTensor | null;
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

describeEachBackend("layerNorm and groupNorm vs PyTorch (float32)", () => {
  const cases = loadFixture<NormCase>("norm").cases.filter((c) => c.op !== "batchNorm");
  // the fixture calls F.layer_norm(x, shape, w, b, eps) / F.group_norm(x, groups, w, b, eps): the
  // positional form is that call; the options form must give the same
  for (const [form, c] of cases.flatMap((c) =>
    (["positional", "options"] as const).map((f) => [f, c] as const),
  )) {
    it(`${c.name} (${form} arguments): output and gradients`, async () => {
      const x = fixtureTensor(c.input).requiresGrad_();
      const weight = c.weight ? fixtureTensor(c.weight).requiresGrad_() : null;
      const bias = c.bias ? fixtureTensor(c.bias).requiresGrad_() : null;
      const opts = { weight, bias, eps: c.options.eps };
      const y =
        form === "positional"
          ? c.op === "layerNorm"
            ? layerNorm(x, c.options.normalizedShape, weight, bias, c.options.eps)
            : groupNorm(x, c.options.numGroups, weight, bias, c.options.eps)
          : c.op === "layerNorm"
            ? layerNorm(x, c.options.normalizedShape, opts)
            : groupNorm(x, c.options.numGroups, opts);
      await expectClose(y, fixtureTensor(c.output), TOL);
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
      if (c.grad_weight) await expectClose(weight!.grad!, fixtureTensor(c.grad_weight), TOL);
      if (c.grad_bias) await expectClose(bias!.grad!, fixtureTensor(c.grad_bias), TOL);
    });
  }
});

describe("batchNorm (functional)", () => {
  it("normalises each channel over batch and space in training and updates running statistics", async () => {
    const x = randn([8, 3, 4, 4]).mul(3).add(2);
    const rm = zeros([3]);
    const rv = ones([3]);
    const y = batchNorm(x, rm, rv, { training: true, momentum: 0.5 });
    const m = await y.mean([0, 2, 3]).data();
    const v = await y.var([0, 2, 3], false, 0).data();
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(m[c])).toBeLessThan(1e-5);
      expect(v[c]).toBeCloseTo(1, 3);
    }
    // running = 0.5 · old + 0.5 · batch (unbiased variance)
    await expectClose(rm, x.mean([0, 2, 3]).mul(0.5), { rtol: 1e-5, atol: 1e-6 });
    await expectClose(rv, x.var([0, 2, 3]).mul(0.5).add(0.5), { rtol: 1e-5, atol: 1e-6 });
  });

  it("leaves the running statistics as they were for a batch with NaN, Infinity or an overflowing variance", async () => {
    const rm = tensor([0.5, -0.5]);
    const rv = tensor([2, 3]);
    const bad = [
      tensor([
        [1, 2],
        [Number.NaN, 4],
        [5, 6],
      ]),
      tensor([
        [1, Number.POSITIVE_INFINITY],
        [3, 4],
        [5, 6],
      ]),
      // finite inputs whose squared deviations overflow float32
      tensor([
        [3e38, 1],
        [-3e38, 2],
        [0, 3],
      ]),
    ];
    for (const x of bad) {
      const y = batchNorm(x, rm, rv, { training: true });
      expect(y.shape).toEqual([3, 2]);
      expect(Array.from(await rm.data())).toEqual([0.5, -0.5]);
      expect(Array.from(await rv.data())).toEqual([2, 3]);
    }
    // a finite batch still updates them
    batchNorm(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      rm,
      rv,
      { training: true, momentum: 0.5 },
    );
    await expectClose(rm, [0.5 * 0.5 + 0.5 * 3, -0.5 * 0.5 + 0.5 * 4]);
    await expectClose(rv, [0.5 * 2 + 0.5 * 4, 0.5 * 3 + 0.5 * 4]);
  });

  it("takes PyTorch's positional order (x, runningMean, runningVar, weight, bias, training, momentum, eps)", async () => {
    const x = randn([6, 3, 2]).mul(2).add(1);
    const w = randn([3]);
    const b = randn([3]);
    const [rm1, rv1, rm2, rv2] = [zeros([3]), ones([3]), zeros([3]), ones([3])];
    const y1 = batchNorm(x, rm1, rv1, w, b, true, 0.3, 1e-3);
    const y2 = batchNorm(x, rm2, rv2, { weight: w, bias: b, training: true, momentum: 0.3, eps: 1e-3 });
    await expectClose(y1, y2, { rtol: 0, atol: 0 });
    await expectClose(rm1, rm2, { rtol: 0, atol: 0 });
    await expectClose(rv1, rv2, { rtol: 0, atol: 0 });
    expect(Array.from(await rm1.data()).every((v) => v !== 0)).toBe(true);
    // training defaults to false, as F.batch_norm: the running statistics normalise, the weight scales
    const e = batchNorm(
      x,
      tensor([1, -1, 0]),
      tensor([4, 0.25, 1]),
      tensor([2, 2, 2]),
      null,
      undefined,
      0.1,
      0,
    );
    await expectClose(
      e,
      x
        .sub(tensor([1, -1, 0]).reshape([3, 1]))
        .div(tensor([2, 0.5, 1]).reshape([3, 1]))
        .mul(2),
      {
        rtol: 1e-5,
        atol: 1e-5,
      },
    );
  });

  it("uses the running statistics in evaluation", async () => {
    const x = randn([4, 2]);
    const y = batchNorm(x, tensor([1, -1]), tensor([4, 0.25]), { eps: 0 });
    await expectClose(y, x.sub(tensor([1, -1])).div(tensor([2, 0.5])), { rtol: 1e-6, atol: 1e-6 });
  });

  itNeeds("float64")("passes gradcheck in training mode (float64)", () => {
    const x = randn([4, 3, 2], { dtype: "float64", requiresGrad: true });
    const w = randn([3], { dtype: "float64", requiresGrad: true });
    const b = randn([3], { dtype: "float64", requiresGrad: true });
    const r = gradcheck(
      (x, w, b) => batchNorm(x, null, null, { weight: w, bias: b, training: true }),
      [x, w, b],
    );
    expect(r.ok, r.message).toBe(true);
    const g = randn([2, 6, 3], { dtype: "float64", requiresGrad: true });
    expect(gradcheck((g) => groupNorm(g, 3), [g]).ok).toBe(true);
    expect(gradcheck((g) => layerNorm(g, [6, 3]), [g]).ok).toBe(true);
  });

  it("explains what is wrong", () => {
    expect(() => batchNorm(randn([1, 3]), null, null, { training: true })).toThrow(
      "batchNorm: training needs more than one value per channel, got input (1, 3)",
    );
    expect(() => batchNorm(randn([4, 3]), null, null)).toThrow(ValueError);
    expect(() => batchNorm(randn([4, 3]), zeros([4]), ones([4]))).toThrow(
      "batchNorm: runningMean must have shape (3,) for 3 channels, got (4,)",
    );
    expect(() => layerNorm(randn([2, 5]), [4])).toThrow(
      "layerNorm: expected input (..., 4) for normalized shape (4,), got (2, 5)",
    );
    expect(() => groupNorm(randn([2, 6, 3]), 4)).toThrow(
      "groupNorm: 6 channels cannot be split into 4 groups",
    );
    expect(() => layerNorm(randn([2, 4]), 4, { weight: ones([3]) })).toThrow(ShapeError);
  });

  it("never ignores an argument: too many, wrong kinds and unknown options are ArgumentErrors", () => {
    const x = randn([2, 3, 4]);
    const any = (f: unknown) => f as (...args: unknown[]) => unknown;
    expect(() => any(layerNorm)(x, [4], ones([4]), zeros([4]), 1e-5, true)).toThrow(
      "layerNorm takes at most 5 arguments (x, normalizedShape, weight, bias, eps), got 6: true would be ignored",
    );
    expect(() => any(layerNorm)(x, [4], { weight: ones([4]) }, zeros([4]))).toThrow(
      "layerNorm: an options object as argument 3 holds every option, but 1 more argument followed it (a Tensor of shape (4,) and dtype float32)",
    );
    expect(() => any(layerNorm)(x, [4], { weights: ones([4]) })).toThrow(
      'layerNorm: unknown option "weights" in options; known: weight, bias, eps',
    );
    expect(() => any(layerNorm)(x, [4], ones([4]), zeros([4]), ones([1]))).toThrow(
      "layerNorm: eps must be a number, got a Tensor of shape (1,) and dtype float32",
    );
    expect(() => any(layerNorm)(x, [4], [1, 1, 1, 1])).toThrow(
      "layerNorm: weight must be a Tensor, got the array [1,1,1,1]",
    );
    expect(() => any(layerNorm)(x, ones([4]))).toThrow(
      "layerNorm: normalizedShape must be a size or a list of sizes, got a Tensor of shape (4,)",
    );
    expect(() => any(groupNorm)(randn([2, 4, 3]), 2, null, null, 1e-5, 0)).toThrow(ArgumentError);
    expect(() => any(groupNorm)(randn([2, 4, 3]), ones([1]))).toThrow(
      "groupNorm: numGroups must be a number, got a Tensor",
    );
    expect(() => any(batchNorm)(x, null, null, null, null, "yes")).toThrow(
      'batchNorm: training must be true or false, got the string "yes"',
    );
    expect(() => any(batchNorm)(x, null, null, null, null, true, 0.1, 1e-5, 1)).toThrow(
      "batchNorm takes at most 8 arguments (x, runningMean, runningVar, weight, bias, training, momentum, eps), got 9",
    );
    expect(() => any(batchNorm)(new Float32Array(4), null, null)).toThrow(
      "batchNorm: x must be a Tensor, got a Float32Array of length 4",
    );
  });
});
