import { expect } from "vitest";
import { IndexError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";

/**
 * Expects `make()` to fail with an IndexError whose message contains (or matches) `expected`: at the
 * call where reads are synchronous (ref, wasm), at the next read on webgpu, whose kernels check indices
 * on the device (an index given as a host array is checked at the call there too).
 */
export async function expectIndexError(make: () => Tensor, expected: string | RegExp): Promise<void> {
  let t: Tensor;
  try {
    t = make();
  } catch (e) {
    expect(e).toBeInstanceOf(IndexError);
    expect((e as Error).message).toMatch(expected);
    return;
  }
  expect(t.backend.asyncReads, `${t.backend.name}: expected an IndexError at the call`).toBe(true);
  const error = await t.data().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndexError);
  expect((error as Error).message).toMatch(expected);
}
