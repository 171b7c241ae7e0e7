import { defineConfig } from "vitest/config";

/** The webgpu suite (`npm run test:webgpu`): needs a WebGPU adapter (in CI, Mesa's lavapipe), skips without one. */
export default defineConfig({
  test: {
    include: ["test/backends/webgpu/**/*.test.ts"],
    testTimeout: 120_000,
    pool: "forks",
    setupFiles: ["test/helpers/setup.ts"],
  },
});
