import { describe, expect, it } from "vitest";
import type { DType } from "../../src/base/dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../../src/base/errors.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import type { Tensor } from "../../src/core/tensor.js";
import { fromHost, randint, randn, rand, tensor, zeros } from "../../src/ops/creation.js";
import * as L from "../../src/ops/losses.js";
import { describeEachBackend, itInDtype, itNeeds } from "../helpers/backends.js";
import { expectIndexError } from "../helpers/index_errors.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

interface LossCase {
  name: string;
  loss: keyof typeof LOSSES;
  options: Record<string, unknown>;
  input: FixtureTensor;
  target: FixtureTensor;
  output: FixtureTensor;
  grad_input: FixtureTensor;
}

const LOSSES = {
  mseLoss: L.mseLoss,
  l1Loss: L.l1Loss,
  huberLoss: L.huberLoss,
  smoothL1Loss: L.smoothL1Loss,
  crossEntropy: L.crossEntropy,
  nllLoss: L.nllLoss,
  binaryCrossEntropy: L.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: L.binaryCrossEntropyWithLogits,
} as const;

type AnyLoss = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;

/** Fixture options with tensors (weight, posWeight) made into tensors of `dtype`. */
function optionsOf(c: LossCase, dtype: DType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options)) {
    out[k] =
      typeof v === "object" && v !== null && "shape" in v ? fixtureTensor(v as FixtureTensor, dtype) : v;
  }
  return out;
}

const fixture = loadFixture<LossCase>("losses");

describeEachBackend("losses vs PyTorch", () => {
  it("covers every loss and reduction", () => {
    const seen = new Set(fixture.cases.map((c) => `${c.loss}/${c.options.reduction}`));
    expect(seen.size).toBe(Object.keys(LOSSES).length * 3);
  });

  for (const [dtype, tol] of [
    ["float32", { rtol: 1e-5, atol: 1e-6 }],
    ["float64", { rtol: 1e-10, atol: 1e-12 }],
  ] as const) {
    describe(dtype, () => {
      for (const c of fixture.cases) {
        itInDtype(dtype)(`${c.name}: value and input gradient`, async () => {
          const input = fixtureTensor(c.input, dtype).requiresGrad_();
          const target = fixtureTensor(c.target, dtype);
          const fn = LOSSES[c.loss] as AnyLoss;
          const out = fn(input, target, optionsOf(c, dtype));
          expect(out.dtype).toBe(dtype);
          await expectClose(out, fixtureTensor(c.output, dtype), tol);
          out.sum().backward();
          await expectClose(input.grad!, fixtureTensor(c.grad_input, dtype), tol);
          // PyTorch's positional weight, F.cross_entropy(x, y, w, ...): the same value
          const { weight, ...rest } = optionsOf(c, dtype);
          if (weight !== undefined) {
            const positional = (fn as (...a: unknown[]) => Tensor)(input.detach(), target, weight, rest);
            await expectClose(positional, out, { rtol: 0, atol: 0 });
          }
        });
      }
    });
  }
});

describe("loss gradients (gradcheck, float64)", () => {
  const f64 = { dtype: "float64" as const };
  const reg = () => ({
    x: randn([3, 4], { ...f64, requiresGrad: true }),
    // targets kept away from the kinks |x − t| ∈ {0, delta}
    t: randn([3, 4], f64),
  });
  const cases: [string, () => { fn: (x: Tensor) => Tensor; x: Tensor }][] = [
    ["mseLoss", () => ((r) => ({ fn: (x) => L.mseLoss(x, r.t), x: r.x }))(reg())],
    ["l1Loss", () => ((r) => ({ fn: (x) => L.l1Loss(x, r.t, { reduction: "sum" }), x: r.x }))(reg())],
    ["huberLoss", () => ((r) => ({ fn: (x) => L.huberLoss(x, r.t, { delta: 0.7 }), x: r.x }))(reg())],
    [
      "smoothL1Loss",
      () => ((r) => ({ fn: (x) => L.smoothL1Loss(x, r.t, { beta: 0.7, reduction: "none" }), x: r.x }))(reg()),
    ],
    [
      "crossEntropy (indices, weight, ignoreIndex, smoothing)",
      () => {
        const x = randn([5, 4], { ...f64, requiresGrad: true });
        const t = fromHost([0, 3, -100, 1, 2], [5], "int32");
        const weight = rand([4], { ...f64, low: 0.5, high: 2 });
        return { fn: (x) => L.crossEntropy(x, t, { weight, labelSmoothing: 0.2 }), x };
      },
    ],
    [
      "crossEntropy (N, C, d)",
      () => {
        const x = randn([2, 3, 4], { ...f64, requiresGrad: true });
        const t = randint(0, 3, [2, 4]);
        return { fn: (x) => L.crossEntropy(x, t, { reduction: "sum" }), x };
      },
    ],
    [
      "crossEntropy (probabilities)",
      () => {
        const x = randn([3, 4], { ...f64, requiresGrad: true });
        const t = randn([3, 4], f64).softmax(1);
        return { fn: (x) => L.crossEntropy(x, t, { labelSmoothing: 0.1 }), x };
      },
    ],
    [
      "nllLoss",
      () => {
        const x = randn([4, 5], { ...f64, requiresGrad: true });
        const t = fromHost([4, 0, 2, 2], [4], "int32");
        const weight = rand([5], { ...f64, low: 0.5, high: 2 });
        return { fn: (x) => L.nllLoss(x, t, { weight }), x };
      },
    ],
    [
      "binaryCrossEntropy",
      () => {
        const x = rand([3, 4], { ...f64, low: 0.05, high: 0.95, requiresGrad: true });
        const t = rand([3, 4], f64);
        return { fn: (x) => L.binaryCrossEntropy(x, t), x };
      },
    ],
    [
      "binaryCrossEntropyWithLogits",
      () => {
        const x = randn([3, 4], { ...f64, std: 3, requiresGrad: true });
        const t = rand([3, 4], f64);
        const posWeight = rand([4], { ...f64, low: 0.5, high: 3 });
        const weight = rand([3, 1], { ...f64, low: 0.5, high: 2 });
        return { fn: (x) => L.binaryCrossEntropyWithLogits(x, t, { posWeight, weight }), x };
      },
    ],
  ];
  for (const [name, make] of cases) {
    itNeeds("float64")(name, () => {
      const { fn, x } = make();
      const r = gradcheck(fn, [x]);
      expect(r.ok, r.message).toBe(true);
    });
  }

  itNeeds("float64")(
    "binaryCrossEntropyWithLogits has the exact gradient −½ + (1 − t)… at logit 0",
    async () => {
      const x = zeros([2], { dtype: "float64", requiresGrad: true });
      L.binaryCrossEntropyWithLogits(x, tensor([1, 0], { dtype: "float64" }), {
        reduction: "sum",
      }).backward();
      // d/dx = sigmoid(x) − t
      await expectClose(x.grad!, [-0.5, 0.5]);
    },
  );
});

describe("loss semantics", () => {
  it("crossEntropy equals nllLoss of logSoftmax", async () => {
    const x = randn([6, 7]);
    const t = randint(0, 7, [6]);
    await expectClose(L.crossEntropy(x, t), L.nllLoss(x.logSoftmax(1), t), { rtol: 1e-6 });
  });

  it("crossEntropy with one-hot probabilities equals crossEntropy with indices", async () => {
    const x = randn([5, 3]);
    const t = randint(0, 3, [5]);
    await expectClose(L.crossEntropy(x, t.oneHot(3)), L.crossEntropy(x, t), { rtol: 1e-6 });
  });

  it("crossEntropy is stable for huge logits", async () => {
    const x = tensor([[1000, -1000, 0]]);
    await expectClose(L.crossEntropy(x, fromHost([0], [1], "int32")), 0);
    await expectClose(L.crossEntropy(x, fromHost([1], [1], "int32")), 2000);
  });

  it("crossEntropy accepts an unbatched (C,) input with a scalar target", async () => {
    const x = tensor([1, 2, 3]);
    const expected = -Math.log(Math.exp(2) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    await expectClose(L.crossEntropy(x, fromHost([1], [], "int32")), expected, { rtol: 1e-6 });
  });

  it("all-ignored targets give NaN for mean (0/0) and 0 for sum, as PyTorch", async () => {
    const x = randn([2, 3]);
    const t = fromHost([-100, -100], [2], "int32");
    expect(Number.isNaN(await L.crossEntropy(x, t).itemAsync())).toBe(true);
    expect(await L.crossEntropy(x, t, { reduction: "sum" }).itemAsync()).toBe(0);
  });

  it("ignored targets contribute exactly 0 even where their log-probabilities are −∞", async () => {
    const x = tensor(
      [
        [Number.NEGATIVE_INFINITY, 0, 1],
        [0.5, 0, 1],
      ],
      { requiresGrad: true },
    );
    const t = fromHost([-100, 2], [2], "int32");
    const loss = L.crossEntropy(x, t, { labelSmoothing: 0.1 });
    expect(Number.isFinite(await loss.itemAsync())).toBe(true);
    loss.backward();
    expect(((await x.grad!.array()) as number[][])[0]).toEqual([0, 0, 0]);
  });

  it("a custom ignoreIndex inside the class range is skipped", async () => {
    const x = randn([3, 4]);
    const t = fromHost([0, 2, 1], [3], "int32");
    const picked = (await L.crossEntropy(x, t, { ignoreIndex: 2, reduction: "none" }).array()) as number[];
    expect(picked[1]).toBe(0);
    const both = await L.crossEntropy(x.slice(0, 0, 1), fromHost([0], [1], "int32")).itemAsync();
    expect(picked[0]).toBeCloseTo(both, 5);
  });

  it("binaryCrossEntropy clamps its logs at −100 and keeps gradients finite at 0 and 1", async () => {
    const p = tensor([0, 1, 0.5], { requiresGrad: true });
    const loss = L.binaryCrossEntropy(p, tensor([1, 0, 1]), { reduction: "none" });
    await expectClose(loss, [100, 100, Math.LN2], { rtol: 1e-6 });
    loss.sum().backward();
    expect(((await p.grad!.array()) as number[]).every(Number.isFinite)).toBe(true);
  });

  it("binaryCrossEntropyWithLogits matches binaryCrossEntropy of the sigmoid and survives ±100", async () => {
    const x = randn([4, 3]);
    const t = rand([4, 3]);
    await expectClose(L.binaryCrossEntropyWithLogits(x, t), L.binaryCrossEntropy(x.sigmoid(), t), {
      rtol: 1e-5,
    });
    const big = L.binaryCrossEntropyWithLogits(tensor([100, -100]), tensor([0, 1]), { reduction: "none" });
    await expectClose(big, [100, 100]);
  });

  it("smoothL1Loss with beta 0 is the L1 loss; huberLoss is smoothL1Loss times delta", async () => {
    const x = randn([3, 5]);
    const t = randn([3, 5]);
    await expectClose(L.smoothL1Loss(x, t, { beta: 0 }), L.l1Loss(x, t));
    await expectClose(L.huberLoss(x, t, { delta: 0.5 }), L.smoothL1Loss(x, t, { beta: 0.5 }).mul(0.5), {
      rtol: 1e-6,
    });
  });
});

describe("loss errors", () => {
  const x = randn([4, 10]);
  it("names both shapes when the target does not match", () => {
    expect(() => L.mseLoss(randn([3, 4]), randn([3, 1]))).toThrow(ShapeError);
    expect(() => L.mseLoss(randn([3, 4]), randn([3, 1]))).toThrow(
      "mseLoss: target shape (3, 1) does not match input shape (3, 4)",
    );
    expect(() => L.crossEntropy(x, randint(0, 10, [5]))).toThrow(
      /target shape \(5,\).*input shape \(4, 10\)/,
    );
    expect(() => L.nllLoss(x, randint(0, 10, [4, 2]))).toThrow(/nllLoss: target shape \(4, 2\)/);
    expect(() => L.crossEntropy(x, rand([4, 9]))).toThrow(ShapeError);
  });

  // at the call, or on webgpu at the next read (the classes are checked on the device)
  it("reports class labels out of range, except ignoreIndex", async () => {
    await expectIndexError(
      () => L.crossEntropy(x, fromHost([1, 12, 3, 0], [4], "int32")),
      "crossEntropy: target class 12 is out of range for 10 classes",
    );
    await expectIndexError(() => L.crossEntropy(x, fromHost([1, -1, 3, 0], [4], "int32")), "target class -1");
    await expectIndexError(
      () => L.nllLoss(x, fromHost([10, 0, 0, 0], [4], "int32")),
      "nllLoss: target class 10 is out of range for 10 classes",
    );
    await expect(L.crossEntropy(x, fromHost([1, -100, 3, 0], [4], "int32")).data()).resolves.toBeDefined();
    await expectIndexError(
      () => L.crossEntropy(x, fromHost([1, -100, 3, 0], [4], "int32"), { ignoreIndex: -1 }),
      "target class -100 is out of range",
    );
  });

  it("names the dtype of float targets where indices are expected, and vice versa", () => {
    expect(() => L.crossEntropy(x, tensor([1, 2, 3, 0]))).toThrow(DTypeError);
    expect(() => L.crossEntropy(x, tensor([1, 2, 3, 0]))).toThrow(/must be int32, got float32/);
    expect(() => L.nllLoss(x, tensor([1, 2, 3, 0]))).toThrow(/int32 class indices, got float32/);
    expect(() => L.crossEntropy(x, randint(0, 2, [4, 10]))).toThrow(/must be float, got int32/);
    expect(() => L.binaryCrossEntropy(rand([4]), fromHost([1, 0, 1, 1], [4], "int32"))).toThrow(
      /target must hold float .* got int32/,
    );
    expect(() => L.mseLoss(randint(0, 3, [4]), rand([4]))).toThrow(
      /input must be float32 or float64, got int32/,
    );
  });

  it("rejects bad options", () => {
    expect(() => L.mseLoss(x, x, { reduction: "avg" as L.Reduction })).toThrow(
      'mseLoss: reduction must be "mean", "sum" or "none", got "avg"',
    );
    expect(() => L.huberLoss(x, x, { delta: 0 })).toThrow(/delta must be positive/);
    expect(() => L.crossEntropy(x, randint(0, 10, [4]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing/);
    expect(() => L.crossEntropy(x, randint(0, 10, [4]), { weight: rand([9]) })).toThrow(
      /weight must have one entry per class, shape \(10,\), got \(9,\)/,
    );
    expect(() => L.binaryCrossEntropyWithLogits(x, x, { posWeight: rand([3]) })).toThrow(
      /posWeight of shape \(3,\) does not broadcast/,
    );
  });

  it("never ignores an argument: too many, wrong kinds and unknown options are ArgumentErrors", async () => {
    const any = (f: unknown) => f as (...args: unknown[]) => unknown;
    const y = randint(0, 10, [4]);
    expect(() => any(L.mseLoss)(x, x, "sum")).toThrow(
      'mseLoss: argument 3 must be an options object {reduction}, got the string "sum"; pass { reduction: "sum" }',
    );
    expect(() => any(L.mseLoss)(x, x, {}, {})).toThrow(
      "mseLoss takes at most 3 arguments (input, target, options), got 4",
    );
    expect(() => any(L.crossEntropy)(x, y, "mean")).toThrow(
      'crossEntropy: argument 3 must be a weight Tensor (or null) or an options object {reduction, weight, ignoreIndex, labelSmoothing}, got the string "mean"',
    );
    expect(() => any(L.crossEntropy)(x, y, rand([10]), { weight: rand([10]) })).toThrow(
      "crossEntropy: weight given twice, as argument 3 and in the options",
    );
    expect(() => any(L.crossEntropy)(x, y, { ignore_index: 0 })).toThrow(
      'crossEntropy: unknown option "ignore_index" in options; known: reduction, weight, ignoreIndex, labelSmoothing',
    );
    expect(() => any(L.crossEntropy)(x, y, { ignoreIndex: tensor([0]) })).toThrow(
      "crossEntropy: ignoreIndex must be an integer, got a Tensor",
    );
    expect(() => any(L.crossEntropy)(x, new Int32Array(4))).toThrow(
      "crossEntropy: target must be a Tensor, got an Int32Array of length 4",
    );
    expect(() => any(L.nllLoss)(x, y, null, {}, 1)).toThrow(ArgumentError);
    expect(() => any(L.huberLoss)(x, x, { delta: "1" })).toThrow(
      'huberLoss: delta must be a number, got the string "1"',
    );
    // null for no weight, as None in PyTorch
    await expectClose(
      L.crossEntropy(x, y, null, { reduction: "sum" }),
      L.crossEntropy(x, y, { reduction: "sum" }),
      {
        rtol: 0,
        atol: 0,
      },
    );
  });

  itNeeds("syncRead")(
    "binaryCrossEntropy rejects values outside [0, 1] and points to the logits form",
    () => {
      expect(() => L.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(
        /probabilities in \[0, 1\].*binaryCrossEntropyWithLogits/,
      );
    },
  );
});
