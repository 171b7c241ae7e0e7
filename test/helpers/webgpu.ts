import { createWebGpuBackend, type WebGpuBackend } from "../../src/backends/webgpu/index.js";

/**
 * The webgpu backend for a test file, or null with the reason printed (no adapter on this machine:
 * install Mesa's lavapipe, docs/WEBGPU.md). One device per test file (vitest runs files in separate
 * processes).
 */
export async function webgpuOrSkip(file: string): Promise<WebGpuBackend | null> {
  try {
    return await createWebGpuBackend();
  } catch (e) {
    console.warn(`${file}: skipped, no WebGPU adapter: ${(e as Error).message}`);
    return null;
  }
}

/** Elementwise closeness for float32 results: |a − b| ≤ atol + rtol·|b|, NaN only where NaN, ±Inf exactly. */
export function closeF32(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return `at ${i}: ${a} vs ${e}`;
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) return `at ${i}: ${a} vs ${e}`;
      continue;
    }
    if (Math.abs(a - e) > atol + rtol * Math.abs(e))
      return `at ${i}: ${a} vs ${e} (|diff| ${Math.abs(a - e)})`;
  }
  return null;
}
