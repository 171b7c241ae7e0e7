import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // the GC-driven memory test needs global.gc
    execArgv: ["--expose-gc"],
  },
});
