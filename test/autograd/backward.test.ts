import { beforeAll, describe, expect, it } from "vitest";
import { StrataError } from "../../src/base/errors.js";
import { enableGrad, isGradEnabled, noGrad } from "../../src/core/grad_mode.js";
import { tidy } from "../../src/core/memory.js";
import type { Tensor } from "../../src/core/tensor.js";
import { ones, tensor, zeros } from "../../src/ops/creation.js";
import { maximum, minimum } from "../../src/ops/elementwise.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

/** float64 where the backend has it; webgpu (no f64 in WGSL) runs the same tests in float32. */
let F: "float64" | "float32" = "float64";
const f64 = (v: number[] | number[][], requiresGrad = true) => tensor(v, { dtype: F, requiresGrad });

describeEachBackend("autograd", (backend) => {
  beforeAll(() => {
    F = backend === "webgpu" ? "float32" : "float64";
  });
  describe("basics", () => {
    it("records the graph on ops of tensors that require grad", () => {
      const x = f64([1, 2, 3]);
      expect(x.isLeaf).toBe(true);
      expect(x.gradFn).toBe(null);
      const y = x.mul(2);
      expect(y.requiresGrad).toBe(true);
      expect(y.isLeaf).toBe(false);
      expect(y.gradFn!.op).toBe("mul");
      const c = f64([1, 2], false);
      expect(c.mul(2).requiresGrad).toBe(false);
      expect(c.mul(2).gradFn).toBe(null);
    });

    it("d/dx Σ x² = 2x, in the leaf's dtype and shape", async () => {
      const x = f64([
        [1, -2],
        [3, 0.5],
      ]);
      x.mul(x).sum().backward();
      expect(x.grad!.shape).toEqual([2, 2]);
      expect(x.grad!.dtype).toBe(F);
      expect(await x.grad!.array()).toEqual([
        [2, -4],
        [6, 1],
      ]);
      expect(x.grad!.requiresGrad).toBe(false);
    });

    it("a diamond graph sums both paths; broadcast gradients are summed down", async () => {
      const x = f64([1, 2, 3]);
      const b = f64([[10], [20]]);
      const h = x.mul(3);
      const y = h.add(h.mul(h)).add(b).sum(); // Σ_rows Σ (3x + 9x²) + b
      y.backward();
      expect(await x.grad!.array()).toEqual([1, 2, 3].map((v) => 2 * (3 + 18 * v)));
      expect(await b.grad!.array()).toEqual([[3], [3]]);
    });

    itNeeds("float64")("float32 leaves get float32 gradients even through float64 ops", async () => {
      const x = tensor([1, 2], { requiresGrad: true });
      x.mul(tensor([0.5, 0.25], { dtype: "float64" }))
        .sum()
        .backward();
      expect(x.grad!.dtype).toBe("float32");
      expect(await x.grad!.array()).toEqual([0.5, 0.25]);
    });

    it("gradients accumulate over two backward() calls until reset", async () => {
      const x = f64([1, 2]);
      x.mul(2).sum().backward();
      const g = x.grad!;
      x.mul(x).sum().backward();
      expect(x.grad).toBe(g); // accumulated in place
      expect(await x.grad!.array()).toEqual([4, 6]);
      x.grad = null;
      x.mul(5).sum().backward();
      expect(await x.grad!.array()).toEqual([5, 5]);
    });

    it("the gradient is its own tensor, never the seed (storage is immutable, so sharing it is safe)", async () => {
      const x = f64([1, 2]);
      const seed = f64([3, 4], false);
      x.backward(seed);
      expect(await x.grad!.array()).toEqual([3, 4]);
      expect(x.grad).not.toBe(seed);
      x.backward(seed);
      expect(await x.grad!.array()).toEqual([6, 8]);
      expect(await seed.array()).toEqual([3, 4]);
    });

    it("a deep chain does not overflow the stack", async () => {
      const x = f64([1]);
      tidy(() => {
        let y: Tensor = x;
        for (let i = 0; i < 20000; i++) y = y.add(1);
        y.sum().backward();
      });
      expect(await x.grad!.itemAsync()).toBe(1);
    });
  });

  describe("seed gradients", () => {
    it("non-scalar outputs take a seed of their shape", async () => {
      const x = f64([1, 2, 3]);
      const y = x.mul(x);
      y.backward(f64([1, 10, 100], false));
      expect(await x.grad!.array()).toEqual([2, 40, 600]);
    });
    it("a one-element output of any rank needs no seed", async () => {
      const x = f64([[2]]);
      x.mul(3).backward();
      expect(await x.grad!.array()).toEqual([[3]]);
    });
    it("missing or mismatched seeds and outputs without grad are errors", () => {
      const x = f64([1, 2, 3]);
      expect(() => x.mul(2).backward()).toThrow(StrataError);
      expect(() => x.mul(2).backward()).toThrow(
        /a gradient can only be implied for a one-element output; pass a seed gradient of shape \(3,\)/,
      );
      expect(() => x.mul(2).backward(ones([2], { dtype: F }))).toThrow(
        /seed gradient \(2,\) does not match output \(3,\)/,
      );
      expect(() => x.mul(2).backward(ones([1, 3], { dtype: F }))).toThrow(/does not match/);
      expect(() => f64([1], false).mul(2).backward()).toThrow(/does not require grad/);
    });
  });

  describe("grad mode", () => {
    it("noGrad records nothing and restores the mode, even on throw", () => {
      const x = f64([1, 2]);
      expect(isGradEnabled()).toBe(true);
      const y = noGrad(() => {
        expect(isGradEnabled()).toBe(false);
        return x.mul(2);
      });
      expect(isGradEnabled()).toBe(true);
      expect(y.requiresGrad).toBe(false);
      expect(y.gradFn).toBe(null);
      expect(() => y.sum().backward()).toThrow(/does not require grad/);
      expect(() =>
        noGrad(() => {
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(isGradEnabled()).toBe(true);
    });
    it("enableGrad records inside noGrad", () => {
      const x = f64([1, 2]);
      const y = noGrad(() => enableGrad(() => x.mul(2)));
      expect(y.requiresGrad).toBe(true);
      expect(isGradEnabled()).toBe(true);
    });
  });

  describe("detach / requiresGrad_ / retainGrad", () => {
    it("detach shares memory and cuts the graph", async () => {
      const x = f64([1, 2, 3]);
      const d = x.detach();
      expect(d.storage).toBe(x.storage);
      expect(d.requiresGrad).toBe(false);
      expect(d.gradFn).toBe(null);
      x.mul(x.detach()).sum().backward();
      expect(await x.grad!.array()).toEqual([1, 2, 3]); // not 2x
      const v = x.mul(2).detach();
      expect(v.isLeaf).toBe(true);
    });
    it("requiresGrad_ works on float leaves only", () => {
      const x = tensor([1, 2]).requiresGrad_();
      expect(x.requiresGrad).toBe(true);
      expect(x.requiresGrad_(false).requiresGrad).toBe(false);
      expect(() => tensor([1, 2], { dtype: "int32" }).requiresGrad_()).toThrow(StrataError);
      expect(() => tensor([1, 2], { dtype: "int32" }).requiresGrad_()).toThrow(
        /only float tensors can require gradients, got int32/,
      );
      expect(() => tensor([true]).requiresGrad_()).toThrow(/got bool/);
      expect(() => tensor([1], { dtype: "int32", requiresGrad: true })).toThrow(/got int32/);
      expect(() => zeros([2], { dtype: "int32", requiresGrad: true })).toThrow(StrataError);
      const y = f64([1]).mul(2);
      expect(() => y.requiresGrad_()).toThrow(/leaf/);
      // int tensors may turn it off (a no-op)
      expect(tensor([1], { dtype: "int32" }).requiresGrad_(false).requiresGrad).toBe(false);
    });
    it("retainGrad keeps the gradient of an intermediate; others get none", async () => {
      const x = f64([1, 2]);
      const h = x.mul(3).retainGrad();
      const k = h.mul(h);
      k.sum().backward();
      expect(await h.grad!.array()).toEqual([6, 12]);
      expect(k.grad).toBe(null);
      expect(await x.grad!.array()).toEqual([18, 36]);
    });
  });

  describe("retainGraph and createGraph", () => {
    it("a second backward through a freed graph is a clear error", async () => {
      const x = f64([1, 2]);
      const y = x.mul(x).sum();
      y.backward();
      expect(() => y.backward()).toThrow(StrataError);
      expect(() => y.backward()).toThrow(/a second time/);
      expect(() => y.backward()).toThrow(/retainGraph: true/);
      expect(await x.grad!.array()).toEqual([2, 4]);
    });
    it("retainGraph allows it, and gradients add up", async () => {
      const x = f64([1, 2]);
      const y = x.mul(x).sum();
      y.backward(undefined, { retainGraph: true });
      y.backward();
      expect(await x.grad!.array()).toEqual([4, 8]);
    });
    it("createGraph: d²(x³)/dx² = 6x, through mul and through pow", async () => {
      for (const cube of [(x: Tensor) => x.mul(x).mul(x), (x: Tensor) => x.pow(3)]) {
        const x = f64([1, -2, 0.5]);
        cube(x).sum().backward(undefined, { createGraph: true });
        const g = x.grad!;
        await expectClose(g, [3, 12, 0.75], { rtol: 1e-14 });
        expect(g.requiresGrad).toBe(true);
        x.grad = null;
        g.sum().backward();
        await expectClose(x.grad!, [6, -12, 3], { rtol: 1e-14 });
      }
    });
    it("createGraph: third derivative of sin is -cos", async () => {
      const x = f64([0.3, 1.2]);
      x.sin().sum().backward(undefined, { createGraph: true });
      const g1 = x.grad!;
      x.grad = null;
      g1.sum().backward(undefined, { createGraph: true });
      const g2 = x.grad!;
      await expectClose(g2, [-Math.sin(0.3), -Math.sin(1.2)], { rtol: 1e-14 });
      x.grad = null;
      g2.sum().backward();
      await expectClose(x.grad!, [-Math.cos(0.3), -Math.cos(1.2)], { rtol: 1e-14 });
    });
  });

  describe("max/min/maximum/minimum with ties (outside gradcheck)", () => {
    it("max/min split the gradient evenly among tied positions", async () => {
      const x = f64([1, 3, 3, 2]);
      x.max().backward();
      expect(await x.grad!.array()).toEqual([0, 0.5, 0.5, 0]);
      const y = f64([
        [5, 5, 5],
        [1, 7, 2],
      ]);
      y.max(1)
        .mul(f64([3, 10], false))
        .sum()
        .backward();
      expect(await y.grad!.array()).toEqual([
        [1, 1, 1],
        [0, 10, 0],
      ]);
      const z = f64([[4, 1, 1]]);
      z.min(1, true).sum().backward();
      expect(await z.grad!.array()).toEqual([[0, 0.5, 0.5]]);
    });
    it("maximum/minimum split ties between operands", async () => {
      const a = f64([1, 2, 3]);
      const b = f64([2, 2, 1]);
      maximum(a, b).sum().backward();
      expect(await a.grad!.array()).toEqual([0, 0.5, 1]);
      expect(await b.grad!.array()).toEqual([1, 0.5, 0]);
      const c = f64([1, 2, 3]);
      minimum(c, 2).sum().backward();
      expect(await c.grad!.array()).toEqual([1, 0.5, 0]);
    });
  });

  describe("piecewise-constant ops", () => {
    it("floor/ceil/round/sign pass no gradient", async () => {
      for (const op of ["floor", "ceil", "round", "sign"] as const) {
        const x = f64([0.3, 1.7, -2.2]);
        x[op]().add(x).sum().backward();
        expect(await x.grad!.array()).toEqual([1, 1, 1]);
      }
    });
    it("non-differentiable outputs (comparisons, argmax, int casts) do not require grad", () => {
      const x = f64([1, 2]);
      expect(x.gt(1).requiresGrad).toBe(false);
      expect(x.argmax().requiresGrad).toBe(false);
      expect(x.int().requiresGrad).toBe(false);
      expect(x.isNaN().requiresGrad).toBe(false);
    });
  });
});
