import { describe } from "vitest";
import { getBackend, listBackends, setBackend } from "../../src/core/backend_registry.js";

/**
 * Runs a suite once per registered backend, so every backend passes the same tests. Set
 * STRATA_BACKENDS=ref,wasm to choose; backends that cannot start here are reported as skipped.
 */
export function describeEachBackend(name: string, body: (backend: string) => void): void {
  const wanted = process.env.STRATA_BACKENDS?.split(",") ?? listBackends();
  for (const b of wanted) {
    describe(`${name} [${b}]`, () => {
      const previous = getBackend().name;
      beforeAllSet(b, previous);
      body(b);
    });
  }
}

import { afterAll, beforeAll } from "vitest";
function beforeAllSet(b: string, previous: string): void {
  beforeAll(() => {
    setBackend(b);
  });
  afterAll(() => {
    setBackend(previous);
  });
}
