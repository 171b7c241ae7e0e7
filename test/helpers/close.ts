import { expect } from "vitest";
import type { Tensor } from "../../src/core/tensor.js";

type Values = Tensor | ArrayLike<number> | number;

/** Reads with `await data()`, which every backend has (webgpu cannot read synchronously). */
async function flat(v: Values): Promise<number[]> {
  if (typeof v === "number") return [v];
  if ("data" in v && typeof v.data === "function") return Array.from(await (v as Tensor).data());
  return Array.from(v as ArrayLike<number>);
}

/**
 * Asserts elementwise |actual − expected| ≤ atol + rtol·|expected| (NaN matches NaN), and equal
 * shapes when both are tensors. The failure names the first bad index.
 */
export async function expectClose(
  actual: Values,
  expected: Values,
  { rtol = 1e-5, atol = 1e-6 } = {},
): Promise<void> {
  if (
    typeof actual === "object" &&
    "shape" in actual &&
    typeof expected === "object" &&
    "shape" in expected
  ) {
    expect([...(actual as Tensor).shape]).toEqual([...(expected as Tensor).shape]);
  }
  const a = await flat(actual);
  const e = await flat(expected);
  expect(a.length, "number of elements").toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok =
      (Number.isNaN(a[i]) && Number.isNaN(e[i])) ||
      a[i] === e[i] ||
      Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) expect.fail(`element ${i}: got ${a[i]}, expected ${e[i]} (rtol ${rtol}, atol ${atol})`);
  }
}

/**
 * `expectClose` reading synchronously (ref and wasm only), for the suites that do not run on webgpu
 * (linalg's host routines, schedulers, clipping, the wasm kernels): the same check, no promise to await.
 */
export function expectCloseSync(actual: Values, expected: Values, { rtol = 1e-5, atol = 1e-6 } = {}): void {
  if (
    typeof actual === "object" &&
    "shape" in actual &&
    typeof expected === "object" &&
    "shape" in expected
  ) {
    expect([...(actual as Tensor).shape]).toEqual([...(expected as Tensor).shape]);
  }
  const a = flatSync(actual);
  const e = flatSync(expected);
  expect(a.length, "number of elements").toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok =
      (Number.isNaN(a[i]) && Number.isNaN(e[i])) ||
      a[i] === e[i] ||
      Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) expect.fail(`element ${i}: got ${a[i]}, expected ${e[i]} (rtol ${rtol}, atol ${atol})`);
  }
}

function flatSync(v: Values): number[] {
  if (typeof v === "number") return [v];
  if ("dataSync" in v && typeof v.dataSync === "function") return Array.from(v.dataSync());
  return Array.from(v as ArrayLike<number>);
}
