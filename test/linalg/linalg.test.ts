import { describe, expect, it } from "vitest";
import "../../src/autograd/methods.js";
import { DTypeError, LinAlgError, ShapeError } from "../../src/base/errors.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import * as linalg from "../../src/linalg/index.js";
import { tril, triu } from "../../src/linalg/matrix.js";
import { eye, randn, tensor } from "../../src/ops/creation.js";
import { describeEachBackend } from "../helpers/backends.js";
import { expectCloseSync } from "../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

const mT = (x: Tensor) => x.transpose(-2, -1);
const f64 = (t: FixtureTensor) => fixtureTensor(t, "float64");

describeEachBackend("linalg", () => {
  describe("against PyTorch (scripts/gen_fixtures_linalg.py)", () => {
    const { cases } = loadFixture("linalg");
    for (const c of cases) {
      it(`${c.op} ${JSON.stringify(c.A.shape)}`, () => {
        const A = f64(c.A);
        const tol = { atol: 1e-9, rtol: 1e-7 };
        if (c.op === "eigh") expectCloseSync(linalg.eigh(A).eigenvalues, f64(c.eigenvalues), tol);
        if (c.op === "svd") expectCloseSync(linalg.svdvals(A), f64(c.S), tol);
        if (c.op === "qr") {
          const { Q, R } = linalg.qr(A);
          expectCloseSync(Q, f64(c.Q), tol);
          expectCloseSync(R, f64(c.R), tol);
        }
        if (c.op === "cholesky") expectCloseSync(linalg.cholesky(A), f64(c.L), tol);
        if (c.op === "solve") expectCloseSync(linalg.solve(A, f64(c.B)), f64(c.X), tol);
        if (c.op === "inv") expectCloseSync(linalg.inv(A), f64(c.inv), tol);
        if (c.op === "det") {
          expectCloseSync(linalg.det(A), f64(c.det), tol);
          const { sign, logabsdet } = linalg.slogdet(A);
          expectCloseSync(sign, f64(c.sign), tol);
          expectCloseSync(logabsdet, f64(c.logabsdet), tol);
        }
      });
      if (c.grad) {
        it(`${c.op} ${JSON.stringify(c.A.shape)}: the gradient PyTorch computes`, () => {
          const A = f64(c.A).requiresGrad_();
          const n = A.shape[A.rank - 1];
          const weights = (k: number) =>
            tensor(
              Array.from({ length: k }, (_, i) => i + 1),
              { dtype: "float64" },
            );
          let loss: Tensor;
          if (c.op === "eigh") {
            const { eigenvalues: L, eigenvectors: V } = linalg.eigh(A);
            loss = V.square().mul(weights(n)).sum().add(L.square().sum());
          } else if (c.op === "svd") {
            const k = Math.min(...A.shape.slice(-2));
            const { U, S } = linalg.svd(A, { fullMatrices: false });
            loss = U.square().sum(-2).mul(weights(k)).sum().add(S.pow(3).sum());
          } else if (c.op === "qr") {
            const { Q, R } = linalg.qr(A);
            loss = Q.sin().sum().add(R.square().sum());
          } else if (c.op === "cholesky") loss = linalg.cholesky(A).sin().sum();
          else if (c.op === "inv") loss = linalg.inv(A).sin().sum();
          else loss = linalg.det(A).sum();
          loss.backward();
          expectCloseSync(A.grad!, f64(c.grad), { atol: 1e-8, rtol: 1e-6 });
        });
      }
    }
  });

  describe("invariants on random matrices, float32 and float64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const tol = dtype === "float64" ? { atol: 1e-10, rtol: 1e-9 } : { atol: 2e-4, rtol: 1e-4 };

      it(`eigh (${dtype}, batched): A = Q diag(L) Qᵀ, QᵀQ = I, L ascending; only the lower triangle is read`, () => {
        manualSeed(1);
        const x = randn([3, 12, 12], { dtype });
        const A = x.add(mT(x));
        const [L, Q] = linalg.eigh(A);
        expect(L.dtype).toBe(dtype);
        expectCloseSync(Q.mul(L.unsqueeze(-2)).matmul(mT(Q)), A, tol);
        expectCloseSync(mT(Q).matmul(Q), eye(12, 12, { dtype }).expand([3, 12, 12]), tol);
        const l = Array.from(L.dataSync());
        for (let i = 1; i < l.length; i++) if (i % 12 !== 0) expect(l[i]).toBeGreaterThanOrEqual(l[i - 1]);
        // garbage in the upper triangle changes nothing; UPLO "U" reads the other one
        const garbled = tril(A).add(triu(randn([3, 12, 12], { dtype }), 1));
        expectCloseSync(linalg.eigvalsh(garbled), L, tol);
        expectCloseSync(linalg.eigvalsh(mT(A), { UPLO: "U" }), L, tol);
      });

      it(`svd (${dtype}): A = U diag(S) Vh, orthonormal factors, S descending, thin and full`, () => {
        manualSeed(2);
        for (const [m, n] of [
          [7, 4],
          [4, 7],
          [6, 6],
          [40, 40],
        ]) {
          const A = randn([2, m, n], { dtype });
          const k = Math.min(m, n);
          const { U, S, Vh } = linalg.svd(A, { fullMatrices: false });
          expect([U.shape, S.shape, Vh.shape]).toEqual([
            [2, m, k],
            [2, k],
            [2, k, n],
          ]);
          expectCloseSync(U.mul(S.unsqueeze(-2)).matmul(Vh), A, tol);
          expectCloseSync(mT(U).matmul(U), eye(k, k, { dtype }).expand([2, k, k]), tol);
          expectCloseSync(Vh.matmul(mT(Vh)), eye(k, k, { dtype }).expand([2, k, k]), tol);
          const s = Array.from(S.dataSync());
          for (let i = 1; i < s.length; i++) if (i % k !== 0) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
          const full = linalg.svd(A);
          expect([full.U.shape, full.Vh.shape]).toEqual([
            [2, m, m],
            [2, n, n],
          ]);
          expectCloseSync(mT(full.U).matmul(full.U), eye(m, m, { dtype }).expand([2, m, m]), tol);
          expectCloseSync(full.Vh.matmul(mT(full.Vh)), eye(n, n, { dtype }).expand([2, n, n]), tol);
          expectCloseSync(linalg.svdvals(A), S, tol);
        }
      });

      it(`svd (${dtype}) of a rank-deficient matrix still has orthonormal U`, () => {
        const A = tensor(
          [
            [1, 2, 3],
            [2, 4, 6],
            [1, 1, 1],
            [0, 0, 0],
          ],
          { dtype },
        );
        const { U, S, Vh } = linalg.svd(A);
        expect(S.dataSync()[2]).toBeLessThan(1e-5);
        expectCloseSync(mT(U).matmul(U), eye(4, 4, { dtype }), tol);
        expectCloseSync(U.slice(-1, 0, 3).mul(S.unsqueeze(-2)).matmul(Vh), A, tol);
      });

      it(`qr (${dtype}): A = QR, QᵀQ = I, R upper triangular; reduced, complete and r`, () => {
        manualSeed(3);
        for (const [m, n] of [
          [6, 3],
          [3, 6],
          [5, 5],
        ]) {
          const A = randn([m, n], { dtype });
          const k = Math.min(m, n);
          const { Q, R } = linalg.qr(A);
          expect([Q.shape, R.shape]).toEqual([
            [m, k],
            [k, n],
          ]);
          expectCloseSync(Q.matmul(R), A, tol);
          expectCloseSync(mT(Q).matmul(Q), eye(k, k, { dtype }), tol);
          const r = R.toArray() as number[][];
          for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) expect(r[i][j]).toBe(0);
          const c = linalg.qr(A, { mode: "complete" });
          expect(c.Q.shape).toEqual([m, m]);
          expectCloseSync(c.Q.matmul(c.R), A, tol);
          expectCloseSync(linalg.qr(A, { mode: "r" }).R, R, tol);
        }
      });

      it(`cholesky, solve, inv, det (${dtype}, batched)`, () => {
        manualSeed(4);
        const x = randn([2, 6, 6], { dtype });
        const A = x.matmul(mT(x)).add(eye(6, 6, { dtype }).mul(6));
        const L = linalg.cholesky(A);
        expectCloseSync(L.matmul(mT(L)), A, tol);
        expectCloseSync(linalg.cholesky(A, { upper: true }), mT(L), tol);
        const B = randn([2, 6, 3], { dtype });
        expectCloseSync(A.matmul(linalg.solve(A, B)), B, tol);
        // one matrix for a batch of right-hand sides (the batch axes broadcast)
        const A0 = A.select(0, 0);
        expectCloseSync(A0.matmul(linalg.solve(A0, B)), B, tol);
        const v = randn([2, 6], { dtype });
        expectCloseSync(A.matmul(linalg.solve(A, v).unsqueeze(-1)).squeeze(-1), v, tol);
        expectCloseSync(A.matmul(linalg.inv(A)), eye(6, 6, { dtype }).expand([2, 6, 6]), tol);
        // det = Π L_ii²
        const diag = L.mul(eye(6, 6, { dtype })).sum(-1);
        expectCloseSync(linalg.det(A), diag.log().sum(-1).mul(2).exp(), {
          rtol: dtype === "float64" ? 1e-9 : 1e-3,
          atol: 0,
        });
        expectCloseSync(linalg.slogdet(A).logabsdet, diag.log().sum(-1).mul(2), tol);
      });
    }
  });

  describe("errors name the function and the problem", () => {
    it("non-square, wrong rank, wrong dtype", () => {
      expect(() => linalg.eigh(randn([2, 3]))).toThrow(ShapeError);
      expect(() => linalg.inv(randn([2, 3]))).toThrow(/linalg.inv: expected square matrices.*2×3/);
      expect(() => linalg.det(randn([3]))).toThrow(/rank ≥ 2/);
      expect(() => linalg.svd(tensor([[1, 2]], { dtype: "int32" }))).toThrow(DTypeError);
      expect(() => linalg.solve(randn([3, 3]), randn([4, 2]))).toThrow(/does not fit A/);
    });

    it("not positive-definite names the leading minor; singular for solve and inv", () => {
      const notPD = tensor([
        [2, 1, 0],
        [1, 2, 0],
        [0, 0, -1],
      ]);
      expect(() => linalg.cholesky(notPD)).toThrow(LinAlgError);
      expect(() => linalg.cholesky(notPD)).toThrow(/leading minor of order 3 is not positive-definite/);
      const sing = tensor([
        [1, 2],
        [2, 4],
      ]);
      expect(() => linalg.inv(sing)).toThrow(/linalg.inv: the input matrix is singular/);
      expect(() => linalg.solve(sing, tensor([1, 2]))).toThrow(LinAlgError);
      expect(linalg.det(sing).item()).toBe(0);
      expect(linalg.slogdet(sing).logabsdet.item()).toBe(Number.NEGATIVE_INFINITY);
    });
  });
});
