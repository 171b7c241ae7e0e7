import { afterAll, describe, expect, it } from "vitest";
import { getBackend, registerAsyncBackend, setBackend } from "../../../src/backends/registry.js";
import { BackendError, DTypeError } from "../../../src/base/errors.js";
import type { Tensor } from "../../../src/core/tensor.js";
import { softmax, logSoftmax } from "../../../src/ops/activation.js";
import { fromHost, tensor, zeros } from "../../../src/ops/creation.js";
import { conv2d } from "../../../src/ops/conv.js";
import { crossEntropy } from "../../../src/ops/losses.js";
import { batchNorm } from "../../../src/ops/normalization.js";
import { maxPool2d } from "../../../src/ops/pool.js";
import { lstmCell } from "../../../src/ops/rnn_cell.js";
import { Adam, AdamW } from "../../../src/optim/adam.js";
import { SGD } from "../../../src/optim/sgd.js";
import { closeF32, webgpuOrSkip } from "../../helpers/webgpu.js";

/**
 * The composed ops training uses most, forward and backward, on webgpu against the reference backend:
 * the same inputs, the loss and every input's gradient read back asynchronously. Tolerance: |diff| ≤
 * 1e-5 + 1e-4·|expected|, float32 accumulated over a few hundred terms in different orders.
 */
const gpu = await webgpuOrSkip("webgpu ops");
if (gpu) registerAsyncBackend("webgpu-test", async () => gpu);
const previous = getBackend().name;
afterAll(() => {
  setBackend(previous);
});

let seed = 7;
function randoms(n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out[i] = ((seed / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

interface Input {
  values: ArrayLike<number>;
  shape: number[];
  dtype?: "float32" | "int32";
  grad?: boolean;
}

/** Runs `f` on the current backend; returns the output's values and each differentiable input's gradient. */
async function run(
  inputs: Input[],
  f: (xs: Tensor[]) => Tensor,
  weights: Float32Array,
): Promise<Float32Array[]> {
  const xs = inputs.map((i) =>
    fromHost(i.values, i.shape, i.dtype ?? "float32", i.grad ?? i.dtype !== "int32"),
  );
  const y = f(xs);
  // a random projection of the output, the same on both backends, so every output element's gradient counts
  const loss = y.size === 1 ? y : y.mul(fromHost(weights.subarray(0, y.size), y.shape, "float32")).sum();
  loss.backward();
  const out = [Float32Array.from(await y.data())];
  for (const x of xs) if (x.requiresGrad) out.push(Float32Array.from(await (x.grad as Tensor).data()));
  return out;
}

async function compareOnBoth(name: string, inputs: Input[], f: (xs: Tensor[]) => Tensor) {
  const weights = randoms(4096);
  setBackend("ref");
  const expected = await run(inputs, f, weights);
  await setBackend("webgpu-test");
  const actual = await run(inputs, f, weights);
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = closeF32(actual[i], expected[i], 1e-4, 1e-5);
    expect(err, `${name} ${i === 0 ? "forward" : `grad of input ${i - 1}`}: ${err}`).toBeNull();
  }
}

describe.skipIf(gpu === null)("webgpu: composed ops forward and backward against ref", () => {
  it("softmax and logSoftmax", async () => {
    const x = { values: randoms(4 * 7, 3), shape: [4, 7] };
    await compareOnBoth("softmax", [x], ([t]) => softmax(t, -1));
    await compareOnBoth("logSoftmax", [x], ([t]) => logSoftmax(t, 0));
  });

  it("crossEntropy with int32 class targets", async () => {
    const logits = { values: randoms(6 * 5, 2), shape: [6, 5] };
    const target = { values: [0, 4, 2, 2, 1, 3], shape: [6], dtype: "int32" as const, grad: false };
    await compareOnBoth("crossEntropy", [logits, target], ([x, t]) => crossEntropy(x, t));
  });

  it("conv2d with padding and stride, then maxPool2d", async () => {
    const x = { values: randoms(2 * 3 * 9 * 9), shape: [2, 3, 9, 9] };
    const w = { values: randoms(4 * 3 * 3 * 3, 0.5), shape: [4, 3, 3, 3] };
    const b = { values: randoms(4), shape: [4] };
    await compareOnBoth("conv2d", [x, w, b], ([t, wt, bt]) => conv2d(t, wt, bt, { padding: 1, stride: 2 }));
    await compareOnBoth("maxPool2d", [x], ([t]) => maxPool2d(t, 2));
  });

  it("batchNorm in training mode", async () => {
    const x = { values: randoms(4 * 3 * 5, 2), shape: [4, 3, 5] };
    const w = { values: randoms(3), shape: [3] };
    const b = { values: randoms(3), shape: [3] };
    await compareOnBoth("batchNorm", [x, w, b], ([t, wt, bt]) =>
      batchNorm(t, null, null, { weight: wt, bias: bt, training: true }),
    );
  });

  it("an LSTM cell", async () => {
    const x = { values: randoms(3 * 4), shape: [3, 4] };
    const h = { values: randoms(3 * 5), shape: [3, 5] };
    const c = { values: randoms(3 * 5), shape: [3, 5] };
    const wih = { values: randoms(20 * 4, 0.5), shape: [20, 4] };
    const whh = { values: randoms(20 * 5, 0.5), shape: [20, 5] };
    const bias = { values: randoms(20), shape: [20] };
    await compareOnBoth("lstmCell", [x, h, c, wih, whh, bias], ([xt, ht, ct, a, b, bi]) => {
      const [h2, c2] = lstmCell(xt, [ht, ct], a, b, bi, bi);
      return h2.mul(2).add(c2);
    });
  });

  it("fused Adam/AdamW and SGD (momentum, Nesterov, weight decay) match the reference's composed steps", async () => {
    const start = randoms(50);
    const grads = [randoms(50), randoms(50), randoms(50)];
    const optimizers = [
      (ps: Tensor[]) => new Adam(ps, { lr: 0.01, weightDecay: 0.1 }),
      (ps: Tensor[]) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1, maximize: true }),
      (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
      (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.5, dampening: 0.2 }),
      (ps: Tensor[]) => new SGD(ps, { lr: 0.1 }),
    ];
    for (const [k, make] of optimizers.entries()) {
      const runOn = async () => {
        const p = fromHost(start, [5, 10], "float32", true);
        const opt = make([p]);
        for (const g of grads) {
          p.grad = fromHost(g, [5, 10], "float32");
          opt.step();
        }
        return p.data();
      };
      setBackend("ref");
      const expected = await runOn();
      await setBackend("webgpu-test");
      const actual = await runOn();
      const err = closeF32(actual, expected, 1e-6, 1e-7);
      expect(err, `optimizer ${k}: ${err}`).toBeNull();
    }
  });

  it("reads: async forms work, sync forms throw BackendError naming them; float64 is refused", async () => {
    await setBackend("webgpu-test");
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(await t.array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await t.sum().itemAsync()).toBe(10);
    expect(Array.from(await t.transpose(0, 1).data())).toEqual([1, 3, 2, 4]);
    expect(await tensor([true, false]).array()).toEqual([true, false]);
    expect(() => t.dataSync()).toThrow(BackendError);
    expect(() => t.sum().item()).toThrow(/itemAsync/);
    expect(() => t.toArray()).toThrow(/await t\.array\(\)/);
    expect(String(t)).toContain("await t.toStringAsync()");
    expect(() => zeros([2], { dtype: "float64" })).toThrow(DTypeError);
  });

  it("memory: a loop of ops without tidy stays flat", async () => {
    await setBackend("webgpu-test");
    const w = tensor(Array.from(randoms(16)), { requiresGrad: true });
    const step = () => {
      const loss = w.mul(w).sum();
      loss.backward();
    };
    for (let i = 0; i < 5; i++) step();
    const before = getBackend().memory();
    for (let i = 0; i < 50; i++) step();
    expect(getBackend().memory().storages).toBeLessThanOrEqual(before.storages);
  });
});
