import { describe, expect, it } from "vitest";
import { StrataError, ValueError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import { tidy } from "../../src/core/memory.js";
import type { Tensor } from "../../src/core/tensor.js";
import { tensor, zeros } from "../../src/ops/creation.js";
import { clipGradNorm, clipGradValue } from "../../src/optim/index.js";
import { expectCloseSync } from "../helpers/close.js";
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

describe("clipping matches PyTorch (clip.json)", () => {
  for (const c of cases) {
    for (const dtype of ["float64", "float32"] as const) {
      it(`${c.name} (${dtype})`, () => {
        const params = paramsWithGrads(c.grads_before, dtype);
        const tol = dtype === "float64" ? { rtol: 1e-10, atol: 1e-14 } : { rtol: 1e-5, atol: 1e-7 };
        if (c.fn === "clipGradNorm") {
          const normType = c.options.normType === "inf" ? Number.POSITIVE_INFINITY : c.options.normType;
          const total = clipGradNorm(params, c.options.maxNorm!, normType);
          expectCloseSync(total, c.total_norm!, tol);
        } else {
          expect(clipGradValue(params, c.options.clipValue!)).toBeUndefined();
        }
        params.forEach((p, i) => {
          expect(p.grad!.dtype).toBe(dtype);
          expectCloseSync(p.grad!, fixtureTensor(c.grads_after[i], dtype), tol);
        });
      });
    }
  }
});

describe("clipGradNorm", () => {
  it("skips parameters without a gradient and returns 0 when none has one", () => {
    const a = zeros([2]).requiresGrad_();
    const b = zeros([2]).requiresGrad_();
    expect(clipGradNorm([a, b], 1)).toBe(0);
    b.grad = tensor([3, 4]);
    expectCloseSync(clipGradNorm([a, b], 1), 5);
    expectCloseSync(b.grad, [3 / (5 + 1e-6), 4 / (5 + 1e-6)]);
    expect(a.grad).toBeNull();
  });

  it("all-zero gradients: the total norm is 0 and they stay 0 (no NaN from the zero norm)", () => {
    for (const p of [2, 3, 0.5, Number.POSITIVE_INFINITY]) {
      const a = zeros([3]).requiresGrad_();
      const b = zeros([2, 2]).requiresGrad_();
      a.grad = zeros([3]);
      b.grad = zeros([2, 2]);
      expect(clipGradNorm([a, b], 1, p)).toBe(0);
      expect([...a.grad.dataSync(), ...b.grad.dataSync()]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    }
  });

  it("accepts a single tensor and any p", () => {
    const a = zeros([3]).requiresGrad_();
    a.grad = tensor([1, 2, 3], { dtype: "float64" }).cast("float32");
    expectCloseSync(clipGradNorm(a, 100, 3), (1 + 8 + 27) ** (1 / 3));
  });

  it("returns a non-finite norm; errorIfNonfinite throws instead", () => {
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

  it("rejects bad arguments", () => {
    const a = zeros([2]).requiresGrad_();
    expect(() => clipGradNorm([a], -1)).toThrow(ValueError);
    expect(() => clipGradNorm([a], 1, 0)).toThrow(/normType/);
    expect(() => clipGradValue([a], -1)).toThrow(/clipValue/);
  });

  it("does not leak memory", () => {
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
