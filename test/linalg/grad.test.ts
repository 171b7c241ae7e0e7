import { describe, expect, it } from "vitest";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import "../../src/autograd/methods.js";
import { getBackend } from "../../src/backends/registry.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import * as linalg from "../../src/linalg/index.js";
import { eye, randn, tensor } from "../../src/ops/creation.js";
import { SGD } from "../../src/optim/sgd.js";
import { describeEachBackend } from "../helpers/backends.js";
import { expectCloseSync } from "../helpers/close.js";

const mT = (x: Tensor) => x.transpose(-2, -1);
const f64 = (shape: number[]) => randn(shape, { dtype: "float64", requiresGrad: true });
const ok = (fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) => {
  const r = gradcheck(fn, inputs, { atol: 1e-6, rtol: 1e-4 });
  expect(r.message).toBe("");
  expect(r.ok).toBe(true);
};

describeEachBackend("linalg gradients (float64 gradcheck)", () => {
  it("eigh: eigenvalues, and eigenvectors through sign-free losses (distinct eigenvalues)", () => {
    manualSeed(11);
    const x = f64([2, 4, 4]);
    const sym = (x: Tensor) => x.add(mT(x));
    ok((x) => linalg.eigvalsh(sym(x)), [x]);
    // V diag(w) Vᵀ and squares of the components do not depend on the signs
    const w = tensor([1, 2, 3, 4], { dtype: "float64" });
    ok(
      (x) => {
        const { eigenvectors: V } = linalg.eigh(sym(x));
        return V.mul(w).matmul(mT(V));
      },
      [x],
    );
    ok(
      (x) => {
        const [L, V] = linalg.eigh(sym(x));
        return V.square().mul(L.unsqueeze(-2)).sum(-1);
      },
      [x],
    );
  });

  it("svd and svdvals: thin, full (the completion carries no gradient), wide and tall", () => {
    manualSeed(12);
    for (const shape of [
      [4, 3],
      [3, 4],
      [2, 3, 3],
    ]) {
      const a = f64(shape);
      ok((a) => linalg.svdvals(a), [a]);
      ok(
        (a) => {
          const { U, S, Vh } = linalg.svd(a, { fullMatrices: false });
          // U diag(S²) Uᵀ and Vᵀ diag(S) V are sign-free
          return U.mul(S.square().unsqueeze(-2))
            .matmul(mT(U))
            .sum()
            .add(mT(Vh).mul(S.unsqueeze(-2)).matmul(Vh).sin().sum());
        },
        [a],
      );
      ok(
        (a) => {
          const { U, S, Vh } = linalg.svd(a);
          const k = S.shape[S.rank - 1];
          return U.slice(-1, 0, k)
            .mul(S.unsqueeze(-2))
            .matmul(Vh.slice(-2, 0, k))
            .square();
        },
        [a],
      );
    }
  });

  it("qr (m ≥ n), cholesky (lower and upper)", () => {
    manualSeed(13);
    const a = f64([5, 3]);
    ok((a) => linalg.qr(a).Q, [a]);
    ok((a) => linalg.qr(a).R, [a]);
    ok(
      (a) => {
        const [Q, R] = linalg.qr(a);
        return Q.sum(-2).mul(R.sum(-1));
      },
      [f64([2, 4, 4])],
    );
    const x = f64([4, 4]);
    const spd = (x: Tensor) => x.matmul(mT(x)).add(eye(4, 4, { dtype: "float64" }).mul(4));
    ok((x) => linalg.cholesky(spd(x)), [x]);
    ok((x) => linalg.cholesky(spd(x), { upper: true }).sin(), [x]);
    expect(() =>
      linalg
        .qr(f64([3, 5]))
        .Q.sum()
        .backward(),
    ).toThrow(/m ≥ n/);
  });

  it("solve (matrix and vector right-hand sides, broadcast), inv, det, slogdet", () => {
    manualSeed(14);
    const a = f64([2, 4, 4]);
    const b = f64([2, 4, 3]);
    ok((a, b) => linalg.solve(a, b), [a, b]);
    ok((a, v) => linalg.solve(a, v), [f64([4, 4]), f64([4])]);
    ok((a, b) => linalg.solve(a, b), [f64([4, 4]), f64([3, 4, 2])]);
    ok((a) => linalg.inv(a), [a]);
    ok((a) => linalg.det(a), [a]);
    ok((a) => linalg.slogdet(a).logabsdet, [a]);
  });

  it("a linalg op used twice in one graph, and differentiated twice", () => {
    manualSeed(15);
    const a = f64([3, 3]);
    ok((a) => linalg.inv(a).matmul(linalg.inv(a.mul(2))), [a]);
    ok((a) => linalg.det(linalg.inv(a)).add(linalg.det(a)), [a]);
  });

  it("a training loop through eigh and solve stays flat without tidy", () => {
    manualSeed(16);
    const w = randn([6, 6], { requiresGrad: true });
    const opt = new SGD([w], { lr: 1e-3 });
    const samples: { storages: number; bytes: number }[] = [];
    for (let step = 0; step < 120; step++) {
      const s = w.add(mT(w));
      const L = linalg.eigvalsh(s);
      const x = linalg.solve(s.add(eye(6).mul(20)), L);
      const loss = L.square().sum().add(x.square().sum());
      loss.backward();
      opt.step();
      opt.zeroGrad();
      if (step >= 20 && step % 20 === 0) samples.push(getBackend().memory());
    }
    for (const s of samples) {
      expect(s.storages).toBeLessThanOrEqual(samples[0].storages + 4);
      expect(s.bytes).toBeLessThanOrEqual(samples[0].bytes * 1.1);
    }
  });
});

describe("linalg second-order gradient of det is the true Hessian contraction", () => {
  it("d/da_ij Σ_kl ∂det/∂a_kl for a 2×2 matrix", () => {
    // det = a d − b c; ∂det/∂a = [[d, −c], [−b, a]]; Σ = a + d − b − c; its gradient: [[1, −1], [−1, 1]]
    const a = tensor(
      [
        [2, 1],
        [0.5, 3],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    const d = linalg.det(a);
    d.backward(undefined, { createGraph: true });
    const g = a.grad!;
    a.grad = null;
    g.sum().backward();
    expectCloseSync(a.grad!, [1, -1, -1, 1], { atol: 1e-12 });
  });
});
