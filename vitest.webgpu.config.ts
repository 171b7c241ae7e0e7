import { defineConfig } from "vitest/config";

/**
 * The webgpu suite (`npm run test:webgpu`): needs a WebGPU adapter (in CI, Mesa's lavapipe), skips
 * without one. Besides test/backends/webgpu/ it runs the backend-parametrised suite (describeEachBackend)
 * on webgpu only — ref and wasm run it in `npm test` — and makes webgpu the default backend for the other
 * suites of these files. docs/WEBGPU.md says which files and why.
 */
export default defineConfig({
  test: {
    include: [
      "test/backends/webgpu/**/*.test.ts",
      "test/ops/**/*.test.ts",
      // gradcheck.test.ts is float64 only (finite differences): nothing of it runs on webgpu
      "test/autograd/backward.test.ts",
      "test/autograd/function.test.ts",
      "test/autograd/grad_rules.test.ts",
      "test/nn/**/*.test.ts",
      "test/optim/optimizers.test.ts",
    ],
    env: { STRATA_BACKENDS: "webgpu" },
    testTimeout: 120_000,
    pool: "forks",
    setupFiles: ["test/helpers/webgpu_setup.ts"],
  },
});
