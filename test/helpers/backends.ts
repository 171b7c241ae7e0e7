import { afterAll, beforeAll, describe, it } from "vitest";
import { getBackend, listBackends, setBackend } from "../../src/backends/registry.js";
import { webgpuUnavailable } from "./webgpu_run.js";

/**
 * What a test may need that a backend lacks, and why; `itNeeds` skips the test there, and the suite
 * prints how many it skipped and the reason.
 */
const LIMITS: Record<string, Record<Need, string>> = {
  webgpu: {
    float64: "float64: WGSL has no f64 (webgpu has float32, int32, bool)",
    syncRead:
      "a synchronous read (dataSync/toArray/item or a host routine inside an op), which a GPU cannot do",
  },
};

export type Need = "float64" | "syncRead";

/** The backend whose suite is being collected (describeEachBackend), else the run's default. */
let collecting: string | null = null;
const skipped = new Map<string, Map<string, number>>();

function collectingBackend(): string | null {
  return collecting ?? (process.env.STRATA_BACKENDS === "webgpu" ? "webgpu" : null);
}

/**
 * `it`, or `it.skip` on a backend that lacks `need` (float64 or synchronous reads on webgpu), counted
 * so the run says what it skipped and why. Use it as `it`: `itNeeds("float64")("name", () => ...)`,
 * `itNeeds("float64").each(cases)(...)`.
 */
export function itNeeds(need: Need): typeof it.skip {
  const b = collectingBackend();
  const reason = b ? LIMITS[b]?.[need] : undefined;
  if (!reason || !b) return it;
  const perBackend = skipped.get(b) ?? new Map<string, number>();
  skipped.set(b, perBackend);
  perBackend.set(reason, (perBackend.get(reason) ?? 0) + 1);
  return it.skip;
}

/** `it` for a test in `dtype`: skipped where the backend lacks it (float64 on webgpu). */
export function itInDtype(dtype: "float32" | "float64"): typeof it.skip {
  return dtype === "float64" ? itNeeds("float64") : it;
}

/**
 * Runs a suite once per backend, so every backend passes the same tests. By default ref and wasm;
 * STRATA_BACKENDS=ref,wasm,webgpu chooses (`npm run test:webgpu` sets webgpu: vitest.webgpu.config.ts).
 * Reads are awaited (`await t.data()`, `await expectClose(...)`) so the same tests run on webgpu; where
 * the adapter is missing the webgpu suites skip, printing why.
 */
export function describeEachBackend(name: string, body: (backend: string) => void): void {
  const wanted = process.env.STRATA_BACKENDS?.split(",") ?? listBackends().filter((b) => b !== "webgpu");
  for (const b of wanted) {
    const noAdapter = b === "webgpu" ? webgpuUnavailable() : null;
    const suite = noAdapter ? describe.skip : describe;
    suite(`${name} [${b}]`, () => {
      let previous = "ref";
      beforeAll(async () => {
        previous = getBackend().name;
        await setBackend(b);
      });
      afterAll(async () => {
        await setBackend(previous);
      });
      const outer = collecting;
      collecting = b;
      try {
        body(b);
      } finally {
        collecting = outer;
      }
    });
  }
}

afterAll(() => {
  for (const [b, reasons] of skipped) {
    for (const [reason, n] of reasons) console.log(`[${b}] ${n} test(s) skipped: ${reason}`);
  }
  skipped.clear();
});

/**
 * Whether the current backend reads synchronously (ref, wasm; not webgpu). Value checks that read the
 * data (an index out of range, a label outside the classes, a probability outside [0, 1]) run only
 * there: on webgpu they are skipped (docs/WEBGPU.md), so a test asserts their error only here.
 */
export function syncReads(): boolean {
  return !getBackend().asyncReads;
}
