import { describe, expect, it } from "vitest";
import { BackendError, StrataError, ValueError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import { tidy } from "../../src/core/memory.js";
import type { Tensor } from "../../src/core/tensor.js";
import { tensor, zeros } from "../../src/ops/creation.js";
import {
  clipGradNorm,
  clipGradNormAsync,
  clipGradNormOnDevice,
  clipGradValue,
} from "../../src/optim/index.js";
import { describeEachBackend, itInDtype, itNeeds, syncReads } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

interface ClipCase {
  name: string;
  fn: "clipGradNorm" | "clipGradValue";
  options: { maxNorm?: number; normType?: number | "inf"; clipValue?: number };
  grads_before: FixtureTensor[];
  grads_after: FixtureTensor[];
  total_norm: number | null;
}

const cases = loadFixture<ClipCase>("clip").cases;

/** Parameters whose grads are the fixture's (the parameter values themselves do not matter). */
function paramsWithGrads(grads: FixtureTensor[], dtype: "float32" | "float64"): Tensor[] {
  return grads.map((g) => {
    const p = zeros(g.shape, { dtype }).requiresGrad_();
    p.grad = fixtureTensor(g, dtype);
    return p;
  });
}

/**
 * The clipping, on every backend: `clipGradNormAsync` (one awaited read of the norm) and
 * `clipGradNormOnDevice` (no read) everywhere, `clipGradNorm` where reads are synchronous; on webgpu
 * it throws a BackendError naming the async form.
 */
describeEachBackend("clipping matches PyTorch (clip.json)", () => {
  for (const c of cases) {
    for (const dtype of ["float64", "float32"] as const) {
      itInDtype(dtype)(`${c.name} (${dtype})`, async () => {
        const tol = dtype === "float64" ? { rtol: 1e-10, atol: 1e-14 } : { rtol: 1e-5, atol: 1e-7 };
        const normType = c.options.normType === "inf" ? Number.POSITIVE_INFINITY : c.options.normType;
        const check = async (params: Tensor[]) => {
          for (const [i, p] of params.entries()) {
            expect(p.grad!.dtype).toBe(dtype);
            await expectClose(p.grad!, fixtureTensor(c.grads_after[i], dtype), tol);
          }
        };
        if (c.fn === "clipGradNorm") {
          const params = paramsWithGrads(c.grads_before, dtype);
          const total = await clipGradNormAsync(params, c.options.maxNorm!, normType);
          await expectClose(total, c.total_norm!, tol);
          await check(params);
          const onDevice = paramsWithGrads(c.grads_before, dtype);
          clipGradNormOnDevice(onDevice, c.options.maxNorm!, normType);
          await check(onDevice);
          const sync = paramsWithGrads(c.grads_before, dtype);
          if (syncReads()) {
            expect(clipGradNorm(sync, c.options.maxNorm!, normType)).toBe(total);
            await check(sync);
          } else {
            expect(() => clipGradNorm(sync, c.options.maxNorm!, normType)).toThrow(BackendError);
            expect(() => clipGradNorm(sync, c.options.maxNorm!, normType)).toThrow(
              /clipGradNorm: returns the total norm as a number, which the webgpu backend cannot read synchronously; use `await clipGradNormAsync\(\.\.\.\)`/,
            );
          }
        } else {
          const params = paramsWithGrads(c.grads_before, dtype);
          expect(clipGradValue(params, c.options.clipValue!)).toBeUndefined();
          await check(params);
        }
      });
    }
  }
});

describeEachBackend("clipGradNormAsync", () => {
  it("skips parameters without a gradient and returns 0 when none has one", async () => {
    const a = zeros([2]).requiresGrad_();
    const b = zeros([2]).requiresGrad_();
    expect(await clipGradNormAsync([a, b], 1)).toBe(0);
    b.grad = tensor([3, 4]);
    await expectClose(await clipGradNormAsync([a, b], 1), 5);
    await expectClose(b.grad, [3 / (5 + 1e-6), 4 / (5 + 1e-6)]);
    expect(a.grad).toBeNull();
  });

  it("all-zero gradients: the total norm is 0 and they stay 0 (no NaN from the zero norm)", async () => {
    for (const p of [2, 3, 0.5, Number.POSITIVE_INFINITY]) {
      const a = zeros([3]).requiresGrad_();
      const b = zeros([2, 2]).requiresGrad_();
      a.grad = zeros([3]);
      b.grad = zeros([2, 2]);
      expect(await clipGradNormAsync([a, b], 1, p)).toBe(0);
      clipGradNormOnDevice([a, b], 1, p);
      expect([...(await a.grad.data()), ...(await b.grad.data())]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    }
  });

  it("accepts a single tensor and any p", async () => {
    const a = zeros([3]).requiresGrad_();
    a.grad = tensor([1, 2, 3]);
    await expectClose(await clipGradNormAsync(a, 100, 3), (1 + 8 + 27) ** (1 / 3));
  });

  it("returns a non-finite norm; errorIfNonfinite throws instead", async () => {
    const a = zeros([2]).requiresGrad_();
    a.grad = tensor([Number.NaN, 1]);
    expect(await clipGradNormAsync([a], 1)).toBeNaN();
    a.grad = tensor([Number.POSITIVE_INFINITY, 1]);
    expect(await clipGradNormAsync([a], 1, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    a.grad = tensor([Number.POSITIVE_INFINITY, 1]);
    await expect(clipGradNormAsync([a], 1, 2, { errorIfNonfinite: true })).rejects.toThrow(StrataError);
    await expect(clipGradNormAsync([a], 1, 2, { errorIfNonfinite: true })).rejects.toThrow(
      /clipGradNormAsync: the total norm of order 2.*Infinity/,
    );
    // without a read there is no error to throw: a NaN norm makes every gradient NaN, as in PyTorch
    a.grad = tensor([Number.NaN, 1]);
    clipGradNormOnDevice([a], 1);
    expect(Array.from(await a.grad.data()).every(Number.isNaN)).toBe(true);
  });

  it("rejects bad arguments", async () => {
    const a = zeros([2]).requiresGrad_();
    await expect(clipGradNormAsync([a], -1)).rejects.toThrow(ValueError);
    expect(() => clipGradNormOnDevice([a], 1, 0)).toThrow(/normType/);
    expect(() => clipGradValue([a], -1)).toThrow(/clipValue/);
  });
});

describe("clipGradNorm (synchronous: ref and wasm)", () => {
  itNeeds("syncRead")("returns a non-finite norm; errorIfNonfinite throws instead", () => {
    const a = zeros([2]).requiresGrad_();
    a.grad = tensor([Number.NaN, 1]);
    expect(clipGradNorm([a], 1)).toBeNaN();
    a.grad = tensor([Number.POSITIVE_INFINITY, 1]);
    expect(clipGradNorm([a], 1, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    a.grad = tensor([Number.POSITIVE_INFINITY, 1]);
    expect(() => clipGradNorm([a], 1, 2, { errorIfNonfinite: true })).toThrow(StrataError);
    expect(() => clipGradNorm([a], 1, 2, { errorIfNonfinite: true })).toThrow(
      /total norm of order 2.*Infinity/,
    );
  });

  itNeeds("syncRead")("rejects bad arguments", () => {
    const a = zeros([2]).requiresGrad_();
    expect(() => clipGradNorm([a], -1)).toThrow(ValueError);
    expect(() => clipGradNorm([a], 1, 0)).toThrow(/normType/);
  });

  itNeeds("syncRead")("does not leak memory", () => {
    const a = zeros([4, 4]).requiresGrad_();
    const b = zeros([4]).requiresGrad_();
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      tidy(() => {
        a.grad?.dispose();
        b.grad?.dispose();
        a.grad = null;
        b.grad = null;
        a.add(1).pow(2).sum().add(b.mul(3).sum()).backward();
        clipGradNorm([a, b], 0.5);
        clipGradValue([a, b], 0.01);
      });
      counts.push(getBackend().memory().storages);
    }
    expect(new Set(counts.slice(2)).size).toBe(1);
  });
});
