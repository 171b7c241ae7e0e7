import { expect, it } from "vitest";
import { ShapeError, StrataError } from "../../src/base/errors.js";
import { manualSeed } from "../../src/core/random.js";
import { eye, randn, tensor } from "../../src/ops/creation.js";
import { concat } from "../../src/ops/movement.js";
import { PCA } from "../../src/unsupervised/pca.js";
import { describeEachBackend } from "../helpers/backends.js";
import { expectCloseSync } from "../helpers/close.js";
import { fixtureTensor, loadFixture } from "../helpers/fixtures.js";

describeEachBackend("PCA", () => {
  const { cases } = loadFixture("pca");
  for (const c of cases) {
    it(`matches scikit-learn 1.2.1 (scripts/gen_fixtures_pca.py): ${c.name}`, () => {
      const x = fixtureTensor(c.X, "float64");
      const pca = new PCA({ nComponents: c.options.n_components, whiten: c.options.whiten });
      pca.fit(x);
      const tol = { atol: 1e-8, rtol: 1e-7 };
      expect(pca.nComponents).toBe(c.n_components);
      expectCloseSync(pca.mean, fixtureTensor(c.mean, "float64"), tol);
      expectCloseSync(pca.components, fixtureTensor(c.components, "float64"), tol);
      expectCloseSync(pca.explainedVariance, fixtureTensor(c.explained_variance, "float64"), tol);
      expectCloseSync(pca.explainedVarianceRatio, fixtureTensor(c.explained_variance_ratio, "float64"), tol);
      expectCloseSync(pca.singularValues, fixtureTensor(c.singular_values, "float64"), tol);
      expect(pca.noiseVariance).toBeCloseTo(c.noise_variance, 8);
      const z = pca.transform(fixtureTensor(c.Y, "float64"));
      expectCloseSync(z, fixtureTensor(c.transform, "float64"), tol);
      expectCloseSync(pca.inverseTransform(z), fixtureTensor(c.inverse_transform, "float64"), tol);
      expectCloseSync(
        new PCA({ nComponents: c.options.n_components, whiten: c.options.whiten }).fitTransform(x),
        fixtureTensor(c.fit_transform, "float64"),
        tol,
      );
    });
  }

  it("float32 input gives float32 results close to the float64 ones", () => {
    const c = cases[1];
    const p32 = new PCA({ nComponents: 3, whiten: true }).fit(fixtureTensor(c.X, "float32"));
    expect(p32.components.dtype).toBe("float32");
    expectCloseSync(p32.components, fixtureTensor(c.components, "float64"), { atol: 1e-4, rtol: 1e-4 });
    expectCloseSync(p32.transform(fixtureTensor(c.Y, "float32")), fixtureTensor(c.transform, "float64"), {
      atol: 1e-3,
      rtol: 1e-3,
    });
  });

  it("all components reconstruct the data; components are orthonormal", () => {
    manualSeed(3);
    const x = randn([30, 7], { dtype: "float64" });
    const pca = new PCA().fit(x);
    expectCloseSync(pca.inverseTransform(pca.transform(x)), x, { atol: 1e-10 });
    const c = pca.components;
    expectCloseSync(
      c.matmul(c.transpose(0, 1)),
      tensor(
        Array.from({ length: 49 }, (_, i) => (i % 8 === 0 ? 1 : 0)),
        { dtype: "float64" },
      ).reshape([7, 7]),
      { atol: 1e-12 },
    );
    expectCloseSync(pca.explainedVarianceRatio.sum(), 1, { atol: 1e-12 });
  });

  it("features that never vary (an image's blank border) get variance 0 and leave the others unchanged", () => {
    manualSeed(5);
    const live = randn([25, 4], { dtype: "float64" });
    const zero = randn([1, 2], { dtype: "float64" }).expand([25, 2]);
    const x = concat([zero.slice(1, 0, 1), live, zero.slice(1, 1, 2)], 1);
    const full = new PCA().fit(x);
    const ref = new PCA().fit(live);
    expectCloseSync(full.explainedVariance.slice(0, 0, 4), ref.explainedVariance, { atol: 1e-12 });
    expectCloseSync(full.explainedVariance.slice(0, 4, 6), [0, 0], { atol: 0 });
    expectCloseSync(full.components.slice(0, 0, 4).slice(1, 1, 5), ref.components, { atol: 1e-12 });
    const c = full.components;
    expectCloseSync(c.matmul(c.transpose(0, 1)), eye(6, 6, { dtype: "float64" }), { atol: 1e-12 });
    expectCloseSync(full.inverseTransform(full.transform(x)), x, { atol: 1e-10 });
  });

  it("many features, few samples (the SVD path): same definitions", () => {
    manualSeed(4);
    const x = randn([12, 1100], { dtype: "float64" });
    const pca = new PCA({ nComponents: 11 }).fit(x);
    // 12 centred samples span 11 dimensions: 11 components reconstruct them exactly
    expectCloseSync(pca.inverseTransform(pca.transform(x)), x, { atol: 1e-9 });
    const z = pca.transform(x);
    expectCloseSync(z.square().sum(0).div(11), pca.explainedVariance, { rtol: 1e-9 });
    expectCloseSync(pca.explainedVarianceRatio.sum(), 1, { atol: 1e-9 });
  });

  it("says what is wrong", () => {
    expect(() => new PCA({ nComponents: 0 })).toThrow(/nComponents must be a positive integer/);
    expect(() => new PCA({ nComponents: 5 }).fit(randn([10, 3]))).toThrow(
      /at most min\(samples, features\) = 3/,
    );
    expect(() => new PCA().transform(randn([2, 3]))).toThrow(StrataError);
    expect(() => new PCA().transform(randn([2, 3]))).toThrow(/call fit\(x\) first/);
    const pca = new PCA({ nComponents: 2 }).fit(randn([10, 4]));
    expect(() => pca.transform(randn([2, 3]))).toThrow(ShapeError);
    expect(() => pca.inverseTransform(randn([2, 3]))).toThrow(/expected samples × 2 components/);
    expect(() => pca.fit(randn([10]))).toThrow(/rank 2/);
  });
});
