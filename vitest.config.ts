import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // the webgpu suite has its own config (vitest.webgpu.config.ts, `npm run test:webgpu`)
    exclude: ["test/backends/webgpu/**", "**/node_modules/**"],
    testTimeout: 60_000,
    pool: "forks",
    setupFiles: ["test/helpers/setup.ts"],
  },
});
