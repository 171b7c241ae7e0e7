/**
 * The fused ops (a linear layer with its relu, the Huber loss) against the ops they replace, written
 * out by hand: forward values and gradients must be the same bits on every backend (on those without
 * the fused kernels both sides compose), and a gradient of the gradient must still work.
 */
import { describe, expect, it } from "vitest";
import { huberLoss } from "../../src/ops/losses.js";
import { manualSeed } from "../../src/core/random.js";
import { randn, tensor } from "../../src/ops/creation.js";
import type { Tensor } from "../../src/core/tensor.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { ReLU } from "../../src/nn/layers/activation.js";
import { Sequential } from "../../src/nn/sequential.js";
import { describeEachBackend } from "../helpers/backends.js";

/** The gradients of `out` (seeded by `seed`) with respect to `wrt`, read from `.grad` and cleared. */
function grad(
  out: Tensor,
  wrt: Tensor[],
  options: { gradOutputs?: Tensor; createGraph?: boolean } = {},
): (Tensor | null)[] {
  for (const t of wrt) t.grad = null;
  out.backward(options.gradOutputs, { createGraph: options.createGraph });
  const gs = wrt.map((t) => t.grad);
  for (const t of wrt) t.grad = null;
  return gs;
}

async function expectBits(label: string, got: Tensor, want: Tensor): Promise<void> {
  expect(got.shape, label).toEqual(want.shape);
  const g = await got.data();
  const w = await want.data();
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i]) && Number.isNaN(g[i])) continue;
    if (!Object.is(g[i], w[i])) expect.fail(`${label}[${i}]: got ${g[i]}, want ${w[i]}`);
  }
}

describeEachBackend("fused ops equal the composed ops bit for bit", () => {
  it("Sequential(Linear, ReLU, Linear, ReLU, Linear): outputs and every gradient", async () => {
    manualSeed(7);
    const net = new Sequential(
      new Linear(4, 120),
      new ReLU(),
      new Linear(120, 84),
      new ReLU(),
      new Linear(84, 2),
    );
    const [l1, , l2, , l3] = net.layers as Linear[];
    const composed = (x: Tensor) => {
      const h1 = x.matmul(l1.weight.T).add(l1.bias!).relu();
      const h2 = h1.matmul(l2.weight.T).add(l2.bias!).relu();
      return h2.matmul(l3.weight.T).add(l3.bias!);
    };
    const params = net.parameters();
    for (const m of [1, 2, 3, 32]) {
      const x = randn([m, 4]).requiresGrad_();
      const target = randn([m, 2]);
      const y = net.forward(x);
      const want = composed(x);
      await expectBits(`forward batch ${m}`, y, want);
      const gotGrads = grad(y.sub(target).square().mean(), [x, ...params]);
      const wantGrads = grad(want.sub(target).square().mean(), [x, ...params]);
      for (const [i, g] of gotGrads.entries())
        await expectBits(`batch ${m} gradient ${i}`, g!, wantGrads[i]!);
    }
  });

  it("a Linear alone, with and without bias; gradients of gradients agree", async () => {
    manualSeed(8);
    for (const bias of [true, false]) {
      const layer = new Linear(5, 3, { bias });
      const x = randn([6, 5]).requiresGrad_();
      const y = layer.forward(x);
      const want = bias ? x.matmul(layer.weight.T).add(layer.bias!) : x.matmul(layer.weight.T);
      await expectBits(`bias ${bias}`, y, want);
      // second order: d/dW of |∂L/∂x|², through the fused backward's composed form
      const second = (out: Tensor) => {
        const [gx] = grad(out.relu().square().sum(), [x], { createGraph: true });
        return grad(gx!.square().sum(), [layer.weight])[0]!;
      };
      await expectBits(`second order, bias ${bias}`, second(layer.forward(x)), second(want));
    }
  });

  it("huberLoss: every reduction and delta, values at and around the kink, NaN and ±0", async () => {
    const x = tensor([0, -0, 0.5, -0.5, 1, -1, 1.5, -3, 2, Number.NaN, 0.25, 7]).requiresGrad_();
    const y = tensor([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, -0.75, 5]).requiresGrad_();
    const composed = (delta: number) => {
      const d = x.sub(y);
      const a = d.abs();
      return a.lt(delta).where(d.mul(d).mul(0.5), a.sub(0.5 * delta).mul(delta));
    };
    for (const delta of [1, 0.5, 2, 0.1]) {
      for (const reduction of ["mean", "sum", "none"] as const) {
        const got = huberLoss(x, y, { delta, reduction });
        const each = composed(delta);
        const want = reduction === "none" ? each : reduction === "sum" ? each.sum() : each.mean();
        const label = `delta ${delta} ${reduction}`;
        await expectBits(label, got, want);
        const seed = reduction === "none" ? randn(x.shape) : undefined;
        const [gx, gy] = grad(got, [x, y], { gradOutputs: seed });
        const [wx, wy] = grad(want, [x, y], { gradOutputs: seed });
        await expectBits(`${label} ∂x`, gx!, wx!);
        await expectBits(`${label} ∂y`, gy!, wy!);
      }
    }
  });

  it("huberLoss: a gradient of the gradient agrees", async () => {
    const x = randn([9]).mul(2).requiresGrad_();
    const y = randn([9]);
    const second = (loss: (a: Tensor) => Tensor) => {
      const [g] = grad(loss(x), [x], { createGraph: true });
      return grad(g!.mul(x).sum(), [x])[0]!;
    };
    const composed = (a: Tensor) => {
      const d = a.sub(y);
      return d.abs().lt(1).where(d.mul(d).mul(0.5), d.abs().sub(0.5).mul(1)).mean();
    };
    await expectBits(
      "second order",
      second((a) => huberLoss(a, y)),
      second(composed),
    );
  });
});

describe("fused ops", () => {
  it("leave the composed path to shapes they do not take (linear on 3-D and 1-D input)", async () => {
    const layer = new Linear(5, 3);
    expect(layer.forward(randn([2, 4, 5])).shape).toEqual([2, 4, 3]);
    expect(new Sequential(layer, new ReLU()).forward(randn([5])).shape).toEqual([3]);
  });
});
