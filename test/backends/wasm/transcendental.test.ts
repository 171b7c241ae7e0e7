import { describe, expect, it } from "vitest";
import { WasmBackend } from "../../../src/backends/wasm/index.js";

/**
 * The SIMD exp / tanh / sigmoid polynomials against Math's float64 functions rounded to float32, on a
 * dense sweep: at most a few float32 ulps apart (1e-6 relative, or an absolute 1e-37 near underflow).
 */
const wasm = new WasmBackend({ threads: 1 });

function sweep(op: "exp" | "tanh" | "sigmoid", f: (x: number) => number, lo: number, hi: number) {
  const n = 100_003;
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  const view = {
    storage: wasm.upload(xs, "float32"),
    dtype: "float32" as const,
    shape: [n],
    strides: [1],
    offset: 0,
  };
  const got = wasm.readSync(wasm.unary(op, view, "float32"));
  let worst = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const want = Math.fround(f(xs[i]));
    const err = Math.abs(got[i] - want) / Math.max(Math.abs(want), 1e-30);
    if (Math.abs(got[i] - want) > 1e-37 && err > worst) {
      worst = err;
      at = xs[i];
    }
  }
  return { worst, at };
}

describe("wasm SIMD transcendental functions", () => {
  it("exp", () => {
    const { worst, at } = sweep("exp", Math.exp, -90, 90);
    expect(worst, `worst at x = ${at}`).toBeLessThan(1e-6);
  });
  it("tanh (polynomial near 0, exp form beyond)", () => {
    const { worst, at } = sweep("tanh", Math.tanh, -12, 12);
    expect(worst, `worst at x = ${at}`).toBeLessThan(1e-6);
  });
  it("sigmoid", () => {
    const { worst, at } = sweep("sigmoid", (x) => 1 / (1 + Math.exp(-x)), -90, 90);
    expect(worst, `worst at x = ${at}`).toBeLessThan(1e-6);
  });
});
