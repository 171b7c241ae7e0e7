import { describe, expect, it, vi } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { tidy } from "../../../src/core/memory.js";
import { fromHost, randn } from "../../../src/ops/creation.js";
import { BatchNorm1d, BatchNorm2d } from "../../../src/nn/layers/batchnorm.js";
import { describeEachBackend, itNeeds } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

interface Step {
  input: FixtureTensor;
  runningMean: FixtureTensor;
  runningVar: FixtureTensor;
  numBatchesTracked: number;
}

interface BatchNormCase {
  name: string;
  op: string;
  options: { numFeatures: number; momentum: number | null; affine: boolean; eps: number };
  weight: FixtureTensor | null;
  bias: FixtureTensor | null;
  train: {
    output: FixtureTensor;
    grad_output: FixtureTensor;
    grad_input: FixtureTensor;
    grad_weight: FixtureTensor | null;
    grad_bias: FixtureTensor | null;
  };
  steps: Step[];
  eval: {
    input: FixtureTensor;
    output: FixtureTensor;
    grad_output: FixtureTensor;
    grad_input: FixtureTensor;
  };
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

describeEachBackend("BatchNorm vs PyTorch: training steps, running statistics, evaluation", () => {
  for (const c of loadFixture<BatchNormCase>("norm").cases.filter((c) => c.op === "batchNorm")) {
    it(c.name, async () => {
      const Layer = c.name.startsWith("batchNorm1d") ? BatchNorm1d : BatchNorm2d;
      const { numFeatures, momentum, affine, eps } = c.options;
      const bn = new Layer(numFeatures, { momentum, affine, eps });
      if (affine)
        bn.loadStateDict(
          { weight: fixtureTensor(c.weight!), bias: fixtureTensor(c.bias!) },
          { strict: false },
        );
      for (const [k, step] of c.steps.entries()) {
        // each step in its own scope, as fit() runs them: the running statistics must survive it;
        // the first step's output and gradients leave the scope to be read (reads are async on webgpu)
        const first = tidy(() => {
          const x = fixtureTensor(step.input).requiresGrad_();
          const y = bn.forward(x);
          if (k !== 0) return null;
          y.mul(fixtureTensor(c.train.grad_output)).sum().backward();
          return { y, gx: x.grad!, gw: bn.weight?.grad, gb: bn.bias?.grad };
        });
        if (first) {
          await expectClose(first.y, fixtureTensor(c.train.output), TOL);
          await expectClose(first.gx, fixtureTensor(c.train.grad_input), TOL);
          if (affine) {
            await expectClose(first.gw!, fixtureTensor(c.train.grad_weight!), TOL);
            await expectClose(first.gb!, fixtureTensor(c.train.grad_bias!), TOL);
          }
        }
        await expectClose(bn.runningMean!, fixtureTensor(step.runningMean), TOL);
        await expectClose(bn.runningVar!, fixtureTensor(step.runningVar), TOL);
        expect(await bn.numBatchesTracked!.itemAsync()).toBe(step.numBatchesTracked);
      }
      bn.eval();
      const x = fixtureTensor(c.eval.input).requiresGrad_();
      const y = bn.forward(x);
      await expectClose(y, fixtureTensor(c.eval.output), TOL);
      y.mul(fixtureTensor(c.eval.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.eval.grad_input), TOL);
    });
  }
});

describe("BatchNorm2d", () => {
  it("keeps running statistics as buffers with PyTorch's names (snake_case), camelCase aliases, no gradient", () => {
    const bn = new BatchNorm2d(4);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    expect(Object.keys(bn.stateDict())).toEqual([
      "weight",
      "bias",
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ]);
    expect(bn.runningMean).toBe(bn.running_mean);
    expect(bn.runningVar).toBe(bn.running_var);
    expect(bn.numBatchesTracked).toBe(bn.num_batches_tracked);
    expect(bn.numBatchesTracked!.dtype).toBe("int32");
    expect(new BatchNorm2d(4, { affine: false, trackRunningStats: false }).stateDict()).toEqual({});
  });

  it("uses batch statistics in training and running statistics in evaluation", async () => {
    const bn = new BatchNorm2d(3);
    const x = randn([8, 3, 4, 4]).mul(5).add(3);
    const train = bn.forward(x);
    expect(Math.abs(await train.mean().itemAsync())).toBeLessThan(1e-5);
    const before = Array.from(await bn.runningMean!.data());
    bn.eval();
    const evalOut = bn.forward(x);
    // eval uses the running statistics (0.1 of the way to the batch's), so the output is far from standardised
    expect(await evalOut.mean().itemAsync()).toBeGreaterThan(1);
    expect(Array.from(await bn.runningMean!.data())).toEqual(before);
    expect(await bn.numBatchesTracked!.itemAsync()).toBe(1);
    // without running statistics it always uses the batch's
    const free = new BatchNorm2d(3, { trackRunningStats: false });
    free.eval();
    expect(Math.abs(await free.forward(x).mean().itemAsync())).toBeLessThan(1e-5);
    bn.resetRunningStats();
    expect(Array.from(await bn.runningVar!.data())).toEqual([1, 1, 1]);
    expect(await bn.numBatchesTracked!.itemAsync()).toBe(0);
  });

  itNeeds("syncRead")(
    "does not take a NaN training batch into its running statistics or count, and warns once",
    async () => {
      for (const momentum of [0.1, null]) {
        const bn = new BatchNorm2d(2, { momentum });
        const good = randn([4, 2, 3, 3]);
        const values = Array.from(await good.data());
        values[7] = Number.NaN;
        const nan = fromHost(values, good.shape, "float32");
        bn.forward(good);
        const before = await Promise.all(
          [bn.runningMean, bn.runningVar].map(async (t) => Array.from(await t!.data())),
        );
        const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
        try {
          bn.forward(nan);
          bn.forward(nan);
          expect(warn).toHaveBeenCalledTimes(1);
          expect(String(warn.mock.calls[0][0])).toMatch(
            /^BatchNorm2d\(2(, momentum=null)?\): a training batch has a NaN or infinite mean or variance; the running statistics were left as they were/,
          );
        } finally {
          warn.mockRestore();
        }
        expect(
          await Promise.all([bn.runningMean, bn.runningVar].map(async (t) => Array.from(await t!.data()))),
        ).toEqual(before);
        expect(await bn.numBatchesTracked!.itemAsync()).toBe(1);
        // later finite batches count on from there: with momentum null, the mean of the two good batches
        bn.forward(good.mul(3));
        expect(await bn.numBatchesTracked!.itemAsync()).toBe(2);
        const batchMean = (x: typeof good) => x.mean([0, 2, 3]);
        const want =
          momentum === null
            ? batchMean(good)
                .add(batchMean(good.mul(3)))
                .div(2)
            : batchMean(good)
                .mul(0.1 * 0.9)
                .add(batchMean(good.mul(3)).mul(0.1));
        await expectClose(bn.runningMean!, want, { rtol: 1e-5, atol: 1e-6 });
        // evaluation is not poisoned
        bn.eval();
        expect(Array.from(await bn.forward(good).data()).every(Number.isFinite)).toBe(true);
      }
    },
  );

  itNeeds("float64")("converts to float64 with its buffers, and explains shape errors", () => {
    const bn = new BatchNorm1d(5).to("float64");
    expect(bn.runningMean!.dtype).toBe("float64");
    expect(bn.weight!.dtype).toBe("float64");
    expect(bn.numBatchesTracked!.dtype).toBe("int32");
    expect(bn.forward(randn([4, 5], { dtype: "float64" })).dtype).toBe("float64");
    expect(() => new BatchNorm2d(3).forward(randn([2, 4, 5, 5]))).toThrow(ShapeError);
    expect(() => new BatchNorm2d(3).forward(randn([2, 4, 5, 5]))).toThrow(
      "BatchNorm2d(3) expected input (N, 3, H, W), got (2, 4, 5, 5)",
    );
    expect(() => new BatchNorm1d(3).forward(randn([2, 3, 4, 4]))).toThrow(
      "expected input (N, 3) or (N, 3, L)",
    );
    expect(() => new BatchNorm1d(3, { momentum: 2 })).toThrow(ValueError);
    expect(new BatchNorm2d(8, { momentum: null, affine: false }).describe()).toBe(
      "BatchNorm2d(8, momentum=null, affine=false)",
    );
  });
});
