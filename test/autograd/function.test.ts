import { expect, it } from "vitest";
import { defineFunction, type FunctionContext } from "../../src/autograd/function.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import "../../src/autograd/methods.js";
import { getBackend } from "../../src/backends/registry.js";
import { ArgumentError, ShapeError, StrataError } from "../../src/base/errors.js";
import { noGrad } from "../../src/core/grad_mode.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { fromHost, randn, tensor } from "../../src/ops/creation.js";
import { SGD } from "../../src/optim/sgd.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

/** x ↦ exp(x) computed on the host, as a linalg routine would be; backward in ops. */
const HostExp = defineFunction({
  name: "hostExp",
  forward(ctx: FunctionContext, x: Tensor) {
    const v = Float64Array.from(x.dataSync(), Math.exp);
    const out = fromHost(v, x.shape, x.dtype);
    ctx.saveForBackward(out);
    return out;
  },
  backward(ctx: FunctionContext, g: Tensor) {
    return [g.mul(ctx.savedTensors[0])];
  },
});

/** Two outputs (sum and product of a and b) and a non-tensor argument that scales both. */
const SumProd = defineFunction({
  name: "sumProd",
  forward(ctx: FunctionContext, a: Tensor, b: Tensor, k: number) {
    ctx.saveForBackward(a, b);
    ctx.k = k;
    return [a.add(b).mul(k), a.mul(b).mul(k)];
  },
  backward(ctx: FunctionContext, gSum: Tensor, gProd: Tensor) {
    const [a, b] = ctx.savedTensors;
    return [gSum.add(gProd.mul(b)).mul(ctx.k), gSum.add(gProd.mul(a)).mul(ctx.k), null];
  },
});

describeEachBackend("autograd.defineFunction", () => {
  itNeeds("float64")("a host-computed op's gradient passes gradcheck", () => {
    const x = randn([3, 2], { dtype: "float64", requiresGrad: true });
    expect(gradcheck((x) => HostExp(x), [x]).ok).toBe(true);
    // composed with ordinary ops on both sides
    expect(gradcheck((x) => HostExp(x.mul(0.5)).sin().sum(0), [x]).ok).toBe(true);
  });

  itNeeds("float64")("used twice in one graph, the gradients of both uses add up", async () => {
    const x = tensor([0.5, -1], { dtype: "float64", requiresGrad: true });
    HostExp(x)
      .add(HostExp(HostExp(x)))
      .sum()
      .backward();
    const e = [0.5, -1].map(Math.exp);
    // d/dx [e^x + e^(e^x)] = e^x + e^(e^x) e^x
    await expectClose(
      x.grad!,
      e.map((ex) => ex + Math.exp(ex) * ex),
      { atol: 1e-12 },
    );
    expect(gradcheck((x) => HostExp(x).mul(HostExp(x)), [x]).ok).toBe(true);
  });

  itNeeds("float64")(
    "several outputs: one backward call gets the gradient of each (zeros for an unused one)",
    async () => {
      const a = randn([4], { dtype: "float64", requiresGrad: true });
      const b = randn([4], { dtype: "float64", requiresGrad: true });
      expect(gradcheck((a, b) => SumProd(a, b, 2)[0].add(SumProd(a, b, 2)[1].square()), [a, b]).ok).toBe(
        true,
      );
      expect(gradcheck((a, b) => SumProd(a, b, 3)[1], [a, b]).ok).toBe(true);
      let calls = 0;
      const Counted = defineFunction({
        forward: (_ctx: FunctionContext, x: Tensor) => [x.mul(2), x.mul(3)],
        backward(_ctx: FunctionContext, g1: Tensor, g2: Tensor) {
          calls++;
          return [g1.mul(2).add(g2.mul(3))];
        },
      });
      const x = tensor([1, 1], { requiresGrad: true });
      const [p, q] = Counted(x);
      p.add(q).sum().backward();
      expect(calls).toBe(1);
      expect(await x.grad!.array()).toEqual([5, 5]);
      const [p2] = Counted(x);
      x.grad = null;
      p2.sum().backward();
      expect(await x.grad!.array()).toEqual([2, 2]);
    },
  );

  itNeeds("float64")("backward written in ops can be differentiated again (createGraph)", async () => {
    const x = tensor([0.3], { dtype: "float64", requiresGrad: true });
    const y = HostExp(x).sum();
    y.backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.grad = null;
    g.sum().backward();
    await expectClose(x.grad!, [Math.exp(0.3)], { atol: 1e-12 });
  });

  itNeeds("syncRead")("records nothing under noGrad or for inputs that need no grad", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(noGrad(() => HostExp(x)).requiresGrad).toBe(false);
    expect(HostExp(tensor([1, 2])).gradFn).toBe(null);
    const y = HostExp(x);
    expect(y.gradFn!.op).toBe("custom");
    expect(y.gradFn!.custom!.fn.name).toBe("hostExp");
  });

  it("an output that is an input is a tensor of its own", async () => {
    const Id = defineFunction({
      forward: (_ctx: FunctionContext, x: Tensor) => x,
      backward: (_ctx: FunctionContext, g: Tensor) => [g.mul(2)],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const y = Id(x);
    expect(y).not.toBe(x);
    expect(x.isLeaf).toBe(true);
    y.sum().backward();
    expect(await x.grad!.array()).toEqual([2, 2]);
  });

  it("says what is wrong with a backward's result, naming the function", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const WrongCount = defineFunction({
      name: "wrongCount",
      forward: (_ctx: FunctionContext, x: Tensor) => x.mul(1),
      backward: (_ctx: FunctionContext, g: Tensor) => [g, g],
    });
    expect(() => WrongCount(x).sum().backward()).toThrow(ArgumentError);
    expect(() => WrongCount(x).sum().backward()).toThrow(/wrongCount.*2 gradient/);
    const WrongShape = defineFunction({
      name: "wrongShape",
      forward: (_ctx: FunctionContext, x: Tensor) => x.sum(),
      backward: (_ctx: FunctionContext, g: Tensor) => [g],
    });
    expect(() => WrongShape(x).backward()).toThrow(ShapeError);
    const NotTensor = defineFunction({
      name: "notTensor",
      forward: (_ctx: FunctionContext, _x: Tensor) => 3 as unknown as Tensor,
      backward: () => [],
    });
    expect(() => NotTensor(x)).toThrow(/notTensor: forward must return/);
  });

  itNeeds("float64")("a consumed graph cannot be walked again; retainGraph allows it", async () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const e = HostExp(x);
    const y = e.sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    await expectClose(x.grad!, [2 * Math.E, 2 * Math.exp(2)], { atol: 1e-12 });
    expect(() => y.backward()).toThrow(StrataError);
    // the node's backward (and with it ctx and the saved tensors) is gone
    expect(e.gradFn!.custom!.fn.backward).toBe(null);
    expect(() => e.sum().backward()).toThrow(/hostExp" a second time/);
  });

  itNeeds("syncRead")(
    "a training loop through it stays flat without tidy: backward releases the previous step",
    () => {
      manualSeed(0);
      const w = randn([64, 64], { requiresGrad: true });
      const x = randn([8, 64]);
      const opt = new SGD([w], { lr: 1e-4 });
      const samples: { storages: number; bytes: number }[] = [];
      for (let step = 0; step < 200; step++) {
        const [s, p] = SumProd(x.matmul(w), HostExp(x.matmul(w).mul(0.01)), 0.5);
        const loss = s.add(p).square().mean();
        loss.backward();
        opt.step();
        opt.zeroGrad();
        if (step >= 10 && step % 20 === 0) samples.push(getBackend().memory());
      }
      for (const s of samples) {
        expect(s.storages).toBeLessThanOrEqual(samples[0].storages + 4);
        expect(s.bytes).toBeLessThanOrEqual(samples[0].bytes * 1.1);
      }
    },
  );
});
