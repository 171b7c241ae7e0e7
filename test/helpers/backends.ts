import { afterAll, beforeAll, describe } from "vitest";
import { getBackend, listBackends, setBackend } from "../../src/backends/registry.js";

/**
 * Runs a suite once per registered backend, so every backend passes the same tests. Set
 * STRATA_BACKENDS=ref,wasm to choose which. webgpu is not among the defaults: these suites read values
 * synchronously, which a GPU cannot do (its suite is test/backends/webgpu/, `npm run test:webgpu`).
 */
export function describeEachBackend(name: string, body: (backend: string) => void): void {
  const wanted = process.env.STRATA_BACKENDS?.split(",") ?? listBackends().filter((b) => b !== "webgpu");
  for (const b of wanted) {
    describe(`${name} [${b}]`, () => {
      let previous = "ref";
      beforeAll(() => {
        previous = getBackend().name;
        setBackend(b);
      });
      afterAll(() => {
        setBackend(previous);
      });
      body(b);
    });
  }
}
